"""The notice that the meeting is recorded (Luật Bảo vệ dữ liệu cá nhân 91/2025, Nghị định
356/2025): shown to each person in the room until they acknowledge it, once per meeting."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import User
from audit.log import log_action
from live.permissions import takes_part
from meetings.models import Meeting
from recordings.models import RecordingNoticeAck


def do_acknowledge_recording_notice(actor: User, meeting: Meeting) -> RecordingNoticeAck:
    """Idempotent: a second acknowledgement returns the first."""
    if not takes_part(actor, meeting):
        raise PermissionDenied
    existing = RecordingNoticeAck.objects.filter(meeting=meeting, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ack = RecordingNoticeAck.objects.create(meeting=meeting, user=actor)
            log_action("recording.notice_acknowledged", actor=actor, target=meeting, data={"meeting": meeting.pk})
    except IntegrityError:  # acknowledged twice at once
        return RecordingNoticeAck.objects.get(meeting=meeting, user=actor)
    return ack
