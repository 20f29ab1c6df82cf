"""The transcript page of a recording (`/transcripts/<recording id>/`): speaker, time and text of
every segment, each playable from its start; the progress while the worker is at it (htmx polls
the body); corrections of text and speaker by those who run the room; .docx and .srt exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Perm, can
from core.http import AuthedRequest, perform, perform_and_redirect
from recordings.models import Recording, RecordingStatus
from transcripts import actions, export
from transcripts.access import access_segment, access_transcript_recording
from transcripts.forms import CorrectionForm
from transcripts.models import Segment, Transcript
from transcripts.queries import segments, transcript_of

POLL_SECONDS = 3


def _body_context(request: AuthedRequest, recording: Recording) -> dict[str, Any]:
    transcript = transcript_of(recording)
    rows = list(segments(transcript, with_revisions=True)) if transcript is not None else []
    may_edit = can(request.user, Perm.EDIT_TRANSCRIPT, recording.meeting)
    return {
        "recording": recording,
        "meeting": recording.meeting,
        "transcript": transcript,
        "segments": rows,
        "may_edit": may_edit,
        # Rows are replaced while the worker runs (polling): corrections wait until it is done.
        "may_correct": may_edit and transcript is not None and not transcript.is_unfinished,
        "poll_seconds": POLL_SECONDS,
        "has_audio": recording.status == RecordingStatus.STOPPED,
    }


@login_required
@require_GET
def transcript_page(request: AuthedRequest, recording_id: int) -> HttpResponse:
    recording = access_transcript_recording(request.user, recording_id)
    actions.do_log_transcript_read(request.user, recording, how="page")
    return render(request, "transcripts/page.html", _body_context(request, recording))


@login_required
@require_GET
@never_cache
def transcript_body(request: AuthedRequest, recording_id: int) -> HttpResponse:
    """The part of the page that changes while the worker runs (polled by htmx)."""
    recording = access_transcript_recording(request.user, recording_id)
    return render(request, "transcripts/_body.html", _body_context(request, recording))


def _row(request: AuthedRequest, segment: Segment) -> HttpResponse:
    segment = segments(segment.transcript, with_revisions=True).get(pk=segment.pk)
    context = {
        "segment": segment,
        "recording": segment.transcript.recording,
        "has_audio": segment.transcript.recording.status == RecordingStatus.STOPPED,
        "may_edit": can(request.user, Perm.EDIT_TRANSCRIPT, segment.transcript.recording.meeting),
    }
    return render(request, "transcripts/_segment.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def correct_segment(request: AuthedRequest, recording_id: int) -> HttpResponse:
    segment = access_segment(request.user, recording_id, request.POST.get("segment") or request.GET.get("segment"))
    meeting = segment.transcript.recording.meeting
    candidates = actions.speaker_candidates(meeting)
    form = CorrectionForm(request.POST or None, segment=segment, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: actions.do_correct_segment(
                request.user, segment, text=form.cleaned_data["text"], speaker=form.cleaned_data["speaker"]
            ),
            form=form,
        )
        if outcome.ok:
            if request.htmx:  # type: ignore[attr-defined]
                return _row(request, segment)
            return redirect(reverse("transcripts:page", args=[recording_id]) + f"#segment-{segment.pk}")
    context = {"segment": segment, "recording": segment.transcript.recording, "form": form, "meeting": meeting}
    template = "transcripts/_correct.html" if request.htmx else "transcripts/correct.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def segment_row(request: AuthedRequest, recording_id: int) -> HttpResponse:
    """One segment (?segment=<id>) as shown in the list (the cancel button of the correction form)."""
    segment = access_segment(request.user, recording_id, request.GET.get("segment"), perm=Perm.LISTEN_RECORDING)
    return _row(request, segment)


@login_required
@require_POST
def retry(request: AuthedRequest, recording_id: int) -> HttpResponse:
    recording = access_transcript_recording(request.user, recording_id, Perm.EDIT_TRANSCRIPT)
    transcript = Transcript.objects.filter(recording=recording).first()
    if transcript is None:
        return redirect("transcripts:page", recording_id)
    return perform_and_redirect(
        request,
        lambda: actions.do_retry_transcription(request.user, transcript),
        "transcripts:page",
        recording_id,
        success=_("The transcription will start again."),
    )


def _file_name(recording: Recording, suffix: str) -> str:
    started = recording.started_at
    return f"ban-ghi-cuoc-hop-{recording.meeting_id}-{started:%Y%m%d-%H%M}.{suffix}"


@login_required
@require_GET
def export_docx(request: AuthedRequest, recording_id: int) -> HttpResponse:
    recording = access_transcript_recording(request.user, recording_id)
    transcript = transcript_of(recording)
    rows = list(segments(transcript)) if transcript is not None else []
    actions.do_log_transcript_read(request.user, recording, how="docx")
    response = HttpResponse(
        export.docx(recording, rows),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(recording, "docx")}"'
    return response


@login_required
@require_GET
def export_srt(request: AuthedRequest, recording_id: int) -> HttpResponse:
    recording = access_transcript_recording(request.user, recording_id)
    transcript = transcript_of(recording)
    rows = list(segments(transcript)) if transcript is not None else []
    actions.do_log_transcript_read(request.user, recording, how="srt")
    response = HttpResponse(export.srt(rows), content_type="application/x-subrip; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(recording, "srt")}"'
    return response
