"""Fetch-and-authorize for minutes and conclusion notices (conventions §4): whoever may not read
the minutes of a meeting gets 404 for them, their versions, exports and actions alike; a reader
asking to edit or approve gets 403 (they already know the minutes exist)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.permissions import Perm, can
from core.fetch import get_or_404
from core.http import AnyUser
from meetings.models import Meeting
from minutes.models import ConclusionNotice, Minutes


def access_minutes_meeting(user: AnyUser, meeting_id: Any, perm: Perm = Perm.VIEW_MINUTES) -> Meeting:
    """The ended meeting whose minutes `user` reads (404 otherwise); with `perm` they must also
    hold it (403)."""
    meeting = get_or_404(Meeting.objects.select_related("chair__unit", "unit__parent", "organiser", "room"), meeting_id)
    if not can(user, Perm.VIEW_MINUTES, meeting):
        raise Http404
    if perm != Perm.VIEW_MINUTES and not can(user, perm, meeting):
        raise PermissionDenied
    return meeting


def access_minutes(user: AnyUser, meeting_id: Any, perm: Perm = Perm.VIEW_MINUTES) -> Minutes:
    meeting = access_minutes_meeting(user, meeting_id, perm)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("secretary", "issuing_unit__parent").first()
    if minutes is None:
        raise Http404
    minutes.meeting = meeting
    return minutes


def access_notice(user: AnyUser, meeting_id: Any, perm: Perm = Perm.VIEW_NOTICE) -> ConclusionNotice:
    """The meeting's conclusion notice when `user` reads it (404 otherwise); with an edit or
    approve `perm` (asked about the meeting) they must hold it (403)."""
    notice = (
        ConclusionNotice.objects.select_related("meeting__chair__unit", "meeting__unit", "issuing_unit__parent")
        .filter(meeting_id=_id(meeting_id))
        .first()
    )
    if notice is None or not can(user, Perm.VIEW_NOTICE, notice):
        raise Http404
    if perm != Perm.VIEW_NOTICE and not can(user, perm, notice.meeting):
        raise PermissionDenied
    return notice


def _id(raw: Any) -> int:
    from core.fetch import parse_id

    return parse_id(raw)
