"""The administrative layout of Nghị định 30/2020/NĐ-CP shared by the system's PDF documents."""

from __future__ import annotations

from datetime import date

import pytest

from core.nd30 import FontsMissing, new_document, place_and_date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 5), "Ninh Bình, ngày 05 tháng 02 năm 2026"),
        (date(2026, 1, 31), "Ninh Bình, ngày 31 tháng 01 năm 2026"),
        (date(2026, 11, 9), "Ninh Bình, ngày 09 tháng 11 năm 2026"),
        (date(2026, 3, 15), "Ninh Bình, ngày 15 tháng 3 năm 2026"),
    ],
)
def test_date_line_pads_days_below_10_and_months_1_and_2(day, expected) -> None:
    assert place_and_date(day) == expected


def test_missing_fonts_name_the_debian_package(settings, tmp_path) -> None:
    settings.PDF_FONT_DIR = str(tmp_path)
    with pytest.raises(FontsMissing, match="fonts-liberation2"):
        new_document(compress=True)
