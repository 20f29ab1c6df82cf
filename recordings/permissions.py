"""Rules of the recording Perms (Điều 6.4a), registered in RecordingsConfig.ready.

- Recordings and transcripts are released only to the PPC or the chair: the meeting's chair, the
  PPC leaders (the `leader` right in the Provincial People's Committee itself, the root unit), and
  the people the chair names (an active `RecordingGrant`) listen, download and read transcripts.
- Whoever runs the room (chair, organiser, secretaries: live's `runs_meeting`) records, pauses,
  resumes, stops and uploads, from the meeting's approval to after its end (the sound system's
  file arrives later). Running a recording does not by itself let one listen to it.
- The chair grants and revokes listening.

`can()` asks a rule only about an active, signed-in account, hence `user: User` below.
"""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import Perm, is_ppc_leader, register_rule
from live.permissions import ROOM_STATUSES, runs_meeting
from meetings.models import Meeting


def has_grant(user: User, meeting: Meeting) -> bool:
    from recordings.models import RecordingGrant

    return RecordingGrant.objects.filter(meeting=meeting, user=user, revoked_at__isnull=True).exists()


@register_rule(Perm.LISTEN_RECORDING)
def listen_recording(user: User, meeting: Meeting) -> bool:
    if user.is_external:
        return False
    return meeting.chair_id == user.pk or is_ppc_leader(user) or has_grant(user, meeting)


@register_rule(Perm.RUN_RECORDING)
def run_recording(user: User, meeting: Meeting) -> bool:
    return meeting.status in ROOM_STATUSES and runs_meeting(user, meeting)


@register_rule(Perm.GRANT_RECORDING_ACCESS)
def grant_recording_access(user: User, meeting: Meeting) -> bool:
    return meeting.chair_id == user.pk
