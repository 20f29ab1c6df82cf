"""Rules of the meeting room, in the one permission vocabulary (registered in LiveConfig.ready).

Who runs a meeting: its chair, its organiser (or an admin of the organising unit, acting for
the chair) and its secretaries (support-staff invitees). Who attends: an official invited as an
attendee who did not send a substitute, the substitute, and people named by an invited unit.

Running, attending and reporting end with the meeting; reading what the meeting produced (the
compiled comments, their export, the incidents) does not: Điều 6.5 needs them afterwards.

In-meeting votes (the polls app's `meeting_vote` kind, Điều 5.5): the meeting's runners create,
open and close them; only attendees who are checked in (present or late) vote — a substitute
instead of the person they replace, since only the substitute can check in — and never an
outside guest; anyone who sees the meeting sees the results once the vote is closed, runners
also the progress while it is open.

The `register_rule` rules and the kind's rules are asked through `can()`, which has already
turned away the anonymous visitor and inactive accounts: `user` is a signed-in account there.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from accounts.permissions import Perm, can, is_guest, is_ppc_leader, register_rule
from core.http import AnyUser
from live.models import PRESENT_STATUSES, Attendance
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting, MeetingStatus
from meetings.permissions import is_organiser
from polls import kinds
from polls.models import Poll, PollKind

LIVE_STATUSES = (MeetingStatus.APPROVED, MeetingStatus.POSTPONED, MeetingStatus.IN_PROGRESS)
ROOM_STATUSES = (*LIVE_STATUSES, MeetingStatus.ENDED)


def attendee_invitation(user: AnyUser | None, meeting: Meeting) -> Invitation | None:
    """The user's own invitation that carries attendee rights (a substitute's, not the original's)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Invitation.objects.filter(meeting=meeting, kind=InvitationKind.USER, role=InvitationRole.ATTENDEE, user=user)
        .exclude(answer=Answer.DELEGATED)
        .first()
    )


def is_secretary(user: User, meeting: Meeting) -> bool:
    return Invitation.objects.filter(
        meeting=meeting, kind=InvitationKind.USER, role=InvitationRole.SUPPORT, user=user
    ).exists()


def runs_meeting(user: User, meeting: Meeting) -> bool:
    return meeting.chair_id == user.pk or is_organiser(user, meeting) or is_secretary(user, meeting)


def takes_part(user: User, meeting: Meeting) -> bool:
    """Runs or attends the meeting, whatever its status (to tell "too late" from "not yours")."""
    return runs_meeting(user, meeting) or attendee_invitation(user, meeting) is not None


def ran_ended_meeting(user: User, meeting: Meeting) -> bool:
    """The meeting has ended and `user` ran it: the console tells them it is closed (not a 403)."""
    return meeting.status == MeetingStatus.ENDED and runs_meeting(user, meeting)


def refuse(user: AnyUser, meeting: Meeting, after_the_end: str) -> None:
    """Turn away an act of the running room: a ValidationError saying `after_the_end` to a
    participant who no longer may because the meeting has ended (the room shows its record, the
    script hides the button; a page left open or a retried request lands here); PermissionDenied
    for who never could."""
    if meeting.status == MeetingStatus.ENDED and isinstance(user, User) and takes_part(user, meeting):
        raise ValidationError(after_the_end)
    raise PermissionDenied


def require_open(user: AnyUser, perm: Perm, meeting: Meeting, after_the_end: str) -> None:
    """`accounts.access.require` for the acts of the running room (check-in, the floor, votes,
    the agenda), with `refuse`'s message once the meeting has ended."""
    if not can(user, perm, meeting):
        refuse(user, meeting, after_the_end)


def may_comment(user: AnyUser, meeting: Meeting) -> bool:
    """Comments come from the attendees and from whoever runs the meeting, before and during it."""
    return can(user, Perm.ATTEND_MEETING, meeting) or can(user, Perm.RUN_MEETING, meeting)


@register_rule(Perm.RUN_MEETING)
def run_meeting(user: User, meeting: Meeting) -> bool:
    return meeting.status in LIVE_STATUSES and runs_meeting(user, meeting)


@register_rule(Perm.ATTEND_MEETING)
def attend_meeting(user: User, meeting: Meeting) -> bool:
    return meeting.status in LIVE_STATUSES and attendee_invitation(user, meeting) is not None


@register_rule(Perm.REPORT_INCIDENT)
def report_incident(user: User, meeting: Meeting) -> bool:
    return meeting.status in LIVE_STATUSES and (
        runs_meeting(user, meeting) or attendee_invitation(user, meeting) is not None
    )


@register_rule(Perm.HANDLE_INCIDENT)
def handle_incident(user: User, meeting: Meeting) -> bool:
    return is_organiser(user, meeting) or is_secretary(user, meeting)


@register_rule(Perm.VIEW_CONTRIBUTIONS)
def view_contributions(user: User, meeting: Meeting) -> bool:
    return meeting.status in ROOM_STATUSES and runs_meeting(user, meeting)


@register_rule(Perm.EXPORT_MEETING_VOTES)
def export_meeting_votes(user: User, meeting: Meeting) -> bool:
    """The votes workbook (Điều 5.5): whoever runs the meeting and the PPC leaders, during the
    meeting and after it; never an outside guest."""
    if meeting.status not in ROOM_STATUSES or user.is_external:
        return False
    return runs_meeting(user, meeting) or is_ppc_leader(user)


# --- in-meeting votes: the rules of the `meeting_vote` kind (Perm.MANAGE_POLL, VIEW_POLL_RESULTS,
# CAST_BALLOT dispatch to them through polls.kinds) ---------------------------------------------


def _checked_in(meeting_id: int, user_ids: set[int]) -> set[int]:
    return set(
        Attendance.objects.filter(meeting_id=meeting_id, user_id__in=user_ids, status__in=PRESENT_STATUSES)
        .exclude(invitation__answer=Answer.DELEGATED)
        .values_list("user_id", flat=True)
    )


def _may_manage_vote(user: User, poll: Poll) -> bool:
    return poll.meeting is not None and can(user, Perm.RUN_MEETING, poll.meeting)


def _may_view_vote_results(user: User, poll: Poll) -> bool:
    return poll.meeting is not None and can(user, Perm.VIEW_MEETING, poll.meeting)


def _may_vote(user: User, poll: Poll) -> bool:
    if poll.meeting is None or is_guest(user):
        return False
    return poll.meeting.status == MeetingStatus.IN_PROGRESS and user.pk in _checked_in(poll.meeting.pk, {user.pk})


def _eligible_voters_among(poll: Poll, user_ids: set[int]) -> set[int]:
    """`_may_vote` for a batch of voters in one query (the websocket's ballot burst)."""
    if poll.meeting_id is None:
        return set()
    if not Meeting.objects.filter(pk=poll.meeting_id, status=MeetingStatus.IN_PROGRESS).exists():
        return set()
    return _checked_in(poll.meeting_id, user_ids)


kinds.register(
    PollKind.MEETING_VOTE,
    may_manage=_may_manage_vote,
    may_view_results=_may_view_vote_results,
    may_vote=_may_vote,
    eligible_among=_eligible_voters_among,
)
