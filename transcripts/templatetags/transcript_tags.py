from __future__ import annotations

from django import template

from transcripts import queries

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """Audio seconds as H:MM:SS."""
    return queries.clock(seconds or 0.0)


@register.filter
def speaker(segment: object) -> str:
    """The speaker of a segment or revision as written on the page and in the exports."""
    return queries.segment_speaker(segment)  # type: ignore[arg-type]


@register.filter
def duration(seconds: float | int | None) -> str:
    """A length of time for people: "1 giờ 05 phút", "4 phút 10 giây", "35 giây"."""
    from django.utils.translation import gettext as _

    whole = max(int(seconds or 0), 0)
    hours, minutes, secs = whole // 3600, whole % 3600 // 60, whole % 60
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min %(s)02d s") % {"m": minutes, "s": secs}
    return _("%(s)d s") % {"s": secs}
