"""Written contributions and technical problems of a meeting: an attendee's or runner's comment
(Điều 5.5), a reported incident and its handling (Điều 6.4b-c). What is read back from them
(the compiled comments, their export, the report's incident notes): live/contributions.py."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from documents.models import Document
from live import events
from live.models import Comment, Incident, IncidentKind, IncidentStatus
from live.permissions import LIVE_STATUSES, may_comment, refuse, require_open
from meetings.models import AgendaItem, Meeting

MAX_COMMENT = 4000
MAX_INCIDENT = 2000
DUPLICATE_WINDOW = timedelta(seconds=10)


def do_add_comment(
    user: User, meeting: Meeting, *, text: str, agenda_item: AgendaItem | None = None, document: Document | None = None
) -> Comment:
    """Before and during the meeting. The same comment sent twice within seconds (a double tap, a
    retry) is stored once."""
    if not may_comment(user, meeting):
        refuse(user, meeting, _("Comments are closed: the meeting has ended."))
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


# --- incidents ---------------------------------------------------------------------------------


def _incident_counts(meeting: Meeting) -> dict[str, int]:
    counts = dict(
        Incident.objects.filter(meeting=meeting)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in IncidentStatus.values}


def do_report_incident(user: User, meeting: Meeting, *, kind: str, description: str) -> Incident:
    require_open(
        user, Perm.REPORT_INCIDENT, meeting, _("The meeting has ended: problems can no longer be reported in its room.")
    )
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


def do_update_incident(actor: User, incident: Incident, *, status: str, resolution: str = "") -> Incident:
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
