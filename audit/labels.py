"""Human labels for the dotted audit codes, shown in history panels and the audit viewer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "auth.login": _("Signed in"),
    "auth.logout": _("Signed out"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.locked": _("Account locked after failed sign-ins"),
    "auth.sessions_ended": _("Signed out other sessions"),
    "user.bootstrap_admin": _("First system administrator created"),
    "user.created": _("Account created"),
    "user.updated": _("Account details changed"),
    "user.profile_updated": _("Own profile changed"),
    "user.deactivated": _("Account deactivated"),
    "user.reactivated": _("Account reactivated"),
    "user.password_reset": _("Password reset by an administrator"),
    "user.password_changed": _("Password changed"),
    "user.unlocked": _("Account unlocked"),
    "user.right_granted": _("Right granted"),
    "user.right_revoked": _("Right revoked"),
    "user.transfer_requested": _("Transfer proposed"),
    "user.transferred": _("Transferred to another unit"),
    "user.transfer_declined": _("Transfer declined"),
    "user.transfer_cancelled": _("Transfer cancelled"),
    "unit.created": _("Unit created"),
    "unit.updated": _("Unit changed"),
    "unit.loaded": _("Units loaded"),
    "unit.receiver_set": _("Document receiver set"),
    "unit.meeting_approver_set": _("Meeting approver set"),
    "meeting.created": _("Meeting registered"),
    "meeting.updated": _("Meeting changed"),
    "meeting.submitted": _("Submitted for approval"),
    "meeting.approved": _("Approved"),
    "meeting.returned": _("Returned for changes"),
    "meeting.rejected": _("Rejected"),
    "meeting.postponed": _("Postponed to a new time"),
    "meeting.cancelled": _("Cancelled"),
    "meeting.answered": _("Invitation answered"),
    "meeting.answered_on_behalf": _("Answer recorded on the invitee's behalf"),
    "meeting.unit_attendees_named": _("Unit named its attendees"),
    "meeting.support_requested": _("Support requested"),
    "meeting.support_resolved": _("Support request resolved"),
    "room.created": _("Meeting room created"),
    "room.updated": _("Meeting room changed"),
    "calendar.feed_created": _("Calendar feed created"),
    "calendar.feed_rotated": _("Calendar feed address replaced"),
    "notification.delivery_retried": _("Message sent again"),
    "document.processing_retried": _("Document processing started again"),
    "document.viewed": _("Document opened"),
    "document.downloaded": _("Document downloaded"),
    "document.uploaded": _("Document uploaded"),
    "document.version_added": _("New version of a document uploaded"),
    "document.approved": _("Document approved and published"),
    "document.returned": _("Document returned for changes"),
    "document.restricted": _("Who may open a document changed"),
    "document.deleted": _("Document deleted"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
