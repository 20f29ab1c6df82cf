"""Scans are searchable (issue 10): an uploaded photo or scan, and each page of a PDF that is only
an image, is read by OCR (tesseract, Vietnamese model) during processing; its text goes into the
page's text and the page is listed in `ocr_pages`. Without tesseract processing still succeeds."""

from __future__ import annotations

import io
import logging
import re

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from documents import ocr
from documents.models import Document, DocumentVersion, ProcessingState
from documents.search import fold
from documents.tasks import process_version
from documents.tests.conftest import make_version, pdf_bytes

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = (
    "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
    "Nghị quyết về kế hoạch đầu tư công trung hạn",
    "Hội đồng nhân dân tỉnh thông qua dự toán ngân sách",
    "Sở Tài chính phối hợp với các huyện thực hiện",
)
DISTINCTIVE = (
    "Ninh", "Bình", "Nghị", "quyết", "hoạch", "đầu", "trung", "hạn", "Hội", "đồng",
    "thông", "dự", "toán", "ngân", "sách", "Tài", "chính", "phối", "hợp", "huyện",
)  # fmt: skip

pytestmark = pytest.mark.skipif(ocr.shutil.which(ocr.TESSERACT) is None, reason="tesseract-ocr is not installed")


def scanned_page(lines: tuple[str, ...] = LINES) -> Image.Image:
    """An A5 page at 300 dpi as a scanner gives it: grey paper, dark grey ink, a slight tilt, soft edges."""
    font = ImageFont.truetype(FONT, 40)
    page = Image.new("L", (1748, 2480), 238)
    draw = ImageDraw.Draw(page)
    for row, line in enumerate(lines):
        draw.text((150, 250 + row * 95), line, font=font, fill=40)
    return page.rotate(0.6, fillcolor=238, resample=Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(0.8))


def encoded(image: Image.Image, file_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=file_format, resolution=300)
    return buffer.getvalue()


def recall(text: str, words: tuple[str, ...] = DISTINCTIVE) -> float:
    """Share of `words` found in `text`, ignoring accents (tesseract may drop a few diacritics)."""
    found = set(re.findall(r"\w+", fold(text)))
    return sum(fold(word) in found for word in words) / len(words)


def processed(version: DocumentVersion) -> DocumentVersion:
    assert process_version.call(version.pk) == ProcessingState.DONE
    version.refresh_from_db()
    return version


@pytest.mark.parametrize("file_type", ["png", "jpg"])
def test_a_scanned_image_is_read_by_ocr(meeting, organiser, file_type) -> None:
    content = encoded(scanned_page(), "JPEG" if file_type == "jpg" else "PNG")
    version = processed(make_version(meeting, organiser, content, file_type))

    assert version.page_count == 1 and version.ocr_pages == [1]
    assert len(version.page_texts) == 1 and version.text == version.page_texts[0]
    assert recall(version.text) >= 0.8, version.text
    assert "ngan sach" in Document.objects.get(pk=version.document_id).search_text


def test_an_image_only_pdf_page_is_read_by_ocr_and_a_text_page_is_not(meeting, organiser) -> None:
    from pypdf import PdfReader, PdfWriter

    scan = PdfReader(io.BytesIO(encoded(scanned_page(), "PDF")))
    text = PdfReader(io.BytesIO(pdf_bytes(1)))
    writer = PdfWriter()
    writer.add_page(text.pages[0])
    writer.add_page(scan.pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)

    version = processed(make_version(meeting, organiser, buffer.getvalue(), "pdf"))

    assert version.page_count == 2 and version.ocr_pages == [2]
    first, second = version.page_texts
    assert first == "Bao cao tong ket trang 1"
    assert recall(second) >= 0.8, second
    assert version.text.startswith(first) and second in version.text


def test_without_tesseract_processing_succeeds_and_warns(meeting, organiser, monkeypatch, tmp_path, caplog) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no tesseract on it
    content = encoded(scanned_page(), "PNG")
    with caplog.at_level(logging.WARNING, logger="documents.ocr"):
        version = processed(make_version(meeting, organiser, content, "png"))

    assert version.state == ProcessingState.DONE and version.page_count == 1 and version.thumbnail
    assert version.ocr_pages == [] and version.text == ""
    [warning] = [record for record in caplog.records if record.name == "documents.ocr"]
    assert "tesseract is not installed" in warning.getMessage()
    assert "tesseract-ocr tesseract-ocr-vie" in warning.getMessage()


def test_a_missing_vietnamese_model_disables_ocr_with_a_warning(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a tessdata folder without vie.traineddata
    reader = ocr.OcrSession(tmp_path)
    with caplog.at_level(logging.WARNING, logger="documents.ocr"):
        assert reader.read(scanned_page(), label="page 1", dpi=300) is None
        assert reader.read(scanned_page(), label="page 2", dpi=300) is None

    assert "'vie' model" in reader.unavailable
    assert len([record for record in caplog.records if record.name == "documents.ocr"]) == 1


def test_a_blank_scan_has_no_text_and_no_ocr_page(meeting, organiser) -> None:
    content = encoded(Image.new("L", (1200, 1600), 250), "PNG")
    version = processed(make_version(meeting, organiser, content, "png"))
    assert version.page_texts == [""] and version.ocr_pages == [] and version.text == ""


def test_a_page_too_large_for_300_dpi_is_rendered_smaller() -> None:
    assert ocr.render_scale(595, 842) == pytest.approx(300 / 72)  # A4 at 300 dpi
    width, height = 2384, 3370  # A0
    scale = ocr.render_scale(width, height)
    assert scale < 300 / 72 and width * height * scale * scale <= ocr.MAX_PIXELS * 1.001
