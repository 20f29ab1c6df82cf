"""Document fixtures: the meeting fixtures (organiser, leader, attendee, ...), an approved meeting
with its chair and one attendee, and media files written under a per-test directory."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile

from documents.conversion import Converter, get_converter
from documents.models import Document, DocumentVersion
from meetings.tests.conftest import approved, attendee, colleague, leader, organiser, ppc_organiser, room, stc_leader

__all__ = ["attendee", "colleague", "leader", "organiser", "ppc_organiser", "room", "stc_leader"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def meeting(organiser, leader, attendee):  # type: ignore[no-untyped-def]
    """An approved meeting organised by `organiser`, chaired by `leader`, `attendee` invited."""
    return approved(organiser, leader, [attendee])


def make_version(
    meeting: Any,
    uploader: Any,
    content: bytes,
    file_type: str,
    *,
    title: str = "Tài liệu họp",
    document: Document | None = None,
    current: bool = True,
    **fields: Any,
) -> DocumentVersion:
    """A stored version written straight to the database, bypassing upload validation."""
    if document is None:
        document = Document.objects.create(meeting=meeting, title=title, created_by=uploader)
    version = DocumentVersion.objects.create(
        document=document,
        number=document.versions.count() + 1,
        file=ContentFile(content, name=f"upload.{file_type}"),
        original_name=f"{title}.{file_type}",
        file_type=file_type,
        extension=f".{file_type}",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=uploader,
        **fields,
    )
    if current:
        Document.objects.filter(pk=document.pk).update(current_version=version)
        document.current_version = version
    return version


@pytest.fixture(scope="session")
def lo_converter() -> Iterator[Converter]:
    """The process-wide LibreOffice converter, started once for the session and closed after it."""
    converter = get_converter()
    yield converter
    converter.close()


# Files made by the tests themselves (python-docx, openpyxl, python-pptx, fpdf2, Pillow).


def docx_bytes(pages: int = 3, *, first_line: str = "Kế hoạch tổ chức kỳ họp thứ mười") -> bytes:
    import docx

    document = docx.Document()
    for page in range(1, pages + 1):
        document.add_paragraph(first_line if page == 1 else f"Nội dung trang {page}")
        if page < pages:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(sheets: int = 2) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for index in range(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = f"Quý {index + 1}"
        sheet.append(["Hạng mục", "Dự toán (triệu đồng)"])
        sheet.append(["Chi thường xuyên", 1200 + index])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pptx_bytes(slides: int = 4) -> bytes:
    import pptx

    presentation = pptx.Presentation()
    for index in range(1, slides + 1):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = f"Báo cáo phần {index}"
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def pdf_bytes(pages: int = 5) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=14)
    for index in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"Bao cao tong ket trang {index}")
    return bytes(pdf.output())


def png_bytes(width: int = 800, height: int = 600) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()
