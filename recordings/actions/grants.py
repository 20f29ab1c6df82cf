"""The chair lets named people listen to the meeting's recordings, and takes it back (Điều 6.4a:
released only at the request of the PPC or of the chair)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from meetings.models import Meeting
from recordings.models import RecordingGrant


def check_grantee(meeting: Meeting, user: User) -> None:
    if not user.is_active or user.is_external:
        raise ValidationError(_("Recordings can be released only to active officials."), code="bad_user")
    if user.pk == meeting.chair_id:
        raise ValidationError(_("The chair always has access to the recordings."), code="chair")


def do_grant_recording_access(actor: User, meeting: Meeting, user: User) -> RecordingGrant:
    require(actor, Perm.GRANT_RECORDING_ACCESS, meeting)
    check_grantee(meeting, user)
    try:
        with transaction.atomic():
            grant = RecordingGrant.objects.create(meeting=meeting, user=user, granted_by=actor)
            log_action(
                "recording.access_granted",
                actor=actor,
                target=meeting,
                data={"user": user.pk, "name": user.display_name},
            )
    except IntegrityError:
        raise ValidationError(_("This person already has access."), code="duplicate") from None
    return grant


def do_revoke_recording_access(actor: User, grant: RecordingGrant) -> RecordingGrant:
    require(actor, Perm.GRANT_RECORDING_ACCESS, grant.meeting)
    with transaction.atomic():
        current = RecordingGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
        if current.revoked_at is not None:
            raise ValidationError(_("This access was already withdrawn."), code="revoked")
        current.revoked_at = timezone.now()
        current.revoked_by = actor
        current.save(update_fields=["revoked_at", "revoked_by"])
        log_action(
            "recording.access_revoked",
            actor=actor,
            target=grant.meeting,
            data={"user": current.user_id, "name": current.user.display_name},
        )
    return current
