"""Short statuses that mean different things in different places carry a context (pgettext), so an
open vote reads "Đang mở" and an unhandled incident "Chưa xử lý", never the other way round."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from live.actions import checkin
from live.actions import contributions as contribution_actions
from live.actions import voting as vote_actions
from live.models import AttendanceStatus, IncidentKind, IncidentStatus, SpeakState
from polls.models import PollState

pytestmark = pytest.mark.django_db


def test_vote_and_incident_statuses_read_right_in_vietnamese() -> None:
    with translation.override("vi"):
        assert str(PollState.DRAFT.label) == "Chưa mở"
        assert str(PollState.OPEN.label) == "Đang mở"
        assert str(PollState.CLOSED.label) == "Đã kết thúc"
        assert str(IncidentStatus.OPEN.label) == "Chưa xử lý"
        assert str(IncidentStatus.HANDLING.label) == "Đang xử lý"
        assert str(IncidentStatus.RESOLVED.label) == "Đã xử lý"
        assert str(SpeakState.SKIPPED.label) == "Đã bỏ qua"
        assert str(AttendanceStatus.PRESENT.label) == "Có mặt"
        assert str(IncidentKind.OTHER.label) == "Khác"


def test_the_english_catalogue_keeps_the_english_words() -> None:
    with translation.override("en"):
        assert str(PollState.OPEN.label) == "Open"
        assert str(IncidentStatus.OPEN.label) == "Reported"


def test_an_open_vote_is_shown_as_open_on_the_attendee_screen(started, leader, attendee) -> None:
    checkin.do_check_in(attendee, started)
    vote_actions.do_create_vote(leader, started, question="Thông qua nghị quyết?", open_now=True)
    client = Client()
    client.force_login(attendee)
    data = client.get(reverse("live:snapshot", args=[started.pk])).json()
    assert [poll["state_label"] for poll in data["polls"]] == ["Đang mở"]


def test_the_incident_list_says_not_handled_yet_and_offers_the_kinds_in_vietnamese(
    meeting, organiser, attendee
) -> None:
    contribution_actions.do_report_incident(attendee, meeting, kind="network", description="Mất Wi-Fi phòng 3")
    client = Client()
    client.force_login(organiser)
    html = client.get(reverse("live:incidents", args=[meeting.pk])).content.decode()
    assert "Mạng</strong> · Chưa xử lý" in html
    client.force_login(attendee)
    room = client.get(reverse("live:room", args=[meeting.pk])).content.decode()
    assert '<option value="access">Truy cập / đăng nhập</option>' in room
    assert "Báo sự cố</button>" in room
