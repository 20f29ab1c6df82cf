"""The administrative document layout of Nghị định 30/2020/NĐ-CP (công tác văn thư), Phụ lục I.

Every PDF the system issues as an administrative document (the giấy mời of a meeting, the phiếu
lấy ý kiến of an opinion collection) is laid out here, so they all follow one reading of the decree:

- paper A4 (210 x 297 mm), portrait;
- font Times New Roman (Unicode, TCVN 6909:2001), black;
- margins: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (here 20, 20, 30, 15);
- Quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": 12–13 pt, upright, bold, capitals (here 12);
- Tiêu ngữ "Độc lập - Tự do - Hạnh phúc": 13–14 pt, upright, bold, capital initials, with a
  solid line under it as long as the line of text (here 13);
- the issuing authority top left (the supervising authority in regular capitals, the issuing
  unit in bold capitals with a short line under it), the place-and-date line in italic under
  the Tiêu ngữ, days below 10 and the months 1 and 2 written with a leading zero;
- body 13–14 pt, justified, first-line indent 1–1.27 cm, line spacing from single to 1.5 lines
  (here 14 pt, 1.27 cm, 1.25 lines);
- page numbers from the second page on, 13–14 pt, centred in the top margin.

Liberation Serif stands in for Times New Roman: it has the same metrics, so line breaks fall where
they would in the ministry's templates. The documents are legal forms written in Vietnamese
whatever the interface language, so their text is not translated.

Floor 0: this module knows no app; each document supplies its own content.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/liberation2"
FONT_FAMILY = "TimesCompatible"
FONT_FILES = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
PLACE_NAME = "Ninh Bình"

# Geometry in millimetres.
PAGE_WIDTH = 210.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
LEFT_COLUMN = 70.0  # issuing authority
RIGHT_COLUMN = TEXT_WIDTH - LEFT_COLUMN  # national title, motto, place and date
FIRST_LINE_INDENT = 12.7
BODY_SIZE = 14
LINE_HEIGHT = 1.25  # times the font size
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

# Common abbreviations the decree allows in the name of the supervising authority.
ABBREVIATIONS = (
    (re.compile(r"\b[UỦ][yỷ] ban nhân dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bHội đồng nhân dân\b", re.IGNORECASE), "HĐND"),
)


class FontsMissing(ImproperlyConfigured):
    pass


def font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", "") or DEFAULT_FONT_DIR)


def font_paths() -> dict[str, Path]:
    """The four Liberation Serif files by fpdf style; FontsMissing names the package to install."""
    directory = font_dir()
    paths = {style: directory / name for style, name in FONT_FILES.items()}
    missing = [path.name for path in paths.values() if not path.is_file()]
    if missing:
        raise FontsMissing(
            f"Administrative documents (PDF) need the Liberation Serif fonts ({', '.join(missing)}) in {directory}. "
            "Install the Debian package fonts-liberation2 (scripts/system-deps.sh does), "
            "or set PDF_FONT_DIR to a directory holding these files."
        )
    return paths


# --- wording ----------------------------------------------------------------------------------


def place_and_date(day: date, place: str = PLACE_NAME) -> str:
    """The place-and-date line, e.g. "Ninh Bình, ngày 05 tháng 02 năm 2026": days below 10 and
    the months 1 and 2 take a leading zero, so no digit can be added."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def abbreviate(name: str) -> str:
    """The supervising authority's name with the abbreviations the decree allows (UBND, HĐND)."""
    for pattern, short in ABBREVIATIONS:
        name = pattern.sub(short, name)
    return name


# --- layout -----------------------------------------------------------------------------------


class Letter(FPDF):
    def header(self) -> None:
        # Page numbers from the second page on, centred in the top margin.
        if self.page_no() > 1:
            self.set_font(FONT_FAMILY, "", 13)
            self.set_y(MARGIN_TOP / 2)
            self.cell(TEXT_WIDTH, 5, str(self.page_no()), align=Align.C)
            self.set_y(MARGIN_TOP)


def new_document(*, compress: bool) -> Letter:
    """An empty A4 document with the margins, the fonts and Vietnamese as its language."""
    pdf = Letter(orientation="portrait", unit="mm", format="A4")
    pdf.compress = compress
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)
    for style, path in font_paths().items():
        pdf.add_font(FONT_FAMILY, style, str(path))
    pdf.set_lang("vi")
    pdf.set_creator("eCabinet")
    return pdf


def line_height(size: float) -> float:
    """The height in millimetres of one line of text of `size` points."""
    return size * LINE_HEIGHT * 25.4 / 72


def centred(pdf: FPDF, x: float, width: float, text: str, style: str, size: float) -> None:
    """`text` centred in the column [x, x + width], wrapped if needed, the cursor left under it."""
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_x(x)
    pdf.multi_cell(width, line_height(size) * 0.92, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)


def rule_under(pdf: FPDF, x: float, width: float, length: float) -> None:
    """A solid line of `length` centred in the column [x, x + width], just under the cursor."""
    y = pdf.get_y() + 0.8
    pdf.set_line_width(0.3)
    pdf.line(x + (width - length) / 2, y, x + (width + length) / 2, y)


def authority_header(
    pdf: FPDF, *, parent: str, unit: str, issued: date, number: str = "", place: str = PLACE_NAME
) -> None:
    """The top of an administrative document: the supervising unit in regular caps and the issuing
    unit in bold caps (with the number line) on the left; Quốc hiệu, Tiêu ngữ and the place-and-date
    line on the right."""
    top = pdf.get_y()
    x_left, x_right = MARGIN_LEFT, MARGIN_LEFT + LEFT_COLUMN
    if parent:
        centred(pdf, x_left, LEFT_COLUMN, abbreviate(parent).upper(), "", 12)
    centred(pdf, x_left, LEFT_COLUMN, unit.upper(), "B", 12)
    pdf.set_font(FONT_FAMILY, "B", 12)
    # The rule under the issuing authority spans a third to a half of the name's line.
    name_width = min(LEFT_COLUMN, pdf.get_string_width(unit.upper()))
    rule_under(pdf, x_left, LEFT_COLUMN, max(12.0, name_width * 0.45))
    if number:
        pdf.ln(3)
        centred(pdf, x_left, LEFT_COLUMN, number, "", 13)
    left_bottom = pdf.get_y()

    pdf.set_y(top)
    centred(pdf, x_right, RIGHT_COLUMN, QUOC_HIEU, "B", 12)
    centred(pdf, x_right, RIGHT_COLUMN, TIEU_NGU, "B", 13)
    pdf.set_font(FONT_FAMILY, "B", 13)
    rule_under(pdf, x_right, RIGHT_COLUMN, pdf.get_string_width(TIEU_NGU))
    pdf.ln(3)
    centred(pdf, x_right, RIGHT_COLUMN, place_and_date(issued, place), "I", 13)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)
    pdf.set_x(MARGIN_LEFT)


def paragraph(pdf: FPDF, parts: list[tuple[str, str]], *, align: Align = Align.J) -> None:
    """One body paragraph, justified with a first-line indent; `parts` are (font style, text) runs."""
    with pdf.text_columns(text_align=align, line_height=LINE_HEIGHT, wrapmode=WrapMode.WORD) as columns:
        with columns.paragraph(first_line_indent=FIRST_LINE_INDENT, bottom_margin=1.5) as body:
            for style, text in parts:
                pdf.set_font(FONT_FAMILY, style, BODY_SIZE)
                body.write(text)
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
