"""Điều 3.1g, 6.2: on approval everyone invited is told early, in the app and as they chose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from meetings.actions.approval import do_approve_meeting
from meetings.actions.invitations import do_answer_invitation
from meetings.actions.registration import Guest, do_submit_meeting
from meetings.actions.scheduling import do_cancel_meeting, do_postpone_meeting
from meetings.models import Answer, Invitation
from meetings.tasks import remind_approver, remind_unanswered
from meetings.tests.conftest import approved, create
from notifications.models import Channel, Delivery, Notification


def events_for(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(recipient=user).values_list("event", flat=True))


def test_approval_sends_invitations_by_app_email_and_sms(organiser, leader, attendee, province) -> None:
    sms_user = make_user("snv.sms", province["snv"], phone="0912345678", receive_sms=True, receive_email=False)
    receiver = make_user("stc.vanthu", province["stc"], email="vt@stc.example")
    province["stc"].document_receiver = receiver
    province["stc"].save()
    meeting = approved(
        organiser,
        leader,
        [attendee, sms_user],
        support_staff=[organiser],
        attendee_units=[province["stc"]],
        guests=[Guest("Ngô Văn Bình", "Công ty TNHH Minh Phát", "binh@minhphat.example")],
    )
    assert "meeting.invited" in events_for(attendee) and "meeting.invited" in events_for(sms_user)
    assert "meeting.unit_invited" in events_for(receiver)
    mail = Delivery.objects.get(channel=Channel.EMAIL, address="hai@snv.example")
    assert mail.attachments_key == "meeting_invitation" and mail.attachments_args == {"meeting_id": meeting.pk}
    sms = Delivery.objects.get(channel=Channel.SMS, address="0912345678")
    assert meeting.title[:20] in sms.text
    assert not Delivery.objects.filter(address="", channel=Channel.EMAIL).exists()
    guest = Delivery.objects.get(address="binh@minhphat.example")
    assert guest.notification is None and guest.target_id == str(meeting.pk)


def test_nothing_is_sent_before_approval(organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    assert events_for(attendee) == []
    assert events_for(leader) == ["meeting.approval_requested"]


def test_submission_schedules_the_approver_reminder_before_the_deadline(
    organiser, leader, attendee, django_capture_on_commit_callbacks
) -> None:
    meeting = create(organiser, leader, [attendee])
    with django_capture_on_commit_callbacks(execute=True):
        do_submit_meeting(organiser, meeting)
    task = DBTaskResult.objects.get(task_path="meetings.tasks.remind_approver")
    assert timezone.now() < task.run_after < meeting.start - timedelta(days=2)


def test_approver_reminder_only_while_still_waiting(organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    assert meeting.submitted_at is not None
    stamp = meeting.submitted_at.isoformat()
    assert remind_approver.call(meeting.pk, stamp) is True
    assert events_for(leader).count("meeting.approval_reminder") == 1
    do_approve_meeting(leader, meeting)
    assert remind_approver.call(meeting.pk, stamp) is False


def test_answer_reminder_goes_to_those_without_an_answer(organiser, leader, attendee, colleague) -> None:
    meeting = approved(organiser, leader, [attendee, colleague])
    do_answer_invitation(attendee, Invitation.objects.get(meeting=meeting, user=attendee), answer=Answer.CONFIRMED)
    assert remind_unanswered.call(meeting.pk, meeting.sequence) == 1
    assert "meeting.answer_reminder" in events_for(colleague)
    assert "meeting.answer_reminder" not in events_for(attendee)
    assert remind_unanswered.call(meeting.pk, meeting.sequence - 1) == 0  # stale schedule


def test_postponement_and_cancellation_reach_everyone(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    start = meeting.start + timedelta(days=1)
    do_postpone_meeting(organiser, meeting, start=start, end=start + timedelta(hours=1), reason="Trùng lịch UBND tỉnh")
    do_cancel_meeting(organiser, meeting, reason="Đã xử lý bằng văn bản")
    assert {"meeting.postponed", "meeting.cancelled"} <= set(events_for(attendee))


def test_substitute_is_invited_and_told_whom_they_replace(organiser, leader, attendee, colleague) -> None:
    meeting = approved(organiser, leader, [attendee])
    do_answer_invitation(
        attendee, Invitation.objects.get(meeting=meeting, user=attendee), answer=Answer.DELEGATED, substitute=colleague
    )
    note = Notification.objects.get(recipient=colleague, event="meeting.substitute_invited")
    assert attendee.full_name in note.title


def test_a_rolled_back_approval_sends_nothing(organiser, leader, attendee, monkeypatch) -> None:
    from meetings import notify

    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()

    def explode(meeting):  # type: ignore[no-untyped-def]
        raise RuntimeError("gateway down")

    monkeypatch.setattr(notify, "schedule_answer_reminder", explode)
    with pytest.raises(RuntimeError):
        do_approve_meeting(leader, meeting)
    meeting.refresh_from_db()
    assert meeting.status == "submitted"
    assert not Notification.objects.filter(event="meeting.invited").exists()
    assert not Delivery.objects.filter(event="meeting.invited").exists()


def test_organiser_sends_a_failed_invitation_again(client, organiser, leader, attendee, stc_admin) -> None:
    from conftest import login
    from notifications.models import DeliveryStatus

    meeting = approved(organiser, leader, [attendee])
    delivery = Delivery.objects.get(channel=Channel.EMAIL, address=attendee.email)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, last_error="SMTP 451", attempts=4)
    login(client, stc_admin)
    assert client.post(f"/meetings/{meeting.pk}/deliveries/{delivery.pk}/retry/").status_code == 404
    login(client, organiser)
    # The reason in words (notifications.models.Delivery.failure_reason), not the server's code.
    page = client.get(f"/meetings/{meeting.pk}/dashboard/").content.decode()
    assert "Không gửi được tin nhắn." in page and "SMTP 451" not in page
    client.post(f"/meetings/{meeting.pk}/deliveries/{delivery.pk}/retry/")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED
