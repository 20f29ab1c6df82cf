"""Rules for the meeting Perms of accounts.permissions (registered in MeetingsConfig.ready)."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import OrgUnit, Right, User
from accounts.permissions import (
    Perm,
    administered_units_q,
    administers,
    has_right,
    is_admin,
    is_system_admin,
    register_rule,
)
from meetings.models import Answer, Invitation, InvitationKind, Meeting, MeetingStatus, Room

EDITABLE_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.RETURNED)
# Once approved, invitees see the meeting, including when it is later postponed or cancelled.
PUBLISHED_STATUSES = (
    MeetingStatus.APPROVED,
    MeetingStatus.POSTPONED,
    MeetingStatus.CANCELLED,
    MeetingStatus.IN_PROGRESS,
    MeetingStatus.ENDED,
)


def is_organiser(user: User, meeting: Meeting) -> bool:
    return meeting.organiser_id == user.pk or administers(user, meeting.unit)


def may_approve(user: User, meeting: Meeting) -> bool:
    """The unit's designated approver, or else any leader of the organising unit."""
    if meeting.approver_id is not None:
        return meeting.approver_id == user.pk and user.is_active
    return has_right(user, Right.LEADER) and user.unit_id == meeting.unit_id


def _meeting_staff(user: User, meeting: Meeting) -> bool:
    return user.pk in (meeting.chair_id, meeting.document_approver_id, meeting.document_preparer_id) or may_approve(
        user, meeting
    )


def answers_for_unit_q(user: User) -> Q:
    """Unit invitations `user` answers for: as the unit's document receiver, or, while the unit
    has no receiver, as one of its own unit administrators or leaders (the fallback, so an
    invitation to a unit without a receiver still reaches someone who can name attendees)."""
    q = Q(unit__document_receiver=user)
    if user.unit_id is not None and (has_right(user, Right.LEADER) or has_right(user, Right.UNIT_ADMIN)):
        q |= Q(unit_id=user.unit_id, unit__document_receiver__isnull=True)
    return Q(kind=InvitationKind.UNIT) & q


def answers_for_unit(user: User, unit: OrgUnit | None) -> bool:
    """The same rule as answers_for_unit_q for one unit."""
    if unit is None or not user.is_active:
        return False
    if unit.document_receiver_id is not None:
        return bool(unit.document_receiver_id == user.pk)
    return user.unit_id == unit.pk and (has_right(user, Right.LEADER) or has_right(user, Right.UNIT_ADMIN))


def _invitee_q(user: User) -> Q:
    """Invitations that give `user` a reason to see the meeting."""
    return (Q(kind=InvitationKind.USER, user=user) & ~Q(answer=Answer.DELEGATED)) | answers_for_unit_q(user)


def _invitee(user: User, meeting: Meeting) -> bool:
    return Invitation.objects.filter(meeting=meeting).filter(_invitee_q(user)).exists()


@register_rule(Perm.VIEW_MEETING)
def view_meeting(user: User, meeting: Meeting) -> bool:
    if is_system_admin(user) or is_organiser(user, meeting):
        return True
    if meeting.status != MeetingStatus.DRAFT and _meeting_staff(user, meeting):
        return True
    return meeting.status in PUBLISHED_STATUSES and meeting.decided_at is not None and _invitee(user, meeting)


@register_rule(Perm.EDIT_MEETING)
def edit_meeting(user: User, meeting: Meeting) -> bool:
    return meeting.status in EDITABLE_STATUSES and is_organiser(user, meeting)


@register_rule(Perm.SUBMIT_MEETING)
def submit_meeting(user: User, meeting: Meeting) -> bool:
    return edit_meeting(user, meeting)


@register_rule(Perm.DECIDE_MEETING)
def decide_meeting(user: User, meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.SUBMITTED and may_approve(user, meeting)


@register_rule(Perm.RESCHEDULE_MEETING)
def reschedule_meeting(user: User, meeting: Meeting) -> bool:
    if meeting.status in (MeetingStatus.APPROVED, MeetingStatus.POSTPONED):
        return is_organiser(user, meeting) or may_approve(user, meeting)
    return meeting.status in EDITABLE_STATUSES and is_organiser(user, meeting)


@register_rule(Perm.RECOMMEND_MEETING)
def recommend_meeting(user: User, meeting: Meeting) -> bool:
    """The "Kiến nghị đề xuất" of report Mẫu số 01: written after the meeting by its organiser
    (with the organising unit's administrators, as every organiser page)."""
    return meeting.status == MeetingStatus.ENDED and not user.is_external and is_organiser(user, meeting)


@register_rule(Perm.MANAGE_ATTENDANCE)
def manage_attendance(user: User, meeting: Meeting) -> bool:
    return is_organiser(user, meeting)


@register_rule(Perm.ANSWER_INVITATION)
def answer_invitation(user: User, invitation: Invitation) -> bool:
    return (
        invitation.kind == InvitationKind.USER
        and invitation.user_id == user.pk
        and invitation.meeting.status in (MeetingStatus.APPROVED, MeetingStatus.POSTPONED)
    )


@register_rule(Perm.NAME_UNIT_ATTENDEES)
def name_unit_attendees(user: User, invitation: Invitation) -> bool:
    if invitation.kind != InvitationKind.UNIT or invitation.unit is None:
        return False
    if invitation.meeting.status not in (MeetingStatus.APPROVED, MeetingStatus.POSTPONED):
        return False
    return answers_for_unit(user, invitation.unit) or administers(user, invitation.unit)


@register_rule(Perm.MANAGE_ROOMS)
def manage_rooms(user: User, room_or_unit: Room | OrgUnit | None) -> bool:
    """A room, or the rooms of a unit: its administrators. Without an object: whether the user
    manages the rooms of any unit (the room list and the new-room form)."""
    if room_or_unit is None:
        return is_admin(user)
    unit = room_or_unit.unit if isinstance(room_or_unit, Room) else room_or_unit
    return administers(user, unit)


@register_rule(Perm.VIEW_ROOM_SCHEDULE)
def view_room_schedule(user: User, room: Room) -> bool:
    """Who a room is booked by and when: the people of its unit and its administrators (the
    meetings themselves stay hidden from whoever may not see them, calendar_views.week_slots)."""
    return room.unit_id == user.unit_id or administers(user, room.unit)


def room_schedules_q(user: User) -> Q | None:
    """Filter for the rooms whose schedule `user` may see (None: all). Same rule as view_room_schedule."""
    scope = administered_units_q(user, prefix="unit__")
    if scope is None:
        return None
    return Q(unit_id=user.unit_id) | scope if user.unit_id is not None else scope


def visible_meetings_q(user: User) -> Q | None:
    """Filter for the meetings `user` may see (None: all). Same rules as view_meeting."""
    if is_system_admin(user):
        return None
    admin_scope = administered_units_q(user, prefix="unit__")
    q = Q(organiser=user)
    if admin_scope is not None:
        q |= admin_scope
    staff = Q(chair=user) | Q(document_approver=user) | Q(document_preparer=user) | Q(approver=user)
    if has_right(user, Right.LEADER):
        staff |= Q(approver__isnull=True, unit_id=user.unit_id)
    q |= staff & ~Q(status=MeetingStatus.DRAFT)
    # A subquery, not a join: a join would repeat meetings and negate across invitations.
    invited = Invitation.objects.filter(_invitee_q(user)).values("meeting_id")
    q |= Q(pk__in=invited, status__in=PUBLISHED_STATUSES, decided_at__isnull=False)
    return q
