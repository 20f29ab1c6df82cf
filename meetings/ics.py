"""iCalendar (RFC 5545) export of meetings: the .ics attached to invitations, the download on
the meeting page and the personal calendar feed.

One meeting is always the same VEVENT (UID `<meeting.uid>@ecabinet`); calendar programs replace
their copy when SEQUENCE grows, which the meeting actions bump on approval, postponement and
cancellation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Meeting, MeetingStatus

PRODID = "-//UBND tinh Ninh Binh//eCabinet//VI"
UID_DOMAIN = "ecabinet"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@{UID_DOMAIN}"


def absolute_meeting_url(meeting: Meeting) -> str:
    return f"{settings.SITE_URL}{reverse('meetings:detail', args=[meeting.pk])}"


def event_status(meeting: Meeting) -> str:
    if meeting.status in (
        MeetingStatus.APPROVED,
        MeetingStatus.POSTPONED,
        MeetingStatus.IN_PROGRESS,
        MeetingStatus.ENDED,
    ):
        return "CONFIRMED"
    if meeting.status == MeetingStatus.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE"


def description(meeting: Meeting, *, url: str) -> str:
    lines: list[str] = []
    if meeting.status == MeetingStatus.CANCELLED:
        lines.append(_("The meeting has been cancelled. Reason: %(reason)s") % {"reason": meeting.cancel_reason})
    elif meeting.status == MeetingStatus.POSTPONED:
        lines.append(_("The meeting has been moved to a new time."))
    elif meeting.status not in (MeetingStatus.APPROVED, MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED):
        lines.append(_("Not yet approved."))
    if meeting.content.strip():
        lines.append(meeting.content.strip())
    items = list(meeting.agenda_items.all())
    if items:
        lines.append(_("Agenda:"))
        for item in items:
            details = _("%(minutes)s min") % {"minutes": item.duration_minutes}
            if item.presenter:
                details = f"{item.presenter}, {details}"
            lines.append(f"{item.order}. {item.title} ({details})")
    lines.append(_("Chair: %(chair)s") % {"chair": meeting.chair.display_name})
    if meeting.online_link:
        lines.append(_("Online link: %(link)s") % {"link": meeting.online_link})
    lines.append(_("Meeting page: %(url)s") % {"url": url})
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, url: str) -> Event:
    """The VEVENT of a meeting; `url` is the absolute address of its page."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    # DTSTAMP: when this version of the event was last changed, so repeated exports are equal.
    event.add("dtstamp", (meeting.updated_at or timezone.now()).astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", (meeting.updated_at or meeting.created_at).astimezone(UTC))
    event.add("dtstart", meeting.start.astimezone(UTC))
    event.add("dtend", meeting.end.astimezone(UTC))
    event.add("summary", meeting.title)
    location = meeting.place_label or meeting.online_link
    if location:
        event.add("location", location)
    event.add("description", description(meeting, url=url))
    event.add("url", url)
    event.add("sequence", meeting.sequence)
    event.add("status", event_status(meeting))
    event.add("transp", "TRANSPARENT" if meeting.status == MeetingStatus.CANCELLED else "OPAQUE")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(meeting.unit.name)
    event.add("organizer", organizer)
    return event


def calendar_bytes(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) holding one VEVENT per meeting."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, url=absolute_meeting_url(meeting)))
    return calendar.to_ical()
