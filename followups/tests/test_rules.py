"""The task's state machine, deadlines, overdue and extensions, as the actions enforce them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.queries import object_history
from followups.actions.extensions import do_decide_extension, do_request_extension
from followups.actions.progress import do_confirm_done, do_report_progress, do_request_completion, do_return_task
from followups.actions.tasks import do_accept_task, do_assign_person, do_cancel_task, do_create_task
from followups.models import ExtensionStatus, Task, TaskStatus
from followups.rules import is_overdue, overdue_q
from followups.tests.conftest import task_input, today

pytestmark = pytest.mark.django_db


def _working(task, stc_leader, stc_official):  # type: ignore[no-untyped-def]
    do_accept_task(stc_leader, task, stc_official)
    task.refresh_from_db()
    return task


def test_the_chair_assigns_a_task_from_an_ended_meeting(ended, leader, province) -> None:
    task = do_create_task(leader, ended, task_input(province["stc"]))
    assert task.status == TaskStatus.NEW
    assert task.assigner_unit == province["snv"]
    assert task.original_deadline == task.deadline
    assert [e.action for e in object_history(task)] == ["followup.created"]


def test_the_organiser_may_assign_too_but_an_attendee_may_not(ended, organiser, attendee, province) -> None:
    assert do_create_task(organiser, ended, task_input(province["stc"])).pk
    with pytest.raises(PermissionDenied):
        do_create_task(attendee, ended, task_input(province["stc"]))


def test_tasks_are_not_assigned_before_the_meeting_starts(organiser, leader, attendee, province) -> None:
    from meetings.tests.conftest import approved

    meeting = approved(organiser, leader, [attendee])
    with pytest.raises(PermissionDenied):
        do_create_task(leader, meeting, task_input(province["stc"]))


def test_a_deadline_in_the_past_is_refused(ended, leader, province) -> None:
    with pytest.raises(ValidationError) as refused:
        do_create_task(leader, ended, task_input(province["stc"], deadline=today() - timedelta(days=1)))
    assert "quá khứ" in " ".join(refused.value.messages) or "past" in " ".join(refused.value.messages)
    assert not Task.objects.exists()


def test_the_deadline_may_be_today(ended, leader, province) -> None:
    assert do_create_task(leader, ended, task_input(province["stc"], deadline=today())).deadline == today()


def test_the_person_in_charge_must_belong_to_the_assignee_unit(ended, leader, province, attendee) -> None:
    with pytest.raises(ValidationError) as refused:
        do_create_task(leader, ended, task_input(province["stc"], person=attendee))
    assert "assignee" in refused.value.error_dict
    assert not Task.objects.exists()


def test_an_empty_title_is_refused(ended, leader, province) -> None:
    with pytest.raises(ValidationError) as refused:
        do_create_task(leader, ended, task_input(province["stc"], title="   "))
    assert "title" in refused.value.error_dict


def test_the_same_form_sent_twice_creates_one_task(ended, leader, province) -> None:
    key = uuid.uuid4()
    first = do_create_task(leader, ended, task_input(province["stc"], submission_key=key))
    second = do_create_task(leader, ended, task_input(province["stc"], submission_key=key))
    assert first.pk == second.pk
    assert Task.objects.count() == 1


def test_the_unit_leader_accepts_and_assigns_inside_the_unit(task, stc_leader, stc_official) -> None:
    accepted = do_accept_task(stc_leader, task)
    assert accepted.status == TaskStatus.ACCEPTED
    assigned = do_assign_person(stc_leader, accepted, stc_official)
    assert assigned.status == TaskStatus.ASSIGNED and assigned.assignee == stc_official


def test_accepting_with_a_person_assigns_at_once(task, stc_leader, stc_official) -> None:
    assert do_accept_task(stc_leader, task, stc_official).status == TaskStatus.ASSIGNED


def test_the_document_receiver_may_accept(task, province, stc_official) -> None:
    from accounts.actions.units import do_set_document_receiver
    from accounts.models import Right
    from conftest import make_user

    admin = make_user("qtht", province["office"], Right.SYSTEM_ADMIN)
    do_set_document_receiver(admin, province["stc"], stc_official)
    task.assignee_unit.refresh_from_db()
    assert do_accept_task(stc_official, task).status == TaskStatus.ACCEPTED


def test_only_who_answers_for_the_assignee_unit_accepts(task, stc_official, leader) -> None:
    with pytest.raises(PermissionDenied):
        do_accept_task(stc_official, task)
    with pytest.raises(PermissionDenied):
        do_accept_task(leader, task)  # the assigner is not the assignee unit


def test_a_task_is_accepted_once(task, stc_leader) -> None:
    do_accept_task(stc_leader, task)
    with pytest.raises(ValidationError):
        do_accept_task(stc_leader, task)


def test_progress_before_acceptance_is_refused(task, stc_leader) -> None:
    with pytest.raises(ValidationError):
        do_report_progress(stc_leader, task, text="Đang làm", percent=10)


def test_progress_report_moves_the_task_in_progress(task, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    do_report_progress(stc_official, task, text="Đã rà soát 3 đơn vị", percent=30)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.progress == 30


@pytest.mark.parametrize("bad", [-1, 101, "abc", None, "50.5"])
def test_a_percentage_outside_0_to_100_is_refused(task, stc_leader, stc_official, bad) -> None:
    _working(task, stc_leader, stc_official)
    with pytest.raises(ValidationError) as refused:
        do_report_progress(stc_official, task, text="Đang làm", percent=bad)
    assert "percent" in refused.value.error_dict
    task.refresh_from_db()
    assert task.progress == 0 and not task.reports.exists()


def test_the_percentage_goes_down_only_with_a_reason(task, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    do_report_progress(stc_official, task, text="Gần xong", percent=60)
    with pytest.raises(ValidationError) as refused:
        do_report_progress(stc_official, task, text="Phải làm lại", percent=40)
    assert "decrease_reason" in refused.value.error_dict
    do_report_progress(stc_official, task, text="Phải làm lại", percent=40, decrease_reason="Số liệu sai, làm lại")
    task.refresh_from_db()
    assert task.progress == 40


def test_a_progress_report_sent_twice_is_stored_once(task, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    key = uuid.uuid4()
    first = do_report_progress(stc_official, task, text="Xong bước 1", percent=20, submission_key=key)
    second = do_report_progress(stc_official, task, text="Xong bước 1", percent=20, submission_key=key)
    assert first.pk == second.pk and task.reports.count() == 1


def test_completion_then_confirmation_by_the_assigner(task, leader, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    do_request_completion(stc_official, task, "Đã gửi báo cáo")
    done = do_confirm_done(leader, task)
    assert done.status == TaskStatus.DONE and done.progress == 100 and done.done_by == leader
    actions = [e.action for e in object_history(task)]
    assert actions == ["followup.created", "followup.accepted", "followup.completion_requested", "followup.done"]


def test_only_the_assigner_confirms(task, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    do_request_completion(stc_official, task)
    with pytest.raises(PermissionDenied):
        do_confirm_done(stc_leader, task)


def test_confirming_without_a_completion_request_is_refused(task, leader, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    with pytest.raises(ValidationError):
        do_confirm_done(leader, task)


def test_sending_back_needs_a_reason_and_reopens_the_work(task, leader, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    do_request_completion(stc_official, task)
    with pytest.raises(ValidationError):
        do_return_task(leader, task, "  ")
    returned = do_return_task(leader, task, "Thiếu số liệu quý III")
    assert returned.status == TaskStatus.IN_PROGRESS and returned.returned_reason == "Thiếu số liệu quý III"
    do_report_progress(stc_official, task, text="Bổ sung số liệu", percent=100)


def test_no_progress_while_completion_awaits_confirmation(task, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    do_request_completion(stc_official, task)
    with pytest.raises(ValidationError):
        do_report_progress(stc_official, task, text="Thêm", percent=90)


def test_the_assigner_cancels_with_a_reason_and_nothing_more_happens(task, leader, stc_leader) -> None:
    with pytest.raises(ValidationError):
        do_cancel_task(leader, task, "")
    cancelled = do_cancel_task(leader, task, "Không còn cần thiết")
    assert cancelled.status == TaskStatus.CANCELLED
    with pytest.raises(ValidationError):
        do_accept_task(stc_leader, task)
    with pytest.raises(ValidationError):
        do_cancel_task(leader, task, "Lần nữa")


def test_the_assignee_cannot_cancel(task, stc_leader) -> None:
    with pytest.raises(PermissionDenied):
        do_cancel_task(stc_leader, task, "Không làm")


def test_a_done_task_cannot_be_cancelled(task, leader, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    do_request_completion(stc_official, task)
    do_confirm_done(leader, task)
    with pytest.raises(ValidationError):
        do_cancel_task(leader, task, "Muộn rồi")


def test_overdue_means_the_deadline_passed_and_not_done(task) -> None:
    assert not is_overdue(task)
    assert is_overdue(task, task.deadline + timedelta(days=1))
    assert not is_overdue(task, task.deadline)  # the deadline day itself is still on time
    assert Task.objects.filter(overdue_q(task.deadline + timedelta(days=1))).count() == 1
    task.status = TaskStatus.DONE
    assert not is_overdue(task, task.deadline + timedelta(days=1))


def test_an_approved_extension_moves_the_deadline(task, leader, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    new = task.deadline + timedelta(days=7)
    extension = do_request_extension(stc_official, task, new, "Chờ số liệu Kho bạc")
    do_decide_extension(leader, extension, approve=True)
    task.refresh_from_db()
    extension.refresh_from_db()
    assert task.deadline == new and task.original_deadline == new - timedelta(days=7)
    assert extension.status == ExtensionStatus.APPROVED


def test_a_refused_extension_keeps_the_deadline_and_needs_a_reason(task, leader, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    before = task.deadline
    extension = do_request_extension(stc_official, task, before + timedelta(days=3), "Bận")
    with pytest.raises(ValidationError):
        do_decide_extension(leader, extension, approve=False, note="")
    do_decide_extension(leader, extension, approve=False, note="Việc cấp bách")
    task.refresh_from_db()
    assert task.deadline == before


def test_an_extension_must_be_later_than_the_deadline(task, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    with pytest.raises(ValidationError) as refused:
        do_request_extension(stc_official, task, task.deadline, "Xin thêm")
    assert "new_deadline" in refused.value.error_dict


def test_one_extension_request_at_a_time(task, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    do_request_extension(stc_official, task, task.deadline + timedelta(days=3), "Lý do 1")
    with pytest.raises(ValidationError):
        do_request_extension(stc_official, task, task.deadline + timedelta(days=5), "Lý do 2")


def test_only_the_assigner_decides_an_extension(task, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    extension = do_request_extension(stc_official, task, task.deadline + timedelta(days=3), "Lý do")
    with pytest.raises(PermissionDenied):
        do_decide_extension(stc_leader, extension, approve=True)


def test_an_extension_is_decided_once(task, leader, stc_leader, stc_official) -> None:
    _working(task, stc_leader, stc_official)
    extension = do_request_extension(stc_official, task, task.deadline + timedelta(days=3), "Lý do")
    do_decide_extension(leader, extension, approve=True)
    with pytest.raises(ValidationError):
        do_decide_extension(leader, extension, approve=False, note="Đổi ý")
