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


def test_a_written_page_keeps_only_its_name_and_pages_with_the_same_picture_share_one_dictionary(
) -> None:
    """Every page waits in the document until the file is done; what it keeps is what each
    of a 30 000-page report multiplies. Links and pictures still read back."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(picture, format="PNG")
    out = io.BytesIO()
    canvas = Canvas(out)
    for number in (1, 2):
        canvas.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 72, 600, 40, 40)
        canvas.drawString(72, 720, f"Supplier page {number}")
        canvas.linkURL("https://example.org/", (72, 700, 200, 715))
        canvas.showPage()
        seal_last_page(canvas)
    first, second = canvas._doc.Pages.pages
    assert first.XObjects is second.XObjects  # one dictionary for the same picture
    assert "Trans" not in first.__dict__ and "stream" not in first.__dict__
    write_document(canvas)

    assert [sorted(page.__dict__) for page in (first, second)] == [["__InternalName__"]] * 2
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert [page.extract_text().strip() for page in reader.pages] == ["Supplier page 1",
                                                             "Supplier page 2"]
    for page in reader.pages:
        assert len(page["/Resources"]["/XObject"]) == 1
        assert page["/Annots"][0].get_object()["/A"]["/URI"] == "https://example.org/"
