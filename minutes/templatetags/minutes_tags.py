"""The NĐ 30 header of the minutes' pages, and the meeting page's link to the minutes (the meetings
app, below, may not import minutes: conventions §15)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from accounts.permissions import Perm, can
from core import nd30
from meetings.models import MeetingStatus

register = template.Library()


@register.inclusion_tag("minutes/_paper_header.html")
def nd30_header(
    unit: Any, fallback: Any, number_and_symbol: str, moment: Any, doc_name: str, subject: str
) -> dict[str, Any]:
    unit = unit or fallback
    day = timezone.localdate(moment) if moment is not None else timezone.localdate()
    return {
        "unit": unit,
        "supervising": nd30.abbreviate(unit.parent.name) if unit is not None and unit.parent is not None else "",
        "number_and_symbol": number_and_symbol,
        "place_date": nd30.place_and_date(day),
        "doc_name": doc_name,
        "subject": subject,
    }


@register.simple_tag(takes_context=True)
def may_read_minutes(context: template.Context, meeting: Any) -> bool:
    """For the meeting page's link to its minutes (an ended meeting, a reader of its minutes)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(meeting.status == MeetingStatus.ENDED and can(user, Perm.VIEW_MINUTES, meeting))
