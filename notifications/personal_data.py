"""What the notifications app holds about a person, for their data export (core.personal_data)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notifications.models import Delivery, Notification

if TYPE_CHECKING:
    from accounts.models import User


def export(user: User) -> dict[str, Any]:
    notifications = list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "id")
        .values("id", "event", "title", "body", "url", "created_at", "read_at")
    )
    deliveries = list(
        Delivery.objects.filter(notification__recipient=user)
        .order_by("created_at", "id")
        .values("notification_id", "channel", "address", "subject", "status", "attempts", "created_at", "sent_at")
    )
    return {"notifications": notifications, "email_and_sms": deliveries}
