"""A finished page keeps only its compressed content, and the PDF reads the same."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from qmsdesk.reports.page_stream import seal_last_page


def test_a_finished_page_holds_its_content_compressed_and_the_pdf_reads_back() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in (1, 2, 3):
        canvas.drawString(72, 720, f"Register page {number}: " + "row text " * 40)
        canvas.showPage()
        seal_last_page(canvas)
        page = canvas._doc.Pages.pages[-1]
        assert page.stream is None  # nothing uncompressed waits for save()
        operators = zlib.decompress(page.Contents.content).decode("utf-8")
        assert f"Register page {number}:" in operators
    canvas.save()

    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    assert [page.extract_text().split(":")[0] for page in reader.pages] == [
        "Register page 1", "Register page 2", "Register page 3"]
    assert all(page["/Contents"].get_object()["/Filter"] == ["/FlateDecode"]
               for page in reader.pages)
