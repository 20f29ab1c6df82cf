"""Endpoints of the floor: request / withdraw (attendees), grant, skip, refuse, move, end the
turn, give the floor (runners), and the floor timeline page. Same contract as the room's other
endpoints (live.http.answer): JSON for the script, redirect and flash message for forms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.permissions import Perm, can
from core.fetch import get_or_404
from core.http import AuthedRequest
from live.access import access_live
from live.actions import speaking
from live.http import agenda_item, answer, room_closed, while_open, whole_number
from live.models import SpeakRequest, SpeakState
from meetings.models import Meeting


def _room(meeting: Meeting) -> str:
    return reverse("live:room", args=[meeting.pk])


def _console(meeting: Meeting) -> str:
    return reverse("live:console", args=[meeting.pk])


@login_required
@require_POST
def request_floor(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        item = agenda_item(meeting, request.POST["item"]) if request.POST.get("item") else None
        speaking.do_request_floor(request.user, meeting, topic=request.POST.get("topic", ""), agenda_item=item)

    closed = _("Requests to speak are closed: the meeting has ended.")
    return answer(
        request,
        while_open(request.user, Perm.ATTEND_MEETING, meeting, closed, write),
        success=_("You asked for the floor."),
        back=_room(meeting),
    )


@login_required
@require_POST
def withdraw(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        mine = SpeakRequest.objects.filter(meeting=meeting, user=request.user, state=SpeakState.WAITING).first()
        if mine is None:
            raise ValidationError(_("You have no request waiting."))
        speaking.do_withdraw_floor_request(request.user, mine)

    return answer(request, write, success=_("Your request was withdrawn."), back=_room(meeting))


def _chair(request: AuthedRequest, meeting_id: int, request_id: int, step: str) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)
    target = get_or_404(SpeakRequest.objects.select_related("meeting__unit"), request_id, meeting=meeting)
    steps = {
        "grant": (lambda: speaking.do_grant_floor(request.user, target), _("The floor was given.")),
        "skip": (lambda: speaking.do_skip(request.user, target), _("The request was skipped.")),
        "refuse": (lambda: speaking.do_refuse(request.user, target), _("The request was refused.")),
        "up": (lambda: speaking.do_move_in_queue(request.user, target, up=True), _("The queue was reordered.")),
        "down": (lambda: speaking.do_move_in_queue(request.user, target, up=False), _("The queue was reordered.")),
    }
    write, success = steps[step]
    return answer(
        request,
        while_open(request.user, Perm.RUN_MEETING, meeting, room_closed(), write),
        success=success,
        back=_console(meeting),
    )


@login_required
@require_POST
def decide(request: AuthedRequest, meeting_id: int, request_id: int, step: str) -> HttpResponse:
    if step not in ("grant", "skip", "refuse", "up", "down"):
        raise Http404
    return _chair(request, meeting_id, request_id, step)


@login_required
@require_POST
def end_turn(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)
    return answer(
        request,
        lambda: speaking.do_end_turn(request.user, meeting),
        success=_("The turn has ended."),
        back=_console(meeting) if can(request.user, Perm.RUN_MEETING, meeting) else _room(meeting),
    )


@login_required
@require_POST
def give_floor(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        user_id = whole_number(request.POST.get("user"), _("Choose an attendee."))
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            raise ValidationError(_("Choose an attendee."))
        speaking.do_give_floor(request.user, meeting, user)

    return answer(
        request,
        while_open(request.user, Perm.RUN_MEETING, meeting, room_closed(), write),
        success=_("The floor was given."),
        back=_console(meeting),
    )


@login_required
@require_GET
def timeline(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)
    turns = (
        SpeakRequest.objects.filter(meeting=meeting, started_at__isnull=False)
        .select_related("user__unit")
        .order_by("started_at", "pk")
    )
    return render(request, "live/speaking/timeline.html", {"meeting": meeting, "turns": turns})
