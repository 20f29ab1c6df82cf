"""Recordings shown on pages of lower apps, which may not import recordings (conventions §15):
the meeting page's link, the console's recorder panel and the room's recording notice."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from accounts.permissions import Perm, can
from live.permissions import ROOM_STATUSES, takes_part
from recordings.access import sees_recordings
from recordings.models import RecordingNoticeAck
from recordings.queries import active_recording

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def may_see_recordings(context: template.Context, meeting: Any) -> bool:
    """For the meeting page's link to the recordings page."""
    user = _user(context)
    if user is None or not user.is_authenticated or meeting.status not in ROOM_STATUSES:
        return False  # no room, no recording
    return sees_recordings(user, meeting)


@register.inclusion_tag("recordings/live/_recorder.html", takes_context=True)
def recorder_panel(context: template.Context, meeting: Any) -> dict[str, Any]:
    user = _user(context)
    may_run = user is not None and can(user, Perm.RUN_RECORDING, meeting)
    return {
        "meeting": meeting,
        "may_run": may_run,
        "active": active_recording(meeting.pk) if may_run else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("recordings/live/_notice.html", takes_context=True)
def recording_notice(context: template.Context, meeting: Any) -> dict[str, Any]:
    """The notice that the meeting is recorded, until the person acknowledged it."""
    user = _user(context)
    show = bool(
        user is not None
        and user.is_authenticated
        and takes_part(user, meeting)
        and not RecordingNoticeAck.objects.filter(meeting=meeting, user=user).exists()
    )
    return {
        "meeting": meeting,
        "show": show,
        "retention_days": settings.RECORDINGS_RETENTION_DAYS,
        "csrf_token": context.get("csrf_token"),
    }
