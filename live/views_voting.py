"""Endpoints of in-meeting votes: create (and open), open, close, and vote from a form.

The chair's endpoints need Perm.RUN_MEETING (403 otherwise), every endpoint 404s for people who
may not see the meeting or for a vote of another meeting. Answers follow the room's contract
(live.http.answer): JSON for the script, a redirect with a flash message for plain forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from core.fetch import get_or_404
from core.http import AuthedRequest
from live import vote_export, voting
from live.access import access_live
from live.actions.voting import do_close_vote, do_create_vote, do_open_vote, do_vote
from live.http import answer, room_closed, while_open
from meetings.models import Meeting, MeetingStatus
from polls.models import Participation, Poll, PollKind


def _poll(meeting: Meeting, poll_id: Any) -> Poll:
    return get_or_404(
        Poll.objects.select_related("meeting__unit", "unit"), poll_id, meeting=meeting, kind=PollKind.MEETING_VOTE
    )


def _poll_id(poll: Poll) -> dict[str, Any]:
    return {"poll": poll.pk}


def _options(text: str) -> list[str] | None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines or None


@login_required
@require_POST
def create(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)
    return answer(
        request,
        while_open(
            request.user,
            Perm.RUN_MEETING,
            meeting,
            room_closed(),
            lambda: do_create_vote(
                request.user,
                meeting,
                question=request.POST.get("question", ""),
                options=_options(request.POST.get("options", "")),
                secret=request.POST.get("secret") in ("1", "on", "true"),
                open_now=request.POST.get("open") in ("1", "on", "true"),
            ),
        ),
        success=_("The vote was created."),
        back=reverse("live:console", args=[meeting.pk]),
        data=_poll_id,
    )


def _chair_step(
    request: AuthedRequest, meeting_id: int, poll_id: int, step: Callable[[User, Poll], Poll], success: str
) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)
    poll = _poll(meeting, poll_id)
    return answer(
        request,
        while_open(request.user, Perm.RUN_MEETING, meeting, room_closed(), lambda: step(request.user, poll)),
        success=success,
        back=reverse("live:console", args=[meeting.pk]),
        data=_poll_id,
    )


@login_required
@require_POST
def open_vote(request: AuthedRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    return _chair_step(request, meeting_id, poll_id, do_open_vote, _("The vote is open."))


@login_required
@require_POST
def close_vote(request: AuthedRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    return _chair_step(request, meeting_id, poll_id, do_close_vote, _("The vote is closed."))


@login_required
@require_POST
def vote(request: AuthedRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    """Fields: option_<question id>=<option id>, other_<question id>=<text>."""
    meeting, _live = access_live(request.user, meeting_id)
    poll = _poll(meeting, poll_id)
    choices = {k.removeprefix("option_"): v for k, v in request.POST.items() if k.startswith("option_")}
    others = {k.removeprefix("other_"): v for k, v in request.POST.items() if k.startswith("other_")}

    def write() -> Participation:
        try:
            return do_vote(request.user, poll, choices, others)
        except PermissionDenied:  # who sees the room but may not vote is told why, not refused
            if meeting.status == MeetingStatus.ENDED:
                raise ValidationError(_("Voting is closed: the meeting has ended.")) from None
            raise ValidationError(_("Only attendees who have checked in may vote.")) from None

    return answer(
        request,
        write,
        success=_("Your vote was recorded."),
        back=reverse("live:room", args=[meeting.pk]),
        data=lambda _participation: _poll_id(poll),
    )


@login_required
@require_GET
def named(request: AuthedRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    """JSON: who chose what in a closed named vote; fetched when someone opens the list."""
    meeting, _live = access_live(request.user, meeting_id)
    poll = _poll(meeting, poll_id)
    require(request.user, Perm.VIEW_POLL_RESULTS, poll)
    return JsonResponse({"poll": poll.pk, "questions": voting.named_choices(poll)})


@login_required
@require_GET
def votes_xlsx(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Every vote of the meeting in one workbook (live/vote_export.py): runners and PPC leaders."""
    meeting, live = access_live(request.user, meeting_id, perm=Perm.EXPORT_MEETING_VOTES)
    response = HttpResponse(
        vote_export.votes_workbook(meeting, live),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="bieu-quyet-cuoc-hop-{meeting.pk}.xlsx"'
    return response
