"""Endpoints of in-meeting votes: create (and open), open, close, and vote from a form.

The chair's endpoints need Perm.RUN_MEETING (403 otherwise), every endpoint 404s for people who
may not see the meeting or for a vote of another meeting. Answers follow the room's contract:
JSON for the script, a redirect with a flash message for plain forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Perm, can
from core.fetch import parse_id
from core.http import AuthedRequest
from live import voting
from live.access import access_live
from live.views import _wants_json
from meetings.models import Meeting
from polls.actions import DuplicateBallot
from polls.models import Poll, PollKind


def _poll(meeting: Meeting, poll_id: Any) -> Poll:
    try:
        return Poll.objects.select_related("meeting__unit", "unit").get(
            pk=parse_id(poll_id), meeting=meeting, kind=PollKind.MEETING_VOTE
        )
    except (Poll.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _respond(
    request: AuthedRequest, meeting: Meeting, *, ok: dict[str, Any] | None, error: str, success: str, back: str
) -> HttpResponse:
    if _wants_json(request):
        if ok is None:
            return JsonResponse({"error": error}, status=400)
        return JsonResponse({"ok": True, **ok})
    if ok is None:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(back)


def _options(text: str) -> list[str] | None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines or None


@login_required
@require_POST
def create(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id, perm=Perm.RUN_MEETING)
    back = reverse("live:console", args=[meeting.pk])
    try:
        poll = voting.do_create_vote(
            request.user,
            meeting,
            question=request.POST.get("question", ""),
            options=_options(request.POST.get("options", "")),
            secret=request.POST.get("secret") in ("1", "on", "true"),
            open_now=request.POST.get("open") in ("1", "on", "true"),
        )
    except ValidationError as exc:
        return _respond(request, meeting, ok=None, error=" ".join(exc.messages), success="", back=back)
    return _respond(request, meeting, ok={"poll": poll.pk}, error="", success=_("The vote was created."), back=back)


def _chair_step(request: AuthedRequest, meeting_id: int, poll_id: int, step: Any, success: str) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id, perm=Perm.RUN_MEETING)
    poll = _poll(meeting, poll_id)
    back = reverse("live:console", args=[meeting.pk])
    try:
        step(request.user, poll)
    except ValidationError as exc:
        return _respond(request, meeting, ok=None, error=" ".join(exc.messages), success="", back=back)
    return _respond(request, meeting, ok={"poll": poll.pk}, error="", success=success, back=back)


@login_required
@require_POST
def open_vote(request: AuthedRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    return _chair_step(request, meeting_id, poll_id, voting.do_open_vote, _("The vote is open."))


@login_required
@require_POST
def close_vote(request: AuthedRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    return _chair_step(request, meeting_id, poll_id, voting.do_close_vote, _("The vote is closed."))


@login_required
@require_POST
def vote(request: AuthedRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    """Fields: option_<question id>=<option id>, other_<question id>=<text>."""
    meeting, _live = access_live(request.user, meeting_id)
    poll = _poll(meeting, poll_id)
    back = reverse("live:room", args=[meeting.pk])
    choices = {k.removeprefix("option_"): v for k, v in request.POST.items() if k.startswith("option_")}
    others = {k.removeprefix("other_"): v for k, v in request.POST.items() if k.startswith("other_")}
    try:
        voting.do_vote(request.user, poll, choices, others)
    except DuplicateBallot as exc:
        return _respond(request, meeting, ok=None, error=" ".join(exc.messages), success="", back=back)
    except ValidationError as exc:
        return _respond(request, meeting, ok=None, error=" ".join(exc.messages), success="", back=back)
    except PermissionDenied:
        return _respond(
            request, meeting, ok=None, error=_("Only attendees who have checked in may vote."), success="", back=back
        )
    return _respond(request, meeting, ok={"poll": poll.pk}, error="", success=_("Your vote was recorded."), back=back)


@login_required
@require_GET
def named(request: AuthedRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    """JSON: who chose what in a closed named vote; fetched when someone opens the list."""
    meeting, _live = access_live(request.user, meeting_id)
    poll = _poll(meeting, poll_id)
    if not can(request.user, Perm.VIEW_POLL_RESULTS, poll):
        raise PermissionDenied
    return JsonResponse({"poll": poll.pk, "questions": voting.named_choices(poll)})
