"""What every issued PDF carries besides its content: embedded fonts only, its language
and title, the generation time with its offset from UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pypdf import PdfReader

from qmsdesk import clock
from qmsdesk.services.parties import service as parties
from qmsdesk.services.progress import run_task
from tests.factories import make_party
from tests.reports.helpers import parties_report


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Base font name -> whether its program is embedded, over every page."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2",
                                                           "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def test_every_font_is_embedded_and_the_language_and_title_are_set(db, today, tmp_path):
    parties.save_party(db, make_party(today, "Société Générale de Mécanique"), today)
    path = run_task(parties_report(db, tmp_path / "parties.pdf", today, "Anna Kowalska"))
    reader = PdfReader(path)
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts
    assert not any("Helvetica" in name for name in fonts)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == "Interested parties register"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    footer = reader.pages[0].extract_text()
    assert "Generated 2026-11-21 12:00 UTC" in " ".join(footer.split())


def test_a_moment_is_printed_with_its_offset_from_utc():
    at = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert clock.stamp(at) == "2026-11-21 12:00 UTC"
    assert clock.stamp(at.astimezone(timezone(timedelta(hours=1)))) == \
        "2026-11-21 13:00 UTC+01:00"
    assert clock.stamp(at.astimezone(timezone(timedelta(hours=-5, minutes=-30)))) == \
        "2026-11-21 06:30 UTC-05:30"
