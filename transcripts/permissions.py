"""Rules of the transcript Perms, registered in TranscriptsConfig.ready.

Reading a transcript is listening to the recording (Perm.LISTEN_RECORDING: the chair, the PPC
leaders, the people the chair names). Correcting it (text and speaker) is for those who run the
room (Perm.RUN_RECORDING: chair, organiser, secretaries) and may read it: a secretary corrects
once the chair has let them listen, since the transcript is released no wider than the audio.

`can()` asks a rule only about an active, signed-in account, hence `user: User` below.
"""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import Perm, can, register_rule
from meetings.models import Meeting


@register_rule(Perm.EDIT_TRANSCRIPT)
def edit_transcript(user: User, meeting: Meeting) -> bool:
    return can(user, Perm.RUN_RECORDING, meeting) and can(user, Perm.LISTEN_RECORDING, meeting)
