"""SMS through a real HTTP gateway on loopback; failures are recorded and retried with backoff."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from notifications.actions import do_notify
from notifications.models import Delivery, DeliveryStatus
from notifications.sms import ConsoleSmsBackend, render_message
from notifications.tasks import send_delivery
from notifications.tests.conftest import free_port

SMS = 'eCabinet: Mời họp "thường kỳ" 08:00 25/11\nPhòng 301 – {phone} \\ 100%'


@pytest.fixture
def hoa(province):  # type: ignore[no-untyped-def]
    return make_user("le.thi.hoa", province["snv"], receive_email=False, receive_sms=True, phone="0987654321")


def queue_sms(user) -> Delivery:  # type: ignore[no-untyped-def]
    do_notify([user], event="meeting.invited", title="Giấy mời họp", body="", url="/meetings/17/", sms_text=SMS)
    return Delivery.objects.get()


def retries(delivery: Delivery) -> list[DBTaskResult]:
    # Tasks enqueued without run_after are stored with the maximum date, so a real
    # retry is one that runs within the next hour.
    soon = timezone.now() + timedelta(hours=1)
    return [
        task
        for task in DBTaskResult.objects.filter(task_path="notifications.tasks.send_delivery", run_after__lt=soon)
        if task.args_kwargs == {"args": [delivery.pk], "kwargs": {}}
    ]


def test_sms_is_posted_as_json_with_the_bearer_token(sms_gateway, hoa) -> None:
    delivery = queue_sms(hoa)
    assert send_delivery.call(delivery.pk) == DeliveryStatus.SENT
    [request] = sms_gateway.requests
    assert request["path"] == "/api/sms/send"
    assert request["authorization"] == "Bearer bi-mat-0123456789"
    assert request["content_type"].startswith("application/json")
    assert request["json"] == {"to": "0987654321", "message": SMS}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.provider_message_id) == (DeliveryStatus.SENT, 1, "vnpt-0001")
    assert delivery.sent_at is not None


def test_custom_template_is_filled_with_json_escaped_values(sms_gateway, hoa, settings) -> None:
    settings.SMS_MESSAGE_TEMPLATE = '{"brand": "UBND NB", "sms": {"dest": "{phone}", "body": "{text}"}, "unicode": 1}'
    send_delivery.call(queue_sms(hoa).pk)
    assert sms_gateway.requests[0]["json"] == {
        "brand": "UBND NB",
        "sms": {"dest": "0987654321", "body": SMS},
        "unicode": 1,
    }


def test_render_message_escapes_quotes_newlines_and_braces() -> None:
    body = render_message('{"to": "{phone}", "message": "{text}"}', phone='09"12', text='a "b"\n{text}{phone}')
    assert json.loads(body) == {"to": '09"12', "message": 'a "b"\n{text}{phone}'}


def test_sms_is_sent_once_when_the_task_runs_twice(sms_gateway, hoa) -> None:
    delivery = queue_sms(hoa)
    assert send_delivery.call(delivery.pk) == DeliveryStatus.SENT
    assert send_delivery.call(delivery.pk) == "skipped"
    assert len(sms_gateway.requests) == 1


def test_gateway_error_fails_the_delivery_and_schedules_a_retry(
    sms_gateway, hoa, django_capture_on_commit_callbacks
) -> None:
    sms_gateway.status, sms_gateway.reply = 500, b'{"error": "quota exceeded"}'
    delivery = queue_sms(hoa)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_delivery.call(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert "HTTP 500" in delivery.last_error and "quota exceeded" in delivery.last_error
    [retry] = retries(delivery)
    assert retry.status == "READY"
    assert before + timedelta(seconds=59) < retry.run_after < timezone.now() + timedelta(seconds=61)
    assert delivery.next_attempt_at == retry.run_after


def test_unreachable_gateway_fails_with_the_reason(hoa, settings, django_capture_on_commit_callbacks) -> None:
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/api/sms/send"  # nothing listens there
    delivery = queue_sms(hoa)
    with django_capture_on_commit_callbacks(execute=True):
        send_delivery.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "could not be reached" in delivery.last_error and "refused" in delivery.last_error.lower()
    assert len(retries(delivery)) == 1


def test_a_retry_is_not_claimed_before_it_is_due(sms_gateway, hoa, django_capture_on_commit_callbacks) -> None:
    sms_gateway.status = 503
    delivery = queue_sms(hoa)
    with django_capture_on_commit_callbacks(execute=True):
        send_delivery.call(delivery.pk)
    assert send_delivery.call(delivery.pk) == "skipped"  # e.g. a duplicate run of the first task
    assert len(sms_gateway.requests) == 1


def test_backoff_then_give_up_after_max_attempts(sms_gateway, hoa, django_capture_on_commit_callbacks) -> None:
    sms_gateway.status = 500
    delivery = queue_sms(hoa)
    delays = []
    for attempt in range(1, 5):
        started = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert send_delivery.call(delivery.pk) == DeliveryStatus.FAILED
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if delivery.next_attempt_at is not None:
            delays.append(round((delivery.next_attempt_at - started).total_seconds() / 60))
            # The worker would run the retry at its time; pretend that time has come.
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
            DBTaskResult.objects.all().delete()
    assert delays == [1, 5, 15]
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert retries(delivery) == []  # not re-enqueued after the last attempt
    assert send_delivery.call(delivery.pk) == "skipped"
    assert len(sms_gateway.requests) == 4


def test_max_attempts_comes_from_settings(sms_gateway, hoa, settings, django_capture_on_commit_callbacks) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 1
    sms_gateway.status = 500
    delivery = queue_sms(hoa)
    with django_capture_on_commit_callbacks(execute=True):
        send_delivery.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert retries(delivery) == []


def test_a_retry_that_succeeds_marks_the_delivery_sent(sms_gateway, hoa, django_capture_on_commit_callbacks) -> None:
    sms_gateway.status = 500
    delivery = queue_sms(hoa)
    with django_capture_on_commit_callbacks(execute=True):
        send_delivery.call(delivery.pk)
    sms_gateway.status = 200
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert send_delivery.call(delivery.pk) == DeliveryStatus.SENT
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")


def test_console_backend_logs_the_message(hoa, settings, caplog) -> None:
    settings.SMS_BACKEND = "console"
    delivery = queue_sms(hoa)
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        assert send_delivery.call(delivery.pk) == DeliveryStatus.SENT
    assert "0987654321" in caplog.text and "Mời họp" in caplog.text
    delivery.refresh_from_db()
    assert delivery.provider_message_id.startswith("console-")
    assert ConsoleSmsBackend().send("0900000000", "x").startswith("console-")
