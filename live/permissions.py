"""Rules for the meeting-room Perms of accounts.permissions (registered in LiveConfig.ready).

Who runs a meeting: its chair, its organiser (or an admin of the organising unit, acting for
the chair) and its secretaries (support-staff invitees). Who attends: an official invited as an
attendee who did not send a substitute, the substitute, and people named by an invited unit.

Running, attending and reporting end with the meeting; reading what the meeting produced (the
compiled comments, their export, the incidents) does not: Điều 6.5 needs them afterwards."""

from __future__ import annotations

from typing import Any

from accounts.permissions import Perm, register_rule
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting, MeetingStatus
from meetings.permissions import is_organiser

LIVE_STATUSES = (MeetingStatus.APPROVED, MeetingStatus.POSTPONED, MeetingStatus.IN_PROGRESS)
ROOM_STATUSES = (*LIVE_STATUSES, MeetingStatus.ENDED)


def attendee_invitation(user: Any, meeting: Meeting) -> Invitation | None:
    """The user's own invitation that carries attendee rights (a substitute's, not the original's)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Invitation.objects.filter(meeting=meeting, kind=InvitationKind.USER, role=InvitationRole.ATTENDEE, user=user)
        .exclude(answer=Answer.DELEGATED)
        .first()
    )


def is_secretary(user: Any, meeting: Meeting) -> bool:
    return Invitation.objects.filter(
        meeting=meeting, kind=InvitationKind.USER, role=InvitationRole.SUPPORT, user=user
    ).exists()


def runs_meeting(user: Any, meeting: Meeting) -> bool:
    return meeting.chair_id == user.pk or is_organiser(user, meeting) or is_secretary(user, meeting)


def takes_part(user: Any, meeting: Meeting) -> bool:
    """Runs or attends the meeting, whatever its status (to tell "too late" from "not yours")."""
    return runs_meeting(user, meeting) or attendee_invitation(user, meeting) is not None


@register_rule(Perm.RUN_MEETING)
def run_meeting(user: Any, meeting: Meeting) -> bool:
    return meeting.status in LIVE_STATUSES and runs_meeting(user, meeting)


@register_rule(Perm.ATTEND_MEETING)
def attend_meeting(user: Any, meeting: Meeting) -> bool:
    return meeting.status in LIVE_STATUSES and attendee_invitation(user, meeting) is not None


@register_rule(Perm.REPORT_INCIDENT)
def report_incident(user: Any, meeting: Meeting) -> bool:
    return meeting.status in LIVE_STATUSES and (
        runs_meeting(user, meeting) or attendee_invitation(user, meeting) is not None
    )


@register_rule(Perm.HANDLE_INCIDENT)
def handle_incident(user: Any, meeting: Meeting) -> bool:
    return is_organiser(user, meeting) or is_secretary(user, meeting)


@register_rule(Perm.VIEW_CONTRIBUTIONS)
def view_contributions(user: Any, meeting: Meeting) -> bool:
    return meeting.status in ROOM_STATUSES and runs_meeting(user, meeting)
