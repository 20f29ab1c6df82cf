"""Shared reads of the meeting room: who may attend, attendance counts and quorum, the floor,
and the snapshot a screen starts from."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.permissions import Perm, can
from live import rules
from live.models import (
    PRESENT_STATUSES,
    Attendance,
    AttendanceStatus,
    ItemConclusion,
    LiveState,
    SpeakRequest,
    SpeakState,
)
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting


def attending_q(prefix: str = "") -> Q:
    """The invitations of people who attend (`eligible_invitations`), as a filter on Invitation or,
    with `prefix` ("invitation__"), on a model pointing to it: report Mẫu số 01 counts the
    attendance of many meetings with it."""
    return Q(**{f"{prefix}role": InvitationRole.ATTENDEE}) & (
        Q(**{f"{prefix}kind": InvitationKind.USER}) & ~Q(**{f"{prefix}answer": Answer.DELEGATED})
        | Q(**{f"{prefix}kind": InvitationKind.GUEST})
    )


def eligible_invitations(meeting: Meeting) -> QuerySet[Invitation]:
    """Invitations of people who attend: officials (not those who sent a substitute), their
    substitutes, people named by invited units, and outside guests."""
    return Invitation.objects.filter(meeting=meeting).filter(attending_q())


def attendance_counts(meeting: Meeting, live: LiveState) -> dict[str, Any]:
    """Invited, present (late included), late, absent, excused, substitutes and quorum.

    Quorum counts officials only (guests attend but do not count)."""
    invitations = eligible_invitations(meeting)
    totals = invitations.aggregate(
        invited=Count("pk", filter=Q(kind=InvitationKind.USER)),
        guests=Count("pk", filter=Q(kind=InvitationKind.GUEST)),
        substitutes=Count("pk", filter=Q(substitute_for__isnull=False)),
    )
    by_status = dict(
        Attendance.objects.filter(meeting=meeting, invitation__in=invitations)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    present_officials = Attendance.objects.filter(
        meeting=meeting,
        invitation__in=invitations.filter(kind=InvitationKind.USER),
        status__in=PRESENT_STATUSES,
    ).count()
    quorum = rules.quorum(live.quorum_rule, totals["invited"], present_officials)
    present = by_status.get(AttendanceStatus.PRESENT, 0) + by_status.get(AttendanceStatus.LATE, 0)
    return {
        "invited": totals["invited"],
        "guests": totals["guests"],
        "present": present,
        "late": by_status.get(AttendanceStatus.LATE, 0),
        "absent": by_status.get(AttendanceStatus.ABSENT, 0),
        "excused": by_status.get(AttendanceStatus.EXCUSED, 0),
        "not_checked_in": totals["invited"] + totals["guests"] - sum(by_status.values()),
        "substitutes": totals["substitutes"],
        "quorum_rule": quorum.rule,
        "quorum_required": quorum.required,
        "quorum_reached": quorum.reached,
    }


def attendance_row(attendance: Attendance) -> dict[str, Any]:
    invitation = attendance.invitation
    user = invitation.user
    return {
        "invitation_id": attendance.invitation_id,
        "user_id": attendance.user_id,
        "name": invitation.label,
        "unit": user.unit.name if user is not None and user.unit is not None else invitation.guest_organisation,
        "status": attendance.status,
        "status_label": str(AttendanceStatus(attendance.status).label),
        "checked_in_at": attendance.checked_in_at.isoformat() if attendance.checked_in_at else None,
    }


def attendance_rows(meeting: Meeting, invitation_ids: list[int]) -> list[dict[str, Any]]:
    """`attendance_row` of these invitations' rows (in this order, those that exist), from one
    query of plain values for a batch of check-ins (no model instances: hundreds at a time).
    test_checkin.py checks that both give the same rows."""
    columns = (
        "invitation_id",
        "user_id",
        "status",
        "checked_in_at",
        "invitation__kind",
        "invitation__user__full_name",
        "invitation__user__username",
        "invitation__user__unit__name",
        "invitation__unit__name",
        "invitation__guest_name",
        "invitation__guest_organisation",
    )
    found = {
        row[0]: row
        for row in Attendance.objects.filter(meeting=meeting, invitation_id__in=invitation_ids).values_list(*columns)
    }
    rows = []
    for pk in invitation_ids:
        if pk not in found:
            continue
        _pk, user_id, status, checked_in_at, kind, full_name, username, user_unit, unit, guest, organisation = found[pk]
        if kind == InvitationKind.USER and username is not None:  # Invitation.label, User.display_name
            name = full_name or username
        elif kind == InvitationKind.UNIT and unit is not None:
            name = unit
        else:
            name = f"{guest} ({organisation})" if organisation else guest
        rows.append(
            {
                "invitation_id": pk,
                "user_id": user_id,
                "name": name,
                "unit": user_unit if username is not None and user_unit is not None else organisation,
                "status": status,
                "status_label": str(AttendanceStatus(status).label),
                "checked_in_at": checked_in_at.isoformat() if checked_in_at else None,
            }
        )
    return rows


def attendance_list(meeting: Meeting) -> list[dict[str, Any]]:
    """Everyone expected, with their attendance (for the chair console and the secretary)."""
    rows = []
    invitations = eligible_invitations(meeting).select_related("user__unit", "attendance", "substitute_for__user")
    for inv in invitations.order_by("kind", "user__full_name", "guest_name", "pk"):
        attendance = getattr(inv, "attendance", None)
        rows.append(
            {
                "invitation_id": inv.pk,
                "user_id": inv.user_id,
                "name": inv.label,
                "unit": inv.user.unit.name
                if inv.user is not None and inv.user.unit is not None
                else inv.guest_organisation,
                "substitute_for": inv.substitute_for.label if inv.substitute_for is not None else "",
                "status": attendance.status if attendance else "",
                "status_label": str(AttendanceStatus(attendance.status).label) if attendance else "",
            }
        )
    return rows


def _speaker_row(request: SpeakRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "user_id": request.user_id,
        "name": request.user.display_name,
        "unit": request.user.unit.name if request.user.unit is not None else "",
        "topic": request.topic,
        "agenda_item_id": request.agenda_item_id,
        "state": request.state,
        "requested_at": request.requested_at.isoformat(),
        "started_at": request.started_at.isoformat() if request.started_at else None,
        "ended_at": request.ended_at.isoformat() if request.ended_at else None,
    }


def floor_data(meeting: Meeting, live: LiveState) -> dict[str, Any]:
    """The speaker on the floor (with the limit, so every screen runs the same timer) and the queue."""
    open_requests = list(
        SpeakRequest.objects.filter(meeting=meeting, state__in=[SpeakState.WAITING, SpeakState.SPEAKING])
        .select_related("user__unit")
        .order_by("position", "requested_at", "pk")
    )
    speaker = next((r for r in open_requests if r.state == SpeakState.SPEAKING), None)
    return {
        "speaker": _speaker_row(speaker) if speaker else None,
        "limit_seconds": live.speaking_limit_seconds,
        "queue": [_speaker_row(r) for r in open_requests if r.state == SpeakState.WAITING],
    }


def floor_timeline(meeting: Meeting) -> list[dict[str, Any]]:
    turns = (
        SpeakRequest.objects.filter(meeting=meeting, started_at__isnull=False)
        .select_related("user__unit")
        .order_by("started_at", "pk")
    )
    return [{**_speaker_row(t), "duration_seconds": t.duration_seconds} for t in turns]


def agenda_data(meeting: Meeting) -> list[dict[str, Any]]:
    conclusions = {c.agenda_item_id: c.text for c in ItemConclusion.objects.filter(agenda_item__meeting=meeting)}
    return [
        {
            "id": item.pk,
            "order": item.order,
            "title": item.title,
            "presenter": item.presenter,
            "minutes": item.duration_minutes,
            "conclusion": conclusions.get(item.pk, ""),
        }
        for item in meeting.agenda_items.order_by("order")
    ]


# (name, function(meeting, live, user), personal) added by other modules (the votes).
SNAPSHOT_SECTIONS: list[tuple[str, Any, bool]] = []
# A personal section's value for many signed-in users at once, by user id:
# name -> function(meeting, live, users) (screens connecting in batches; the section's own
# function stays the reference and serves everyone else).
PERSONAL_SECTIONS_MANY: dict[str, Any] = {}


@dataclass(frozen=True)
class SharedSnapshot:
    """The part of a snapshot that is the same for every screen of a meeting, current to `seq`,
    with its JSON encoded once (`text`: the members without the braces, spliced into each
    screen's frame). The meeting and room rows it was read from serve the personal part."""

    seq: int
    built: float
    meeting: Meeting
    live: LiveState
    data: dict[str, Any]
    text: str


# Per meeting (and room token: tests reuse ids): when 2,000 delegates connect at once it is built
# once, not 2,000 times. It is invalidated by every numbered event (a new `seq`), by the batch
# writers when a burst of check-ins changed the counts (`forget_shared`), and is never used
# after SHARED_CACHE_SECONDS, so what is sent unnumbered (counts, vote progress) is never
# staler than that on a new screen.
_SHARED_CACHE: dict[tuple[int, str], SharedSnapshot] = {}
SHARED_CACHE_SECONDS = 1.0


def _encode(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def forget_shared(meeting_id: int) -> None:
    """Something every screen shows changed without a numbered event (a batch of check-ins)."""
    for key in [k for k in _SHARED_CACHE if k[0] == meeting_id]:
        _SHARED_CACHE.pop(key, None)


def shared_snapshot(meeting: Meeting | int, live: LiveState | None, seq: int, token: str) -> SharedSnapshot:
    """The shared part, from the cache when it is current to `seq` (read by the caller first)."""
    meeting_id = meeting if isinstance(meeting, int) else meeting.pk
    key = (meeting_id, token)
    now = time.monotonic()
    cached = _SHARED_CACHE.get(key)
    if cached is not None and cached.seq == seq and now - cached.built < SHARED_CACHE_SECONDS:
        return cached
    if isinstance(meeting, int):
        meeting = Meeting.objects.select_related("unit").get(pk=meeting_id)
    live = LiveState.objects.get(pk=meeting_id)
    live.meeting = meeting
    data: dict[str, Any] = {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "status": meeting.status,
            "start": meeting.start.isoformat(),
            "end": meeting.end.isoformat(),
            "started_at": live.started_at.isoformat() if live.started_at else None,
            "ended_at": live.ended_at.isoformat() if live.ended_at else None,
            "current_item_id": live.current_item_id,
            "discussion_open": live.discussion_open,
        },
        "agenda": agenda_data(meeting),
        "attendance": {"counts": attendance_counts(meeting, live), "row": None},
        "floor": floor_data(meeting, live),
        "settings": {"quorum_rule": live.quorum_rule, "speaking_limit": live.speaking_limit_seconds},
    }
    for name, section, personal in SNAPSHOT_SECTIONS:
        if not personal:
            data[name] = section(meeting, live, None)
    shared = SharedSnapshot(seq=seq, built=now, meeting=meeting, live=live, data=data, text=_encode(data)[1:-1])
    if len(_SHARED_CACHE) > 1000:
        _SHARED_CACHE.clear()
    _SHARED_CACHE[key] = shared
    return shared


@dataclass(frozen=True)
class Personal:
    """One screen's part of a snapshot: the user (None: the room display), the permission rules'
    answers for them (`runs`, `attends`), and their attendance row when the caller read it
    already (`attendance_known`; `attendance_id` None: not checked in)."""

    user: Any
    runs: bool
    attends: bool
    attendance_known: bool = False
    attendance_id: int | None = None


def personal_snapshot(
    shared: SharedSnapshot,
    user: Any,
    *,
    runs: bool,
    attends: bool,
    attendance_known: bool = False,
    attendance_id: int | None = None,
) -> dict[str, Any]:
    """What only this screen shows: who they are in the meeting, their attendance, their ballots
    (and the attendance list for the people who run it). `runs`/`attends`: the permission
    rules' answers for this user, decided by the caller; `attendance_id` (with
    `attendance_known`): their attendance row when the caller read it already (None: none)."""
    return personal_snapshots(shared, [Personal(user, runs, attends, attendance_known, attendance_id)])[0]


def personal_snapshots(shared: SharedSnapshot, people: list[Personal]) -> list[dict[str, Any]]:
    """`personal_snapshot` for many screens of one meeting, with a few queries for all of them."""
    meeting, live = shared.meeting, shared.live
    signed_in = [p for p in people if p.user is not None and getattr(p.user, "is_authenticated", False)]
    # Most screens connect before their owner checked in: the rows and their joins only if any.
    attendance_ids = {p.user.pk: p.attendance_id for p in signed_in if p.attendance_known}
    unknown = [p.user.pk for p in signed_in if not p.attendance_known]
    if unknown:  # one attendance per invitation, and per person in a meeting
        found = Attendance.objects.filter(meeting_id=meeting.pk, user_id__in=unknown).values_list("user_id", "pk")
        attendance_ids.update(dict.fromkeys(unknown))
        attendance_ids.update(dict(found))
    wanted = {pk for pk in attendance_ids.values() if pk is not None}
    rows = Attendance.objects.select_related("invitation__user__unit").in_bulk(wanted) if wanted else {}
    attendance_rows = {pk: attendance_row(a) for pk, a in rows.items()}
    everyone = attendance_list(meeting) if any(p.runs for p in people) else None
    many: dict[str, dict[int, Any]] = {}
    for name, _section, personal in SNAPSHOT_SECTIONS:
        if personal and name in PERSONAL_SECTIONS_MANY and signed_in:
            many[name] = PERSONAL_SECTIONS_MANY[name](meeting, live, [p.user for p in signed_in])
    snapshots = []
    for person in people:
        user = person.user
        data: dict[str, Any] = {"seq": shared.seq, "now": timezone.now().isoformat()}
        if person.runs:
            data["attendance_list"] = everyone
        authenticated = user is not None and getattr(user, "is_authenticated", False)
        if authenticated:
            mine = attendance_ids.get(user.pk)
            data["me"] = {
                "user_id": user.pk,
                "runs": person.runs,
                "attends": person.attends,
                "attendance": attendance_rows.get(mine) if mine is not None else None,
            }
        for name, section, personal in SNAPSHOT_SECTIONS:
            if personal:
                data[name] = many[name][user.pk] if authenticated and name in many else section(meeting, live, user)
        snapshots.append(data)
    return snapshots


def _current(meeting: Meeting, live: LiveState) -> tuple[int, str]:
    """The meeting's event number, read FIRST: any change committed after it carries a larger
    number, and events hold whole sections, so applying one twice is harmless."""
    seq, token = LiveState.objects.filter(pk=live.pk).values_list("seq", "display_token").get()
    return seq, token


def snapshot(meeting: Meeting, live: LiveState, user: Any) -> dict[str, Any]:
    """Everything a screen shows, current to `seq` (the pages and the JSON endpoints)."""
    seq, token = _current(meeting, live)
    shared = shared_snapshot(meeting, live, seq, token)
    runs = user is not None and can(user, Perm.RUN_MEETING, meeting)
    attends = user is not None and can(user, Perm.ATTEND_MEETING, meeting)
    return {**personal_snapshot(shared, user, runs=runs, attends=attends), **shared.data}


def snapshot_frame(shared: SharedSnapshot, user: Any, **personal_kwargs: Any) -> str:
    """The websocket frame {"type": "snapshot", "data": {...}}: the shared part's JSON, encoded
    once per meeting and change, spliced after this screen's own members (`personal_snapshot`)."""
    return _frame(shared, personal_snapshot(shared, user, **personal_kwargs))


def snapshot_frames(shared: SharedSnapshot, people: list[Personal]) -> list[str]:
    """`snapshot_frame` for many screens connecting at once (`personal_snapshots`)."""
    return [_frame(shared, data) for data in personal_snapshots(shared, people)]


def _frame(shared: SharedSnapshot, data: dict[str, Any]) -> str:
    personal = _encode(data)
    separator = "," if len(personal) > 2 and shared.text else ""
    return '{"type":"snapshot","data":' + personal[:-1] + separator + shared.text + "}}"
