"""Điều 6.2: approval by the organising unit's leader, within the legal deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Right
from audit.models import AuditEntry
from conftest import login, make_user
from meetings.actions.approval import do_approve_meeting, do_reject_meeting, do_return_meeting
from meetings.actions.registration import do_submit_meeting
from meetings.actions.scheduling import do_cancel_meeting, do_postpone_meeting
from meetings.models import Meeting, MeetingKind, MeetingStatus
from meetings.tests.conftest import approved, create


@pytest.fixture
def submitted(organiser, leader, attendee):  # type: ignore[no-untyped-def]
    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    return meeting


def test_leader_of_the_unit_approves(submitted, leader) -> None:
    meeting = do_approve_meeting(leader, submitted)
    assert meeting.status == MeetingStatus.APPROVED and meeting.decided_by == leader and not meeting.approved_late
    assert AuditEntry.objects.filter(action="meeting.approved", target_id=str(meeting.pk)).exists()


def test_leader_of_another_unit_cannot_see_or_approve(client, submitted, stc_leader) -> None:
    with pytest.raises(PermissionDenied):
        do_approve_meeting(stc_leader, submitted)
    login(client, stc_leader)
    assert client.get(f"/meetings/{submitted.pk}/").status_code == 404
    assert client.post(f"/meetings/{submitted.pk}/decide/", {"decision": "approve"}).status_code == 404


def test_the_designated_approver_replaces_the_unit_leaders(organiser, leader, attendee, province) -> None:
    deputy = make_user("snv.phogiamdoc", province["snv"], Right.LEADER, full_name="Phó Giám đốc")
    province["snv"].meeting_approver = deputy
    province["snv"].save()
    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    assert meeting.approver == deputy
    with pytest.raises(PermissionDenied):
        do_approve_meeting(leader, meeting)
    do_approve_meeting(deputy, meeting)


def test_organiser_cannot_approve_their_own_meeting(submitted, organiser) -> None:
    with pytest.raises(PermissionDenied):
        do_approve_meeting(organiser, submitted)


def test_return_needs_a_comment_and_allows_resubmission(submitted, leader, organiser) -> None:
    with pytest.raises(ValidationError):
        do_return_meeting(leader, submitted, comment=" ")
    meeting = do_return_meeting(leader, submitted, comment="Bổ sung thành phần Sở Tài chính")
    assert meeting.status == MeetingStatus.RETURNED
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SUBMITTED and meeting.decision_comment == ""


def test_rejected_meeting_is_final(submitted, leader, organiser) -> None:
    meeting = do_reject_meeting(leader, submitted, comment="Trùng nội dung đã họp")
    with pytest.raises(PermissionDenied):
        do_submit_meeting(organiser, meeting)


def test_deciding_twice_is_refused(submitted, leader) -> None:
    do_approve_meeting(leader, submitted)
    with pytest.raises((ValidationError, PermissionDenied)):
        do_reject_meeting(leader, submitted, comment="Muộn")


def test_late_submission_warns_and_late_approval_needs_a_justification(organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee], start_in=timedelta(days=1))
    warnings = do_submit_meeting(organiser, meeting)
    assert warnings and "Điều 6.2" in warnings[0]
    meeting.refresh_from_db()
    assert meeting.submitted_late
    with pytest.raises(ValidationError) as info:
        do_approve_meeting(leader, meeting)
    assert "justification" in info.value.error_dict
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SUBMITTED
    meeting = do_approve_meeting(leader, meeting, justification="Chỉ đạo khẩn của UBND tỉnh")
    assert meeting.approved_late and meeting.late_justification == "Chỉ đạo khẩn của UBND tỉnh"
    entry = AuditEntry.objects.get(action="meeting.approved")
    assert entry.data["late"] is True and entry.data["justification"] == "Chỉ đạo khẩn của UBND tỉnh"


def test_urgent_meeting_four_hours_ahead_is_on_time(organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee], start_in=timedelta(hours=4), kind=MeetingKind.URGENT)
    assert do_submit_meeting(organiser, meeting) == []
    meeting.refresh_from_db()
    assert not do_approve_meeting(leader, meeting).approved_late


def test_approval_deadline_edge_with_a_frozen_clock(organiser, leader, attendee, monkeypatch) -> None:
    meeting = create(organiser, leader, [attendee], start_in=timedelta(days=5))
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    deadline = meeting.start - timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: deadline)
    assert not do_approve_meeting(leader, meeting).approved_late


def test_just_after_the_deadline_is_late(organiser, leader, attendee, monkeypatch) -> None:
    meeting = create(organiser, leader, [attendee], start_in=timedelta(days=5))
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    after = meeting.start - timedelta(days=2) + timedelta(microseconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after)
    with pytest.raises(ValidationError):
        do_approve_meeting(leader, meeting)


def test_a_started_meeting_cannot_be_approved(organiser, leader, attendee, monkeypatch) -> None:
    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    later = meeting.start + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(ValidationError):
        do_approve_meeting(leader, meeting, justification="x")


def test_postpone_moves_the_time_and_bumps_the_calendar_sequence(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    sequence = meeting.sequence
    new_start = meeting.start + timedelta(days=1)
    moved = do_postpone_meeting(
        organiser, meeting, start=new_start, end=new_start + timedelta(hours=1), reason="Lãnh đạo bận"
    )
    assert moved.status == MeetingStatus.POSTPONED and moved.start == new_start and moved.sequence == sequence + 1
    with pytest.raises(ValidationError):
        do_postpone_meeting(organiser, moved, start=timezone.now() - timedelta(hours=1), end=timezone.now(), reason="x")


def test_cancel_needs_a_reason(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    with pytest.raises(ValidationError):
        do_cancel_meeting(organiser, meeting, reason="")
    assert do_cancel_meeting(organiser, meeting, reason="Thay đổi kế hoạch").status == MeetingStatus.CANCELLED


def test_attendee_cannot_postpone_or_cancel(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    with pytest.raises(PermissionDenied):
        do_cancel_meeting(attendee, meeting, reason="x")


@pytest.mark.parametrize(
    "status, allowed",
    [
        (MeetingStatus.DRAFT, {"edit", "submit", "cancel"}),
        (MeetingStatus.RETURNED, {"edit", "submit", "cancel"}),
        (MeetingStatus.SUBMITTED, set()),
        (MeetingStatus.APPROVED, {"cancel", "postpone"}),
        (MeetingStatus.POSTPONED, {"cancel", "postpone"}),
        (MeetingStatus.REJECTED, set()),
        (MeetingStatus.CANCELLED, set()),
    ],
)
def test_what_the_organiser_may_do_in_each_state(organiser, leader, attendee, status, allowed) -> None:
    from accounts.permissions import Perm, can

    meeting = create(organiser, leader, [attendee])
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    meeting.refresh_from_db()
    may = {
        "edit": can(organiser, Perm.EDIT_MEETING, meeting),
        "submit": can(organiser, Perm.SUBMIT_MEETING, meeting),
        "cancel": can(organiser, Perm.RESCHEDULE_MEETING, meeting),
        "postpone": can(organiser, Perm.RESCHEDULE_MEETING, meeting) and meeting.is_scheduled,
    }
    assert {k for k, v in may.items() if v} == allowed
    assert can(leader, Perm.DECIDE_MEETING, meeting) == (status == MeetingStatus.SUBMITTED)


def test_approval_queue_shows_countdown_and_overdue(client, organiser, leader, attendee) -> None:
    on_time = create(organiser, leader, [attendee])
    late = create(organiser, leader, [attendee], start_in=timedelta(days=1), title="Họp gấp về phòng chống bão")
    for m in (on_time, late):
        do_submit_meeting(organiser, m)
    login(client, leader)
    page = client.get("/meetings/approvals/").content.decode()
    assert on_time.title in page and late.title in page
    assert page.count("text-bg-danger") == 1
