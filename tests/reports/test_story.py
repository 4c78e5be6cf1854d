"""A long register's body made as the layout reaches it: the same pages and fingerprint as
the body built at once, with only a few flowables ever held ahead of the layout."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from qmsdesk.models.db import Database
from qmsdesk.reports import story
from qmsdesk.reports.document import data_table, para, styles
from qmsdesk.reports.fingerprint import content_fingerprint
from qmsdesk.reports.issue import ReportRequest, content_builder, generate_report
from qmsdesk.services.progress import run_task
from tests.reports.helpers import pdf_text


class Counted(Paragraph):
    """A paragraph that says how many flowables had been made when it was drawn."""

    made = drawn = 0
    widest_gap = 0

    def draw(self) -> None:
        Counted.drawn += 1
        Counted.widest_gap = max(Counted.widest_gap, Counted.made - Counted.drawn)
        super().draw()


def _sections(count: int) -> Iterator[Flowable]:
    st = styles()
    for number in range(count):
        heading = Counted(f"Section {number}", st.h2)  # kept with the table that follows
        Counted.made += 1
        yield heading
        yield data_table(["Ref", "Text"], [[f"R-{number}-{row}", "words " * 12]
                                           for row in range(number % 7 + 1)], [1, 4])
        body = Counted(f"Closing note of section {number}. " * (number % 5 + 1), st.body)
        Counted.made += 1
        yield body


def _pages(flowables: list[Flowable] | story.StoryStream) -> list[str]:
    from pypdf import PdfReader

    out = io.BytesIO()
    SimpleDocTemplate(out).build(flowables)
    return [page.extract_text() for page in PdfReader(out).pages]


def test_a_streamed_story_lays_out_as_the_whole_list_and_holds_only_a_few_ahead():
    title = [para("Register", styles().h1)]
    whole = _pages([*title, *_sections(150)])
    Counted.made = Counted.drawn = Counted.widest_gap = 0
    streamed = _pages(story.StoryStream([para("Register", styles().h1)], _sections(150)))
    assert streamed == whole
    assert len(whole) > 15
    assert Counted.drawn == 300
    # The layout reads a bounded way ahead of what it has drawn, whatever the length.
    assert Counted.widest_gap <= story.StoryStream.AHEAD


def test_a_long_register_prints_and_fingerprints_as_a_short_one(
        demo_db: Database, today: date, tmp_path, monkeypatch):
    """The demo's parties report made as it is read (from 2 records) and built at once:
    the same pages, the same fingerprint, so the same revision."""
    def issue(name: str):
        return run_task(generate_report(demo_db, "parties", tmp_path / name,
                                        ReportRequest(today, "Tester")))

    short = issue("short.pdf")
    monkeypatch.setattr(story, "LONG_REGISTER", 2)
    made = issue("made.pdf")
    reader_short, _ = pdf_text(short.path)
    reader_made, _ = pdf_text(made.path)
    assert len(reader_made.pages) == len(reader_short.pages) > 10
    assert [page.get_contents().get_data() for page in reader_made.pages] == [
        page.get_contents().get_data() for page in reader_short.pages]
    assert made.issue.fingerprint == short.issue.fingerprint
    assert (made.revision, made.new_revision) == (short.revision, False)


@pytest.mark.parametrize("kind", ["objectives", "suppliers"])
def test_every_long_register_is_made_in_the_order_it_is_built(
        demo_db: Database, today: date, monkeypatch, kind: str):
    """Objectives and suppliers made as they are read give the flowables they give built at
    once (read by the content fingerprint), on each reading. Their charts are left blank:
    what is tested is which flowables come in which order, not the drawing."""
    import importlib

    module = importlib.import_module(f"qmsdesk.reports.{kind}_report")
    monkeypatch.setattr(module, "chart_image",
                        lambda builder, *args, width, **kwargs: Spacer(width, 20))

    def fingerprints() -> list[str]:
        content = run_task(content_builder(kind)(demo_db, ReportRequest(today, "Tester")))
        return [content_fingerprint((), story.flowables_of(content.body))
                for _ in range(1 if isinstance(content.body, list) else 2)]

    [short] = fingerprints()
    monkeypatch.setattr(story, "LONG_REGISTER", 2)
    monkeypatch.setattr(module, "LONG_SUPPLIERS", 2, raising=False)
    assert fingerprints() == [short, short]


def _records(count: int) -> story.Records[int]:
    records: story.Records[int] = story.Records()
    for number in range(count):
        records.append(number)
    return records


def test_a_short_register_is_built_once_and_a_long_one_on_each_reading():
    made: list[int] = []

    def section(record: int) -> list[Flowable]:
        made.append(record)
        return [para(str(record))]

    short = story.register_body([], _records(3), section, [])
    assert isinstance(short, list) and made == [0, 1, 2]
    made.clear()
    long = story.register_body([], _records(story.LONG_REGISTER + 5), section, [])
    assert made == []  # nothing made until it is read
    for _ in range(2):
        assert sum(1 for _ in story.flowables_of(long)) == story.LONG_REGISTER + 5
    assert made == 2 * list(range(story.LONG_REGISTER + 5))


def test_a_head_given_as_what_makes_it_is_made_afresh_for_each_reading_of_a_long_body():
    """So that a table of every record (the approved supplier list) is let go once printed,
    not held laid out to the end of the report for the second reading."""
    heads: list[list[Flowable]] = []

    def head() -> list[Flowable]:
        heads.append([para("Register")])
        return heads[-1]

    short = story.register_body(head, _records(3), lambda n: [para(str(n))], [])
    assert isinstance(short, list) and short[0] is heads[0][0] and len(heads) == 1
    heads.clear()
    long = story.register_body(head, _records(story.LONG_REGISTER), lambda n: [para(str(n))],
                               lambda: [para("Evidence")])
    first, second = (list(story.flowables_of(long)) for _ in range(2))
    assert len(heads) == 2 and first[0] is heads[0][0] and second[0] is heads[1][0]
    assert [f.getPlainText() for f in first] == [f.getPlainText() for f in second]
    assert first[-1].getPlainText() == "Evidence"


def test_a_register_of_heavy_sections_says_where_it_is_long(monkeypatch):
    """Suppliers are long from LONG_SUPPLIERS on, well before other registers: each section
    holds its chart's picture until it is laid out."""
    from qmsdesk.reports import suppliers_report

    assert suppliers_report.LONG_SUPPLIERS < story.LONG_REGISTER
    records: story.Records[int] = story.Records(3)
    for number in range(2):
        records.append(number)
    assert not records.long
    records.append(2)
    assert records.long and list(records) == [0, 1, 2]
    assert not isinstance(story.register_body([], records, lambda n: [para(str(n))], []), list)


def test_a_long_registers_records_are_kept_packed_and_come_back_equal():
    from qmsdesk.services.parties.records import PartyRecord

    records: story.Records[PartyRecord] = story.Records()
    originals = [PartyRecord(name=f"Party {n}", category="customer", influence=n % 5 + 1,
                             interest=3) for n in range(story.LONG_REGISTER + 1)]
    for record in originals:
        records.append(record)
    assert records._packed is not None and not records._records
    assert list(records) == originals
    assert len(records) == len(originals)


def test_reading_ahead_gives_every_flowable_in_order_having_made_the_next_ones():
    made: list[int] = []

    def numbers() -> Iterator[int]:
        for number in range(10):
            made.append(number)
            yield number

    seen = []
    for number in story.read_ahead(numbers(), count=3):  # type: ignore[arg-type]
        seen.append(number)
        assert len(made) == min(10, number + 4)
    assert seen == list(range(10))



def test_the_fingerprint_lets_each_flowable_s_text_go_once_hashed():
    """A long register's story is made as it is read: the fingerprint hashes each part as
    it comes, so it never holds the whole report's text (20 000 sections of 1 KB here)."""
    import tracemalloc

    class Section(Flowable):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

        @property
        def fingerprint(self) -> str:
            return f"{self.n:05d}" + "x" * 1000

    def made() -> Iterator[Flowable]:
        return (Section(n) for n in range(20_000))

    tracemalloc.start()
    try:
        content_fingerprint(("header",), made())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # held whole: 20 MB
