from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.queries import unread_count as count_unread


def unread_count(request: HttpRequest) -> dict[str, Any]:
    """`unread_notifications` for the navbar badge; counted only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: count_unread(user))}
