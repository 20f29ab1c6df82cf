"""Reminders before the deadline and overdue warnings: sent on the configured days, each once per
task, kind and deadline, however often (or however concurrently) the sweep runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from followups.actions.extensions import do_decide_extension, do_request_extension
from followups.actions.progress import do_confirm_done, do_request_completion
from followups.actions.reminders import do_send_due_reminders, send_task_reminders
from followups.actions.tasks import do_accept_task
from followups.models import ReminderKind, ReminderSent
from followups.tasks import remind_task, reminder_moments
from followups.tests.conftest import today
from notifications.models import Channel, Delivery, Notification

pytestmark = pytest.mark.django_db


def _reminders() -> list[Notification]:
    return list(Notification.objects.filter(event__in=["followup.reminder", "followup.overdue"]).order_by("pk"))


def test_nothing_is_sent_long_before_the_deadline(task) -> None:
    assert do_send_due_reminders(task.deadline - timedelta(days=4)) == 0
    assert _reminders() == []


def test_the_reminder_3_days_before_is_sent_once_however_often_the_sweep_runs(task, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    day = task.deadline - timedelta(days=3)
    assert do_send_due_reminders(day) == 1
    assert do_send_due_reminders(day) == 0
    send_task_reminders(task.pk, day)
    reminders = _reminders()
    assert len(reminders) == 1 and reminders[0].recipient == stc_official
    assert "3" in reminders[0].title
    # email as the person chose (receive_email), SMS not chosen
    assert Delivery.objects.filter(notification=reminders[0], channel=Channel.EMAIL).count() == 1
    assert not Delivery.objects.filter(notification=reminders[0], channel=Channel.SMS).exists()


def test_the_day_before_gets_its_own_reminder(task, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    do_send_due_reminders(task.deadline - timedelta(days=3))
    do_send_due_reminders(task.deadline - timedelta(days=2))
    do_send_due_reminders(task.deadline - timedelta(days=1))
    do_send_due_reminders(task.deadline - timedelta(days=1))
    assert len(_reminders()) == 2
    assert sorted(ReminderSent.objects.values_list("days_before", flat=True)) == [1, 3]


def test_a_missed_earlier_reminder_is_overtaken_by_the_later_one(task, stc_leader) -> None:
    assert send_task_reminders(task.pk, task.deadline - timedelta(days=1)) == ["before:1"]
    assert send_task_reminders(task.pk, task.deadline - timedelta(days=1)) == []
    # nobody in charge yet: the unit's leader is reminded
    assert [n.recipient for n in _reminders()] == [stc_leader]


def test_the_overdue_warning_goes_once_to_the_unit_and_the_assigner(task, leader, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    after = task.deadline + timedelta(days=1)
    assert do_send_due_reminders(after) == 1
    assert do_send_due_reminders(after + timedelta(days=1)) == 0
    recipients = {n.recipient for n in _reminders() if n.event == "followup.overdue"}
    assert recipients == {stc_official, stc_leader, leader}


def test_a_reminder_claimed_by_another_worker_is_not_sent_again(task) -> None:
    """Two workers at once: the second finds the row the first inserted and sends nothing."""
    day = task.deadline - timedelta(days=3)
    ReminderSent.objects.create(task=task, kind=ReminderKind.BEFORE, days_before=3, deadline=task.deadline)
    assert send_task_reminders(task.pk, day) == []
    assert _reminders() == []


def test_the_database_refuses_a_second_row_for_the_same_reminder(task) -> None:
    ReminderSent.objects.create(task=task, kind=ReminderKind.OVERDUE, days_before=0, deadline=task.deadline)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(task=task, kind=ReminderKind.OVERDUE, days_before=0, deadline=task.deadline)


def test_done_and_cancelled_tasks_get_no_reminder(task, leader, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    do_request_completion(stc_official, task)
    do_confirm_done(leader, task)
    assert do_send_due_reminders(task.deadline + timedelta(days=1)) == 0
    assert _reminders() == []


def test_a_new_deadline_gets_new_reminders(task, leader, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    send_task_reminders(task.pk, task.deadline - timedelta(days=1))
    extension = do_request_extension(stc_official, task, task.deadline + timedelta(days=10), "Chờ số liệu")
    do_decide_extension(leader, extension, approve=True)
    task.refresh_from_db()
    assert send_task_reminders(task.pk, task.deadline - timedelta(days=1)) == ["before:1"]
    assert len(_reminders()) == 2


def test_the_reminder_days_are_a_setting(task, settings) -> None:
    settings.FOLLOWUPS_REMINDER_DAYS = [7]
    assert send_task_reminders(task.pk, task.deadline - timedelta(days=7)) == ["before:7"]
    assert send_task_reminders(task.pk, task.deadline - timedelta(days=3)) == []


def test_scheduled_reminders_are_enqueued_for_each_day_and_the_overdue_day(task, settings) -> None:
    settings.FOLLOWUPS_REMINDER_DAYS = [3, 1]
    moments = reminder_moments(task.deadline)
    assert [m.date() for m in moments] == [
        task.deadline - timedelta(days=3),
        task.deadline - timedelta(days=1),
        task.deadline + timedelta(days=1),
    ]


def test_the_worker_task_runs_the_same_claimed_reminder(task, stc_leader) -> None:
    do_accept_task(stc_leader, task)
    remind_task.call(task.pk)  # not due today (deadline in 10 days)
    assert _reminders() == []


def test_the_daily_command_sends_and_then_sends_nothing(task, capsys) -> None:
    ReminderSent.objects.all().delete()
    from followups.models import Task

    Task.objects.filter(pk=task.pk).update(deadline=today())
    call_command("followup_reminders")
    call_command("followup_reminders")
    out = capsys.readouterr().out
    assert "1 reminder(s) sent." in out and "0 reminder(s) sent." in out


def test_sms_goes_to_who_chose_it(task, stc_leader, stc_official) -> None:
    stc_official.receive_sms, stc_official.phone = True, "0912345678"
    stc_official.save(update_fields=["receive_sms", "phone"])
    do_accept_task(stc_leader, task, stc_official)
    send_task_reminders(task.pk, task.deadline)
    reminder = _reminders()[0]
    assert "Hôm nay đến hạn" in reminder.title or "Deadline today" in reminder.title
    sms = Delivery.objects.get(notification=reminder, channel=Channel.SMS)
    assert sms.address == "0912345678"
