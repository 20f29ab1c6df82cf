"""Every write to notifications and deliveries (docs/conventions.md §2).

`do_notify` and `do_notify_address` are called inside the caller's action, so the
notifications are written with the change they announce and nothing is sent if that
change rolls back: each delivery is handed to the task queue only after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.log import log_action
from notifications import attachments
from notifications.models import Channel, Delivery, DeliveryStatus, Notification
from notifications.tasks import send_delivery

logger = logging.getLogger("notifications")


def target_key(target: models.Model | None) -> tuple[str, str]:
    """The (target_type, target_id) pair stored with notifications, as in the audit trail."""
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)


def absolute_url(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


def _check_url(url: str) -> None:
    # Links are followed by the mark-read redirect: only paths of this site.
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        raise ValueError(f"notification links must be site-relative paths, got {url!r}")


def _one_line(text: str, limit: int) -> str:
    # Email headers must not contain line breaks.
    return " ".join(text.split())[:limit]


def _email_text(body: str, link: str) -> str:
    footer = _("Open in eCabinet: %(url)s") % {"url": link}
    body = body.strip()
    return f"{body}\n\n{footer}" if body else footer


def _sms_text(sms_text: str | None, title: str, link: str) -> str:
    return sms_text or f"eCabinet: {_one_line(title, 120)} {link}"


def _queue(deliveries: list[Delivery]) -> list[Delivery]:
    """Store the deliveries and enqueue one send task each after commit. Caller is atomic."""
    if not deliveries:
        return []
    created = Delivery.objects.bulk_create(deliveries)
    for delivery in created:
        if delivery.attachments_key and not attachments.is_registered(delivery.attachments_key):
            logger.warning("No attachment builder is registered for %r", delivery.attachments_key)
        # robust: the change is committed by then; one failed enqueue must not hide the others.
        transaction.on_commit(partial(send_delivery.enqueue, delivery.pk), robust=True)
    return created


def _deliveries(
    *,
    notification: Notification | None,
    name: str,
    email: str,
    phone: str,
    event: str,
    title: str,
    body: str,
    link: str,
    target: tuple[str, str],
    sms_text: str | None,
    attachments_key: str | None,
    attachments_args: dict[str, Any] | None,
) -> list[Delivery]:
    common = {
        "notification": notification,
        "event": event,
        "recipient_name": name[:200],
        "target_type": target[0],
        "target_id": target[1],
    }
    result = []
    if email:
        result.append(
            Delivery(
                channel=Channel.EMAIL,
                address=email,
                subject=_one_line(title, 255),
                text=_email_text(body, link),
                attachments_key=attachments_key or "",
                attachments_args=attachments_args or {},
                **common,
            )
        )
    if phone:
        result.append(Delivery(channel=Channel.SMS, address=phone, text=_sms_text(sms_text, title, link), **common))
    return result


def do_notify(
    recipients: Iterable[User],
    *,
    event: str,
    title: str,
    body: str,
    url: str,
    target: models.Model | None = None,
    sms_text: str | None = None,
    attachments_key: str | None = None,
    attachments_args: dict[str, Any] | None = None,
    email: bool = True,
    sms: bool = True,
) -> list[Notification]:
    """Notify active users in the app, and by email and SMS as each has chosen.

    Call inside the transaction of the change being announced. `url` is a path of this site;
    emails and SMS carry it as an absolute link. Attachments go with the email only.
    `email=False` / `sms=False`: the sender did not ask for that channel (Điều 7.1c), whatever
    the users chose.
    """
    _check_url(url)
    users = list({user.pk: user for user in recipients if user.is_active}.values())
    key = target_key(target)
    link = absolute_url(url)
    now = timezone.now()
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    event=event,
                    title=title[:200],
                    body=body,
                    url=url,
                    target_type=key[0],
                    target_id=key[1],
                    created_at=now,
                )
                for user in users
            ]
        )
        deliveries: list[Delivery] = []
        for user, notification in zip(users, notifications, strict=True):
            deliveries += _deliveries(
                notification=notification,
                name=user.display_name,
                email=user.email.strip() if email and user.receive_email else "",
                phone=user.phone.strip() if sms and user.receive_sms else "",
                event=event,
                title=title,
                body=body,
                link=link,
                target=key,
                sms_text=sms_text,
                attachments_key=attachments_key,
                attachments_args=attachments_args,
            )
        _queue(deliveries)
    return notifications


def do_notify_address(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    event: str,
    title: str,
    body: str,
    url: str,
    target: models.Model | None = None,
    sms_text: str | None = None,
    attachments_key: str | None = None,
    attachments_args: dict[str, Any] | None = None,
) -> list[Delivery]:
    """Notify a guest who has no account, by email and/or SMS only (absolute links)."""
    _check_url(url)
    with transaction.atomic():
        return _queue(
            _deliveries(
                notification=None,
                name=name,
                email=email.strip(),
                phone=phone.strip(),
                event=event,
                title=title,
                body=body,
                link=absolute_url(url),
                target=target_key(target),
                sms_text=sms_text,
                attachments_key=attachments_key,
                attachments_args=attachments_args,
            )
        )


def do_mark_read(user: User, notification: Notification) -> bool:
    """Mark one of the user's notifications read; False if it already was."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
            read_at=now
        )
    if updated:
        notification.read_at = now
    return bool(updated)


def do_mark_all_read(user: User) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def do_retry_delivery(actor: User, delivery: Delivery) -> None:
    """Send a failed delivery again now (one more attempt, even after automatic retries gave up).

    Precondition: the caller has checked that `actor` may manage the delivery's target
    (for a meeting, its organiser); this app does not know the target's rules.
    """
    with transaction.atomic():
        claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.QUEUED, next_attempt_at=None
        )
        if not claimed:
            raise ValidationError(_("Only a failed message can be sent again."), code="not_failed")
        log_action(
            "notification.delivery_retried",
            actor=actor,
            target=delivery,
            data={
                "channel": delivery.channel,
                "event": delivery.event,
                "target": f"{delivery.target_type}:{delivery.target_id}",
                "attempts": delivery.attempts,
            },
        )
        transaction.on_commit(partial(send_delivery.enqueue, delivery.pk), robust=True)
    delivery.status, delivery.next_attempt_at = DeliveryStatus.QUEUED, None
