"""do_notify / do_notify_address: who is told, on which channels, and only after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from notifications.actions import do_notify, do_notify_address
from notifications.models import Channel, Delivery, DeliveryStatus, Notification

INVITE: dict[str, Any] = {
    "event": "meeting.invited",
    "title": "Giấy mời họp: Kỳ họp thường kỳ tháng 11",
    "body": "Thời gian: 08:00 25/11/2026\nĐịa điểm: Phòng họp tầng 3",
    "url": "/meetings/17/",
}


def send_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="notifications.tasks.send_delivery"))


def test_in_app_notification_is_created_with_target(snv_member, province, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = do_notify([snv_member], target=province["snv"], **INVITE)
    stored = Notification.objects.get(pk=notification.pk)
    assert stored.recipient == snv_member
    assert (stored.event, stored.title, stored.url) == ("meeting.invited", INVITE["title"], "/meetings/17/")
    assert (stored.target_type, stored.target_id) == ("accounts.orgunit", str(province["snv"].pk))
    assert stored.read_at is None


def test_each_user_is_notified_once_and_inactive_users_not_at_all(snv_member, stc_member, province) -> None:
    gone = make_user("da.nghi", province["snv"], is_active=False, email="nghi@snv.example")
    notifications = do_notify([snv_member, snv_member, gone, stc_member], **INVITE)
    assert sorted(n.recipient_id for n in notifications) == sorted([snv_member.pk, stc_member.pk])
    assert not Notification.objects.filter(recipient=gone).exists()
    assert not Delivery.objects.filter(address="nghi@snv.example").exists()


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"receive_email": True, "email": "an@snv.example"}, {("email", "an@snv.example")}),
        ({"receive_email": False, "email": "an@snv.example"}, set()),
        ({"receive_email": True, "email": ""}, set()),
        ({"receive_email": False, "receive_sms": True, "phone": "0912345678"}, {("sms", "0912345678")}),
        ({"receive_email": False, "receive_sms": True, "phone": ""}, set()),
        ({"receive_email": False, "receive_sms": False, "phone": "0912345678"}, set()),
        (
            {"receive_email": True, "email": "an@snv.example", "receive_sms": True, "phone": "0912345678"},
            {("email", "an@snv.example"), ("sms", "0912345678")},
        ),
    ],
)
def test_channels_follow_the_users_preferences(province, fields, expected, django_capture_on_commit_callbacks) -> None:
    user = make_user("nguyen.van.an", province["snv"], **fields)
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = do_notify([user], **INVITE)
    deliveries = Delivery.objects.filter(notification=notification)
    assert {(d.channel, d.address) for d in deliveries} == expected
    assert all(d.status == DeliveryStatus.QUEUED and d.recipient_name == user.display_name for d in deliveries)
    # One send task per delivery, and none for the in-app notification itself.
    assert sorted(t.args_kwargs["args"][0] for t in send_tasks()) == sorted(d.pk for d in deliveries)


def test_email_carries_the_absolute_link_and_attachments_sms_does_not(province, settings) -> None:
    settings.SITE_URL = "https://ecabinet.ninhbinh.gov.vn"
    user = make_user("le.thi.hoa", province["snv"], email="hoa@snv.example", receive_sms=True, phone="0987654321")
    do_notify(
        [user], sms_text="eCabinet: Mời họp 08:00 25/11", attachments_key="k", attachments_args={"a": 1}, **INVITE
    )
    email = Delivery.objects.get(channel=Channel.EMAIL)
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert email.subject == INVITE["title"]
    assert email.text.startswith(INVITE["body"])
    assert "https://ecabinet.ninhbinh.gov.vn/meetings/17/" in email.text
    assert (email.attachments_key, email.attachments_args) == ("k", {"a": 1})
    assert sms.text == "eCabinet: Mời họp 08:00 25/11"
    assert (sms.attachments_key, sms.attachments_args) == ("", {})


def test_sms_without_its_own_text_gets_title_and_absolute_link(province, settings) -> None:
    settings.SITE_URL = "https://ecabinet.ninhbinh.gov.vn"
    user = make_user("le.thi.hoa", province["snv"], receive_email=False, receive_sms=True, phone="0987654321")
    do_notify([user], **INVITE)
    assert Delivery.objects.get().text == f"eCabinet: {INVITE['title']} https://ecabinet.ninhbinh.gov.vn/meetings/17/"


@pytest.mark.django_db(transaction=True)
def test_rollback_sends_nothing(snv_member) -> None:
    snv_member.receive_sms, snv_member.phone = True, "0912345678"
    snv_member.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        do_notify([snv_member], **INVITE)
        raise RuntimeError("the meeting approval failed")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert send_tasks() == []


@pytest.mark.django_db(transaction=True)
def test_commit_enqueues_one_task_per_delivery(snv_member) -> None:
    snv_member.receive_sms, snv_member.phone = True, "0912345678"
    snv_member.save()
    with transaction.atomic():
        do_notify([snv_member], **INVITE)
        assert send_tasks() == []  # nothing is queued before the commit
    assert sorted(t.args_kwargs["args"][0] for t in send_tasks()) == sorted(
        Delivery.objects.values_list("pk", flat=True)
    )
    assert len(send_tasks()) == 2


def test_guest_gets_email_and_sms_with_absolute_links(settings, province, django_capture_on_commit_callbacks) -> None:
    settings.SITE_URL = "https://ecabinet.ninhbinh.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = do_notify_address(
            name="Ông Lê Văn Khách",
            email="khach@minhphat.example",
            phone="0903123456",
            target=province["snv"],
            **INVITE,
        )
    assert {(d.channel, d.address) for d in deliveries} == {
        ("email", "khach@minhphat.example"),
        ("sms", "0903123456"),
    }
    for delivery in Delivery.objects.all():
        assert delivery.notification is None
        assert delivery.recipient_name == "Ông Lê Văn Khách"
        assert "https://ecabinet.ninhbinh.gov.vn/meetings/17/" in delivery.text
        assert (delivery.target_type, delivery.target_id) == ("accounts.orgunit", str(province["snv"].pk))
    assert not Notification.objects.exists()
    assert len(send_tasks()) == 2


def test_guest_with_only_an_email_gets_only_an_email(db) -> None:
    [delivery] = do_notify_address(name="Khách", email="khach@minhphat.example", **INVITE)
    assert delivery.channel == Channel.EMAIL


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "meetings/1/", "/\\evil.example"])
def test_links_must_be_paths_of_this_site(snv_member, url) -> None:
    with pytest.raises(ValueError, match="site-relative"):
        do_notify([snv_member], **{**INVITE, "url": url})
    assert not Notification.objects.exists()


def test_multiline_title_becomes_a_one_line_email_subject(snv_member) -> None:
    do_notify([snv_member], **{**INVITE, "title": "Hoãn họp:\nKỳ họp tháng 11"})
    assert Delivery.objects.get().subject == "Hoãn họp: Kỳ họp tháng 11"
