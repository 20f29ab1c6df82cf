"""What the recordings app holds about a person, for their data export (core.personal_data).

The audio itself is not in the export: a meeting's recording holds every participant's voice,
and a copy goes only to those the chair grants listening (Điều 6.4a). The export says which
recordings the person started or paused, what access they were given or gave, and when they
acknowledged the recording notice."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from recordings.models import Recording, RecordingGrant, RecordingNoticeAck, RecordingPause


def _meeting(meeting: Any) -> dict[str, Any]:
    return {"id": meeting.pk, "title": meeting.title, "start": meeting.start}


def export(user: User) -> dict[str, Any]:
    started = [
        {
            "meeting": _meeting(r.meeting),
            "source": r.source,
            "status": r.status,
            "started_at": r.started_at,
            "ended_at": r.ended_at,
            "duration_seconds": r.duration,
            "original_name": r.original_name,
        }
        for r in Recording.objects.filter(started_by=user).select_related("meeting").order_by("started_at", "pk")
    ]
    pauses = [
        {"meeting": _meeting(p.recording.meeting), "started_at": p.started_at, "ended_at": p.ended_at}
        for p in RecordingPause.objects.filter(by=user).select_related("recording__meeting").order_by("started_at")
    ]
    grants = RecordingGrant.objects.select_related("meeting", "user", "granted_by").order_by("granted_at", "pk")
    received = [
        {
            "meeting": _meeting(g.meeting),
            "granted_by": g.granted_by.full_name,
            "granted_at": g.granted_at,
            "revoked_at": g.revoked_at,
        }
        for g in grants.filter(user=user)
    ]
    given = [
        {"meeting": _meeting(g.meeting), "to": g.user.full_name, "granted_at": g.granted_at, "revoked_at": g.revoked_at}
        for g in grants.filter(granted_by=user)
    ]
    notices = [
        {"meeting": _meeting(a.meeting), "acknowledged_at": a.acknowledged_at}
        for a in RecordingNoticeAck.objects.filter(user=user).select_related("meeting").order_by("acknowledged_at")
    ]
    return {
        "recordings_started": started,
        "pauses": pauses,
        "listening_granted_to_me": received,
        "listening_granted_by_me": given,
        "recording_notices_acknowledged": notices,
    }
