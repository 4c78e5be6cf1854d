"""A finished page keeps none of its content in memory (it waits, compressed, in the
document's spool), the document is written object by object, and the PDF reads the same."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from qmsdesk.reports.page_stream import seal_last_page, write_document


class Written(io.BytesIO):
    """A file that counts the writes it is given."""

    writes = 0

    def write(self, data) -> int:  # type: ignore[override]
        self.writes += 1
        return super().write(data)


def test_a_finished_page_waits_compressed_in_the_spool_and_the_pdf_reads_back() -> None:
    out = Written()
    canvas = Canvas(out)
    for number in (1, 2, 3):
        canvas.drawString(72, 720, f"Register page {number}: " + "row text " * 40)
        canvas.showPage()
        seal_last_page(canvas)
        page = canvas._doc.Pages.pages[-1]
        assert page.stream is None and page.Contents.content is None  # none held here
        operators = zlib.decompress(page.Contents._spooled.read()).decode("utf-8")
        assert f"Register page {number}:" in operators
    write_document(canvas)

    assert out.writes > 3 * 2  # object by object, not the file joined in memory first
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert [page.extract_text().split(":")[0] for page in reader.pages] == [
        "Register page 1", "Register page 2", "Register page 3"]
    assert all(page["/Contents"].get_object()["/Filter"] == ["/FlateDecode"]
               for page in reader.pages)
