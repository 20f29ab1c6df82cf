"""Who may open a meeting room's socket (`live.access.room_seat`): the cheap path for the 2,000
delegates of a big meeting must give exactly the answers of the full rules (`access_live`,
`can(RUN_MEETING)`, `can(ATTEND_MEETING)`) for every kind of person and every state, and sees
an invitation added, withdrawn or handed to a substitute at once (nothing is cached)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from accounts.models import Right
from accounts.permissions import Perm, can
from conftest import make_user
from live.access import access_live, room_seat
from live.tests.conftest import start
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, MeetingStatus

pytestmark = pytest.mark.django_db


def full_rules(user: Any, meeting_id: int) -> tuple[bool, bool] | None:
    """(runs, attends) by the permission rules, None for a 404."""
    try:
        meeting, _live = access_live(user, meeting_id)
    except Http404:
        return None
    return can(user, Perm.RUN_MEETING, meeting), can(user, Perm.ATTEND_MEETING, meeting)


def seat(user: Any, meeting_id: int) -> tuple[bool, bool] | None:
    try:
        found = room_seat(user, meeting_id)
    except Http404:
        return None
    return found.runs, found.attends


def invite(meeting: Any, user: Any, role: str = InvitationRole.ATTENDEE, answer: str = Answer.CONFIRMED) -> Invitation:
    return Invitation.objects.create(meeting=meeting, kind=InvitationKind.USER, role=role, user=user, answer=answer)


@pytest.fixture
def people(attendee, colleague, secretary, leader, organiser, outsider, sysadmin, snv_admin, stc_admin, province):  # type: ignore[no-untyped-def]
    guest = make_user("khach.moi", province["stc"], is_external=True, full_name="Khách mời")
    invited_admin = make_user("snv.quantri2", province["snv"], Right.UNIT_ADMIN, full_name="Quản trị được mời")
    return {
        "attendee": attendee,
        "colleague": colleague,
        "secretary": secretary,
        "chair": leader,
        "organiser": organiser,
        "outsider": outsider,
        "system admin": sysadmin,
        "admin of the unit": snv_admin,
        "admin of another unit": stc_admin,
        "outside guest": guest,
        "invited unit admin": invited_admin,
    }


@pytest.mark.parametrize("state", ["approved", "in progress", "ended", "postponed", "cancelled"])
def test_the_cheap_path_answers_like_the_permission_rules_for_everyone(meeting, leader, people, state) -> None:
    invite(meeting, people["outside guest"])
    invite(meeting, people["invited unit admin"])
    if state in ("in progress", "ended"):
        start(meeting, leader)
    if state == "ended":
        from live.actions.room import do_end_meeting

        do_end_meeting(leader, meeting)
    if state in ("postponed", "cancelled"):
        status = MeetingStatus.POSTPONED if state == "postponed" else MeetingStatus.CANCELLED
        type(meeting).objects.filter(pk=meeting.pk).update(status=status)
    for name, user in people.items():
        assert seat(user, meeting.pk) == full_rules(user, meeting.pk), name


def test_an_attendee_attends_a_secretary_runs_and_an_outsider_gets_a_404(
    meeting, attendee, secretary, outsider
) -> None:
    assert seat(attendee, meeting.pk) == (False, True)
    assert seat(secretary, meeting.pk) == (True, False)
    assert seat(outsider, meeting.pk) is None


def test_an_outside_guest_sees_the_room_as_an_attendee_like_the_rules_say(meeting, province) -> None:
    guest = make_user("khach", province["stc"], is_external=True)
    invite(meeting, guest)
    assert seat(guest, meeting.pk) == full_rules(guest, meeting.pk) == (False, True)


def test_a_person_invited_a_moment_ago_gets_in_at_once(meeting, outsider) -> None:
    assert seat(outsider, meeting.pk) is None
    invite(meeting, outsider)
    assert seat(outsider, meeting.pk) == (False, True)


def test_a_person_whose_invitation_was_withdrawn_is_refused_at_once(meeting, attendee) -> None:
    assert seat(attendee, meeting.pk) == (False, True)
    Invitation.objects.filter(meeting=meeting, user=attendee).delete()
    assert seat(attendee, meeting.pk) is None


def test_an_attendee_who_sent_a_substitute_is_answered_like_the_rules_say(meeting, attendee) -> None:
    Invitation.objects.filter(meeting=meeting, user=attendee).update(answer=Answer.DELEGATED)
    assert seat(attendee, meeting.pk) == full_rules(attendee, meeting.pk) == None  # noqa: E711


def test_a_unit_admin_who_is_invited_runs_the_meeting_of_their_unit(meeting, province) -> None:
    admin = make_user("snv.quantri3", province["snv"], Right.UNIT_ADMIN)
    invite(meeting, admin)
    assert seat(admin, meeting.pk) == full_rules(admin, meeting.pk) == (True, True)


def test_an_inactive_account_is_refused(meeting, attendee) -> None:
    attendee.is_active = False
    attendee.save(update_fields=["is_active"])
    assert seat(attendee, meeting.pk) is None


@pytest.mark.parametrize("raw", ["abc", "0", "-3", str(2**70), "999999"])
def test_a_malformed_or_unknown_meeting_id_is_a_404(attendee, raw) -> None:
    assert seat(attendee, raw) is None  # type: ignore[arg-type]


def test_the_seat_carries_the_rooms_current_event_number(meeting, leader, attendee) -> None:
    before = room_seat(attendee, meeting.pk).seq
    start(meeting, leader)
    assert room_seat(attendee, meeting.pk).seq > before


@pytest.mark.parametrize("state", ["approved", "in progress", "ended", "cancelled"])
def test_seats_read_in_a_batch_answer_like_one_by_one(meeting, leader, people, state) -> None:
    """`room_seats` (screens connecting at once) gives every person `room_seat`'s answer."""
    from django.contrib.auth.models import AnonymousUser

    from live.access import room_seats

    invite(meeting, people["outside guest"])
    invite(meeting, people["invited unit admin"])
    invite(meeting, people["outsider"], answer=Answer.DELEGATED)
    if state in ("in progress", "ended"):
        start(meeting, leader)
    if state == "ended":
        from live.actions.room import do_end_meeting

        do_end_meeting(leader, meeting)
    if state == "cancelled":
        type(meeting).objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    everyone = [*people.values(), AnonymousUser()]
    batched = [None if isinstance(s, Exception) else (s.runs, s.attends) for s in room_seats(everyone, meeting.pk)]
    assert batched == [seat(user, meeting.pk) for user in everyone]
