"""Rules of the minutes and conclusion-notice Perms (Điều 3.1d, 6.5), registered in MinutesConfig.ready.

- Minutes exist once the meeting has ended. They are read by the meeting's people (whoever sees
  the meeting: organiser, chair, staff, invitees; and whoever ran the room) and the PPC leaders.
- Only the secretary (support staff invited to the meeting, or the one named on the minutes) or
  the organiser (or an administrator of the organising unit) edits, regenerates and corrects.
- Only the chair approves.
- Drafts (and every version, and the differences between them) are for the editors, the chair and
  those who may hear the recording (the draft quotes its transcript); the other readers see the
  approved text only.
- The conclusion notice: the same editors draft, edit and issue it, the chair approves it; it is
  read by the minutes' readers and, once issued, by the people of the issuing unit and of every
  concerned unit.

`can()` asks a rule only about an active, signed-in account, hence `user: User` below.
"""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import Perm, can, register_rule
from live.permissions import is_secretary, runs_meeting
from meetings.models import Meeting, MeetingStatus
from meetings.permissions import is_organiser
from minutes.models import ConclusionNotice, NoticeStatus
from recordings.permissions import is_ppc_leader


def reads_minutes(user: User, meeting: Meeting) -> bool:
    if meeting.status != MeetingStatus.ENDED:
        return False
    return runs_meeting(user, meeting) or is_ppc_leader(user) or can(user, Perm.VIEW_MEETING, meeting)


def edits_minutes(user: User, meeting: Meeting) -> bool:
    """The secretary or the organiser (whatever the status: the actions check it)."""
    if user.is_external:
        return False
    named = getattr(getattr(meeting, "minutes", None), "secretary_id", None) == user.pk
    return is_organiser(user, meeting) or is_secretary(user, meeting) or named


def sees_drafts(user: User, meeting: Meeting) -> bool:
    """Drafts, every version and the differences: the editors, the chair and whoever may hear the
    recording (its transcript feeds the draft, Điều 6.4a); the other readers see the document only
    once approved (a notice: approved or issued)."""
    return edits_minutes(user, meeting) or meeting.chair_id == user.pk or can(user, Perm.LISTEN_RECORDING, meeting)


@register_rule(Perm.VIEW_MINUTES)
def view_minutes(user: User, meeting: Meeting) -> bool:
    return reads_minutes(user, meeting)


@register_rule(Perm.EDIT_MINUTES)
def edit_minutes(user: User, meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.ENDED and edits_minutes(user, meeting)


@register_rule(Perm.APPROVE_MINUTES)
def approve_minutes(user: User, meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.ENDED and meeting.chair_id == user.pk


@register_rule(Perm.VIEW_NOTICE)
def view_notice(user: User, notice: ConclusionNotice) -> bool:
    if reads_minutes(user, notice.meeting):
        return True
    if notice.status != NoticeStatus.ISSUED or user.unit_id is None or user.is_external:
        return False
    return user.unit_id == notice.issuing_unit_id or notice.concerned_units.filter(pk=user.unit_id).exists()


@register_rule(Perm.EDIT_NOTICE)
def edit_notice(user: User, meeting: Meeting) -> bool:
    return edit_minutes(user, meeting)


@register_rule(Perm.APPROVE_NOTICE)
def approve_notice(user: User, meeting: Meeting) -> bool:
    return approve_minutes(user, meeting)
