"""JSON endpoints of the console's recorder (static/recordings/recorder.js), of the upload of a
finished recording (static/recordings/upload.js, the protocol of documents/upload.py) and of the
recording notice. Every answer carries `server_now`, from which the browser stamps its chunks in
the server's clock."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, can
from core.http import AuthedRequest, perform_and_redirect
from documents import upload as uploads
from documents.actions.uploads import do_append_chunk
from documents.models import Upload
from live.permissions import takes_part
from meetings.access import access_meeting
from recordings.access import access_recording, access_recordings_meeting
from recordings.actions import capture
from recordings.actions.notice import do_acknowledge_recording_notice
from recordings.actions.upload import do_finish_audio_upload, do_start_audio_upload, parse_started_at
from recordings.models import Recording, RecordingChunk
from recordings.queries import missing_seqs, paused_intervals


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(
        {**data, "server_now": timezone.now().isoformat()}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _refusal(exc: ValidationError, status: int = 400) -> JsonResponse:
    return _json({"error": " ".join(exc.messages), "code": getattr(exc, "code", None) or ""}, status=status)


def state(recording: Recording) -> dict[str, Any]:
    seqs = list(RecordingChunk.objects.filter(recording=recording).values_list("seq", flat=True))
    return {
        "id": recording.pk,
        "status": recording.status,
        "status_label": recording.get_status_display(),
        "started_at": recording.started_at.isoformat(),
        "received": len(seqs),
        "next_seq": max(seqs, default=-1) + 1,
        "missing": missing_seqs(recording),
        "pauses": [[a.isoformat(), b.isoformat()] for a, b in paused_intervals(recording)],
        "chunk_url": reverse("recordings:chunk", args=[recording.pk, 0]),
        "status_url": reverse("recordings:status", args=[recording.pk]),
        "pause_url": reverse("recordings:pause", args=[recording.pk]),
        "resume_url": reverse("recordings:resume", args=[recording.pk]),
        "stop_url": reverse("recordings:stop", args=[recording.pk]),
        "page_url": reverse("recordings:detail", args=[recording.pk]),
    }


@login_required
@require_POST
def start(request: AuthedRequest, meeting_id: int) -> JsonResponse:
    meeting = access_recordings_meeting(request.user, meeting_id, Perm.RUN_RECORDING)
    try:
        recording = capture.do_start_recording(request.user, meeting)
    except ValidationError as exc:
        return _refusal(exc)
    return _json(state(recording))


@login_required
@never_cache
@require_http_methods(["GET"])
def status(request: AuthedRequest, recording_id: int) -> JsonResponse:
    recording = access_recording(request.user, recording_id, Perm.RUN_RECORDING)
    return _json(state(recording))


def _wall_start(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(_("The piece of audio has an impossible time."), code="bad_time") from None
    if timezone.is_naive(value):
        raise ValidationError(_("The piece of audio has an impossible time."), code="bad_time")
    return value


@login_required
@require_POST
def chunk(request: AuthedRequest, recording_id: int, seq: int) -> JsonResponse:
    """POST the chunk's bytes as the body; X-Chunk-Sha256, X-Chunk-Start (ISO 8601, server
    clock), X-Chunk-Duration (seconds), X-Chunk-Header: 1 on a MediaRecorder session's first."""
    recording = access_recording(request.user, recording_id, Perm.RUN_RECORDING)
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        if int(declared) > capture.CHUNK_MAX_BYTES:
            raise ValidationError(_("The piece of audio is empty or too large."), code="bad_size")
        duration = float(request.headers.get("X-Chunk-Duration", ""))
        result = capture.do_store_chunk(
            request.user,
            recording,
            seq=seq,
            sha256=request.headers.get("X-Chunk-Sha256", ""),
            wall_start=_wall_start(request.headers.get("X-Chunk-Start", "")),
            duration=duration,
            data=request.body,
            starts_stream=request.headers.get("X-Chunk-Header") == "1",
        )
    except ValueError:
        return _json({"error": _("The piece of audio has an impossible length."), "code": "bad_duration"}, 400)
    except ValidationError as exc:
        return _refusal(exc, status=409 if getattr(exc, "code", "") in ("conflict", "paused", "closed") else 400)
    return _json({"ok": True, "seq": seq, "stored": result.stored, "missing": result.missing, "status": result.status})


def _control(request: AuthedRequest, recording_id: int, act: Any) -> JsonResponse:
    recording = access_recording(request.user, recording_id, Perm.RUN_RECORDING)
    try:
        act(recording)
    except ValidationError as exc:
        return _refusal(exc, status=409)
    recording.refresh_from_db()
    return _json({"ok": True, **state(recording)})


@login_required
@require_POST
def pause(request: AuthedRequest, recording_id: int) -> JsonResponse:
    return _control(request, recording_id, lambda r: capture.do_pause_recording(request.user, r))


@login_required
@require_POST
def resume(request: AuthedRequest, recording_id: int) -> JsonResponse:
    return _control(request, recording_id, lambda r: capture.do_resume_recording(request.user, r))


@login_required
@require_POST
def stop(request: AuthedRequest, recording_id: int) -> JsonResponse:
    try:
        count = int(request.POST.get("chunk_count", ""))
    except ValueError:
        return _json({"error": _("The recording's number of pieces is invalid."), "code": "bad_count"}, 400)
    return _control(request, recording_id, lambda r: capture.do_stop_recording(request.user, r, chunk_count=count))


@login_required
@require_POST
def close(request: AuthedRequest, recording_id: int) -> HttpResponse:
    """The page's button: finish a stopped recording with its gaps (a plain form)."""
    recording = access_recording(request.user, recording_id, Perm.RUN_RECORDING)
    return perform_and_redirect(
        request,
        lambda: capture.do_close_with_gaps(request.user, recording),
        reverse("recordings:detail", args=[recording.pk]),
        success=_("The recording is being completed with the audio that arrived."),
    )


# --- upload of a finished recording (documents/upload.py's protocol) --------------------------


def _access_upload(user: Any, upload_id: str) -> Upload:
    found = Upload.objects.select_related("meeting").filter(pk=str(upload_id)[:64], user=user).first()
    if found is None or not can(user, Perm.RUN_RECORDING, found.meeting):
        raise Http404
    return found


@login_required
@require_POST
def upload_start(request: AuthedRequest, meeting_id: int) -> JsonResponse:
    meeting = access_recordings_meeting(request.user, meeting_id, Perm.RUN_RECORDING)
    try:
        data = json.loads(request.body or b"{}") if request.content_type == "application/json" else request.POST.dict()
        size = int(data.get("size", ""))
    except (TypeError, ValueError, AttributeError):
        return _json({"error": _("The upload request is malformed."), "code": "bad_request"}, 400)
    try:
        started = do_start_audio_upload(request.user, meeting, filename=str(data.get("filename", "")), size=size)
    except ValidationError as exc:
        return _refusal(exc)
    return _json(
        {
            **uploads.status(started),
            "chunk_size": uploads.CLIENT_CHUNK_BYTES,
            "url": reverse("recordings:upload", args=[started.pk]),
            "finish_url": reverse("recordings:upload_finish", args=[started.pk]),
        },
        status=201,
    )


@login_required
@never_cache
@require_http_methods(["GET", "PUT", "DELETE"])
def upload_chunk(request: AuthedRequest, upload_id: str) -> HttpResponse:
    """GET: the offset to resume from. PUT: append one chunk. DELETE: give up."""
    current = _access_upload(request.user, upload_id)
    if request.method == "GET":
        return _json(uploads.status(current))
    if request.method == "DELETE":
        uploads.discard(current)
        return HttpResponse(status=204)
    try:
        first, last, total = uploads.parse_content_range(request.headers.get("Content-Range"))
        received = do_append_chunk(current, start=first, end=last, total=total, stream=request)
    except uploads.OffsetMismatch as exc:
        return _json({"error": _("Resume from the server's offset."), "code": "offset", "received": exc.received}, 409)
    except uploads.UploadConflict:
        return _json({"error": _("This upload is busy or already finished."), "code": "busy"}, 409)
    except ValidationError as exc:
        return _refusal(exc)
    return _json({"id": current.pk, "received": received, "size": current.size})


@login_required
@require_POST
def upload_finish(request: AuthedRequest, upload_id: str) -> JsonResponse:
    current = _access_upload(request.user, upload_id)
    try:
        started_at = parse_started_at(request.POST.get("started_at", ""), current.meeting)
        recording = do_finish_audio_upload(request.user, current, started_at=started_at)
    except uploads.UploadConflict:
        return _json({"error": _("This upload is busy or already finished."), "code": "busy"}, 409)
    except ValidationError as exc:
        return _refusal(exc)
    return _json({"ok": True, "id": recording.pk, "url": reverse("recordings:detail", args=[recording.pk])}, status=201)


# --- the notice -------------------------------------------------------------------------------


@login_required
@require_POST
def acknowledge_notice(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user: Any = request.user
    meeting = access_meeting(user, meeting_id)
    if not takes_part(user, meeting):
        raise Http404
    do_acknowledge_recording_notice(user, meeting)
    if "application/json" in request.headers.get("Accept", ""):
        return _json({"ok": True})
    return redirect("live:room", meeting_id=meeting.pk)
