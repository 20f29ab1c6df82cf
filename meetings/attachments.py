"""Files attached to invitation emails: the giấy mời (PDF) and the calendar event (.ics).

Importing this module registers the builder; the notification worker runs it by key when it
sends each email, so the files always show the meeting as it is at sending time.
"""

from __future__ import annotations

from django.core.cache import cache

from meetings.ics import calendar_bytes
from meetings.invitation_pdf import render_invitation_pdf
from meetings.models import Meeting
from meetings.notify import INVITATION_ATTACHMENTS
from notifications.attachments import Attachment, PermanentDeliveryError, register


@register(INVITATION_ATTACHMENTS)
def invitation_files(*, meeting_id: int) -> list[Attachment]:
    meeting = (
        Meeting.objects.select_related(
            "unit__parent", "room", "chair", "approver", "decided_by", "preparing_unit", "document_preparer"
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise PermanentDeliveryError(f"meeting {meeting_id} no longer exists; its invitation files cannot be built")
    # One render per version of the meeting, not one per recipient (0.3 s each).
    version = f"{meeting.pk}:{meeting.sequence}:{meeting.updated_at.timestamp()}"
    key = f"ecabinet:invitation-pdf:{version}"
    pdf: bytes | None = cache.get(key)
    if pdf is None:
        pdf = render_invitation_pdf(meeting)
        cache.set(key, pdf, timeout=3600)
    return [
        (f"giay-moi-{meeting.pk}.pdf", pdf, "application/pdf"),
        (f"cuoc-hop-{meeting.pk}.ics", calendar_bytes([meeting], name=meeting.title), "text/calendar"),
    ]
