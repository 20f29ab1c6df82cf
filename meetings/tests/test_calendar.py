"""The weekly schedule and the personal iCal feed show only meetings their viewer may see; a
room's schedule shows other bookings as busy slots without any detail."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.actions.users import do_set_user_active
from conftest import login
from meetings.actions.calendar_feeds import do_rotate_calendar_feed
from meetings.actions.registration import do_submit_meeting
from meetings.actions.scheduling import do_cancel_meeting
from meetings.models import CalendarFeed, MeetingStatus
from meetings.tests.conftest import approved, create


def at(days: int, hour: int, *, hours: int = 2) -> dict[str, datetime]:
    """Start and end `days` from today at `hour` local time: the meeting stays inside one day,
    whenever the tests run."""
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)))
    return {"start": start, "end": start + timedelta(hours=hours)}


def week_of(meeting) -> str:  # type: ignore[no-untyped-def]
    return timezone.localtime(meeting.start).date().isoformat()


def schedule(client, meeting, scope: str = "me", **params) -> str:  # type: ignore[no-untyped-def]
    query = {"scope": scope, "week": week_of(meeting), **params}
    response = client.get("/calendar/", query)
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str, meeting) -> bool:  # type: ignore[no-untyped-def]
    return f'data-meeting-id="{meeting.pk}"' in html


def test_the_schedule_needs_a_sign_in(client, db) -> None:
    response = client.get("/calendar/")
    assert response.status_code == 302 and "/auth/login/" in response["Location"]


def test_my_week_shows_my_meeting(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee], **at(5, 9))
    login(client, attendee)
    html = schedule(client, meeting)
    assert shown(html, meeting) and meeting.title in html
    start = timezone.localtime(meeting.start)
    assert f"{start:%H:%M} – {timezone.localtime(meeting.end):%H:%M}" in html
    assert f"{start:%d/%m/%Y}" in html


def test_my_week_leaves_out_meetings_i_am_not_in(client, organiser, leader, attendee, colleague, snv_admin) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, snv_admin)  # sees the meeting (administers the unit) but takes no part in it
    assert not shown(schedule(client, meeting, "me"), meeting)
    assert shown(schedule(client, meeting, "unit"), meeting)


@pytest.mark.parametrize("scope", ["me", "unit", "room"])
def test_outsider_sees_the_meeting_in_no_scope(client, organiser, leader, attendee, stc_member, room, scope) -> None:
    meeting = approved(organiser, leader, [attendee], room=room, place="")
    login(client, stc_member)
    if scope == "room":
        # A room of another unit does not exist for them.
        response = client.get("/calendar/", {"scope": "room", "room": room.pk, "week": week_of(meeting)})
        assert response.status_code == 404
        html = schedule(client, meeting, "room")
    else:
        html = schedule(client, meeting, scope)
    assert not shown(html, meeting) and meeting.title not in html
    assert 'data-testid="calendar-busy"' not in html


def test_unit_scope_shows_meetings_inviting_my_people_only_when_i_may_see_them(
    client, organiser, leader, stc_leader, stc_member
) -> None:
    meeting = approved(organiser, leader, [stc_leader])
    login(client, stc_leader)
    assert shown(schedule(client, meeting, "unit"), meeting)
    login(client, stc_member)  # same unit, not invited
    assert not shown(schedule(client, meeting, "unit"), meeting)


def test_room_schedule_shows_a_meeting_i_may_not_see_as_busy_without_title(
    client, organiser, leader, attendee, colleague, room
) -> None:
    meeting = approved(organiser, leader, [attendee], room=room, place="", title="Họp bàn nhân sự mật", **at(5, 14))
    login(client, colleague)  # of the room's unit, not invited
    html = schedule(client, meeting, "room", room=room.pk)
    assert 'data-testid="calendar-busy"' in html
    assert "Họp bàn nhân sự mật" not in html and not shown(html, meeting)
    start = timezone.localtime(meeting.start)
    assert f"{start:%H:%M} – {timezone.localtime(meeting.end):%H:%M}" in html
    login(client, attendee)
    html = schedule(client, meeting, "room", room=room.pk)
    assert shown(html, meeting) and "Họp bàn nhân sự mật" in html
    assert 'data-testid="calendar-busy"' not in html


def test_room_schedule_defaults_to_a_room_of_my_unit(client, organiser, leader, attendee, colleague, room) -> None:
    meeting = approved(organiser, leader, [attendee], room=room, place="")
    login(client, colleague)
    html = schedule(client, meeting, "room")
    assert room.name in html and 'data-testid="calendar-busy"' in html


def test_room_schedule_is_404_for_rooms_outside_my_reach(
    client, organiser, leader, attendee, room, stc_admin, snv_admin
) -> None:
    meeting = approved(organiser, leader, [attendee], room=room, place="")
    login(client, stc_admin)
    assert client.get("/calendar/", {"scope": "room", "room": room.pk}).status_code == 404
    assert client.get("/calendar/", {"scope": "room", "room": "abc"}).status_code == 404
    login(client, snv_admin)
    assert shown(schedule(client, meeting, "room", room=room.pk), meeting)


def test_cancelled_meeting_is_struck_through(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    do_cancel_meeting(organiser, meeting, reason="Hoãn do bão")
    login(client, attendee)
    html = schedule(client, meeting)
    assert f'data-meeting-id="{meeting.pk}" data-status="{MeetingStatus.CANCELLED}"' in html
    assert "text-decoration-line-through" in html


def test_drafts_are_not_on_the_schedule(client, organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee])
    login(client, organiser)
    assert not shown(schedule(client, meeting), meeting)
    do_submit_meeting(organiser, meeting)
    assert shown(schedule(client, meeting), meeting)


def test_week_navigation(client, attendee) -> None:
    login(client, attendee)
    html = client.get("/calendar/", {"week": "2026-03-04", "scope": "unit"}).content.decode()
    assert "02/03/2026" in html and "08/03/2026" in html  # Monday to Sunday
    assert "week=2026-02-23" in html and "week=2026-03-09" in html  # previous, next
    assert "scope=unit" in html
    assert 'data-testid="this-week"' in html
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    html = client.get("/calendar/", {"week": "not-a-date"}).content.decode()
    assert f"{monday:%d/%m/%Y}" in html and 'data-testid="this-week"' not in html


def test_previous_and_next_week_move_the_meeting_out_of_view(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, attendee)
    day = timezone.localtime(meeting.start).date()
    for other in (day - timedelta(days=7), day + timedelta(days=7)):
        html = client.get("/calendar/", {"week": other.isoformat()}).content.decode()
        assert not shown(html, meeting)


def test_week_page_query_count_is_bounded(
    client, organiser, leader, attendee, room, django_assert_max_num_queries
) -> None:
    first = approved(organiser, leader, [attendee], room=room, place="", **at(5, 7, hours=1))
    for hour in (9, 11, 13, 15, 17):
        approved(organiser, leader, [attendee], **at(5, hour, hours=1))
    login(client, attendee)
    with django_assert_max_num_queries(12):
        html = schedule(client, first)
    assert html.count('data-testid="calendar-meeting"') == 6 * 2  # desktop grid and phone list


# --- personal feed ----------------------------------------------------------------------------


def feed_events(content: bytes) -> dict[str, Any]:
    return {str(e["UID"]): e for e in Calendar.from_ical(content).walk("VEVENT")}


def test_feed_page_creates_then_replaces_the_link(client, attendee) -> None:
    login(client, attendee)
    assert 'data-testid="create-feed"' in client.get("/calendar/feed/").content.decode()
    assert client.post("/calendar/feed/").status_code == 302
    feed = CalendarFeed.objects.get(user=attendee)
    html = client.get("/calendar/feed/").content.decode()
    assert f"/ical/{feed.token}.ics" in html and 'data-testid="rotate-feed"' in html
    client.post("/calendar/feed/")
    feed.refresh_from_db()
    assert f"/ical/{feed.token}.ics" in client.get("/calendar/feed/").content.decode()


def test_feed_works_without_sign_in_and_stops_after_rotation(client, organiser, leader, attendee, colleague) -> None:
    mine = approved(organiser, leader, [attendee])
    other = approved(organiser, leader, [colleague], start_in=timedelta(days=6))
    cancelled = approved(organiser, leader, [attendee], start_in=timedelta(days=7))
    do_cancel_meeting(organiser, cancelled, reason="Không còn cần thiết")
    old_token = do_rotate_calendar_feed(attendee).token

    response = client.get(f"/ical/{old_token}.ics")  # a calendar program: no session
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = feed_events(response.content)
    assert f"{mine.uid}@ecabinet" in events and f"{other.uid}@ecabinet" not in events
    assert str(events[f"{cancelled.uid}@ecabinet"]["STATUS"]) == "CANCELLED"

    new_token = do_rotate_calendar_feed(attendee).token
    assert client.get(f"/ical/{old_token}.ics").status_code == 404
    assert client.get(f"/ical/{new_token}.ics").status_code == 200


def test_feed_covers_30_days_back_to_one_year_ahead(client, organiser, leader, attendee) -> None:
    near = approved(organiser, leader, [attendee])
    far = approved(organiser, leader, [attendee], start_in=timedelta(days=400))
    token = do_rotate_calendar_feed(attendee).token
    events = feed_events(client.get(f"/ical/{token}.ics").content)
    assert f"{near.uid}@ecabinet" in events and f"{far.uid}@ecabinet" not in events


def test_feed_of_unknown_token_or_inactive_user_is_404(client, attendee, snv_admin) -> None:
    assert client.get("/ical/no-such-token.ics").status_code == 404
    token = do_rotate_calendar_feed(attendee).token
    do_set_user_active(snv_admin, attendee, active=False)
    assert client.get(f"/ical/{token}.ics").status_code == 404


def test_feed_url_shape() -> None:
    # Tokens are URL-safe base64: the converter must accept "-" and "_".
    from django.urls import reverse

    assert reverse("meetings:ical_feed", args=["a-b_C1"]) == "/ical/a-b_C1.ics"


# --- issue 10: the week is the record of the week ----------------------------------------------


def _set_status(meeting, status) -> None:  # type: ignore[no-untyped-def]
    """The live room moves a meeting to in progress and ended (live.actions); the schedule only
    reads the status, so the tests set it directly."""
    type(meeting).objects.filter(pk=meeting.pk).update(status=status)


@pytest.mark.parametrize("status", [MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED])
@pytest.mark.parametrize("scope", ["me", "unit"])
def test_a_meeting_stays_on_the_week_once_it_starts_and_ends(
    client, organiser, leader, attendee, status, scope
) -> None:
    meeting = approved(organiser, leader, [attendee], **at(5, 9))
    _set_status(meeting, status)
    login(client, attendee)
    html = schedule(client, meeting, scope)
    assert f'data-meeting-id="{meeting.pk}" data-status="{status}"' in html
    assert meeting.title in html


@pytest.mark.parametrize("status", [MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED])
def test_started_and_ended_meetings_keep_their_room_busy_for_others(
    client, organiser, leader, attendee, colleague, room, status
) -> None:
    meeting = approved(organiser, leader, [attendee], room=room, place="", title="Họp kín", **at(5, 14))
    _set_status(meeting, status)
    login(client, colleague)
    html = schedule(client, meeting, "room", room=room.pk)
    assert 'data-testid="calendar-busy"' in html and "Họp kín" not in html
    login(client, attendee)
    assert f'data-status="{status}"' in schedule(client, meeting, "room", room=room.pk)


@pytest.mark.parametrize("status", [MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED])
def test_an_outsider_does_not_see_a_started_or_ended_meeting(
    client, organiser, leader, attendee, stc_member, status
) -> None:
    meeting = approved(organiser, leader, [attendee], **at(5, 9))
    _set_status(meeting, status)
    login(client, stc_member)
    for scope in ("me", "unit"):
        assert not shown(schedule(client, meeting, scope), meeting)


def test_the_feed_keeps_a_started_meeting_confirmed(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee], **at(5, 9))
    _set_status(meeting, MeetingStatus.IN_PROGRESS)
    token = do_rotate_calendar_feed(attendee).token
    events = Calendar.from_ical(client.get(f"/ical/{token}.ics").content).walk("VEVENT")
    assert [str(e["status"]) for e in events] == ["CONFIRMED"]
