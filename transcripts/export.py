"""The transcript as a Word document (laid out like an administrative document of Nghị định
30/2020, core/nd30.py: A4, Times New Roman, its margins, the authority and national title at the
top) and as SubRip subtitles (.srt) to play alongside the audio.

Like the other administrative documents, the Word file is written in Vietnamese whatever the
interface language; the speaker labels follow the active language as on the page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from core import nd30
from recordings.models import Recording
from transcripts.models import Segment
from transcripts.queries import clock, segment_speaker

FONT = "Times New Roman"


def srt(rows: Iterable[Segment]) -> str:
    def stamp(seconds: float) -> str:
        millis = max(round(seconds * 1000), 0)
        return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d},{millis % 1000:03d}"

    blocks = []
    for number, segment in enumerate(rows, start=1):
        end = max(segment.end, segment.start + 0.5)
        blocks.append(
            f"{number}\n{stamp(segment.start)} --> {stamp(end)}\n{segment_speaker(segment)}: {segment.text}\n"
        )
    return "\n".join(blocks)


def _run(paragraph, text: str, *, size: float = nd30.BODY_SIZE, bold: bool = False, italic: bool = False):  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def _centred(cell, text: str, *, size: float, bold: bool = False, italic: bool = False, underline: bool = False):  # type: ignore[no-untyped-def]
    paragraph = cell.add_paragraph() if cell.paragraphs[0].text else cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = _run(paragraph, text, size=size, bold=bold, italic=italic)
    run.underline = underline
    return paragraph


def _no_borders(table) -> None:  # type: ignore[no-untyped-def]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def docx(recording: Recording, rows: Iterable[Segment]) -> bytes:
    meeting = recording.meeting
    document = WordDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(nd30.PAGE_WIDTH), Mm(297)
    section.top_margin, section.bottom_margin = Mm(nd30.MARGIN_TOP), Mm(nd30.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(nd30.MARGIN_LEFT), Mm(nd30.MARGIN_RIGHT)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(nd30.BODY_SIZE)  # type: ignore[attr-defined]

    unit = meeting.unit
    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(header)
    left, right = header.rows[0].cells
    left.width, right.width = Mm(nd30.LEFT_COLUMN), Mm(nd30.RIGHT_COLUMN)
    if unit.parent is not None:
        _centred(left, nd30.abbreviate(unit.parent.name).upper(), size=12)
    _centred(left, unit.name.upper(), size=12, bold=True, underline=True)
    _centred(right, nd30.QUOC_HIEU, size=12, bold=True)
    _centred(right, nd30.TIEU_NGU, size=13, bold=True, underline=True)
    _centred(right, nd30.place_and_date(timezone.localdate()), size=13, italic=True)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    _run(title, "BẢN GHI LỜI NÓI TẠI CUỘC HỌP", bold=True)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(subtitle, meeting.title, bold=True)
    started = timezone.localtime(recording.started_at)
    when = document.add_paragraph()
    when.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(
        when,
        f"Ghi âm bắt đầu lúc {started:%H:%M} ngày {started:%d/%m/%Y}; văn bản do máy nhận dạng giọng nói, "
        "đã được thư ký hiệu đính ở những đoạn có ghi chú.",
        italic=True,
        size=13,
    )
    for segment in rows:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
        paragraph.paragraph_format.line_spacing = nd30.LINE_HEIGHT
        paragraph.paragraph_format.space_after = Pt(6)
        spoken = f" {timezone.localtime(segment.spoken_at):%H:%M:%S}" if segment.spoken_at else ""
        _run(paragraph, f"[{clock(segment.start)}{spoken}] ", size=12, italic=True)
        _run(paragraph, f"{segment_speaker(segment)}: ", bold=True)
        _run(paragraph, segment.text)
        if segment.edited_at is not None:
            _run(paragraph, " (đã hiệu đính)", size=12, italic=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
