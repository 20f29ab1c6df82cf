"""Email goes out through a real SMTP server on loopback, with attachments built at send time."""

from __future__ import annotations

import email
import email.policy
from email.header import decode_header, make_header
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from notifications.actions import do_notify, do_notify_address
from notifications.models import Delivery, DeliveryStatus
from notifications.tasks import send_delivery
from notifications.tests.conftest import PDF_BYTES, TEST_ATTACHMENTS

SUBJECT = "Giấy mời họp: Kỳ họp thường kỳ UBND tỉnh tháng 11/2026"
BODY = "Kính mời đồng chí dự họp.\nThời gian: 08:00 ngày 25/11/2026."


def received(smtp_server) -> list[EmailMessage]:  # type: ignore[no-untyped-def]
    return [
        email.message_from_bytes(e.original_content, policy=email.policy.default)  # type: ignore[misc]
        for e in smtp_server.envelopes
    ]


def subject(envelope) -> str:  # type: ignore[no-untyped-def]
    # Decoded as mail clients do (RFC 2047); Django 5.2 folds long encoded subjects onto a
    # continuation line, which the modern parser would return with a leading space.
    raw = email.message_from_bytes(envelope.original_content)["Subject"]
    return str(make_header(decode_header(raw)))


def notify_mai(snv_member, **extra):  # type: ignore[no-untyped-def]
    return do_notify(
        [snv_member],
        event="meeting.invited",
        title=SUBJECT,
        body=BODY,
        url="/meetings/17/",
        attachments_key=TEST_ATTACHMENTS,
        attachments_args={"name": "giấy-mời-họp"},
        **extra,
    )


def test_email_reaches_the_smtp_server_with_attachment_and_vietnamese_subject(
    smtp_server, snv_member, settings
) -> None:
    settings.SITE_URL = "https://ecabinet.ninhbinh.gov.vn"
    notify_mai(snv_member)
    delivery = Delivery.objects.get()

    assert send_delivery.call(delivery.pk) == DeliveryStatus.SENT

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["mai@snv.example"]
    assert subject(envelope) == SUBJECT
    [message] = received(smtp_server)
    assert message["Subject"].strip() == SUBJECT
    assert message["To"].addresses[0].display_name == "Bùi Thị Mai"
    assert message["To"].addresses[0].addr_spec == "mai@snv.example"
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    content = text.get_content().replace("\r\n", "\n")
    assert content.startswith(BODY)
    assert "https://ecabinet.ninhbinh.gov.vn/meetings/17/" in content
    assert message.get_body(preferencelist=("html",)) is not None
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "giấy-mời-họp.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF_BYTES

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1 and delivery.sent_at is not None
    assert delivery.provider_message_id == message["Message-ID"]


def test_guest_email_has_the_absolute_link(smtp_server, settings, db) -> None:
    settings.SITE_URL = "https://ecabinet.ninhbinh.gov.vn"
    [delivery] = do_notify_address(
        name="Ông Lê Văn Khách",
        email="khach@minhphat.example",
        event="meeting.invited",
        title=SUBJECT,
        body=BODY,
        url="/meetings/17/",
    )
    send_delivery.call(delivery.pk)
    [message] = received(smtp_server)
    assert message["To"].addresses[0].addr_spec == "khach@minhphat.example"
    text = message.get_body(preferencelist=("plain",))
    assert text is not None and "https://ecabinet.ninhbinh.gov.vn/meetings/17/" in text.get_content()


def test_email_is_sent_once_when_the_task_runs_twice(smtp_server, snv_member) -> None:
    notify_mai(snv_member)
    delivery = Delivery.objects.get()
    assert send_delivery.call(delivery.pk) == DeliveryStatus.SENT
    assert send_delivery.call(delivery.pk) == "skipped"
    assert len(smtp_server.envelopes) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_email_after_commit(smtp_server, snv_member) -> None:
    # transaction=True: a real commit fires on_commit, and the worker reconnects.
    with transaction.atomic():
        notify_mai(snv_member)
    assert smtp_server.envelopes == []

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    [message] = received(smtp_server)
    assert subject(smtp_server.envelopes[0]) == SUBJECT
    assert [a.get_filename() for a in message.iter_attachments()] == ["giấy-mời-họp.pdf"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_unknown_attachment_key_fails_at_once_with_a_clear_error(
    snv_member, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    do_notify(
        [snv_member],
        event="meeting.invited",
        title=SUBJECT,
        body=BODY,
        url="/meetings/17/",
        attachments_key="no_such_builder",
    )
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert send_delivery.call(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "No attachment builder is registered under 'no_such_builder'" in delivery.last_error
    assert delivery.next_attempt_at is None  # retrying cannot help
    assert callbacks == [] and not DBTaskResult.objects.exists()
    assert mailoutbox == []


def test_refused_smtp_connection_fails_and_schedules_a_retry(
    snv_member, settings, django_capture_on_commit_callbacks
) -> None:
    from notifications.tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    notify_mai(snv_member)
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        send_delivery.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at is not None
