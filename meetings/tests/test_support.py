"""Điều 6.3b-c: no device / no account requests, at least 1 day before, tracked to resolved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import login
from meetings.actions.support import do_request_support, do_resolve_support_request
from meetings.models import MeetingKind, SupportKind, SupportRequest, SupportStatus
from meetings.tests.conftest import approved
from notifications.models import Notification


def test_attendee_asks_for_help_and_the_host_unit_resolves_it(client, organiser, leader, attendee, snv_admin) -> None:
    meeting = approved(organiser, leader, [attendee])
    request = do_request_support(attendee, meeting, kind=SupportKind.NO_DEVICE, note="Cần mượn máy tính bảng")
    assert Notification.objects.filter(recipient=snv_admin, event="meeting.support_requested").exists()
    assert Notification.objects.filter(recipient=organiser, event="meeting.support_requested").exists()
    login(client, organiser)
    assert "Cần mượn máy tính bảng" in client.get(f"/meetings/{meeting.pk}/dashboard/").content.decode()
    client.post(f"/meetings/support/{request.pk}/resolve/", {"resolution": "Văn phòng Sở cấp 01 máy tính bảng"})
    request.refresh_from_db()
    assert request.status == SupportStatus.RESOLVED and request.resolved_by == organiser
    assert Notification.objects.filter(recipient=attendee, event="meeting.support_resolved").exists()


def test_request_later_than_one_day_before_is_refused(organiser, leader, attendee, monkeypatch) -> None:
    meeting = approved(organiser, leader, [attendee])
    late = meeting.start - timedelta(hours=23)
    monkeypatch.setattr(timezone, "now", lambda: late)
    with pytest.raises(ValidationError) as info:
        do_request_support(attendee, meeting, kind=SupportKind.NO_ACCOUNT)
    assert "6.3" in info.value.messages[0]


def test_only_invitees_can_ask(organiser, leader, attendee, stc_member) -> None:
    meeting = approved(organiser, leader, [attendee])
    with pytest.raises(PermissionDenied):
        do_request_support(stc_member, meeting, kind=SupportKind.NO_DEVICE)


def test_resolving_twice_and_without_text_is_refused(organiser, leader, attendee, client, stc_admin) -> None:
    meeting = approved(organiser, leader, [attendee])
    request = do_request_support(attendee, meeting, kind=SupportKind.OTHER)
    with pytest.raises(ValidationError):
        do_resolve_support_request(organiser, request, resolution="")
    do_resolve_support_request(organiser, request, resolution="Đã hỗ trợ")
    with pytest.raises(ValidationError):
        do_resolve_support_request(organiser, request, resolution="Lần hai")
    login(client, stc_admin)
    assert client.post(f"/meetings/support/{request.pk}/resolve/", {"resolution": "x"}).status_code == 404


def test_urgent_meeting_accepts_support_requests_until_it_starts(organiser, leader, attendee, monkeypatch) -> None:
    """Điều 6.3b-c: an urgent meeting approved a few hours ahead still receives requests."""
    meeting = approved(organiser, leader, [attendee], kind=MeetingKind.URGENT, start_in=timedelta(hours=5))
    monkeypatch.setattr(timezone, "now", lambda: meeting.start - timedelta(minutes=10))
    request = do_request_support(attendee, meeting, kind=SupportKind.NO_DEVICE)
    assert request.pk is not None


def test_urgent_meeting_refuses_support_requests_after_the_start(organiser, leader, attendee, monkeypatch) -> None:
    meeting = approved(organiser, leader, [attendee], kind=MeetingKind.URGENT, start_in=timedelta(hours=5))
    monkeypatch.setattr(timezone, "now", lambda: meeting.start + timedelta(minutes=1))
    with pytest.raises(ValidationError) as info:
        do_request_support(attendee, meeting, kind=SupportKind.NO_DEVICE)
    assert "6.3b" in info.value.messages[0] and "1 day" not in info.value.messages[0]
    assert not SupportRequest.objects.filter(meeting=meeting).exists()
