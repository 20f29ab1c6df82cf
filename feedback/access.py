"""Fetch-and-authorize: 404 for anyone who may not see the item, 403 for a step they may not take
on an item they can see (docs/conventions.md §4)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.permissions import Perm, can
from core.fetch import parse_id
from core.http import AnyUser
from feedback.models import Feedback, FeedbackFile


def access_feedback(user: AnyUser, feedback_id: object, *, perm: Perm | None = None) -> Feedback:
    try:
        item = Feedback.objects.select_related("sender", "sender_unit").get(pk=parse_id(feedback_id))
    except Feedback.DoesNotExist:
        raise Http404 from None
    if not can(user, Perm.VIEW_FEEDBACK, item):
        raise Http404
    if perm is not None and not can(user, perm, item):
        raise PermissionDenied
    return item


def access_file(user: AnyUser, file_id: object) -> FeedbackFile:
    try:
        stored = FeedbackFile.objects.get(pk=parse_id(file_id))
    except FeedbackFile.DoesNotExist:
        raise Http404 from None
    access_feedback(user, stored.feedback_id)
    return stored


def require_inbox(user: AnyUser) -> None:
    if not can(user, Perm.VIEW_FEEDBACK_INBOX):
        raise Http404
