"""Conversion and page counts (Điều 3.1đ): office files become PDF through one long-lived
LibreOffice, page counts and text are stored, and a failure never loses the original."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import time
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from documents.conversion import ConversionTimeout, Converter, ConverterUnavailable
from documents.models import Document, DocumentVersion, ProcessingState
from documents.tasks import THUMBNAIL_WIDTH, process_version
from documents.tests.conftest import docx_bytes, make_version, pdf_bytes, png_bytes, pptx_bytes, xlsx_bytes


def processed(version: DocumentVersion) -> DocumentVersion:
    assert process_version.call(version.pk) == ProcessingState.DONE
    version.refresh_from_db()
    return version


def thumbnail_size(version: DocumentVersion) -> tuple[int, int]:
    with version.thumbnail.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "PNG"
        return image.size


def test_docx_becomes_a_pdf_with_its_pages_and_searchable_text(meeting, organiser, lo_converter) -> None:
    content = docx_bytes(3, first_line="Kế hoạch tổ chức Hội nghị tổng kết")
    version = processed(make_version(meeting, organiser, content, "docx", title="Dự thảo kế hoạch"))

    assert version.state == ProcessingState.DONE and version.progress == 100 and version.processed_at
    assert version.page_count == 3
    with version.pdf.open("rb") as handle:
        assert len(pypdf.PdfReader(handle).pages) == 3
    assert "Kế hoạch tổ chức" in version.text
    assert thumbnail_size(version)[0] == THUMBNAIL_WIDTH
    search_text = Document.objects.get(pk=version.document_id).search_text
    assert search_text.startswith("du thao ke hoach") and "ke hoach to chuc hoi nghi tong ket" in search_text
    with version.file.open("rb") as handle:  # the original is untouched
        assert hashlib.sha256(handle.read()).hexdigest() == version.sha256


@pytest.mark.parametrize(
    ("file_type", "make", "pages"),
    [("xlsx", lambda: xlsx_bytes(2), 2), ("pptx", lambda: pptx_bytes(4), 4)],
    ids=["two-sheets", "four-slides"],
)
def test_spreadsheet_and_presentation_pages_are_counted(meeting, organiser, lo_converter, file_type, make, pages):  # type: ignore[no-untyped-def]
    version = processed(make_version(meeting, organiser, make(), file_type))
    assert version.page_count == pages
    with version.pdf.open("rb") as handle:
        assert len(pypdf.PdfReader(handle).pages) == pages
    assert (version.pdf.name or "").endswith(".pdf") and (version.thumbnail.name or "").endswith(".png")


def test_a_pdf_keeps_its_page_count_and_is_its_own_pdf(meeting, organiser) -> None:
    version = processed(make_version(meeting, organiser, pdf_bytes(5), "pdf"))
    assert version.page_count == 5
    assert version.pdf.name == version.file.name
    assert "Bao cao tong ket trang 5" in version.text
    assert thumbnail_size(version)[0] == THUMBNAIL_WIDTH


def test_an_image_counts_one_page_and_is_its_own_thumbnail(meeting, organiser) -> None:
    version = processed(make_version(meeting, organiser, png_bytes(1200, 900), "png"))
    assert version.page_count == 1 and version.text == "" and not version.pdf
    assert thumbnail_size(version) == (THUMBNAIL_WIDTH, 225)


def test_a_corrupt_office_file_fails_with_a_reason_and_keeps_the_original(meeting, organiser, lo_converter) -> None:
    content = os.urandom(20_000)
    version = make_version(meeting, organiser, content, "docx", title="Tệp hỏng")

    assert process_version.call(version.pk) == ProcessingState.FAILED

    version.refresh_from_db()
    assert version.state == ProcessingState.FAILED
    assert "DOCX" in version.error and len(version.error) > 20
    assert not version.pdf and not version.thumbnail and version.page_count is None
    assert Path(version.file.path).read_bytes() == content
    assert lo_converter.pid is not None  # LibreOffice survives a bad file


def test_a_damaged_pdf_fails_with_a_reason(meeting, organiser) -> None:
    version = make_version(meeting, organiser, b"%PDF-1.7\n" + os.urandom(3000), "pdf")
    assert process_version.call(version.pk) == ProcessingState.FAILED
    version.refresh_from_db()
    assert "PDF" in version.error and Path(version.file.path).is_file()


def test_a_missing_original_fails_with_a_reason(meeting, organiser) -> None:
    version = make_version(meeting, organiser, pdf_bytes(1), "pdf")
    Path(version.file.path).unlink()
    assert process_version.call(version.pk) == ProcessingState.FAILED
    version.refresh_from_db()
    assert version.error


def test_the_converter_is_reused_and_restarts_after_being_killed(lo_converter, tmp_path) -> None:
    source = tmp_path / "a.docx"
    source.write_bytes(docx_bytes(2))
    assert lo_converter.convert(source, tmp_path / "1.pdf", file_type="docx") == 2
    first = lo_converter.pid
    assert lo_converter.convert(source, tmp_path / "2.pdf", file_type="docx") == 2
    assert lo_converter.pid == first is not None

    os.killpg(first, signal.SIGKILL)  # the bridge and its soffice
    deadline = time.monotonic() + 10
    while lo_converter.pid is not None and time.monotonic() < deadline:
        time.sleep(0.05)

    assert lo_converter.convert(source, tmp_path / "3.pdf", file_type="docx") == 2
    assert lo_converter.pid not in (None, first)
    with (tmp_path / "3.pdf").open("rb") as handle:
        assert len(pypdf.PdfReader(handle).pages) == 2


def test_a_conversion_over_the_time_limit_is_stopped(tmp_path) -> None:
    converter = Converter(timeout=0.001)
    source = tmp_path / "a.docx"
    source.write_bytes(docx_bytes(1))
    try:
        with pytest.raises(ConversionTimeout):
            converter.convert(source, tmp_path / "a.pdf", file_type="docx")
        assert converter.pid is None  # killed; the next file gets a fresh LibreOffice
    finally:
        converter.close()


def test_missing_libreoffice_names_the_debian_packages(tmp_path) -> None:
    with pytest.raises(ConverterUnavailable, match="libreoffice-writer-nogui.*python3-uno"):
        Converter(soffice="/nonexistent/soffice").convert(tmp_path / "a.docx", tmp_path / "a.pdf")
    with pytest.raises(ConverterUnavailable, match="python3-uno"):
        Converter(python="/nonexistent/python3").convert(tmp_path / "a.docx", tmp_path / "a.pdf")


def test_the_pdf_text_is_capped(meeting, organiser, monkeypatch) -> None:
    monkeypatch.setattr("documents.tasks.TEXT_LIMIT", 40)
    version = processed(make_version(meeting, organiser, pdf_bytes(5), "pdf"))
    assert len(version.text) == 40 and version.page_count == 5


def test_an_image_thumbnail_is_a_png(meeting, organiser) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 1500), (0, 0, 0)).save(buffer, format="JPEG")
    version = processed(make_version(meeting, organiser, buffer.getvalue(), "jpg"))
    assert version.page_count == 1
    assert thumbnail_size(version) == (240, 1200)  # a tall image fits the maximum height


def test_a_python_without_uno_is_reported(tmp_path) -> None:
    import sys

    with pytest.raises(ConverterUnavailable, match="cannot import uno.*python3-uno"):
        Converter(python=sys.executable).convert(tmp_path / "a.docx", tmp_path / "a.pdf")


def test_each_page_has_its_own_text(meeting, organiser, lo_converter) -> None:
    version = processed(make_version(meeting, organiser, docx_bytes(3, first_line="Mở đầu kỳ họp"), "docx"))
    assert version.page_texts == ["Mở đầu kỳ họp", "Nội dung trang 2", "Nội dung trang 3"]
    assert version.ocr_pages == []
    assert version.text == "\n".join(version.page_texts)


def test_pdf_page_texts_are_capped_with_the_text(meeting, organiser, monkeypatch) -> None:
    monkeypatch.setattr("documents.tasks.TEXT_LIMIT", 40)
    version = processed(make_version(meeting, organiser, pdf_bytes(5), "pdf"))
    assert version.page_texts == ["Bao cao tong ket trang 1", "Bao cao tong ke"]
    assert version.text == "\n".join(version.page_texts)


def test_sheet_names_are_searchable(meeting, organiser, lo_converter) -> None:
    version = processed(make_version(meeting, organiser, xlsx_bytes(3), "xlsx", title="Dự toán"))
    assert version.text.endswith("\nTrang tính: Quý 1; Quý 2; Quý 3")
    assert len(version.page_texts) == 3 and "Quý" not in "".join(version.page_texts)
    assert "trang tinh: quy 1; quy 2; quy 3" in Document.objects.get(pk=version.document_id).search_text


def test_slide_titles_are_searchable_in_slide_order(meeting, organiser, lo_converter) -> None:
    version = processed(make_version(meeting, organiser, pptx_bytes(3), "pptx"))
    assert version.text.endswith("\nTiêu đề trang chiếu: Báo cáo phần 1; Báo cáo phần 2; Báo cáo phần 3")
    assert version.page_texts[1] == "Báo cáo phần 2"


def test_spreadsheet_numbers_use_vietnamese_separators(meeting, organiser, lo_converter) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for column in "ABC":
        sheet.column_dimensions[column].width = 24
    sheet.append(["Tổng kinh phí", 23800000, 1234.5])
    sheet["B1"].number_format = "#,##0"
    sheet["C1"].number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)

    version = processed(make_version(meeting, organiser, buffer.getvalue(), "xlsx"))

    with version.pdf.open("rb") as handle:
        shown = pypdf.PdfReader(handle).pages[0].extract_text()
    assert "23.800.000" in shown and "1.234,50" in shown and "23,800,000" not in shown
    assert "Tổng kinh phí 23.800.000 1.234,50" in version.page_texts[0]
