"""Template helpers of the opinion pages: receipt codes and status icons."""

from __future__ import annotations

from typing import Any

from django import template

from opinions.log import short_code as _short_code

register = template.Library()


@register.filter
def short_code(entry_hash: str) -> str:
    """ "3F2A-91C0-7B" for a ballot-log hash (see `opinions.log.short_code`)."""
    return _short_code(entry_hash or "")


@register.inclusion_tag("opinions/_icon.html")
def icon(name: str) -> dict[str, str]:
    """An inline SVG icon (no emoji, no web font), hidden from screen readers: always put text
    beside it."""
    return {"name": name}


@register.simple_tag(takes_context=True)
def meeting_collections(context: template.Context, meeting: Any) -> Any:
    """The opinion collections of `meeting` the signed-in user may see, for the meeting page
    (meetings stands below opinions, so it asks through this tag instead of importing it)."""
    from opinions.queries import of_meeting

    return of_meeting(context["request"].user, meeting)
