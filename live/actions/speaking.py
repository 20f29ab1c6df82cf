"""Requests to speak and the floor (Điều 5.5): attendees ask for the floor and may withdraw; the
chair grants, gives the floor directly, reorders, skips or refuses, and ends the turn. Every turn
keeps its exact start and end: the floor timeline that later attributes the transcript to
speakers and feeds the minutes.

Each action locks the meeting (`lock_room`), is audited, and emits the whole "floor" section
(speaker, limit, queue) as a numbered event, so applying an event twice is harmless.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from live import events
from live.actions.common import lock_room
from live.models import LiveState, SpeakRequest, SpeakState
from live.permissions import attendee_invitation
from live.queries import floor_data
from meetings.models import AgendaItem, Meeting, MeetingStatus

MAX_TOPIC = 200


def _in_progress(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise ValidationError(_("Requests to speak are taken while the meeting is in progress."))


def _floor_event(meeting: Meeting, live: LiveState) -> None:
    events.emit(meeting.pk, "floor", floor_data(meeting, live))


def _end_current_turn(meeting: Meeting, now: datetime) -> SpeakRequest | None:
    current = SpeakRequest.objects.filter(meeting=meeting, state=SpeakState.SPEAKING).first()
    if current is not None:
        current.state, current.ended_at = SpeakState.DONE, now
        current.save(update_fields=["state", "ended_at"])
    return current


def do_request_floor(
    user: User, meeting: Meeting, *, topic: str = "", agenda_item: AgendaItem | None = None
) -> SpeakRequest:
    require(user, Perm.ATTEND_MEETING, meeting)
    topic = (topic or "").strip()
    if len(topic) > MAX_TOPIC:
        raise ValidationError(_("The topic is too long (at most 200 characters)."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    with transaction.atomic():
        locked, live = lock_room(meeting)
        _in_progress(locked)
        position = (SpeakRequest.objects.filter(meeting=locked).aggregate(m=Max("position"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                request = SpeakRequest.objects.create(
                    meeting=locked,
                    user=user,
                    topic=topic,
                    agenda_item=agenda_item or live.current_item,
                    position=position,
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already asked for the floor. Withdraw that request before making another."),
                code="duplicate",
            ) from None
        log_action(
            "meeting.floor_requested",
            actor=user,
            target=locked,
            unit=locked.unit,
            data={"request": request.pk, "topic": topic},
        )
        _floor_event(locked, live)
    return request


def do_withdraw_floor_request(user: User, request: SpeakRequest) -> SpeakRequest:
    if request.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked, live = lock_room(request.meeting)
        request = SpeakRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != SpeakState.WAITING:
            raise ValidationError(_("Only a request that is still waiting can be withdrawn."))
        request.state = SpeakState.WITHDRAWN
        request.save(update_fields=["state"])
        log_action("meeting.floor_withdrawn", actor=user, target=locked, unit=locked.unit, data={"request": request.pk})
        _floor_event(locked, live)
    return request


def _decide(actor: User, request: SpeakRequest, new_state: str, code: str) -> SpeakRequest:
    require(actor, Perm.RUN_MEETING, request.meeting)
    with transaction.atomic():
        locked, live = lock_room(request.meeting)
        _in_progress(locked)
        request = SpeakRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != SpeakState.WAITING:
            raise ValidationError(_("This request is no longer waiting."))
        now = timezone.now()
        if new_state == SpeakState.SPEAKING:
            _end_current_turn(locked, now)
            request.started_at = now
        request.state, request.decided_by = new_state, actor
        request.save(update_fields=["state", "decided_by", "started_at"])
        log_action(
            code, actor=actor, target=locked, unit=locked.unit, data={"request": request.pk, "speaker": request.user_id}
        )
        _floor_event(locked, live)
    return request


def do_grant_floor(actor: User, request: SpeakRequest) -> SpeakRequest:
    """The requester takes the floor; whoever was speaking ends their turn at this moment."""
    return _decide(actor, request, SpeakState.SPEAKING, "meeting.floor_granted")


def do_skip(actor: User, request: SpeakRequest) -> SpeakRequest:
    return _decide(actor, request, SpeakState.SKIPPED, "meeting.floor_skipped")


def do_refuse(actor: User, request: SpeakRequest) -> SpeakRequest:
    return _decide(actor, request, SpeakState.REFUSED, "meeting.floor_refused")


def do_give_floor(actor: User, meeting: Meeting, user: User) -> SpeakRequest:
    """The chair gives the floor to an attendee who did not ask (their waiting request, if any, is used)."""
    require(actor, Perm.RUN_MEETING, meeting)
    if attendee_invitation(user, meeting) is None and meeting.chair_id != user.pk:
        raise ValidationError(_("This person is not an attendee of the meeting."))
    waiting = SpeakRequest.objects.filter(meeting=meeting, user=user, state=SpeakState.WAITING).first()
    if waiting is not None:
        return do_grant_floor(actor, waiting)
    with transaction.atomic():
        locked, live = lock_room(meeting)
        _in_progress(locked)
        now = timezone.now()
        current = _end_current_turn(locked, now)
        if current is not None and current.user_id == user.pk:
            raise ValidationError(_("This person already has the floor."))
        request = SpeakRequest.objects.create(
            meeting=locked,
            user=user,
            agenda_item=live.current_item,
            state=SpeakState.SPEAKING,
            started_at=now,
            decided_by=actor,
        )
        log_action(
            "meeting.floor_granted",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"request": request.pk, "speaker": user.pk},
        )
        _floor_event(locked, live)
    return request


def do_end_turn(actor: User, meeting: Meeting) -> SpeakRequest:
    """The chair ends the current turn (a speaker may end their own)."""
    with transaction.atomic():
        locked, live = lock_room(meeting)
        current = SpeakRequest.objects.filter(meeting=locked, state=SpeakState.SPEAKING).first()
        if current is None:
            raise ValidationError(_("Nobody has the floor."))
        if current.user_id != actor.pk and not can(actor, Perm.RUN_MEETING, locked):
            raise PermissionDenied
        _end_current_turn(locked, timezone.now())
        current.refresh_from_db()
        log_action(
            "meeting.turn_ended",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"request": current.pk, "seconds": current.duration_seconds},
        )
        _floor_event(locked, live)
    return current


def do_reorder_queue(actor: User, meeting: Meeting, ordered_ids: list[int]) -> None:
    """New order of the waiting requests: the ids must be exactly those waiting now."""
    require(actor, Perm.RUN_MEETING, meeting)
    with transaction.atomic():
        locked, live = lock_room(meeting)
        _in_progress(locked)
        waiting = {r.pk: r for r in SpeakRequest.objects.filter(meeting=locked, state=SpeakState.WAITING)}
        if len(ordered_ids) != len(set(ordered_ids)) or set(ordered_ids) != set(waiting):
            raise ValidationError(_("The queue changed meanwhile. Reload and try again."))
        for position, request_id in enumerate(ordered_ids, start=1):
            waiting[request_id].position = position
        SpeakRequest.objects.bulk_update(list(waiting.values()), ["position"])
        log_action("meeting.queue_reordered", actor=actor, target=locked, unit=locked.unit, data={"order": ordered_ids})
        _floor_event(locked, live)


def do_move_in_queue(actor: User, request: SpeakRequest, *, up: bool) -> None:
    """Move one waiting request a place up or down (the console's arrows)."""
    require(actor, Perm.RUN_MEETING, request.meeting)
    with transaction.atomic():
        locked, _live = lock_room(request.meeting)  # the queue read below is the one reordered
        ids = list(
            SpeakRequest.objects.filter(meeting=locked, state=SpeakState.WAITING)
            .order_by("position", "requested_at", "pk")
            .values_list("pk", flat=True)
        )
        if request.pk not in ids:
            raise ValidationError(_("This request is no longer waiting."))
        index = ids.index(request.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
        do_reorder_queue(actor, locked, ids)
