"""Reads shared by the notification centre and other apps' dashboards."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts.models import User
from notifications.models import Delivery, Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def deliveries_for_target(target_type: str, target_id: str | int) -> QuerySet[Delivery]:
    """Every email and SMS sent about one object (e.g. "meetings.meeting", 12), oldest first.

    The caller has already authorized the viewer for the target (e.g. the meeting's organiser).
    """
    return (
        Delivery.objects.filter(target_type=target_type, target_id=str(target_id))
        .select_related("notification__recipient")
        .order_by("created_at", "id")
    )


def delivery_counts_for_target(target_type: str, target_id: str | int) -> dict[str, int]:
    """{status: count} for a dashboard summary ("42 sent, 1 failed")."""
    rows = (
        Delivery.objects.filter(target_type=target_type, target_id=str(target_id))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}
