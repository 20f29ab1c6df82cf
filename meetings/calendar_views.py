"""The weekly meeting schedule (lịch họp tuần), the invitation PDF and .ics downloads, and the
personal iCal feed.

Every meeting shown comes from meetings.access.visible_meetings: the schedule never reveals a
meeting its viewer may not open. The one exception is the room schedule, which shows that a
room is taken — start and end only — so an organiser does not book it twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from core.http import AuthedRequest
from meetings import queries
from meetings.access import access_meeting, access_schedule_room, schedule_rooms, visible_meetings
from meetings.actions.calendar_feeds import do_rotate_calendar_feed
from meetings.ics import calendar_bytes
from meetings.invitation_pdf import render_invitation_pdf
from meetings.models import (
    BOOKED_STATUSES,
    CalendarFeed,
    Invitation,
    InvitationKind,
    Meeting,
    MeetingStatus,
    Room,
)

# The week's schedule is the record of the week: a meeting stays on it once it starts and ends.
CALENDAR_STATUSES = (
    MeetingStatus.SUBMITTED,
    MeetingStatus.APPROVED,
    MeetingStatus.POSTPONED,
    MeetingStatus.CANCELLED,
    MeetingStatus.IN_PROGRESS,
    MeetingStatus.ENDED,
)
# A room was taken by a meeting that holds it now or held it (shown as "booked" to others).
ROOM_TAKEN_STATUSES = (*BOOKED_STATUSES, MeetingStatus.ENDED)
SCOPES = ("me", "unit", "room")
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=365)


# --- reads ------------------------------------------------------------------------------------


def mine_q(user: User) -> Q:
    """Meetings the user takes part in: organiser, chair, approver, invitee holding the rights
    (or receiver of a unit invitation)."""
    return queries.involved_q(user) | Q(decided_by=user)


def unit_q(user: User) -> Q:
    """Meetings of the user's unit, or inviting the unit or any of its people."""
    if user.unit_id is None:
        return Q(pk__in=[])
    invited = Invitation.objects.filter(
        Q(kind=InvitationKind.UNIT, unit_id=user.unit_id) | Q(kind=InvitationKind.USER, user__unit_id=user.unit_id)
    ).values("meeting_id")
    return Q(unit_id=user.unit_id) | Q(pk__in=invited)


def overlapping(meetings: QuerySet[Meeting], start: datetime, end: datetime) -> QuerySet[Meeting]:
    return meetings.filter(start__lt=end, end__gt=start)


def my_meetings(user: User, start: datetime, end: datetime) -> QuerySet[Meeting]:
    return overlapping(visible_meetings(user), start, end).filter(mine_q(user), status__in=CALENDAR_STATUSES)


# --- the week ---------------------------------------------------------------------------------


@dataclass
class Slot:
    start: datetime  # local time
    end: datetime
    meeting: Meeting | None = None  # None: the room is booked by a meeting the viewer may not see

    @property
    def busy_only(self) -> bool:
        return self.meeting is None

    @property
    def cancelled(self) -> bool:
        return self.meeting is not None and self.meeting.status == MeetingStatus.CANCELLED

    @property
    def same_day(self) -> bool:
        return self.start.date() == self.end.date()


@dataclass
class Day:
    date: date
    is_today: bool
    slots: list[Slot] = field(default_factory=list)


def parse_week(value: str | None) -> date:
    """The Monday of the week holding `value` (YYYY-MM-DD); this week when absent or invalid."""
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def build_week(monday: date, slots: list[Slot]) -> list[Day]:
    today = timezone.localdate()
    days = [Day(date=monday + timedelta(days=n), is_today=monday + timedelta(days=n) == today) for n in range(7)]
    for slot in sorted(slots, key=lambda s: (s.start, s.end)):
        for day in days:
            if slot.start < local_midnight(day.date + timedelta(days=1)) and slot.end > local_midnight(day.date):
                day.slots.append(slot)
    return days


def _slot(meeting: Meeting) -> Slot:
    return Slot(timezone.localtime(meeting.start), timezone.localtime(meeting.end), meeting)


def week_slots(user: User, scope: str, room: Room | None, start: datetime, end: datetime) -> list[Slot]:
    if scope == "me":
        return [_slot(m) for m in my_meetings(user, start, end)]
    if scope == "unit":
        meetings = overlapping(visible_meetings(user), start, end).filter(unit_q(user), status__in=CALENDAR_STATUSES)
        return [_slot(m) for m in meetings]
    if room is None:
        return []
    shown = list(overlapping(visible_meetings(user), start, end).filter(room=room, status__in=CALENDAR_STATUSES))
    busy = (
        overlapping(Meeting.objects.filter(room=room, status__in=ROOM_TAKEN_STATUSES), start, end)
        .exclude(pk__in=[m.pk for m in shown])
        .values_list("start", "end")
    )
    return [_slot(m) for m in shown] + [Slot(timezone.localtime(s), timezone.localtime(e)) for s, e in busy]


@login_required
def week(request: AuthedRequest) -> HttpResponse:
    user = request.user
    monday = parse_week(request.GET.get("week"))
    scope = request.GET.get("scope", "me")
    if scope not in SCOPES:
        scope = "me"
    rooms = list(schedule_rooms(user)) if scope == "room" else []
    room: Room | None = None
    if scope == "room":
        if request.GET.get("room"):
            room = access_schedule_room(user, request.GET["room"])
        elif rooms:
            room = rooms[0]
        if room is not None and room not in rooms:
            rooms.insert(0, room)  # an inactive room keeps its history viewable
    start, end = local_midnight(monday), local_midnight(monday + timedelta(days=7))
    days = build_week(monday, week_slots(user, scope, room, start, end))

    def link(day: date) -> str:
        params = {"scope": scope, "week": day.isoformat()}
        if room is not None:
            params["room"] = str(room.pk)
        return "?" + urlencode(params)

    this_monday = parse_week(None)
    return render(
        request,
        "meetings/calendar/week.html",
        {
            "days": days,
            "scope": scope,
            "room": room,
            "rooms": rooms,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "is_this_week": monday == this_monday,
            "previous_url": link(monday - timedelta(days=7)),
            "next_url": link(monday + timedelta(days=7)),
            "this_week_url": link(this_monday),
            "slot_count": sum(len(day.slots) for day in days),
            "nav_active": "calendar",
        },
    )


# --- downloads --------------------------------------------------------------------------------


@login_required
def invitation_pdf(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    response = HttpResponse(render_invitation_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-moi-{meeting.pk}.pdf"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _ics_response(content: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def meeting_ics(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    return _ics_response(calendar_bytes([meeting], name=meeting.title), f"cuoc-hop-{meeting.pk}.ics")


# --- personal feed ----------------------------------------------------------------------------


def feed_url(feed: CalendarFeed) -> str:
    return f"{settings.SITE_URL}{reverse('meetings:ical_feed', args=[feed.token])}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        had_feed = CalendarFeed.objects.filter(user=request.user).exists()
        do_rotate_calendar_feed(request.user)
        if had_feed:
            messages.success(request, _("A new calendar link was created. The old link no longer works."))
        else:
            messages.success(request, _("Your calendar link was created."))
        return redirect("meetings:calendar_feed")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "meetings/calendar/feed.html",
        {"feed": feed, "feed_url": feed_url(feed) if feed else "", "nav_active": "calendar"},
    )


@login_not_required
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public by design: calendar programs cannot sign in. The secret token is the credential;
    rotating it (calendar_feed) revokes the old URL."""
    feed = CalendarFeed.objects.select_related("user__unit").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    user = feed.user
    now = timezone.now()
    meetings = my_meetings(user, now - FEED_PAST, now + FEED_AHEAD).prefetch_related("agenda_items").order_by("start")
    return _ics_response(calendar_bytes(meetings, name=f"eCabinet – {user.display_name}"))
