"""Fetch-and-authorize for recordings: 404 for anyone the rule turns away, so nobody learns that
a meeting was recorded unless they may hear it or run it (conventions §4)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from accounts.permissions import Perm, can
from core.fetch import get_or_404
from core.http import AnyUser
from meetings.models import Meeting
from recordings.models import Recording

# Perms asked about the meeting of a recording.
RECORDING_PERMS = (Perm.LISTEN_RECORDING, Perm.RUN_RECORDING, Perm.GRANT_RECORDING_ACCESS)


def access_recording(user: AnyUser, recording_id: Any, perm: Perm = Perm.LISTEN_RECORDING) -> Recording:
    """The recording when `user` holds `perm` on its meeting; 404 otherwise."""
    recording = get_or_404(Recording.objects.select_related("meeting"), recording_id)
    if not can(user, perm, recording.meeting):
        raise Http404
    return recording


def access_recordings_meeting(user: AnyUser, meeting_id: Any, perm: Perm | None = None) -> Meeting:
    """The meeting whose recordings page `user` may open (listen, run or grant); with `perm`,
    they must hold that one. 404 otherwise."""
    meeting = get_or_404(Meeting.objects.select_related("chair"), meeting_id)
    perms = (perm,) if perm is not None else RECORDING_PERMS
    if not any(can(user, p, meeting) for p in perms):
        raise Http404
    return meeting


def sees_recordings(user: AnyUser, meeting: Meeting) -> bool:
    return any(can(user, p, meeting) for p in RECORDING_PERMS)
