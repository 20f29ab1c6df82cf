"""The meeting pages make the same number of queries whatever the amount of data: a page rendered
with 2 meetings (or invitations) sets the bound that the same page with 12 must keep (bench/pages.py
measures them at province scale)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import login, make_user
from meetings.tests.conftest import approved, create


def at(days: int, hour: int) -> dict[str, datetime]:
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)))
    return {"start": start, "end": start + timedelta(hours=1)}


def queries(client: Any, path: str, params: dict[str, str] | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_meeting_list_queries_do_not_grow_with_meetings(
    client, organiser, leader, attendee, django_assert_max_num_queries
) -> None:
    for n in range(2):
        approved(organiser, leader, [attendee], start_in=timedelta(days=5 + n))
        create(organiser, leader, [attendee], start_in=timedelta(days=20 + n))
    bounds = {}
    for user in (organiser, leader, attendee):
        login(client, user)
        bounds[user.pk], html = queries(client, "/meetings/")
    for n in range(10):
        approved(organiser, leader, [attendee], start_in=timedelta(days=8 + n))
        create(organiser, leader, [attendee], start_in=timedelta(days=30 + n))
    for user, shown in ((organiser, 24), (leader, 12), (attendee, 12)):
        login(client, user)
        with django_assert_max_num_queries(bounds[user.pk]):
            html = client.get("/meetings/").content.decode()
        assert html.count('class="fw-semibold" href="/meetings/') == shown, user.username


def test_meeting_detail_queries_do_not_grow_with_invitations(
    client, organiser, leader, province, django_assert_max_num_queries
) -> None:
    people = [make_user(f"nguoi.{n}", province["snv"]) for n in range(12)]
    units = [province["stc"], province["office"]]
    few = approved(organiser, leader, people[:2], attendee_units=units[:1])
    many = approved(organiser, leader, people, attendee_units=units, start_in=timedelta(days=9))
    for user in (organiser, leader, people[0]):
        login(client, user)
        bound, _ = queries(client, f"/meetings/{few.pk}/")
        with django_assert_max_num_queries(bound):
            assert client.get(f"/meetings/{many.pk}/").status_code == 200


def test_calendar_week_queries_do_not_grow_with_meetings(
    client, organiser, leader, attendee, room, django_assert_max_num_queries
) -> None:
    first = approved(organiser, leader, [attendee], room=room, place="", **at(7, 7))
    approved(organiser, leader, [attendee], room=room, place="", **at(7, 18))
    week = timezone.localtime(first.start).date().isoformat()
    scopes = [("me", attendee), ("unit", organiser), ("room", organiser)]
    bounds = {}
    for scope, user in scopes:
        login(client, user)
        bounds[scope], _ = queries(client, "/calendar/", {"scope": scope, "week": week, "room": str(room.pk)})
    for n in range(10):
        approved(organiser, leader, [attendee], room=room if n % 2 else None, place="Hội trường", **at(7, 8 + n))
    for scope, user in scopes:
        login(client, user)
        with django_assert_max_num_queries(bounds[scope]):
            response = client.get("/calendar/", {"scope": scope, "week": week, "room": str(room.pk)})
        assert response.context["slot_count"] == {"me": 12, "unit": 12, "room": 7}[scope], scope
