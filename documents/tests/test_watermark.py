"""Watermarks: the line says who, from where and when (Vietnam time); images and PDFs carry it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from types import SimpleNamespace

import pypdf
import pytest
from PIL import Image

from core.nd30 import FontsMissing
from documents.tests.test_viewer import make_pdf
from documents.watermark import stamp_image, stamp_pdf, watermark_line


def test_line_names_the_person_the_unit_and_the_vietnam_time() -> None:
    user = SimpleNamespace(display_name="Lý Thị Hoa", unit=SimpleNamespace(name="Sở Tài chính"))
    late_evening_utc = datetime(2025, 12, 31, 17, 5, tzinfo=UTC)  # already 1 January in Ninh Bình
    assert watermark_line(user, late_evening_utc) == "Lý Thị Hoa · Sở Tài chính · 01/01/2026 00:05"


def test_line_without_a_unit() -> None:
    user = SimpleNamespace(display_name="Quản trị", unit=None)
    assert watermark_line(user, datetime(2026, 3, 2, 1, 0, tzinfo=UTC)) == "Quản trị · 02/03/2026 08:00"


def test_image_stamp_covers_the_whole_page_and_keeps_its_size() -> None:
    page = Image.new("RGB", (800, 1100), "white")
    stamped = stamp_image(page, "Phan Văn Hải · Sở Nội vụ · 05/12/2025 14:30")
    assert stamped.size == page.size and stamped.mode == "RGB"
    # Repeated across the page: every quarter of it has watermark pixels, and they are light
    # (semi-transparent), never solid colour over the text.
    for box in ((0, 0, 400, 550), (400, 0, 800, 550), (0, 550, 400, 1100), (400, 550, 800, 1100)):
        green = stamped.crop(box).getchannel("G")
        darkest, _lightest = green.getextrema()
        assert isinstance(darkest, int) and 120 < darkest < 250, box


def test_different_people_get_different_pixels() -> None:
    page = Image.new("RGB", (600, 800), "white")
    one = stamp_image(page, "Phan Văn Hải · Sở Nội vụ · 05/12/2025 14:30")
    other = stamp_image(page, "Lý Thị Hoa · Sở Nội vụ · 05/12/2025 14:30")
    assert one.tobytes() != other.tobytes()


def test_pdf_stamp_puts_the_line_on_every_page_including_rotated_and_landscape() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(3))))
    writer.pages[1].rotate(90)
    writer.pages[2].mediabox = pypdf.generic.RectangleObject([0, 0, 842, 595])
    source = io.BytesIO()
    writer.write(source)
    source.seek(0)
    target = io.BytesIO()
    stamp_pdf(source, "Phan Văn Hải · Sở Nội vụ · 05/12/2025 14:30", target)
    reader = pypdf.PdfReader(io.BytesIO(target.getvalue()))
    assert len(reader.pages) == 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Trang {number}" in text
        assert "Phan Văn Hải · Sở Nội vụ · 05/12/2025 14:30" in text


def test_missing_font_names_the_debian_package(settings, tmp_path) -> None:
    settings.PDF_FONT_DIR = str(tmp_path)
    with pytest.raises(FontsMissing, match="fonts-liberation2"):
        stamp_image(Image.new("RGB", (100, 100)), "x")
