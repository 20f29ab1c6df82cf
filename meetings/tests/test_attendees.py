"""Who attends a meeting (meetings.queries.attendee_users), the one answer used by notifications,
documents' readers and support requests; and who sees a room's schedule (Perm.VIEW_ROOM_SCHEDULE)."""

from __future__ import annotations

from accounts.models import Right
from accounts.permissions import Perm, can
from conftest import make_user
from meetings.access import schedule_rooms
from meetings.actions.invitations import do_answer_invitation
from meetings.models import Answer, Invitation, Room
from meetings.queries import attendee_users
from meetings.tests.conftest import approved


def test_attendees_are_the_substitute_not_the_delegator_and_include_support_staff(
    organiser, leader, attendee, colleague, snv_member
) -> None:
    meeting = approved(organiser, leader, [attendee, snv_member], support_staff=[organiser])
    assert set(attendee_users(meeting)) == {attendee, snv_member, organiser}
    invitation = Invitation.objects.get(meeting=meeting, user=attendee)
    do_answer_invitation(attendee, invitation, answer=Answer.DELEGATED, substitute=colleague)
    assert set(attendee_users(meeting)) == {colleague, snv_member, organiser}


def test_attendees_leave_out_deactivated_accounts(organiser, leader, attendee, snv_member) -> None:
    meeting = approved(organiser, leader, [attendee, snv_member])
    snv_member.is_active = False
    snv_member.save(update_fields=["is_active"])
    assert list(attendee_users(meeting)) == [attendee]


def test_room_schedule_is_for_the_rooms_unit_and_its_administrators(
    room, snv_member, snv_admin, stc_member, stc_admin, province
) -> None:
    system_admin = make_user("quantri.he.thong", province["stc"], Right.SYSTEM_ADMIN)
    for user in (snv_member, snv_admin, system_admin):
        assert can(user, Perm.VIEW_ROOM_SCHEDULE, room), user.username
    for user in (stc_member, stc_admin):
        assert not can(user, Perm.VIEW_ROOM_SCHEDULE, room), user.username


def test_schedule_rooms_matches_the_rule(room, snv_member, snv_admin, stc_member, stc_admin, province) -> None:
    Room.objects.create(unit=province["stc"], name="Phòng họp Sở Tài chính", capacity=20)
    for user in (snv_member, snv_admin, stc_member, stc_admin):
        by_rule = {r.pk for r in Room.objects.filter(is_active=True) if can(user, Perm.VIEW_ROOM_SCHEDULE, r)}
        assert {r.pk for r in schedule_rooms(user)} == by_rule, user.username
        assert by_rule, user.username  # each sees at least the room of their own unit


def test_managing_rooms_without_a_room_means_administering_some_unit(snv_member, snv_admin, stc_admin) -> None:
    assert can(snv_admin, Perm.MANAGE_ROOMS) and can(stc_admin, Perm.MANAGE_ROOMS)
    assert not can(snv_member, Perm.MANAGE_ROOMS)
