"""The personal iCal feed: a secret URL calendar programs read without signing in."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.log import log_action
from meetings.models import CalendarFeed


def do_rotate_calendar_feed(user: User) -> CalendarFeed:
    """Create the personal feed, or replace its token so the old URL stops working."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.get_or_create(user=user)
        if not created:
            feed.token = secrets.token_urlsafe()
            feed.created_at = timezone.now()
            feed.save()
        log_action("calendar.feed_rotated" if not created else "calendar.feed_created", actor=user, target=user)
    return feed
