"""Pages of recordings: a meeting's recordings (list, upload, who may listen), one recording
(player, pauses, gaps, the panels of the apps above), and its audio with HTTP Range support.

Every view fetches through recordings.access (404 for whoever may neither listen nor run the
recording) and writes through recordings.actions.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.permissions import Perm, can
from core.fetch import get_or_404
from core.http import AuthedRequest, perform_and_redirect
from recordings import hooks
from recordings.access import access_recording, access_recordings_meeting
from recordings.actions.grants import do_grant_recording_access, do_revoke_recording_access
from recordings.actions.listening import do_log_listening
from recordings.actions.upload import default_start
from recordings.models import Recording, RecordingChunk, RecordingGrant, RecordingSource, RecordingStatus
from recordings.queries import audio_size, gaps, iter_audio, missing_seqs, paused_intervals, suffix_for

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _grant_candidates(meeting: Any) -> Any:
    """Officials the chair may name: the meeting's invitees and the people of its unit."""
    return (
        User.objects.filter(is_active=True, is_external=False)
        .filter(Q(invitations__meeting=meeting) | Q(unit=meeting.unit_id))
        .exclude(pk=meeting.chair_id)
        .distinct()
        .order_by("full_name")
    )


def _recording_row(recording: Recording, received: set[int] | None = None) -> dict[str, Any]:
    console = recording.source == RecordingSource.CONSOLE
    return {
        "recording": recording,
        "pauses": paused_intervals(recording),
        "missing": (missing_seqs(recording) if received is None else gaps(recording, received)) if console else [],
    }


@login_required
@require_GET
def meeting_recordings(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_recordings_meeting(request.user, meeting_id)
    user = request.user
    recordings = list(
        Recording.objects.filter(meeting=meeting)
        .select_related("started_by")
        .prefetch_related("pauses")
        .order_by("started_at")
    )
    received: dict[int, set[int]] = {r.pk: set() for r in recordings}
    for recording_id, seq in RecordingChunk.objects.filter(recording__meeting=meeting).values_list(
        "recording_id", "seq"
    ):
        received[recording_id].add(seq)
    may_grant = can(user, Perm.GRANT_RECORDING_ACCESS, meeting)
    context = {
        "meeting": meeting,
        "rows": [_recording_row(r, received[r.pk]) for r in recordings],
        "may_listen": can(user, Perm.LISTEN_RECORDING, meeting),
        "may_run": can(user, Perm.RUN_RECORDING, meeting),
        "may_grant": may_grant,
        "grants": RecordingGrant.objects.filter(meeting=meeting, revoked_at__isnull=True).select_related("user")
        if may_grant
        else [],
        "candidates": _grant_candidates(meeting) if may_grant else [],
        "default_start": default_start(meeting),
    }
    return render(request, "recordings/meeting.html", context)


@login_required
@require_GET
def detail(request: AuthedRequest, recording_id: int) -> HttpResponse:
    recording = get_or_404(Recording.objects.select_related("meeting", "started_by"), recording_id)
    access_recordings_meeting(request.user, recording.meeting_id)
    may_listen = can(request.user, Perm.LISTEN_RECORDING, recording.meeting)
    context = {
        "meeting": recording.meeting,
        "recording": recording,
        "may_listen": may_listen,
        "may_run": can(request.user, Perm.RUN_RECORDING, recording.meeting),
        "has_audio": recording.status == RecordingStatus.STOPPED and bool(recording.file),
        "panels": hooks.render_panels(request, recording) if may_listen else "",
        **_recording_row(recording),
    }
    return render(request, "recordings/detail.html", context)


def _range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range asked for, as [start, end] inclusive; None: the whole file. Raises
    ValueError for a range outside the file (416)."""
    match = _RANGE.match(header.strip())
    if not header or match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        length = int(last)
        if length == 0:
            raise ValueError
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError
    return start, end


def _streamed(request: HttpRequest, blocks: Iterator[bytes]) -> Iterator[bytes] | AsyncIterator[bytes]:
    """Under ASGI Django buffers a synchronous iterator whole before sending it (a two-hour
    download in memory): give it an asynchronous one that decrypts each block in a thread."""
    if not isinstance(request, ASGIRequest):
        return blocks

    def next_block() -> bytes | None:
        return next(blocks, None)

    async def blocks_async() -> AsyncIterator[bytes]:
        while True:
            block = await sync_to_async(next_block, thread_sensitive=False)()
            if block is None:
                return
            yield block

    return blocks_async()


def _serve(request: AuthedRequest, recording_id: int, *, download: bool) -> HttpResponseBase:
    recording = access_recording(request.user, recording_id, Perm.LISTEN_RECORDING)
    if recording.status != RecordingStatus.STOPPED or not recording.file:
        raise Http404
    size = audio_size(recording)
    try:
        wanted = _range(request.headers.get("Range", ""), size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted if wanted is not None else (0, size - 1)
    if download or start == 0:  # the player's first request, a download: one audit entry each
        do_log_listening(request.user, recording, download=download)
    streamed = StreamingHttpResponse(
        _streamed(request, iter_audio(recording, start, end + 1)),
        status=206 if wanted is not None else 200,
        content_type=recording.mime_type.split(";")[0] or "application/octet-stream",
    )
    streamed["Accept-Ranges"] = "bytes"
    streamed["Content-Length"] = str(end - start + 1)
    if wanted is not None:
        streamed["Content-Range"] = f"bytes {start}-{end}/{size}"
    streamed["Cache-Control"] = "private, no-store"
    streamed["X-Content-Type-Options"] = "nosniff"
    if download:
        name = f"ghi-am-cuoc-hop-{recording.meeting_id}-{recording.pk}{suffix_for(recording.mime_type)}"
        streamed["Content-Disposition"] = f'attachment; filename="{name}"'
    return streamed


@login_required
@never_cache
@require_GET
def audio(request: AuthedRequest, recording_id: int) -> HttpResponseBase:
    return _serve(request, recording_id, download=False)


@login_required
@never_cache
@require_GET
def download(request: AuthedRequest, recording_id: int) -> HttpResponseBase:
    return _serve(request, recording_id, download=True)


@login_required
@require_POST
def grant(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_recordings_meeting(request.user, meeting_id, Perm.GRANT_RECORDING_ACCESS)
    back = reverse("recordings:meeting", args=[meeting.pk]) + "#access"
    try:
        user = _grant_candidates(meeting).get(pk=int(request.POST.get("user", "")))
    except (ValueError, User.DoesNotExist):
        return perform_and_redirect(request, _refuse_person, back)
    return perform_and_redirect(
        request,
        lambda: do_grant_recording_access(request.user, meeting, user),
        back,
        success=_("%(name)s may now listen to the recordings.") % {"name": user.display_name},
    )


def _refuse_person() -> None:
    raise ValidationError(_("Choose an official from the list."))


@login_required
@require_POST
def revoke(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_recordings_meeting(request.user, meeting_id, Perm.GRANT_RECORDING_ACCESS)
    back = reverse("recordings:meeting", args=[meeting.pk]) + "#access"
    found = RecordingGrant.objects.filter(
        meeting=meeting, user_id=_int(request.POST.get("user")), revoked_at__isnull=True
    ).first()
    if found is None:
        return perform_and_redirect(request, _refuse_person, back)
    return perform_and_redirect(
        request,
        lambda: do_revoke_recording_access(request.user, found),
        back,
        success=_("Access withdrawn."),
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
