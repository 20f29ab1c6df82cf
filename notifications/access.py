"""Fetch-and-authorize: a notification is visible to its recipient only (404 for anyone else)."""

from __future__ import annotations

from accounts.models import User
from core.fetch import get_or_404
from notifications.models import Notification


def access_notification(user: User, notification_id: int) -> Notification:
    return get_or_404(Notification.objects.all(), notification_id, recipient_id=user.pk)
