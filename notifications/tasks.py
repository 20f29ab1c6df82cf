"""Sending email and SMS. One task run per attempt; tasks take ids and claim their work."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import formataddr, make_msgid
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from notifications import attachments, sms
from notifications.attachments import PermanentDeliveryError
from notifications.models import Channel, Delivery, DeliveryStatus

logger = logging.getLogger("notifications")

# Wait before the 2nd, 3rd, 4th... attempt; the last step repeats if NOTIFY_MAX_ATTEMPTS is larger.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))


def retry_delay(attempts: int) -> timedelta:
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _claim(delivery_id: int) -> bool:
    """queued → sending (or a failed delivery whose retry is due); true for exactly one caller."""
    now = timezone.now()
    due = Q(status=DeliveryStatus.QUEUED) | Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
    return bool(
        Delivery.objects.filter(due, pk=delivery_id).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=None
        )
    )


def _send_email(delivery: Delivery) -> str:
    files = attachments.build(delivery.attachments_key, delivery.attachments_args) if delivery.attachments_key else []
    message_id = make_msgid(domain=str(DNS_NAME))
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((delivery.recipient_name, delivery.address)) if delivery.recipient_name else delivery.address],
        headers={"Message-ID": message_id},
    )
    message.attach_alternative(
        render_to_string("notifications/email.html", {"subject": delivery.subject, "text": delivery.text}),
        "text/html",
    )
    for filename, content, mimetype in files:
        message.attach(filename, content, mimetype)
    message.send(fail_silently=False)
    return message_id


def _send(delivery: Delivery) -> str:
    if delivery.channel == Channel.EMAIL:
        return _send_email(delivery)
    if delivery.channel == Channel.SMS:
        return sms.get_backend().send(delivery.address, delivery.text)
    raise PermanentDeliveryError(f"Unknown channel {delivery.channel!r}")


def _fail(delivery: Delivery, error: str, *, permanent: bool) -> str:
    retry_at = None
    if not permanent and delivery.attempts < settings.NOTIFY_MAX_ATTEMPTS:
        retry_at = timezone.now() + retry_delay(delivery.attempts)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED, last_error=error[:2000], next_attempt_at=retry_at
        )
        if retry_at is not None:
            transaction.on_commit(partial(send_delivery.using(run_after=retry_at).enqueue, delivery.pk))
    logger.warning(
        "%s delivery %s failed (attempt %s%s): %s",
        delivery.channel,
        delivery.pk,
        delivery.attempts,
        f", retry at {timezone.localtime(retry_at):%H:%M:%S}" if retry_at else ", giving up",
        error,
    )
    return DeliveryStatus.FAILED


@task()
def send_delivery(delivery_id: int) -> str:
    """Make one attempt at a delivery; returns its status, or "skipped" when not ours to send."""
    if not _claim(delivery_id):
        return "skipped"
    delivery = Delivery.objects.get(pk=delivery_id)
    # No transaction around the network call: a slow gateway must not hold database locks.
    try:
        provider_id = _send(delivery)
    except PermanentDeliveryError as exc:
        return _fail(delivery, str(exc), permanent=True)
    except Exception as exc:  # any failure of the channel is recorded, then retried
        return _fail(delivery, f"{type(exc).__name__}: {exc}", permanent=False)
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", provider_message_id=provider_id[:200]
    )
    return DeliveryStatus.SENT
