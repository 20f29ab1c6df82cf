"""Support requests before a meeting (Điều 6.3b-c): an attendee without a device or an account
asks the host unit for help, the organiser records how it was handled."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from meetings import notify, queries, rules
from meetings.actions.common import format_local, require
from meetings.models import SCHEDULED_STATUSES, Meeting, SupportRequest, SupportStatus


def do_request_support(actor: User, meeting: Meeting, *, kind: str, note: str = "") -> SupportRequest:
    if meeting.status not in SCHEDULED_STATUSES or not queries.attendee_users(meeting).filter(pk=actor.pk).exists():
        raise PermissionDenied
    if rules.support_request_is_late(meeting):
        message = (
            _(
                "Điều 6.3b: tell the host unit at least 1 day before the meeting (deadline %(deadline)s). Call the organiser directly."
            )
            if rules.is_regular(meeting)
            else _("Điều 6.3b: this urgent meeting has already started. Call the organiser directly.")
        )
        raise ValidationError(
            message % {"deadline": format_local(rules.support_request_deadline(meeting))}, code="late"
        )
    with transaction.atomic():
        request = SupportRequest.objects.create(meeting=meeting, requester=actor, kind=kind, note=note.strip())
        log_action(
            "meeting.support_requested",
            actor=actor,
            target=meeting,
            unit=meeting.unit,
            data={"request": request.pk, "kind": kind},
        )
        notify.support_requested(request)
    return request


def do_resolve_support_request(actor: User, request: SupportRequest, *, resolution: str) -> SupportRequest:
    require(actor, Perm.MANAGE_ATTENDANCE, request.meeting)
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": [_("Describe how the request was handled.")]})
    with transaction.atomic():
        updated = SupportRequest.objects.filter(pk=request.pk, status=SupportStatus.OPEN).update(
            status=SupportStatus.RESOLVED, resolution=resolution, resolved_by=actor, resolved_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This request has already been resolved."), code="resolved")
        request.refresh_from_db()
        log_action(
            "meeting.support_resolved",
            actor=actor,
            target=request.meeting,
            unit=request.meeting.unit,
            data={"request": request.pk},
        )
        notify.support_resolved(request)
    return request
