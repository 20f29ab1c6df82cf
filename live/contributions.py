"""Written contributions and technical problems of a meeting.

Comments (Điều 5.5, "đóng góp ý kiến trực tiếp"): attendees and the meeting's runners comment on
an agenda item or a document, before and during the meeting; the organiser sees them compiled
per item and exports them (XLSX).

Incidents (sự cố, Điều 6.4b-c): anyone in the meeting reports an audio, network, device or
access problem; the organiser, an admin of the organising unit or a secretary handles it with a
status and a resolution note. They feed the "Ghi chú về sự cố" column of report Mẫu 01.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, can
from audit.log import log_action
from live import events
from live.models import Comment, Incident, IncidentKind, IncidentStatus
from live.permissions import LIVE_STATUSES, takes_part
from meetings.models import AgendaItem, Meeting, MeetingStatus

MAX_COMMENT = 4000
MAX_INCIDENT = 2000
DUPLICATE_WINDOW = timedelta(seconds=10)


def may_comment(user: Any, meeting: Meeting) -> bool:
    return can(user, Perm.ATTEND_MEETING, meeting) or can(user, Perm.RUN_MEETING, meeting)


def _refuse(user: Any, meeting: Meeting, after_the_end: str) -> None:
    """PermissionDenied for who never could; a ValidationError saying why for a participant who
    no longer can because the meeting has ended (the compiled record stays readable)."""
    if meeting.status == MeetingStatus.ENDED and takes_part(user, meeting):
        raise ValidationError(after_the_end)
    raise PermissionDenied


def do_add_comment(
    user: Any, meeting: Meeting, *, text: str, agenda_item: AgendaItem | None = None, document: Any = None
) -> Comment:
    """Before and during the meeting. The same comment sent twice within seconds (a double tap, a
    retry) is stored once."""
    if not may_comment(user, meeting):
        _refuse(user, meeting, _("Comments are closed: the meeting has ended."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write your comment."))
    if len(text) > MAX_COMMENT:
        raise ValidationError(_("The comment is too long (at most 4,000 characters)."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    if document is not None and (document.meeting_id != meeting.pk or not can(user, Perm.VIEW_DOCUMENT, document)):
        raise ValidationError(_("Choose a document of this meeting."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
        if locked.status not in LIVE_STATUSES:
            raise ValidationError(_("Comments are closed: the meeting has ended."))
        recent = Comment.objects.filter(
            meeting=locked,
            author=user,
            text=text,
            agenda_item=agenda_item,
            document=document,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        ).first()
        if recent is not None:
            return recent
        comment = Comment.objects.create(
            meeting=locked, author=user, text=text, agenda_item=agenda_item, document=document
        )
        log_action(
            "meeting.comment_added",
            actor=user,
            target=locked,
            unit=locked.unit,
            data={
                "comment": comment.pk,
                "item": getattr(agenda_item, "pk", None),
                "document": getattr(document, "pk", None),
            },
        )
        events.emit(locked.pk, "comment", {"count": Comment.objects.filter(meeting=locked).count()})
    return comment


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


def _incident_counts(meeting: Meeting) -> dict[str, int]:
    counts = dict(
        Incident.objects.filter(meeting=meeting)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in IncidentStatus.values}


def do_report_incident(user: Any, meeting: Meeting, *, kind: str, description: str) -> Incident:
    if not can(user, Perm.REPORT_INCIDENT, meeting):
        _refuse(user, meeting, _("The meeting has ended: problems can no longer be reported in its room."))
    if kind not in IncidentKind.values:
        raise ValidationError(_("Choose the kind of problem from the list."))
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Describe the problem."))
    if len(description) > MAX_INCIDENT:
        raise ValidationError(_("The description is too long (at most 2,000 characters)."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
        incident = Incident.objects.create(meeting=locked, reporter=user, kind=kind, description=description)
        log_action(
            "meeting.incident_reported",
            actor=user,
            target=locked,
            unit=locked.unit,
            data={"incident": incident.pk, "kind": kind},
        )
        events.emit(locked.pk, "incident", {"counts": _incident_counts(locked)})
    return incident


def do_update_incident(actor: Any, incident: Incident, *, status: str, resolution: str = "") -> Incident:
    meeting = incident.meeting
    if not can(actor, Perm.HANDLE_INCIDENT, meeting):
        raise PermissionDenied
    if status not in IncidentStatus.values:
        raise ValidationError(_("Choose a status from the list."))
    resolution = (resolution or "").strip()
    if status == IncidentStatus.RESOLVED and not resolution:
        raise ValidationError(_("Write how the problem was resolved."))
    if len(resolution) > MAX_INCIDENT:
        raise ValidationError(_("The note is too long (at most 2,000 characters)."))
    with transaction.atomic():
        locked = Incident.objects.select_for_update().select_related("meeting__unit").get(pk=incident.pk)
        if locked.status == IncidentStatus.RESOLVED:
            raise ValidationError(_("This problem is already resolved."))
        locked.status, locked.handled_by = status, actor
        if resolution:
            locked.resolution = resolution
        if status == IncidentStatus.RESOLVED:
            locked.resolved_at = timezone.now()
        locked.save()
        log_action(
            "meeting.incident_updated",
            actor=actor,
            target=locked.meeting,
            unit=locked.meeting.unit,
            data={"incident": locked.pk, "status": status},
        )
        events.emit(locked.meeting_id, "incident", {"counts": _incident_counts(locked.meeting)})
    return locked


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
