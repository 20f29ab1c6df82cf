"""The meeting room's pages and endpoints: who may open what (outsiders 404, attendees 403 on the
console), the JSON and plain-form contracts of the console's endpoints, the projector's token,
check-in by QR code, and the snapshot fallback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login
from live import rules
from live.actions import room as room_actions
from live.actions.common import live_state
from live.models import Attendance, AttendanceStatus, ItemConclusion, LiveState, QuorumRule
from meetings.models import Invitation, MeetingStatus

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def as_user(user: Any) -> Client:
    return login(Client(), user)


def url(name: str, meeting: Any, *args: Any) -> str:
    return reverse(f"live:{name}", args=[meeting.pk, *args])


def item(meeting: Any, order: int) -> Any:
    return meeting.agenda_items.get(order=order)


RUNNER_POSTS: list[tuple[str, dict[str, Any]]] = [
    ("start", {}),
    ("end", {}),
    ("set_current_item", {"item": ""}),
    ("set_discussion", {"open": "1"}),
    ("conclude_item", {"item": "0", "text": "x"}),
    ("room_settings", {"quorum_rule": "half"}),
    ("mark_attendance", {"invitation": "0", "status": "present"}),
]


# --- who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["room", "console", "snapshot"])
def test_outsider_gets_404_on_the_pages(meeting, outsider, name) -> None:
    assert as_user(outsider).get(url(name, meeting)).status_code == 404


@pytest.mark.parametrize(("name", "data"), [*RUNNER_POSTS, ("checkin", {})])
def test_outsider_gets_404_on_every_endpoint(meeting, outsider, name, data) -> None:
    assert as_user(outsider).post(url(name, meeting), data, headers=JSON).status_code == 404
    assert not LiveState.objects.filter(pk=meeting.pk, seq__gt=0).exists()


def test_outsider_gets_404_on_the_qr_address(meeting, outsider) -> None:
    code = rules.qr_code(live_state(meeting), timezone.now())
    assert as_user(outsider).get(url("qr_checkin", meeting, code)).status_code == 404


def test_anonymous_is_sent_to_sign_in(meeting) -> None:
    response = Client().get(url("room", meeting))
    assert response.status_code == 302 and "/auth/login/" in response["Location"]


def test_attendee_opens_the_room_but_not_the_console(meeting, attendee) -> None:
    client = as_user(attendee)
    page = client.get(url("room", meeting))
    assert page.status_code == 200
    assert b'data-testid="checkin-button"' in page.content
    assert b'data-testid="console-link"' not in page.content
    assert client.get(url("console", meeting)).status_code == 403


@pytest.mark.parametrize(("name", "data"), RUNNER_POSTS)
def test_attendee_gets_403_on_runner_actions(meeting, attendee, name, data) -> None:
    assert as_user(attendee).post(url(name, meeting), data, headers=JSON).status_code == 403
    assert not LiveState.objects.filter(pk=meeting.pk, seq__gt=0).exists()


def test_secretary_cannot_check_in_as_an_attendee(meeting, secretary) -> None:
    assert as_user(secretary).post(url("checkin", meeting), headers=JSON).status_code == 403


def test_room_of_a_meeting_not_yet_approved_is_404(organiser, leader, attendee) -> None:
    from meetings.tests.conftest import create

    draft = create(organiser, leader, [attendee])
    assert as_user(organiser).get(url("room", draft)).status_code == 404


def test_get_on_an_endpoint_is_refused(meeting, leader) -> None:
    assert as_user(leader).get(url("start", meeting)).status_code == 405


# --- the pages ---------------------------------------------------------------------------------


def test_chair_console_shows_agenda_attendance_settings_and_the_display_link(meeting, leader) -> None:
    live = live_state(meeting)
    page = as_user(leader).get(url("console", meeting))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="move-to-item-2"' in html
    assert html.count('data-testid="attendance-row"') == 2
    assert reverse("live:display", args=[live.display_token]) in html
    assert 'data-console="1" data-testid="live-polls"' in html
    assert "<svg" in html  # the check-in QR code, inline


def test_room_page_links_runners_to_the_console(meeting, organiser) -> None:
    page = as_user(organiser).get(url("room", meeting))
    assert b'data-testid="console-link"' in page.content


def test_console_of_an_ended_meeting_sends_the_chair_to_the_room(started, leader) -> None:
    room_actions.do_end_meeting(leader, started)
    response = as_user(leader).get(url("console", started))
    assert response.status_code == 302 and response["Location"] == url("room", started)
    assert as_user(leader).get(url("room", started)).status_code == 200


def test_missing_partials_of_the_other_parts_do_not_break_the_pages(meeting, attendee, leader) -> None:
    from django.template import Context, Template

    rendered = Template('{% load live_tags %}[{% include_if_exists "live/nope/_missing.html" %}]').render(Context())
    assert rendered == "[]"
    assert as_user(attendee).get(url("room", meeting)).status_code == 200
    assert as_user(leader).get(url("console", meeting)).status_code == 200


def test_include_if_exists_renders_an_existing_template_with_the_context() -> None:
    from django.template import Context, Template

    rendered = Template('{% load live_tags %}{% include_if_exists "meetings/_status.html" %}').render(
        Context({"meeting": {"status": "approved", "get_status_display": "Approved"}})
    )
    assert 'data-status="approved"' in rendered


# --- the snapshot ------------------------------------------------------------------------------


def test_snapshot_json_has_the_sections_of_the_screens(meeting, attendee, leader) -> None:
    data = as_user(attendee).get(url("snapshot", meeting)).json()
    assert {"seq", "meeting", "agenda", "attendance", "floor", "settings", "me"} <= set(data)
    assert data["meeting"]["id"] == meeting.pk and data["meeting"]["status"] == MeetingStatus.APPROVED
    assert data["attendance"]["counts"]["invited"] == 2
    assert data["me"]["attends"] is True and data["me"]["attendance"] is None
    assert "attendance_list" not in data  # only runners see who is there by name
    runner = as_user(leader).get(url("snapshot", meeting)).json()
    assert len(runner["attendance_list"]) == 2


# --- running the meeting -----------------------------------------------------------------------


def test_chair_starts_moves_concludes_and_ends_over_json(meeting, leader) -> None:
    client = as_user(leader)
    assert client.post(url("start", meeting), headers=JSON).json() == {"ok": True}
    second = item(meeting, 2)
    assert client.post(url("set_current_item", meeting), {"item": second.pk}, headers=JSON).json() == {"ok": True}
    assert client.post(url("set_discussion", meeting), {"open": "1"}, headers=JSON).json() == {"ok": True}
    live = LiveState.objects.get(pk=meeting.pk)
    assert live.current_item_id == second.pk and live.discussion_open
    response = client.post(url("conclude_item", meeting), {"item": second.pk, "text": "Thống nhất"}, headers=JSON)
    assert response.json() == {"ok": True}
    assert ItemConclusion.objects.get(agenda_item=second).text == "Thống nhất"
    assert client.post(url("end", meeting), headers=JSON).json() == {"ok": True}
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ENDED


def test_plain_form_redirects_with_a_flash(meeting, leader) -> None:
    response = as_user(leader).post(url("start", meeting), follow=True)
    assert response.redirect_chain[-1][0] == url("console", meeting)
    assert [str(m) for m in response.context["messages"]]


def test_htmx_request_gets_json(meeting, leader) -> None:
    response = as_user(leader).post(url("start", meeting), headers={"HX-Request": "true"})
    assert response.json() == {"ok": True}


def test_moving_before_the_start_is_refused_and_changes_nothing(meeting, leader) -> None:
    response = as_user(leader).post(url("set_current_item", meeting), {"item": item(meeting, 2).pk}, headers=JSON)
    assert response.status_code == 400 and "error" in response.json()
    assert LiveState.objects.get(pk=meeting.pk).current_item_id is None


@pytest.mark.parametrize("value", ["abc", "999999", ""])
def test_bad_agenda_item_is_refused(started, leader, value) -> None:
    before = LiveState.objects.get(pk=started.pk)
    response = as_user(leader).post(url("conclude_item", started), {"item": value, "text": "x"}, headers=JSON)
    assert response.status_code == 400 and response.json()["error"]
    assert not ItemConclusion.objects.exists()
    assert LiveState.objects.get(pk=started.pk).seq == before.seq


def test_agenda_item_of_another_meeting_is_refused(started, leader, organiser, attendee) -> None:
    from meetings.tests.conftest import create

    other = create(organiser, leader, [attendee])
    response = as_user(leader).post(url("set_current_item", started), {"item": item(other, 1).pk}, headers=JSON)
    assert response.status_code == 400
    assert LiveState.objects.get(pk=started.pk).current_item_id == item(started, 1).pk


def test_empty_conclusion_is_refused_with_a_flash_on_plain_forms(started, leader) -> None:
    response = as_user(leader).post(
        url("conclude_item", started), {"item": item(started, 1).pk, "text": " "}, follow=True
    )
    assert [str(m) for m in response.context["messages"]]
    assert not ItemConclusion.objects.exists()


def test_bad_discussion_value_is_refused(started, leader) -> None:
    assert as_user(leader).post(url("set_discussion", started), {"open": "maybe"}, headers=JSON).status_code == 400
    assert not LiveState.objects.get(pk=started.pk).discussion_open


def test_room_settings_are_saved_and_bad_values_refused(meeting, secretary) -> None:
    client = as_user(secretary)
    good = {
        "quorum_rule": QuorumRule.TWO_THIRDS,
        "speaking_limit_seconds": "180",
        "checkin_opens_minutes": "30",
        "checkin_closes_minutes": "60",
    }
    assert client.post(url("room_settings", meeting), good, headers=JSON).json() == {"ok": True}
    for bad in ({"speaking_limit_seconds": "ba phút"}, {"speaking_limit_seconds": "5"}, {"quorum_rule": "all"}):
        response = client.post(url("room_settings", meeting), {**good, **bad}, headers=JSON)
        assert response.status_code == 400 and response.json()["error"]
    live = LiveState.objects.get(pk=meeting.pk)
    assert (live.quorum_rule, live.speaking_limit_seconds, live.checkin_opens_minutes) == ("two_thirds", 180, 30)


# --- attendance --------------------------------------------------------------------------------


def test_attendee_checks_in_from_the_room(meeting, attendee) -> None:
    response = as_user(attendee).post(url("checkin", meeting), headers=JSON)
    assert response.json() == {"ok": True}
    assert Attendance.objects.get(meeting=meeting, user=attendee).status == AttendanceStatus.PRESENT


def test_check_in_outside_the_window_is_refused_with_the_reason(organiser, leader, attendee) -> None:
    from meetings.tests.conftest import approved

    later = approved(organiser, leader, [attendee], start_in=timedelta(days=3))
    response = as_user(attendee).post(url("checkin", later), follow=True)
    assert any("Check-in" in str(m) or "Điểm danh" in str(m) for m in response.context["messages"])
    assert not Attendance.objects.exists()


def test_qr_address_checks_the_attendee_in_and_opens_the_room(meeting, attendee) -> None:
    code = rules.qr_code(live_state(meeting), timezone.now())
    response = as_user(attendee).get(url("qr_checkin", meeting, code))
    assert response.status_code == 302 and response["Location"] == url("room", meeting)
    assert Attendance.objects.get(meeting=meeting, user=attendee).method == "qr"


def test_expired_qr_code_is_refused_with_a_message(meeting, attendee) -> None:
    old = rules.qr_code(live_state(meeting), timezone.now(), offset=-3)
    response = as_user(attendee).get(url("qr_checkin", meeting, old), follow=True)
    assert response.redirect_chain[-1][0] == url("room", meeting)
    messages = [str(m) for m in response.context["messages"]]
    assert messages and not Attendance.objects.exists()


def test_anonymous_scanning_the_qr_code_signs_in_first(meeting) -> None:
    code = rules.qr_code(live_state(meeting), timezone.now())
    response = Client().get(url("qr_checkin", meeting, code))
    assert response.status_code == 302 and "/auth/login/" in response["Location"]
    assert "next=" in response["Location"]


def test_secretary_marks_attendance(meeting, secretary, colleague) -> None:
    invitation = Invitation.objects.get(meeting=meeting, user=colleague)
    client = as_user(secretary)
    response = client.post(
        url("mark_attendance", meeting), {"invitation": invitation.pk, "status": "excused"}, headers=JSON
    )
    assert response.json() == {"ok": True}
    assert Attendance.objects.get(invitation=invitation).status == AttendanceStatus.EXCUSED


@pytest.mark.parametrize(("invitation", "status"), [("x", "present"), ("999999", "present"), (None, "asleep")])
def test_bad_attendance_marks_are_refused(meeting, secretary, colleague, invitation, status) -> None:
    pk = invitation if invitation is not None else Invitation.objects.get(meeting=meeting, user=colleague).pk
    response = as_user(secretary).post(
        url("mark_attendance", meeting), {"invitation": pk, "status": status}, headers=JSON
    )
    assert response.status_code == 400 and response.json()["error"]
    assert not Attendance.objects.exists()


def test_marking_the_invitation_of_another_meeting_is_refused(meeting, secretary, organiser, leader, attendee) -> None:
    from meetings.tests.conftest import approved

    other = approved(organiser, leader, [attendee], start_in=timedelta(hours=5))
    foreign = Invitation.objects.get(meeting=other, user=attendee)
    response = as_user(secretary).post(
        url("mark_attendance", meeting), {"invitation": foreign.pk, "status": "present"}, headers=JSON
    )
    assert response.status_code == 400
    assert not Attendance.objects.exists()


# --- the projector -----------------------------------------------------------------------------


def test_display_opens_with_its_token_without_sign_in(meeting) -> None:
    live = live_state(meeting)
    response = Client().get(reverse("live:display", args=[live.display_token]))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert meeting.title in html and "<svg" in html
    assert 'data-testid="checkin-button"' not in html


@pytest.mark.parametrize("name", ["display", "display_qr", "display_snapshot"])
@pytest.mark.parametrize("token", ["x" * 20, "short", "a" * 65])
def test_display_with_a_wrong_token_is_404(meeting, name, token) -> None:
    assert Client().get(reverse(f"live:{name}", args=[token])).status_code == 404


def test_display_qr_is_a_standalone_svg_document_with_its_namespace(meeting) -> None:
    """Without xmlns the code parsed as image/svg+xml is not SVG, and the screens drew it 0x0."""
    from xml.etree import ElementTree

    live = live_state(meeting)
    response = Client().get(reverse("live:display_qr", args=[live.display_token]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own answer, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") and root.get("width") is None  # scales to its box on every screen
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_display_qr_encodes_the_qr_check_in_url(meeting, monkeypatch) -> None:
    seen: list[str] = []
    import live.views

    original = live.views._qr_svg_document

    def spy(text: str) -> bytes:
        seen.append(text)
        return original(text)

    monkeypatch.setattr(live.views, "_qr_svg_document", spy)
    state = live_state(meeting)
    Client().get(reverse("live:display_qr", args=[state.display_token]))
    code = rules.qr_code(state, timezone.now())
    assert seen == [f"http://testserver{url('qr_checkin', meeting, code)}"]


def test_the_screens_get_the_refresh_interval_of_the_code_from_the_settings(meeting, leader, settings) -> None:
    settings.LIVE_QR_REFRESH_SECONDS = 2
    live = live_state(meeting)
    assert (
        'data-qr-refresh-ms="2000"' in Client().get(reverse("live:display", args=[live.display_token])).content.decode()
    )
    assert 'data-qr-refresh-ms="2000"' in as_user(leader).get(url("console", meeting)).content.decode()


def test_display_snapshot_has_no_personal_section(meeting) -> None:
    live = live_state(meeting)
    data = Client().get(reverse("live:display_snapshot", args=[live.display_token])).json()
    assert "me" not in data and "attendance_list" not in data and data["meeting"]["id"] == meeting.pk


def test_meeting_page_links_to_the_room_once_approved(meeting, attendee) -> None:
    page = as_user(attendee).get(reverse("meetings:detail", args=[meeting.pk]))
    assert url("room", meeting).encode() in page.content
