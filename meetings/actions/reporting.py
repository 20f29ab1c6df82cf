"""What the organiser adds for the reports after a meeting: the "Kiến nghị đề xuất" of report
Mẫu số 01 (Phụ lục of the regulation; read by reports/forms_data.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from meetings.actions.common import require
from meetings.models import Meeting, MeetingStatus

RECOMMENDATION_MAX_LENGTH = 4000


def check_recommendation(text: str) -> str:
    text = text.strip()
    if len(text) > RECOMMENDATION_MAX_LENGTH:
        raise ValidationError(
            {
                "recommendation": [
                    _("Keep the recommendations under %(max)s characters.") % {"max": RECOMMENDATION_MAX_LENGTH}
                ]
            },
            code="too_long",
        )
    return text


def do_set_recommendation(actor: User, meeting: Meeting, *, text: str) -> Meeting:
    """Record (or clear, with an empty text) the meeting's recommendations; once it has ended."""
    require(actor, Perm.RECOMMEND_MEETING, meeting)
    text = check_recommendation(text)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
        if locked.status != MeetingStatus.ENDED:
            raise ValidationError(_("Recommendations are recorded once the meeting has ended."), code="not_ended")
        if locked.recommendation == text:
            return locked
        before = locked.recommendation
        locked.recommendation = text
        locked.save(update_fields=["recommendation", "updated_at"])
        log_action(
            "meeting.recommendation_set",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"before": before, "after": text},
        )
    return locked
