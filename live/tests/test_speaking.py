"""Requests to speak and the floor timeline (Điều 5.5): one open request per person, one speaker
at a time, exact start/end of every turn, the chair's queue controls, and who may do what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from live.actions import room as room_actions
from live.actions import speaking
from live.models import LiveState, SpeakRequest, SpeakState

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def test_a_second_request_by_the_same_person_is_refused_and_nothing_is_added(started, attendee) -> None:
    speaking.do_request_floor(attendee, started, topic="Về kinh phí")
    with pytest.raises(ValidationError):
        speaking.do_request_floor(attendee, started, topic="Lần nữa")
    assert SpeakRequest.objects.filter(meeting=started).count() == 1


def test_requests_only_while_in_progress_and_only_by_attendees(meeting, leader, attendee, outsider, secretary) -> None:
    with pytest.raises(ValidationError):
        speaking.do_request_floor(attendee, meeting)
    room_actions.do_start_meeting(leader, meeting)
    meeting.refresh_from_db()
    for user in (outsider, secretary):
        with pytest.raises(PermissionDenied):
            speaking.do_request_floor(user, meeting)
    with pytest.raises(ValidationError):
        speaking.do_request_floor(attendee, meeting, topic="x" * 201)
    assert not SpeakRequest.objects.exists()


def test_granting_the_next_speaker_ends_the_current_turn_with_exact_times(started, leader, attendee, colleague) -> None:
    first = speaking.do_request_floor(attendee, started)
    second = speaking.do_request_floor(colleague, started)
    speaking.do_grant_floor(leader, first)
    speaking.do_grant_floor(leader, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == SpeakState.DONE and first.ended_at is not None
    assert second.state == SpeakState.SPEAKING and second.started_at == first.ended_at
    assert SpeakRequest.objects.filter(meeting=started, state=SpeakState.SPEAKING).count() == 1
    speaking.do_end_turn(leader, started)
    second.refresh_from_db()
    assert second.ended_at is not None and second.duration_seconds is not None and second.duration_seconds >= 0


def test_withdraw_skip_refuse_and_who_may(started, leader, attendee, colleague) -> None:
    mine = speaking.do_request_floor(attendee, started)
    with pytest.raises(PermissionDenied):
        speaking.do_withdraw_floor_request(colleague, mine)
    with pytest.raises(PermissionDenied):
        speaking.do_grant_floor(attendee, mine)
    speaking.do_withdraw_floor_request(attendee, mine)
    again = speaking.do_request_floor(attendee, started)
    speaking.do_skip(leader, again)
    with pytest.raises(ValidationError):
        speaking.do_grant_floor(leader, again)
    third = speaking.do_request_floor(attendee, started)
    assert speaking.do_refuse(leader, third).state == SpeakState.REFUSED


def test_reorder_needs_exactly_the_waiting_requests(started, leader, attendee, colleague) -> None:
    a = speaking.do_request_floor(attendee, started)
    b = speaking.do_request_floor(colleague, started)
    with pytest.raises(ValidationError):
        speaking.do_reorder_queue(leader, started, [a.pk])
    speaking.do_reorder_queue(leader, started, [b.pk, a.pk])
    waiting = list(SpeakRequest.objects.filter(meeting=started, state=SpeakState.WAITING).order_by("position"))
    assert waiting == [b, a]
    speaking.do_move_in_queue(leader, a, up=True)
    assert list(SpeakRequest.objects.filter(meeting=started).order_by("position")) == [a, b]


def test_the_chair_gives_the_floor_directly(started, leader, colleague) -> None:
    turn = speaking.do_give_floor(leader, started, colleague)
    assert turn.state == SpeakState.SPEAKING and turn.started_at is not None


def test_every_floor_change_is_a_numbered_event(started, leader, attendee) -> None:
    before = LiveState.objects.get(pk=started.pk).seq
    request = speaking.do_request_floor(attendee, started)
    speaking.do_grant_floor(leader, request)
    assert LiveState.objects.get(pk=started.pk).seq == before + 2


def test_floor_endpoints_404_for_outsiders_and_403_for_attendees(client, started, attendee, outsider) -> None:
    request = speaking.do_request_floor(attendee, started)
    client.force_login(outsider)
    assert client.post(reverse("live:floor_request", args=[started.pk])).status_code == 404
    assert client.post(reverse("live:floor_decide", args=[started.pk, request.pk, "grant"])).status_code == 404
    assert client.get(reverse("live:floor_timeline", args=[started.pk])).status_code == 404
    client.force_login(attendee)
    assert client.post(reverse("live:floor_decide", args=[started.pk, request.pk, "grant"])).status_code == 403
    assert client.post(reverse("live:floor_decide", args=[started.pk, request.pk, "explode"])).status_code == 404


def test_request_and_withdraw_over_http(client, started, attendee) -> None:
    client.force_login(attendee)
    answer = client.post(reverse("live:floor_request", args=[started.pk]), {"topic": "Ngân sách"}, **JSON)
    assert answer.json() == {"ok": True}
    again = client.post(reverse("live:floor_request", args=[started.pk]), {"topic": "Ngân sách"}, **JSON)
    assert again.status_code == 400 and again.json()["error"]
    assert client.post(reverse("live:floor_withdraw", args=[started.pk]), **JSON).json() == {"ok": True}
    assert SpeakRequest.objects.get().state == SpeakState.WITHDRAWN


def test_timeline_page_lists_who_spoke(client, started, leader, attendee) -> None:
    speaking.do_grant_floor(leader, speaking.do_request_floor(attendee, started, topic="Đầu tư công"))
    speaking.do_end_turn(leader, started)
    client.force_login(attendee)
    page = client.get(reverse("live:floor_timeline", args=[started.pk]))
    assert page.status_code == 200 and "Đầu tư công" in page.content.decode()
    client.logout()
