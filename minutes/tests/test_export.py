"""The .docx in the layout of Nghị định 30/2020, read back with python-docx, and its PDF made by
LibreOffice (installed on the machines that run the suite)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.shared import Mm

from minutes.actions import do_approve_minutes, do_save_minutes
from minutes.export import minutes_docx, to_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _close_converter():  # type: ignore[no-untyped-def]
    yield
    from documents.conversion import get_converter

    get_converter().close()


BODY = (
    "<h2>I. THỜI GIAN</h2><p>Đoạn <strong>đậm</strong> và <em>nghiêng</em>.</p>"
    "<ul><li>Mục một<ul><li>Mục con</li></ul></li></ul><ol><li>Thứ nhất</li></ol>"
    "<table><tr><th>Phương án</th><th>Số phiếu</th></tr><tr><td>Tán thành</td><td>3</td></tr></table>"
    + "<p>Nội dung dài để sang trang thứ hai của biên bản cuộc họp.</p>"
    * 60
)


def _within(value: Any, low_mm: float, high_mm: float) -> bool:
    return value is not None and Mm(low_mm) - 1000 <= value <= Mm(high_mm) + 1000


def test_the_docx_follows_the_decree_layout(minutes, secretary, leader) -> None:
    do_save_minutes(secretary, minutes, BODY)
    minutes = do_approve_minutes(leader, minutes)
    data = minutes_docx(minutes, minutes.current_version.body)
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert abs(section.page_width - Mm(210)) < 1000 and abs(section.page_height - Mm(297)) < 1000  # A4
    assert _within(section.top_margin, 20, 25) and _within(section.bottom_margin, 20, 25)
    assert _within(section.left_margin, 30, 35) and _within(section.right_margin, 15, 20)
    assert section.different_first_page_header_footer  # page numbers from page 2
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml
    assert not section.first_page_header.paragraphs[0].text.strip()
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs if run.text.strip()]
    assert runs and all(run.font.name == "Times New Roman" for run in runs)
    assert all(13 <= run.font.size.pt <= 14 for run in runs if run.font.size is not None)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BIÊN BẢN" in text and "I. THỜI GIAN" in text and "- Mục con" in text and "1. Thứ nhất" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in "\n".join(cells)
    assert any("Số: 1/BB-SNV" in c for c in cells)
    assert "Tán thành" in cells and "3" in cells
    signature = "\n".join(cells)
    assert "THƯ KÝ" in signature and "CHỦ TRÌ" in signature and leader.display_name in signature
    assert secretary.display_name in signature
    # Bold survives the mapping.
    assert any(run.bold and run.text == "đậm" for run in runs)


def test_libreoffice_converts_the_docx_to_a_pdf_with_page_numbers(minutes, secretary) -> None:
    do_save_minutes(secretary, minutes, BODY)
    pdf = to_pdf(minutes_docx(minutes, minutes.current_version.body))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    first, second = (reader.pages[i].extract_text() for i in (0, 1))
    assert "BIÊN BẢN" in first
    assert second.strip().splitlines()[0].strip() == "2"  # the number on top of page 2
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points


def test_the_command_writes_the_current_version(minutes, secretary, tmp_path: Path) -> None:
    do_save_minutes(secretary, minutes, BODY)
    out = tmp_path / "bien-ban.docx"
    call_command("minutes_docx", str(minutes.meeting_id), str(out))
    assert zipfile.is_zipfile(out)
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Mục con" in text


def test_the_command_refuses_a_meeting_without_minutes(planned, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("minutes_docx", str(planned.pk), str(tmp_path / "x.docx"))
