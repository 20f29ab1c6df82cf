"""Check-in (Điều 3.1c): who may check in, the window, the room code, the secretary's marks,
substitutes, quorum, and attendance frozen at the end."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from audit.models import AuditEntry
from live import rules
from live.actions import checkin
from live.actions import room as room_actions
from live.actions.common import live_state, lock_room_shared
from live.models import Attendance, AttendanceStatus, LiveState, QuorumRule
from live.queries import attendance_counts
from meetings.actions.invitations import do_answer_invitation
from meetings.models import Answer, Invitation, MeetingStatus

pytestmark = pytest.mark.django_db


def test_invitee_checks_in_once_and_a_second_tap_changes_nothing(meeting, attendee) -> None:
    first = checkin.do_check_in(attendee, meeting)
    again = checkin.do_check_in(attendee, meeting)
    assert first.pk == again.pk and first.status == AttendanceStatus.PRESENT
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert AuditEntry.objects.filter(action="meeting.checked_in").count() == 1


def test_outsider_and_secretary_cannot_check_in_as_attendees(meeting, outsider, secretary) -> None:
    for user in (outsider, secretary):
        with pytest.raises(PermissionDenied):
            checkin.do_check_in(user, meeting)
    assert not Attendance.objects.exists()


def test_check_in_outside_the_window_is_refused_with_the_window(meeting, attendee) -> None:
    early = meeting.start - timedelta(minutes=61)
    with pytest.raises(ValidationError, match="Điểm danh được mở từ"):
        checkin.do_check_in(attendee, meeting, now=early)
    late = meeting.start + timedelta(minutes=121)
    with pytest.raises(ValidationError):
        checkin.do_check_in(attendee, meeting, now=late)
    assert not Attendance.objects.exists()


def test_checking_in_fifteen_minutes_after_the_start_is_late(meeting, attendee, colleague) -> None:
    on_time = checkin.do_check_in(attendee, meeting, now=meeting.start + timedelta(minutes=15))
    late = checkin.do_check_in(colleague, meeting, now=meeting.start + timedelta(minutes=16))
    assert (on_time.status, late.status) == (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def test_room_code_works_for_the_current_and_previous_minute_only(meeting, attendee, colleague) -> None:
    live = live_state(meeting)
    now = timezone.now()
    with pytest.raises(ValidationError, match="hết hạn"):
        checkin.do_check_in(attendee, meeting, code=rules.qr_code(live, now, offset=-2), now=now)
    attendance = checkin.do_check_in(attendee, meeting, code=rules.qr_code(live, now, offset=-1), now=now)
    assert attendance.method == "qr"
    with pytest.raises(ValidationError):
        checkin.do_check_in(colleague, meeting, code="not-a-code", now=now)


def test_substitute_checks_in_instead_of_the_original(meeting, organiser, attendee, province) -> None:
    from conftest import make_user

    substitute = make_user("snv.thaythe", province["snv"], full_name="Cao Văn Tùng")
    invitation = Invitation.objects.get(meeting=meeting, user=attendee)
    do_answer_invitation(organiser, invitation, answer=Answer.DELEGATED, substitute=substitute)
    with pytest.raises(PermissionDenied):
        checkin.do_check_in(attendee, meeting)
    attendance = checkin.do_check_in(substitute, meeting)
    assert attendance.user == substitute
    counts = attendance_counts(meeting, live_state(meeting))
    assert counts["substitutes"] == 1 and counts["invited"] == 2 and counts["present"] == 1


@pytest.mark.parametrize(
    ("rule", "invited", "present", "reached"),
    [
        (QuorumRule.HALF, 4, 2, False),
        (QuorumRule.HALF, 4, 3, True),
        (QuorumRule.HALF, 5, 3, True),
        (QuorumRule.TWO_THIRDS, 3, 2, True),
        (QuorumRule.TWO_THIRDS, 4, 2, False),
        (QuorumRule.TWO_THIRDS, 4, 3, True),
        (QuorumRule.NONE, 10, 0, True),
    ],
)
def test_quorum_edges(rule, invited, present, reached) -> None:
    assert rules.quorum(rule, invited, present).reached is reached


def test_secretary_marks_anyone_and_counts_follow(meeting, secretary, attendee, colleague) -> None:
    inv = Invitation.objects.get(meeting=meeting, user=colleague)
    checkin.do_check_in(attendee, meeting)
    checkin.do_mark_attendance(secretary, meeting, inv, status=AttendanceStatus.EXCUSED)
    counts = attendance_counts(meeting, live_state(meeting))
    assert counts["present"] == 1 and counts["excused"] == 1 and counts["quorum_reached"] is False
    checkin.do_mark_attendance(secretary, meeting, inv, status=AttendanceStatus.PRESENT)
    assert attendance_counts(meeting, live_state(meeting))["quorum_reached"] is True


def test_attendee_cannot_mark_others(meeting, attendee, colleague) -> None:
    inv = Invitation.objects.get(meeting=meeting, user=colleague)
    with pytest.raises(PermissionDenied):
        checkin.do_mark_attendance(attendee, meeting, inv, status=AttendanceStatus.PRESENT)


def test_bad_status_is_refused_and_changes_nothing(meeting, secretary, colleague) -> None:
    inv = Invitation.objects.get(meeting=meeting, user=colleague)
    with pytest.raises(ValidationError):
        checkin.do_mark_attendance(secretary, meeting, inv, status="asleep")
    assert not Attendance.objects.exists()


def test_ending_freezes_attendance_and_records_the_missing_as_absent(meeting, leader, attendee, colleague) -> None:
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(attendee, meeting)
    room_actions.do_end_meeting(leader, meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ENDED
    rows = {a.user_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert rows[colleague.pk].status == AttendanceStatus.ABSENT
    assert all(a.frozen for a in rows.values())
    with pytest.raises((ValidationError, PermissionDenied)):
        checkin.do_check_in(colleague, meeting)


def test_start_and_end_follow_the_states(meeting, leader, attendee) -> None:
    with pytest.raises(PermissionDenied):
        room_actions.do_start_meeting(attendee, meeting)
    with pytest.raises(ValidationError):
        room_actions.do_end_meeting(leader, meeting)
    room_actions.do_start_meeting(leader, meeting)
    with pytest.raises(ValidationError):
        room_actions.do_start_meeting(leader, meeting)
    live = LiveState.objects.get(pk=meeting.pk)
    assert live.started_at is not None and live.current_item is not None


def test_every_event_takes_the_next_number(meeting, leader, attendee, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        room_actions.do_start_meeting(leader, meeting)
        checkin.do_check_in(attendee, meeting)
    assert LiveState.objects.get(pk=meeting.pk).seq == 2
    assert len(callbacks) >= 2


def test_many_check_ins_keep_one_attendance_per_invitation(meeting, attendee, colleague, outsider) -> None:
    """The websocket's batch: the same person twice in a batch and again in the next one is one
    row; an outsider is refused; one audit entry per batch that changed something."""
    results, rows = checkin.do_check_in_many(meeting, [attendee, colleague, attendee, outsider])
    assert results[:3] == [AttendanceStatus.PRESENT] * 3 and isinstance(results[3], PermissionDenied)
    assert [r["user_id"] for r in rows] == [attendee.pk, colleague.pk]
    again, rows = checkin.do_check_in_many(meeting, [colleague, attendee])
    assert again == [AttendanceStatus.PRESENT] * 2 and rows == []
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    assert AuditEntry.objects.filter(action="meeting.checked_in_many").count() == 1


def test_many_check_ins_after_fifteen_minutes_are_late_like_one(meeting, attendee, colleague) -> None:
    results, rows = checkin.do_check_in_many(meeting, [attendee, colleague], now=meeting.start + timedelta(minutes=16))
    assert results == [AttendanceStatus.LATE] * 2 and {r["status"] for r in rows} == {AttendanceStatus.LATE}
    first = Attendance.objects.get(user=attendee)
    assert first.checked_in_at == meeting.start + timedelta(minutes=16) and first.method == "self"


def test_a_person_marked_absent_who_comes_after_all_is_updated_not_duplicated(
    meeting, secretary, attendee, colleague
) -> None:
    invitation = Invitation.objects.get(meeting=meeting, user=attendee)
    marked = checkin.do_mark_attendance(secretary, meeting, invitation, status=AttendanceStatus.ABSENT)
    results, _rows = checkin.do_check_in_many(meeting, [attendee, colleague])
    assert results == [AttendanceStatus.PRESENT] * 2
    assert Attendance.objects.get(user=attendee).pk == marked.pk
    assert Attendance.objects.get(pk=marked.pk).status == AttendanceStatus.PRESENT


def test_many_check_ins_are_refused_once_attendance_is_frozen(meeting, leader, attendee, colleague) -> None:
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(attendee, meeting)
    Attendance.objects.filter(meeting=meeting).update(frozen=True, status=AttendanceStatus.ABSENT)
    results, rows = checkin.do_check_in_many(meeting, [attendee])
    assert isinstance(results[0], ValidationError) and rows == []
    assert Attendance.objects.get(user=attendee).status == AttendanceStatus.ABSENT


def test_the_rows_of_a_batch_are_the_rows_of_one_by_one(meeting, secretary, attendee, colleague, province) -> None:
    """`attendance_rows` (plain values, for bursts) shows each row as `attendance_row` does."""
    from live.queries import attendance_row, attendance_rows

    colleague.full_name = ""
    colleague.save()
    checkin.do_check_in(attendee, meeting)
    invitation = Invitation.objects.get(meeting=meeting, user=colleague)
    checkin.do_mark_attendance(secretary, meeting, invitation, status=AttendanceStatus.EXCUSED)
    ids = list(Attendance.objects.filter(meeting=meeting).order_by("-pk").values_list("invitation_id", flat=True))
    expected = [attendance_row(Attendance.objects.get(invitation_id=pk)) for pk in ids]
    assert attendance_rows(meeting, [*ids, 999999]) == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need a server database")
def test_two_processes_batches_of_the_same_people_at_once_make_one_attendance_each(
    meeting, attendee, colleague
) -> None:
    """Check-in batches share the room's lock (FOR SHARE): two at the same moment both run; the
    same invitation in both is inserted once, the other batch finds it there."""
    barrier = threading.Barrier(2)
    outcomes: list[list[str | Exception]] = []

    def batch() -> None:
        try:
            barrier.wait()
            results, _rows = checkin.do_check_in_many(meeting, [attendee, colleague])
            outcomes.append(results)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=batch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes == [[AttendanceStatus.PRESENT] * 2] * 2
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    entries = AuditEntry.objects.filter(action="meeting.checked_in_many")
    assert sorted(i for e in entries for i in e.data["invitations"]) == sorted(
        Invitation.objects.filter(meeting=meeting, user__in=[attendee, colleague]).values_list("pk", flat=True)
    )


@contextmanager
def another_batch_holding_the_room(meeting):  # type: ignore[no-untyped-def]
    """A thread that holds a check-in batch's shared room lock until the block ends."""
    holding, release = threading.Event(), threading.Event()

    def hold_shared_lock() -> None:
        try:
            with transaction.atomic():
                lock_room_shared(meeting)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_shared_lock)
    holder.start()
    try:
        assert holding.wait(10)
        yield
    finally:
        release.set()
        holder.join(timeout=10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need a server database")
def test_ending_the_meeting_waits_for_a_check_in_batch_and_later_batches_are_refused(
    meeting, leader, attendee, colleague
) -> None:
    room_actions.do_start_meeting(leader, meeting)

    def end() -> None:
        try:
            room_actions.do_end_meeting(leader, meeting)
        finally:
            connections.close_all()

    ender = threading.Thread(target=end)
    with another_batch_holding_the_room(meeting):
        ender.start()
        ender.join(timeout=1)
        assert ender.is_alive()  # waits for the batch's shared lock
    ender.join(timeout=10)
    assert not ender.is_alive()
    results, rows = checkin.do_check_in_many(meeting, [attendee, colleague])
    assert all(isinstance(r, ValidationError) for r in results) and rows == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need a server database")
def test_a_check_in_batch_does_not_wait_for_another_batch_holding_the_room(meeting, attendee) -> None:
    live_state(meeting)  # the room's row exists once the room is open
    with another_batch_holding_the_room(meeting):
        with connection.cursor() as cursor:  # blocked on the room's lock, this batch would fail
            cursor.execute("SET lock_timeout = '3s'")
        results, _rows = checkin.do_check_in_many(meeting, [attendee])
        assert results == [AttendanceStatus.PRESENT]
