"""Điều 6.3: confirm, decline with a reason, or send a substitute, before the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.permissions import Perm, can
from audit.models import AuditEntry
from conftest import login, make_user
from meetings.actions.invitations import do_answer_invitation, do_name_unit_attendees
from meetings.models import Answer, Invitation, MeetingKind
from meetings.tests.conftest import approved


@pytest.fixture
def meeting(organiser, leader, attendee):  # type: ignore[no-untyped-def]
    return approved(organiser, leader, [attendee])


def my_invitation(meeting, user) -> Invitation:  # type: ignore[no-untyped-def]
    return Invitation.objects.get(meeting=meeting, user=user)


def test_invitee_confirms(meeting, attendee) -> None:
    invitation = do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.CONFIRMED)
    assert invitation.answer == Answer.CONFIRMED and invitation.answered_by == attendee


def test_declining_needs_a_reason(meeting, attendee) -> None:
    with pytest.raises(ValidationError):
        do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.DECLINED)
    assert my_invitation(meeting, attendee).answer == Answer.PENDING
    do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.DECLINED, reason="Đi công tác")
    assert my_invitation(meeting, attendee).reason == "Đi công tác"


def test_substitute_gets_the_rights_and_the_original_loses_them(meeting, attendee, colleague) -> None:
    do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.DELEGATED, substitute=colleague)
    substitute = my_invitation(meeting, colleague)
    assert substitute.substitute_for == my_invitation(meeting, attendee)
    assert can(colleague, Perm.VIEW_MEETING, meeting)
    assert can(colleague, Perm.ANSWER_INVITATION, substitute)
    assert not can(attendee, Perm.VIEW_MEETING, meeting)


def test_taking_the_place_back_removes_the_substitute(meeting, attendee, colleague) -> None:
    do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.DELEGATED, substitute=colleague)
    # The organiser records that the invitee attends in person after all.
    do_answer_invitation(meeting.organiser, my_invitation(meeting, attendee), answer=Answer.CONFIRMED)
    assert not Invitation.objects.filter(meeting=meeting, user=colleague).exists()
    assert can(attendee, Perm.VIEW_MEETING, meeting)


def test_substitute_must_be_from_the_same_unit(meeting, attendee, stc_member) -> None:
    with pytest.raises(ValidationError):
        do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.DELEGATED, substitute=stc_member)
    assert not Invitation.objects.filter(meeting=meeting, user=stc_member).exists()


def test_an_already_invited_person_cannot_be_the_substitute(organiser, leader, attendee, colleague) -> None:
    meeting = approved(organiser, leader, [attendee, colleague])
    with pytest.raises(ValidationError):
        do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.DELEGATED, substitute=colleague)
    assert my_invitation(meeting, attendee).answer == Answer.PENDING


def test_a_substitute_cannot_pass_the_invitation_on(meeting, attendee, colleague, province) -> None:
    third = make_user("snv.phong3", province["snv"])
    do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.DELEGATED, substitute=colleague)
    with pytest.raises(ValidationError):
        do_answer_invitation(colleague, my_invitation(meeting, colleague), answer=Answer.DELEGATED, substitute=third)


def test_late_answer_to_a_regular_meeting_is_refused_naming_the_rule(meeting, attendee, monkeypatch) -> None:
    after = meeting.start - timedelta(days=1) + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after)
    with pytest.raises(ValidationError) as info:
        do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.CONFIRMED)
    assert "Điều 6.3" in info.value.messages[0]
    assert my_invitation(meeting, attendee).answer == Answer.PENDING


def test_answer_exactly_at_the_deadline_is_accepted(meeting, attendee, monkeypatch) -> None:
    edge = meeting.start - timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: edge)
    do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.CONFIRMED)
    stored = my_invitation(meeting, attendee)
    assert stored.answer == Answer.CONFIRMED
    assert stored.answered_at == edge


def test_urgent_meeting_answers_stay_open_until_the_start(organiser, leader, attendee, monkeypatch) -> None:
    meeting = approved(organiser, leader, [attendee], start_in=timedelta(hours=5), kind=MeetingKind.URGENT)
    just_before = meeting.start - timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: just_before)
    do_answer_invitation(attendee, my_invitation(meeting, attendee), answer=Answer.CONFIRMED)
    stored = my_invitation(meeting, attendee)
    assert stored.answer == Answer.CONFIRMED
    assert stored.answered_at == just_before


def test_organiser_records_a_late_answer_on_behalf_and_it_is_audited(meeting, organiser, attendee, monkeypatch) -> None:
    after = meeting.start - timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: after)
    do_answer_invitation(
        organiser, my_invitation(meeting, attendee), answer=Answer.DECLINED, reason="Báo qua điện thoại"
    )
    entry = AuditEntry.objects.get(action="meeting.answered_on_behalf")
    assert entry.actor == organiser and entry.data["invitee"] == attendee.username


def test_an_outsider_cannot_answer_for_someone(meeting, attendee, stc_member, client) -> None:
    with pytest.raises(PermissionDenied):
        do_answer_invitation(stc_member, my_invitation(meeting, attendee), answer=Answer.CONFIRMED)
    login(client, stc_member)
    response = client.post(
        f"/meetings/invitations/{my_invitation(meeting, attendee).pk}/answer/", {"answer": "confirmed"}
    )
    assert response.status_code == 404


def test_answer_through_the_page(client, meeting, attendee, colleague) -> None:
    login(client, attendee)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="answer-form"' in page
    invitation = my_invitation(meeting, attendee)
    response = client.post(
        f"/meetings/invitations/{invitation.pk}/answer/", {"answer": "delegated", "substitute": str(colleague.pk)}
    )
    assert my_invitation(meeting, attendee).answer == Answer.DELEGATED
    # The meeting page is no longer theirs: back to their meetings, not to a 404.
    assert response.status_code == 302 and response["Location"] == "/meetings/"
    login(client, colleague)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert attendee.full_name in page  # "attends in place of …"


def test_unit_receiver_names_who_attends(organiser, leader, province, stc_member) -> None:
    from meetings.models import InvitationKind

    receiver = make_user("stc.vanthu", province["stc"], full_name="Văn thư Sở Tài chính")
    province["stc"].document_receiver = receiver
    province["stc"].save()
    meeting = approved(organiser, leader, [], attendee_units=[province["stc"]])
    unit_invitation = meeting.invitations.get(kind=InvitationKind.UNIT)
    assert can(receiver, Perm.VIEW_MEETING, meeting)
    with pytest.raises(ValidationError):
        do_name_unit_attendees(receiver, unit_invitation, [organiser])  # not of that unit
    do_name_unit_attendees(receiver, unit_invitation, [stc_member])
    unit_invitation.refresh_from_db()
    assert unit_invitation.answer == Answer.NAMED
    assert can(stc_member, Perm.VIEW_MEETING, meeting)
    with pytest.raises(PermissionDenied):
        do_name_unit_attendees(stc_member, unit_invitation, [stc_member])
