"""Every play and download of a recording is in the audit trail (Điều 6.4a)."""

from __future__ import annotations

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from recordings.models import Recording


def do_log_listening(actor: User, recording: Recording, *, download: bool) -> None:
    """The player started (its first byte was asked for) or the file was downloaded."""
    require(actor, Perm.LISTEN_RECORDING, recording.meeting)
    log_action(
        "recording.downloaded" if download else "recording.played",
        actor=actor,
        target=recording,
        data={"meeting": recording.meeting_id},
    )
