"""The minutes and the conclusion notice as Word documents in the layout of Nghị định 30/2020
(Phụ lục I; core/nd30.py): A4 portrait, Times New Roman, body 14 pt, margins 20/20/30/15 mm, the
issuing authority and the national title at the top, number and symbol, place and date, the
document's name, the body, the signature block, and the page number centred in the top margin
from the second page on (a different first page). The PDF is the same file converted by the
documents app's LibreOffice converter, so both always say the same thing.

The body (sanitised HTML: headings, paragraphs, emphasis, lists, tables) is mapped element by
element; nothing else can be in it (minutes/sanitize.py).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import lxml.html
from django.utils import timezone
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from core import nd30
from minutes.models import ConclusionNotice, Minutes

FONT = "Times New Roman"
PAGE_HEIGHT = 297.0


def _every_script_font(rpr: Any) -> None:
    """Times New Roman for every script (Word picks the East Asian or complex-script font for
    some Vietnamese letters otherwise)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def set_font(run: Any, size: float, *, bold: bool = False, italic: bool = False, underline: bool = False) -> Any:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    _every_script_font(run._element.get_or_add_rPr())
    return run


def centred(
    cell: Any, text: str, *, size: float, bold: bool = False, italic: bool = False, underline: bool = False
) -> Any:
    paragraph = cell.add_paragraph() if cell.paragraphs[0].text else cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    set_font(paragraph.add_run(text), size, bold=bold, italic=italic, underline=underline)
    return paragraph


def no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _page_number_field(paragraph: Any) -> None:
    run = set_font(paragraph.add_run(), nd30.BODY_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)


def new_document() -> Any:
    """An empty A4 document with the decree's margins, font and page numbers (from page 2)."""
    document = WordDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(nd30.PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(nd30.MARGIN_TOP), Mm(nd30.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(nd30.MARGIN_LEFT), Mm(nd30.MARGIN_RIGHT)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_field(header)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(nd30.BODY_SIZE)  # type: ignore[attr-defined]
    _every_script_font(style.element.get_or_add_rPr())  # type: ignore[attr-defined]
    return document


def authority_header(document: Any, unit: Any, number_and_symbol: str, day: Any) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(nd30.LEFT_COLUMN), Mm(nd30.RIGHT_COLUMN)
    if unit is not None and unit.parent is not None:
        centred(left, nd30.abbreviate(unit.parent.name).upper(), size=12)
    centred(left, (unit.name if unit is not None else "").upper(), size=12, bold=True, underline=True)
    centred(left, f"Số: {number_and_symbol}", size=13)
    centred(right, nd30.QUOC_HIEU, size=12, bold=True)
    centred(right, nd30.TIEU_NGU, size=13, bold=True, underline=True)
    centred(right, nd30.place_and_date(day), size=13, italic=True)


def document_title(document: Any, name: str, subject: str) -> None:
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(0)
    set_font(title.add_run(name), nd30.BODY_SIZE, bold=True)
    line = document.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.space_after = Pt(12)
    set_font(line.add_run(subject), nd30.BODY_SIZE, bold=True)


# --- the body ------------------------------------------------------------------------------------


def _inline(paragraph: Any, element: Any, *, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    """The text of `element` and its inline children as runs with their emphasis."""
    tag = element.tag if isinstance(element.tag, str) else ""
    bold = bold or tag in ("strong", "b", "th")
    italic = italic or tag in ("em", "i")
    underline = underline or tag == "u"
    if element.text:
        set_font(paragraph.add_run(element.text), nd30.BODY_SIZE, bold=bold, italic=italic, underline=underline)
    for child in element:
        if child.tag == "br":
            paragraph.add_run().add_break(WD_BREAK.LINE)
        elif child.tag not in ("ul", "ol", "table"):
            _inline(paragraph, child, bold=bold, italic=italic, underline=underline)
        if child.tail:
            set_font(paragraph.add_run(child.tail), nd30.BODY_SIZE, bold=bold, italic=italic, underline=underline)


def _body_paragraph(document: Any, *, indent: bool = True) -> Any:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    form = paragraph.paragraph_format
    if indent:
        form.first_line_indent = Cm(nd30.FIRST_LINE_INDENT / 10)
    form.line_spacing = nd30.LINE_HEIGHT
    form.space_after = Pt(6)
    return paragraph


def _list(document: Any, element: Any, level: int) -> None:
    ordered = element.tag == "ol"
    for number, item in enumerate((child for child in element if child.tag == "li"), start=1):
        paragraph = _body_paragraph(document, indent=False)
        paragraph.paragraph_format.left_indent = Cm(0.75 * (level + 1))
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)
        set_font(paragraph.add_run(f"{number}. " if ordered else "- "), nd30.BODY_SIZE)
        _inline(paragraph, item)
        for child in item:
            if child.tag in ("ul", "ol"):
                _list(document, child, level + 1)
            elif child.tag == "table":
                _table(document, child)


def _table(document: Any, element: Any) -> None:
    rows = list(element.iter("tr"))
    if not rows:
        return
    width = max(len([c for c in row if c.tag in ("td", "th")]) for row in rows) or 1
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        cells = [c for c in row if c.tag in ("td", "th")]
        for c, cell in enumerate(cells[:width]):
            paragraph = table.cell(r, c).paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            _inline(paragraph, cell)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def write_body(document: Any, html: str) -> None:
    if not html.strip():
        return
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    if root.text and root.text.strip():
        set_font(_body_paragraph(document).add_run(root.text.strip()), nd30.BODY_SIZE)
    for element in root:
        tag = element.tag
        if tag in ("h2", "h3", "h4"):
            paragraph = _body_paragraph(document, indent=False)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.space_before = Pt(6)
            paragraph.paragraph_format.keep_with_next = True
            _inline(paragraph, element, bold=True, italic=tag == "h4")
        elif tag in ("ul", "ol"):
            _list(document, element, 0)
        elif tag == "table":
            _table(document, element)
        elif tag == "blockquote":
            paragraph = _body_paragraph(document)
            paragraph.paragraph_format.left_indent = Cm(1)
            _inline(paragraph, element, italic=True)
        else:
            _inline(_body_paragraph(document), element)
        if element.tail and element.tail.strip():
            set_font(_body_paragraph(document).add_run(element.tail.strip()), nd30.BODY_SIZE)


def signatures(document: Any, blocks: list[tuple[str, str, str]], recipients: list[str] | None = None) -> None:
    """Signature columns: (title, position, name) each; for a notice the "Nơi nhận" on the left."""
    document.add_paragraph().paragraph_format.space_after = Pt(0)
    columns = len(blocks) + (1 if recipients is not None else 0)
    table = document.add_table(rows=1, cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    cells = list(table.rows[0].cells)
    if recipients is not None:
        cell = cells.pop(0)
        first = cell.paragraphs[0]
        set_font(first.add_run("Nơi nhận:"), 12, bold=True, italic=True)
        for name in recipients:
            paragraph = cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            set_font(paragraph.add_run(f"- {name};"), 11)
        last = cell.add_paragraph()
        set_font(last.add_run("- Lưu: VT."), 11)
    for cell, (title, position, name) in zip(cells, blocks, strict=True):
        centred(cell, title, size=nd30.BODY_SIZE, bold=True)
        if position:
            centred(cell, position, size=nd30.BODY_SIZE, bold=True)
        centred(cell, "(Ký, ghi rõ họ tên)", size=13, italic=True)
        for _blank in range(3):
            centred(cell, " ", size=nd30.BODY_SIZE)
        centred(cell, name, size=nd30.BODY_SIZE, bold=True)


def save_document(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _day(moment: Any) -> Any:
    return timezone.localdate(moment) if moment is not None else timezone.localdate()


def minutes_docx(minutes: Minutes, body: str) -> bytes:
    meeting = minutes.meeting
    document = new_document()
    authority_header(document, minutes.issuing_unit or meeting.unit, minutes.number_and_symbol, _day(meeting.end))
    document_title(document, "BIÊN BẢN", meeting.title)
    write_body(document, body)
    secretary = minutes.secretary.display_name if minutes.secretary else ""
    chair = meeting.chair
    signatures(
        document,
        [("THƯ KÝ", "", secretary), ("CHỦ TRÌ", chair.position.upper() if chair.position else "", chair.display_name)],
    )
    return save_document(document)


def notice_docx(notice: ConclusionNotice, body: str) -> bytes:
    meeting = notice.meeting
    document = new_document()
    authority_header(document, notice.issuing_unit, notice.number_and_symbol, _day(notice.issued_at))
    document_title(document, "THÔNG BÁO", f"Kết luận của {_chair_words(meeting)} tại cuộc họp về {meeting.title}")
    write_body(document, body)
    signer = notice.issuing_unit
    signatures(
        document,
        [
            (
                "TL. CHỦ TRÌ CUỘC HỌP",
                signer.name.upper() if signer else "",
                notice.issued_by.display_name if notice.issued_by else "",
            )
        ],
        recipients=[u.name for u in notice.concerned_units.all()],
    )
    return save_document(document)


def document_docx(target: Minutes | ConclusionNotice, body: str) -> bytes:
    """The .docx of the minutes or the notice with this body."""
    return minutes_docx(target, body) if isinstance(target, Minutes) else notice_docx(target, body)


def _chair_words(meeting: Any) -> str:
    chair = meeting.chair
    return f"{chair.position} {chair.display_name}".strip() if chair.position else chair.display_name


def to_pdf(docx_bytes: bytes) -> bytes:
    """The .docx converted by LibreOffice (documents.conversion's one converter)."""
    from documents.conversion import get_converter

    with tempfile.TemporaryDirectory(prefix="minutes-") as folder:
        source, target = Path(folder) / "document.docx", Path(folder) / "document.pdf"
        source.write_bytes(docx_bytes)
        get_converter().convert(source, target, file_type="docx")
        return target.read_bytes()
