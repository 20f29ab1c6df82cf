"""Written contributions and technical problems of a meeting, as they are read back (the writes:
live/actions/contributions.py).

Comments (Điều 5.5, "đóng góp ý kiến trực tiếp"): attendees and the meeting's runners comment on
an agenda item or a document, before and during the meeting; the organiser sees them compiled
per item and exports them (XLSX).

Incidents (sự cố, Điều 6.4b-c): anyone in the meeting reports an audio, network, device or
access problem; the organiser, an admin of the organising unit or a secretary handles it with a
status and a resolution note. They feed the "Ghi chú về sự cố" column of report Mẫu 01.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from live.models import Comment, Incident, IncidentKind, IncidentStatus
from meetings.models import Meeting


def compiled_comments(meeting: Meeting) -> list[dict[str, Any]]:
    """Comments grouped per agenda item in agenda order, then the general ones."""
    comments = list(Comment.objects.filter(meeting=meeting).select_related("author__unit", "agenda_item", "document"))
    groups: list[dict[str, Any]] = []
    for item in meeting.agenda_items.order_by("order"):
        rows = [c for c in comments if c.agenda_item_id == item.pk]
        groups.append({"item": item, "title": f"{item.order}. {item.title}", "comments": rows})
    general = [c for c in comments if c.agenda_item_id is None]
    groups.append({"item": None, "title": _("General comments"), "comments": general})
    return groups


def comments_xlsx(meeting: Meeting) -> bytes:
    """The compiled comments as a workbook; every text through the shared safe-cell writer, so a
    comment such as "=HYPERLINK(...)" stays the text it is (core/exports.py)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from core.exports import xlsx_set

    book = Workbook()
    sheet = book.create_sheet("Y kien", 0)
    for other in book.worksheets[1:]:
        book.remove(other)

    def write_row(row: int, values: list[Any]) -> None:
        for column, value in enumerate(values, start=1):
            xlsx_set(sheet.cell(row=row, column=column), value)

    write_row(1, [_("Comments on the meeting: %(title)s") % {"title": meeting.title}])
    sheet["A1"].font = Font(bold=True, size=13)
    headers = [_("No."), _("Agenda item"), _("Document"), _("Commented by"), _("Unit"), _("Time"), _("Comment")]
    write_row(2, headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    number = 0
    for group in compiled_comments(meeting):
        for comment in group["comments"]:
            number += 1
            write_row(
                number + 2,
                [
                    number,
                    group["title"],
                    comment.document.title if comment.document is not None else "",
                    comment.author.display_name,
                    comment.author.unit.name if comment.author.unit is not None else "",
                    timezone.localtime(comment.created_at).strftime("%H:%M %d/%m/%Y"),
                    comment.text,
                ],
            )
    for column, width in zip("ABCDEFG", (6, 40, 30, 25, 30, 18, 80), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        row[6].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- incidents ---------------------------------------------------------------------------------


def incident_notes(meeting: Meeting) -> str:
    """The text of report Mẫu 01's "Ghi chú về sự cố" column for this meeting."""
    lines = []
    for incident in Incident.objects.filter(meeting=meeting).order_by("created_at", "pk"):
        when = timezone.localtime(incident.created_at).strftime("%H:%M")
        line = f"{when} {IncidentKind(incident.kind).label}: {incident.description}"
        if incident.status == IncidentStatus.RESOLVED:
            line += f" ({_('resolved')}: {incident.resolution})"
        else:
            line += f" ({IncidentStatus(incident.status).label})"
        lines.append(line)
    return "; ".join(lines)
