"""What the minutes app holds about a person, for their data export (core.personal_data): the
versions of minutes and notices they wrote (with the reason of each correction), the minutes and
notices they approved or issued, the minutes on which they are the secretary, and the signed
copies they made."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from minutes.models import ConclusionNotice, Minutes, MinutesVersion, NoticeVersion, SignedCopy


def export(user: User) -> dict[str, Any]:
    def version_row(version: MinutesVersion | NoticeVersion, meeting: Any) -> dict[str, Any]:
        return {
            "meeting": {"id": meeting.pk, "title": meeting.title},
            "version": version.number,
            "written_at": version.created_at,
            "reason": version.reason,
            "body": version.body,
        }

    return {
        "minutes_versions_i_wrote": [
            version_row(v, v.minutes.meeting)
            for v in MinutesVersion.objects.filter(author=user).select_related("minutes__meeting").order_by("pk")
        ],
        "notice_versions_i_wrote": [
            version_row(v, v.notice.meeting)
            for v in NoticeVersion.objects.filter(author=user).select_related("notice__meeting").order_by("pk")
        ],
        "minutes_i_approved": [
            {"meeting_id": m.meeting_id, "approved_at": m.approved_at}
            for m in Minutes.objects.filter(approved_by=user).order_by("pk")
        ],
        "minutes_where_i_am_secretary": list(
            Minutes.objects.filter(secretary=user).order_by("pk").values_list("meeting_id", flat=True)
        ),
        "notices_i_approved_or_issued": [
            {"meeting_id": n.meeting_id, "approved": n.approved_by_id == user.pk, "issued": n.issued_by_id == user.pk}
            for n in ConclusionNotice.objects.filter(Q(approved_by=user) | Q(issued_by=user)).order_by("pk")
        ],
        "signed_copies": [
            {
                "minutes_of_meeting": c.minutes.meeting_id if c.minutes else None,
                "notice_of_meeting": c.notice.meeting_id if c.notice else None,
                "signed_at": c.signed_at,
                "sha256": c.sha256,
            }
            for c in SignedCopy.objects.filter(signer=user).select_related("minutes", "notice").order_by("pk")
        ],
    }
