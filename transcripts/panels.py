"""The transcript panel on the recording's page (recordings.hooks.register_panel): its status and
progress, and the link to the transcript. Shown only to those who may read it."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.permissions import Perm, can
from recordings.models import Recording
from transcripts.queries import transcript_of


def transcript_panel(request: HttpRequest, recording: Recording) -> str:
    if not can(request.user, Perm.LISTEN_RECORDING, recording.meeting):
        return ""
    transcript = transcript_of(recording)
    count = transcript.segments.count() if transcript is not None else 0  # type: ignore[attr-defined]
    return render_to_string(
        "transcripts/_panel.html", {"recording": recording, "transcript": transcript, "count": count}, request=request
    )
