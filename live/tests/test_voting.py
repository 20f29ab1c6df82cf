"""In-meeting votes (Điều 5.5): the chair creates, opens and closes; only checked-in attendees
vote (a substitute instead of the person replaced); one ballot per voter over HTTP and the
websocket; results reach every screen when closed; ending the meeting closes open votes."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.permissions import Perm, can
from live import voting
from live.actions import checkin
from live.actions import room as room_actions
from live.actions import voting as vote_actions
from live.tests.test_consumers import _close_connections, connected  # noqa: F401 - fixture
from meetings.actions.invitations import do_answer_invitation
from meetings.models import Answer, Invitation
from polls.models import Participation, Poll, PollState

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def vote_choices(poll: Poll, option_index: int = 0) -> dict[int, int]:
    question = poll.questions.get()
    return {question.pk: list(question.options.order_by("order"))[option_index].pk}


@pytest.fixture
def open_vote(started, leader, attendee):  # type: ignore[no-untyped-def]
    checkin.do_check_in(attendee, started)
    return vote_actions.do_create_vote(leader, started, question="Thông qua nghị quyết?", open_now=True)


def test_only_runners_create_votes_and_only_while_in_progress(meeting, leader, attendee) -> None:
    with pytest.raises(ValidationError):
        vote_actions.do_create_vote(leader, meeting, question="Sớm quá?")
    room_actions.do_start_meeting(leader, meeting)
    with pytest.raises(PermissionDenied):
        vote_actions.do_create_vote(attendee, meeting, question="Tôi tạo được không?")
    poll = vote_actions.do_create_vote(leader, meeting, question="Thông qua?")
    assert [o.label for o in poll.questions.get().options.order_by("order")] == [
        "Tán thành",
        "Không tán thành",
        "Không biểu quyết",
    ]


def test_an_attendee_who_has_not_checked_in_cannot_vote(open_vote, colleague) -> None:
    with pytest.raises(PermissionDenied):
        vote_actions.do_vote(colleague, open_vote, vote_choices(open_vote))
    assert not Participation.objects.exists()


def test_an_outside_guest_never_votes_even_when_checked_in(open_vote, attendee) -> None:
    assert can(attendee, Perm.CAST_BALLOT, open_vote)
    attendee.is_external = True
    attendee.save(update_fields=["is_external"])
    assert not can(attendee, Perm.CAST_BALLOT, open_vote)
    with pytest.raises(PermissionDenied):
        vote_actions.do_vote(attendee, open_vote, vote_choices(open_vote))
    assert not Participation.objects.exists()


def test_a_substitute_votes_instead_of_the_person_replaced(meeting, organiser, leader, attendee, province) -> None:
    from conftest import make_user

    substitute = make_user("snv.thaythe2", province["snv"], full_name="Cao Thị Thế")
    invitation = Invitation.objects.get(meeting=meeting, user=attendee)
    do_answer_invitation(organiser, invitation, answer=Answer.DELEGATED, substitute=substitute)
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(substitute, meeting)
    poll = vote_actions.do_create_vote(leader, meeting, question="Thông qua?", open_now=True)
    with pytest.raises(PermissionDenied):
        vote_actions.do_vote(attendee, poll, vote_choices(poll))
    vote_actions.do_vote(substitute, poll, vote_choices(poll))
    assert list(Participation.objects.values_list("voter_id", flat=True)) == [substitute.pk]


def test_vote_endpoint_records_once_and_refuses_the_second(client, open_vote, attendee) -> None:
    client.force_login(attendee)
    url = reverse("live:poll_vote", args=[open_vote.meeting_id, open_vote.pk])
    question = open_vote.questions.get()
    option = question.options.order_by("order").first()
    assert client.post(url, {f"option_{question.pk}": option.pk}, **JSON).json() == {"ok": True, "poll": open_vote.pk}
    second = client.post(url, {f"option_{question.pk}": option.pk}, **JSON)
    assert second.status_code == 400 and "đã biểu quyết" in second.json()["error"]
    assert Participation.objects.count() == 1


def test_vote_endpoints_are_404_for_outsiders_and_403_for_attendees(client, open_vote, outsider, attendee) -> None:
    meeting_id = open_vote.meeting_id
    client.force_login(outsider)
    for name, args in (
        ("poll_create", [meeting_id]),
        ("poll_open", [meeting_id, open_vote.pk]),
        ("poll_close", [meeting_id, open_vote.pk]),
        ("poll_vote", [meeting_id, open_vote.pk]),
    ):
        assert client.post(reverse(f"live:{name}", args=args)).status_code == 404
    client.force_login(attendee)
    assert client.post(reverse("live:poll_create", args=[meeting_id]), {"question": "X"}).status_code == 403
    assert client.post(reverse("live:poll_close", args=[meeting_id, open_vote.pk])).status_code == 403
    assert Poll.objects.get(pk=open_vote.pk).state == PollState.OPEN


def test_a_vote_of_another_meeting_is_404(client, open_vote, leader, organiser, attendee) -> None:
    from meetings.tests.conftest import approved

    other = approved(organiser, leader, [attendee])
    client.force_login(leader)
    assert client.post(reverse("live:poll_close", args=[other.pk, open_vote.pk])).status_code == 404


def test_bad_create_input_is_refused_and_creates_nothing(client, started, leader) -> None:
    client.force_login(leader)
    url = reverse("live:poll_create", args=[started.pk])
    for fields in ({"question": ""}, {"question": "Q", "options": "Chỉ một"}, {"question": "Q", "options": "A\na"}):
        response = client.post(url, fields, **JSON)
        assert response.status_code == 400 and response.json()["error"]
    assert not Poll.objects.exists()


def test_closing_publishes_results_and_ending_the_meeting_closes_open_votes(open_vote, leader, attendee) -> None:
    vote_actions.do_vote(attendee, open_vote, vote_choices(open_vote, 1))
    closed = vote_actions.do_close_vote(leader, open_vote)
    data = voting.poll_data(closed)
    assert data["state"] == "closed" and {r["label"]: r["count"] for r in data["results"]}["Không tán thành"] == 1
    assert data["questions_results"][0]["named_count"] == 1 and "named" not in data["questions_results"][0]
    assert voting.named_choices(closed)[0]["named"][0]["voter_id"] == attendee.pk
    another = vote_actions.do_create_vote(leader, open_vote.meeting, question="Còn mở?", open_now=True)
    room_actions.do_end_meeting(leader, open_vote.meeting)
    assert Poll.objects.get(pk=another.pk).state == PollState.CLOSED


def test_secret_vote_results_name_nobody(started, leader, attendee) -> None:
    checkin.do_check_in(attendee, started)
    poll = vote_actions.do_create_vote(leader, started, question="Bỏ phiếu kín?", secret=True, open_now=True)
    vote_actions.do_vote(attendee, poll, vote_choices(poll))
    closed = vote_actions.do_close_vote(leader, poll)
    data = voting.poll_data(closed)
    assert data["questions_results"][0]["named_count"] == 0
    assert voting.named_choices(closed) == []


def test_the_list_of_who_chose_what_is_served_only_after_closing_and_only_to_people_who_see_the_meeting(
    client, open_vote, leader, attendee, outsider
) -> None:
    vote_actions.do_vote(attendee, open_vote, vote_choices(open_vote, 2))
    url = reverse("live:poll_named", args=[open_vote.meeting_id, open_vote.pk])
    client.force_login(leader)
    assert client.get(url).json() == {"poll": open_vote.pk, "questions": []}  # still open: nothing yet
    vote_actions.do_close_vote(leader, open_vote)
    rows = client.get(url).json()["questions"][0]["named"]
    assert [(r["voter_id"], r["option"]) for r in rows] == [(attendee.pk, "Không biểu quyết")]
    client.force_login(attendee)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)


def test_the_closed_vote_event_is_encoded_once_and_carries_no_names(open_vote, leader, attendee) -> None:
    import json

    from live import events

    vote_actions.do_vote(attendee, open_vote, vote_choices(open_vote))
    data = voting.poll_data(vote_actions.do_close_vote(leader, open_vote))
    message = events.encode(7, "poll", data)
    assert set(message) == {"type", "text"} and message["type"] == "live.event"
    frame = json.loads(message["text"])
    assert frame["seq"] == 7 and frame["kind"] == "poll" and frame["data"]["state"] == "closed"
    assert attendee.full_name not in message["text"]


@pytest.mark.django_db(transaction=True)
async def test_ballot_over_the_socket_is_acknowledged_once(open_vote, attendee, _close_connections) -> None:  # noqa: F811
    communicator, data = await connected(attendee, f"/ws/meetings/{open_vote.meeting_id}/")
    assert [p["id"] for p in data["polls"]] == [open_vote.pk] and data["my_votes"] == []
    choices = {str(k): v for k, v in (await database_sync_to_async(vote_choices)(open_vote)).items()}
    await communicator.send_json_to({"type": "vote", "poll": open_vote.pk, "choices": choices, "ref": "v1"})
    answers: list[dict[str, Any]] = []
    while len(answers) < 1:
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] in ("ok", "error"):
            answers.append(message)
    assert answers[0] == {"type": "ok", "ref": "v1", "data": {"status": "accepted", "poll": open_vote.pk}}
    await communicator.send_json_to({"type": "vote", "poll": open_vote.pk, "choices": choices, "ref": "v2"})
    while True:
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] in ("ok", "error"):
            break
    assert message["type"] == "error" and message["data"]["status"] == "duplicate"
    assert await database_sync_to_async(Participation.objects.filter(poll=open_vote).count)() == 1
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_malformed_ballot_over_the_socket_is_an_error(open_vote, attendee, _close_connections) -> None:  # noqa: F811
    communicator, _data = await connected(attendee, f"/ws/meetings/{open_vote.meeting_id}/")
    await communicator.send_json_to({"type": "vote", "poll": "x", "choices": [], "ref": 1})
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "error" and message["ref"] == 1
    assert not await database_sync_to_async(Participation.objects.exists)()
    await communicator.disconnect()
