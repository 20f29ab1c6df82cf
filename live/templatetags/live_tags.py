"""Template helpers of the meeting room.

`{% include_if_exists "live/speaking/_attendee_controls.html" %}` includes a partial that another
part of the room may not have written yet: a missing template renders nothing instead of
breaking the page. Errors inside a partial that does exist still surface.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import TemplateDoesNotExist
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def include_if_exists(context: template.Context, template_name: str, **extra: Any) -> SafeString:
    engine = context.template.engine if context.template is not None else template.Engine.get_default()
    try:
        partial = engine.get_template(template_name)
    except TemplateDoesNotExist:
        return mark_safe("")  # noqa: S308 - an empty string
    with context.push(**extra):
        return partial.render(context)


@register.filter
def live_hidden_unless(status: str, statuses: str) -> str:
    """`hidden` unless the status is one of the space-separated statuses (the script keeps
    elements marked `data-live-when="..."` in step afterwards)."""
    return "" if status in statuses.split() else "hidden"


@register.simple_tag(takes_context=True)
def may_export_votes(context: template.Context, meeting: Any) -> bool:
    """For the meeting page's link to the votes workbook (live:votes_xlsx)."""
    from accounts.permissions import Perm, can

    request = context.get("request")
    return request is not None and can(getattr(request, "user", None), Perm.EXPORT_MEETING_VOTES, meeting)
