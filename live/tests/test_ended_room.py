"""After "Kết thúc cuộc họp" the room's pages offer nothing that no longer applies (Điều 5.5,
6.5): the attendee's phone page has no check-in, no "Đăng ký phát biểu", no comment or incident
form and no vote button, but still shows the record (attendance, conclusions, vote results); the
console is closed (its runners land on the room page); the projector drops the check-in code.
Whoever still sends one of those acts is told in Vietnamese that the meeting has ended; an
outsider still gets 404 and a wrong role 403."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from live.actions import checkin, speaking
from live.actions import room as room_actions
from live.actions import voting as vote_actions
from live.actions.common import live_state
from live.models import Attendance, ItemConclusion, SpeakRequest, SpeakState
from meetings.models import Meeting, MeetingStatus
from meetings.tests.conftest import approved
from polls.models import Participation, Poll, PollState

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}
ENDED = "Cuộc họp đã kết thúc: phòng họp không còn nhận thao tác này."
# What the attendee's phone page offers while the meeting runs, and never after it.
ATTENDEE_CONTROLS = ("checkin-button", "speak-controls", "request-floor", "comment-box", "incident-box")


class Controls(HTMLParser):
    """Which data-testid elements a page shows: not hidden themselves nor inside a hidden element."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.shown: set[str] = set()
        self.present: set[str] = set()
        self.texts: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = "hidden" in values or bool(self.stack and self.stack[-1])
        testid = values.get("data-testid")
        if testid:
            self.present.add(testid)
            if not hidden:
                self.shown.add(testid)
        if tag not in self.VOID:
            self.stack.append(hidden)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag("br", attrs)  # self-closing (svg): nothing to pop

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(name: str, meeting: Meeting, *args: Any) -> str:
    return reverse(f"live:{name}", args=[meeting.pk, *args])


def snapshot_of(html: str) -> dict[str, Any]:
    start = html.index('<script id="live-snapshot" type="application/json">') + len(
        '<script id="live-snapshot" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture
def running(meeting, leader, attendee) -> Meeting:  # type: ignore[no-untyped-def]
    """In progress: the attendee checked in and voted in a vote that is still open; the first
    agenda item concluded."""
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(attendee, meeting)
    room_actions.do_conclude_item(leader, meeting, meeting.agenda_items.get(order=1), text="Thống nhất thông qua.")
    poll = vote_actions.do_create_vote(leader, meeting, question="Thông qua kế hoạch?", open_now=True)
    question = poll.questions.get()
    vote_actions.do_vote(attendee, poll, {question.pk: question.options.get(label="Tán thành").pk})
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def ended(running, leader) -> Meeting:  # type: ignore[no-untyped-def]
    room_actions.do_end_meeting(leader, running)
    running.refresh_from_db()
    assert running.status == MeetingStatus.ENDED
    return running


def test_while_the_meeting_runs_the_phone_page_offers_the_attendee_controls(running, colleague) -> None:
    """The other half of the rule below: the same page, before the end, shows them all."""
    controls = Controls(client_for(colleague).get(page("room", running)).content.decode())
    assert set(ATTENDEE_CONTROLS) <= controls.shown
    assert "ended-notice" not in controls.shown


def test_the_ended_phone_page_offers_no_control_and_keeps_the_record(ended, attendee, colleague) -> None:
    for user in (attendee, colleague):
        html = client_for(user).get(page("room", ended)).content.decode()
        controls = Controls(html)
        assert not set(ATTENDEE_CONTROLS) & controls.shown, controls.shown
        assert "Đăng ký phát biểu" not in html
        assert "ended-notice" in controls.shown
        # The record: attendance, the conclusion, the vote's result (drawn by the script from
        # the snapshot, which holds no open vote any more).
        assert {"attendance-counts", "my-attendance", "live-agenda"} <= controls.shown
        assert "Thống nhất thông qua." in html
        data = snapshot_of(html)
        assert data["attendance"]["counts"]["present"] == 1
        assert [p["state"] for p in data["polls"]] == [PollState.CLOSED]
        assert data["polls"][0]["questions_results"][0]["options"][0] == {
            "id": data["polls"][0]["questions_results"][0]["options"][0]["id"],
            "label": "Tán thành",
            "count": 1,
        }
    assert 'data-status="present"' in client_for(attendee).get(page("room", ended)).content.decode()


def test_the_ended_room_page_of_a_runner_has_no_console_link_nor_forms(ended, leader, secretary) -> None:
    for user in (leader, secretary):
        controls = Controls(client_for(user).get(page("room", ended)).content.decode())
        assert "console-link" not in controls.present
        assert not {"comment-box", "incident-box"} & controls.present
        assert {"ended-notice", "attendance-counts", "record-links"} <= controls.shown


def test_the_ended_console_sends_its_runners_to_the_room_page(ended, leader, organiser, secretary) -> None:
    for user in (leader, organiser, secretary):
        response = client_for(user).get(page("console", ended), follow=True)
        assert response.redirect_chain == [(page("room", ended), 302)]
        html = response.content.decode()
        assert "Cuộc họp đã kết thúc; bảng điều khiển đã đóng." in html
        controls = Controls(html)
        assert not {"start-meeting", "end-meeting", "settings-form", "console-qr", "vote-create"} & controls.present


def test_the_console_of_a_running_meeting_hides_its_ended_only_parts(running, leader) -> None:
    controls = Controls(client_for(leader).get(page("console", running)).content.decode())
    assert {"end-meeting", "settings-form", "console-qr"} <= controls.shown
    assert "ended-notice" not in controls.shown


def test_the_ended_projector_drops_the_check_in_code_and_keeps_the_counts(ended, running) -> None:
    token = live_state(ended).display_token
    html = Client().get(reverse("live:display", args=[token])).content.decode()
    controls = Controls(html)
    assert "display-checkin" in controls.present and "display-checkin" not in controls.shown
    assert "display-qr" not in controls.shown
    assert {"ended-notice", "attendance-counts", "quorum"} <= controls.shown


def test_the_running_projector_shows_the_check_in_code(running) -> None:
    token = live_state(running).display_token
    controls = Controls(Client().get(reverse("live:display", args=[token])).content.decode())
    assert {"display-checkin", "display-qr"} <= controls.shown
    assert "ended-notice" not in controls.shown


# --- the server refuses them, saying why ------------------------------------------------------------


def test_a_check_in_after_the_end_is_refused_with_a_message(ended, colleague) -> None:
    response = client_for(colleague).post(page("checkin", ended), headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"error": "Đã hết thời gian điểm danh: cuộc họp đã kết thúc."}
    assert Attendance.objects.get(meeting=ended, user=colleague).status == "absent"


def test_a_qr_check_in_after_the_end_says_so_on_the_room_page(ended, colleague) -> None:
    response = client_for(colleague).get(page("qr_checkin", ended, "abc123"), follow=True)
    assert "Đã hết thời gian điểm danh: cuộc họp đã kết thúc." in response.content.decode()
    assert Attendance.objects.get(meeting=ended, user=colleague).status == "absent"


def test_a_request_to_speak_after_the_end_is_refused_with_a_message(ended, attendee) -> None:
    response = client_for(attendee).post(page("floor_request", ended), {"topic": "Bổ sung"}, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"error": "Đã hết thời gian đăng ký phát biểu: cuộc họp đã kết thúc."}
    assert not SpeakRequest.objects.filter(meeting=ended).exists()


def test_a_plain_form_request_to_speak_after_the_end_gets_the_message_as_a_flash(ended, attendee) -> None:
    response = client_for(attendee).post(page("floor_request", ended), {"topic": "Bổ sung"}, follow=True)
    assert "Đã hết thời gian đăng ký phát biểu: cuộc họp đã kết thúc." in response.content.decode()
    assert not SpeakRequest.objects.filter(meeting=ended).exists()


def test_a_ballot_after_the_end_is_refused_with_a_message(ended, attendee, colleague) -> None:
    poll = Poll.objects.get(meeting=ended)
    question = poll.questions.get()
    data = {f"option_{question.pk}": question.options.get(label="Không tán thành").pk}
    response = client_for(colleague).post(page("poll_vote", ended, poll.pk), data, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"error": "Đã hết thời gian biểu quyết: cuộc họp đã kết thúc."}
    assert Participation.objects.filter(poll=poll).count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("start", {}),
        ("set_discussion", {"open": "1"}),
        ("room_settings", {"quorum_rule": "half", "speaking_limit_seconds": "300"}),
        ("poll_create", {"question": "Thêm một biểu quyết?", "open": "1"}),
        ("floor_give", {"user": "0"}),
    ],
)
def test_the_runners_acts_after_the_end_are_refused_with_a_message(ended, leader, name, data) -> None:
    before = (Poll.objects.count(), live_state(ended).discussion_open, SpeakRequest.objects.count())
    response = client_for(leader).post(page(name, ended), data, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"error": ENDED}
    assert (Poll.objects.count(), live_state(ended).discussion_open, SpeakRequest.objects.count()) == before


def test_moving_the_agenda_and_concluding_after_the_end_are_refused(ended, leader) -> None:
    item = ended.agenda_items.get(order=2)
    client = client_for(leader)
    for name, data in (("set_current_item", {"item": item.pk}), ("conclude_item", {"item": item.pk, "text": "Muộn"})):
        response = client.post(page(name, ended), data, headers=JSON)
        assert (response.status_code, response.json()) == (400, {"error": ENDED})
    assert live_state(ended).current_item_id != item.pk
    assert not ItemConclusion.objects.filter(agenda_item=item).exists()


def test_a_wrong_role_and_an_outsider_stay_forbidden_after_the_end(
    ended, organiser, leader, attendee, province
) -> None:
    preparer = make_user("snv.soanthao", province["snv"], full_name="Cao Thị Yến")
    other = approved(organiser, leader, [attendee], start_in=timedelta(minutes=59), document_preparer=preparer)
    room_actions.do_start_meeting(leader, other)
    room_actions.do_end_meeting(leader, other)
    for name in ("checkin", "floor_request", "start"):
        assert client_for(preparer).post(page(name, other), headers=JSON).status_code == 403
    outsider = make_user("stc.canbo2", province["stc"], full_name="Tạ Văn Bình")
    for name in ("checkin", "floor_request", "start"):
        assert client_for(outsider).post(page(name, ended), headers=JSON).status_code == 404


def test_withdrawing_after_the_end_finds_nothing_waiting(running, leader, colleague) -> None:
    checkin.do_check_in(colleague, running)
    speaking.do_request_floor(colleague, running, topic="Ý kiến")
    room_actions.do_end_meeting(leader, running)
    response = client_for(colleague).post(page("floor_withdraw", running), headers=JSON)
    assert response.status_code == 400  # ending skipped the waiting request: nothing to withdraw
    assert SpeakRequest.objects.get(meeting=running, user=colleague).state == SpeakState.SKIPPED


def test_ending_with_an_open_vote_numbers_every_event_once(running, leader, monkeypatch) -> None:
    """Closing the open votes numbers their events; the "ended" event must get a number of its
    own, or the open screens drop it as already applied and keep offering the controls."""
    from live import events

    numbers: list[tuple[int, str]] = []
    emit = events.emit

    def recording(meeting_id: int, kind: str, data: dict[str, Any]) -> int:
        seq = emit(meeting_id, kind, data)
        numbers.append((seq, kind))
        return seq

    monkeypatch.setattr(events, "emit", recording)
    before = live_state(running).seq
    room_actions.do_end_meeting(leader, running)
    assert [kind for _seq, kind in numbers] == ["poll", "meeting", "floor", "attendance"]
    assert [seq for seq, _kind in numbers] == list(range(before + 1, before + 5))
    assert live_state(running).seq == before + 4
