"""Time left before a deadline in the user's language ("2 ngày 18 giờ").

Django's `timeuntil` takes its unit names from Django's own catalogue, whose Vietnamese is
incomplete ("2 days, 18 hours" in a Vietnamese page); these units come from ours."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

register = template.Library()


def countdown_text(deadline: datetime, now: datetime | None = None) -> str:
    """The two largest units of the time left (days and hours, or hours and minutes); at least
    one minute while the deadline is ahead, empty once it has passed."""
    now = now or timezone.now()
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return ""
    minutes_total = max(1, seconds // 60)
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts[:2])


@register.filter
def countdown(deadline: datetime | None) -> str:
    return countdown_text(deadline) if deadline else ""
