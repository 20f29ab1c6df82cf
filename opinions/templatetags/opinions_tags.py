"""Template helpers of the opinion pages: receipt codes and status icons."""

from __future__ import annotations

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
