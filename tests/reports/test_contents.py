"""The table of contents: laid out in one pass, numbered and linked at the end, and laid
out once more only when a heading escaped the reading of the story."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import BaseDocTemplate, Flowable, PageBreak, Paragraph

from qmsdesk.reports.contents import Heading, headings
from qmsdesk.reports.document import (
    OUTLINE_LEVELS,
    build_pdf,
    para,
    styles,
    table_of_contents,
)
from qmsdesk.reports.document_control import DocumentControl
from qmsdesk.reports.layout import KeepTogether
from tests.reports.helpers import contents_lines

CONTROL = DocumentControl(title="Contents test", document_number="QMS-T-1", revision="1",
                          organisation="Präzision Müller GmbH", prepared_by="Tester",
                          approved_by="Not yet approved", issue_date=date(2026, 12, 2))


class Hidden(Flowable):
    """Holds a heading the story reader cannot see: it hands it over only when split."""

    def __init__(self, heading: Paragraph) -> None:
        super().__init__()
        self.heading = heading

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, availHeight + 1  # never fits: always split

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return [self.heading]


def _story(hidden: bool = False) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [para("Contents", st.h3), table_of_contents(), PageBreak()]
    for number in range(1, 5):
        story += [para(f"{number}. Section {number} — 株式会社サンプル", st.h1),
                  KeepTogether([para(f"Part {number}.1", st.h2), para("Text " * 400)]),
                  PageBreak()]
    if hidden:
        story += [Hidden(para("5. Annex", st.h1)), para("The annex.")]
    return story


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a document is laid out."""
    count: list[int] = []
    build = BaseDocTemplate.build

    def counted(self: BaseDocTemplate, *args: object, **kwargs: object) -> None:
        count.append(1)
        build(self, *args, **kwargs)

    monkeypatch.setattr(BaseDocTemplate, "build", counted)
    return count


def _contents(reader: PdfReader) -> list[str]:
    return contents_lines(reader.pages[0])


def _outline(reader: PdfReader) -> list[str]:
    def walk(items: list) -> list[str]:
        out: list[str] = []
        for item in items:
            out += walk(item) if isinstance(item, list) else [
                f"{item.title} {reader.get_destination_page_number(item) + 1}"]
        return out
    return walk(reader.outline)


def test_headings_are_read_with_their_levels_from_inside_keep_together() -> None:
    assert headings(_story(), OUTLINE_LEVELS)[:2] == [
        Heading(0, "1. Section 1 — 株式会社サンプル"), Heading(1, "Part 1.1")]
    st = styles()  # a level never skips one: an h2 first is a top-level entry
    assert headings([para("A", st.h2), para("B", st.h1)], OUTLINE_LEVELS) == [
        Heading(0, "A"), Heading(0, "B")]


def test_contents_are_laid_out_once_with_every_heading_its_page_and_a_link(
        tmp_path: Path, layouts: list[int]) -> None:
    built = build_pdf(tmp_path / "doc.pdf", CONTROL, _story())
    assert len(layouts) == 1
    reader = PdfReader(built.path)
    assert _contents(reader) == _outline(reader) and len(_outline(reader)) == 8
    assert "1. Section 1 — 株式会社サンプル 2" in _contents(reader)
    assert any(line.startswith("Part 4.1 ") for line in _contents(reader))
    links = [annot.get_object() for annot in reader.pages[0].get("/Annots", [])]
    pages = [reader.get_page_number(link["/Dest"][0].get_object()) + 1 for link in links]
    assert pages == [int(entry.rsplit(" ", 1)[1]) for entry in _outline(reader)]


def test_a_heading_the_reading_missed_is_listed_after_a_second_layout(
        tmp_path: Path, layouts: list[int]) -> None:
    built = build_pdf(tmp_path / "doc.pdf", CONTROL, _story(hidden=True))
    assert len(layouts) == 2
    reader = PdfReader(built.path)
    assert _contents(reader) == _outline(reader)
    assert _contents(reader)[-1] == f"5. Annex {len(reader.pages)}"


def test_a_document_without_contents_is_laid_out_once(tmp_path: Path,
                                                      layouts: list[int]) -> None:
    build_pdf(tmp_path / "doc.pdf", CONTROL, _story(hidden=True)[3:])
    assert len(layouts) == 1


def test_a_story_that_can_be_remade_is_let_go_as_laid_out_and_remade_for_a_second_layout(
        tmp_path: Path, layouts: list[int]) -> None:
    """Kept whole for a second layout that hardly ever comes, every table's laid-out cells
    stayed in memory to the end. With a way to make it anew, the story is consumed by the
    first layout, and made again only when the contents need a second."""
    story = _story()
    remade: list[int] = []

    def remake() -> list[Flowable]:
        remade.append(1)
        return _story(hidden=True)

    build_pdf(tmp_path / "plain.pdf", CONTROL, story, remake=remake)
    assert story == [] and remade == [] and len(layouts) == 1  # consumed; nothing remade
    layouts.clear()
    built = build_pdf(tmp_path / "doc.pdf", CONTROL, _story(hidden=True), remake=remake)
    assert remade == [1] and len(layouts) == 2
    reader = PdfReader(built.path)
    assert _contents(reader) == _outline(reader)
    assert _contents(reader)[-1] == f"5. Annex {len(reader.pages)}"
