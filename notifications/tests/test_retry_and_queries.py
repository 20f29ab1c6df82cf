"""Re-sending a failed delivery, and the organiser's view of deliveries for a target."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from conftest import make_user
from notifications.actions import do_mark_read, do_notify, do_notify_address, do_retry_delivery
from notifications.models import Delivery, DeliveryStatus
from notifications.queries import deliveries_for_target, delivery_counts_for_target

INVITE: dict[str, Any] = {"event": "meeting.invited", "title": "Giấy mời họp", "body": "", "url": "/meetings/17/"}


def test_retry_requeues_a_failed_delivery(snv_admin, snv_member, django_capture_on_commit_callbacks) -> None:
    do_notify([snv_member], **INVITE)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=4, last_error="timeout")
    delivery.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        do_retry_delivery(snv_admin, delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED and delivery.next_attempt_at is None
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [delivery.pk]
    entry = AuditEntry.objects.get(action="notification.delivery_retried")
    assert entry.actor == snv_admin and entry.target_id == str(delivery.pk)


@pytest.mark.parametrize("status", [DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.SENT])
def test_only_a_failed_delivery_can_be_retried(snv_admin, snv_member, status) -> None:
    do_notify([snv_member], **INVITE)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=status)
    with pytest.raises(ValidationError):
        do_retry_delivery(snv_admin, delivery)
    assert Delivery.objects.get().status == status
    assert not AuditEntry.objects.filter(action="notification.delivery_retried").exists()


def test_deliveries_for_target_lists_every_channel_with_status(province, snv_member) -> None:
    meeting_like, other = province["snv"], province["stc"]
    sms_user = make_user("le.thi.hoa", province["snv"], receive_email=False, receive_sms=True, phone="0987654321")
    do_notify([snv_member, sms_user], target=meeting_like, **INVITE)
    do_notify_address(name="Khách", email="khach@minhphat.example", target=meeting_like, **INVITE)
    do_notify([snv_member], target=other, **INVITE)
    Delivery.objects.filter(address="0987654321").update(status=DeliveryStatus.FAILED, last_error="HTTP 500")

    rows = list(deliveries_for_target("accounts.orgunit", meeting_like.pk))
    assert [(d.recipient_name, d.channel, d.status) for d in rows] == [
        ("Bùi Thị Mai", "email", "queued"),
        ("Le.Thi.Hoa", "sms", "failed"),
        ("Khách", "email", "queued"),
    ]
    assert rows[0].notification is not None and rows[0].notification.recipient == snv_member
    assert delivery_counts_for_target("accounts.orgunit", str(meeting_like.pk)) == {"queued": 2, "failed": 1}


def test_mark_read_refuses_someone_elses_notification(snv_member, stc_member) -> None:
    [notification] = do_notify([snv_member], **INVITE)
    with pytest.raises(PermissionDenied):
        do_mark_read(stc_member, notification)
    assert do_mark_read(snv_member, notification) is True
    assert do_mark_read(snv_member, notification) is False
