"""The chair hears of the approval; the chair picker puts leaders first; people and unit pickers
are searchable; a substitute is not offered the delegation that would be refused (issue 10)."""

from __future__ import annotations

from django.utils import translation

from accounts.models import Right
from conftest import login, make_user
from meetings.actions.approval import do_approve_meeting
from meetings.actions.invitations import do_answer_invitation
from meetings.actions.registration import do_submit_meeting
from meetings.forms import AnswerForm, MeetingForm
from meetings.models import Answer, Invitation, Meeting
from meetings.tests.conftest import approved, create, form_post
from notifications.models import Notification


def chair_notices(meeting: Meeting, user) -> list[Notification]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(recipient=user, target_id=str(meeting.pk), event="meeting.chair_invited"))


# --- the chair ---------------------------------------------------------------------------------


def test_the_chair_is_notified_when_the_meeting_he_chairs_is_approved(organiser, leader, attendee, province) -> None:
    chair = make_user("snv.pgd", province["snv"], Right.LEADER, full_name="Trần Phó Giám Đốc")
    meeting = create(organiser, chair, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    assert not chair_notices(meeting, chair)  # not before the approval
    do_approve_meeting(leader, meeting)
    [notice] = chair_notices(meeting, chair)
    assert meeting.title in notice.title and notice.url == f"/meetings/{meeting.pk}/"


def test_a_chair_who_is_also_invited_gets_one_invitation_not_two(organiser, leader, attendee, province) -> None:
    chair = make_user("snv.pgd", province["snv"], Right.LEADER)
    meeting = approved(organiser, chair, [attendee, chair])
    meeting.refresh_from_db()
    assert not chair_notices(meeting, chair)
    assert Notification.objects.filter(recipient=chair, event="meeting.invited", target_id=str(meeting.pk)).count() == 1


def test_nobody_else_gets_the_chair_notice(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    assert set(
        Notification.objects.filter(event="meeting.chair_invited", target_id=str(meeting.pk)).values_list(
            "recipient", flat=True
        )
    ) == {leader.pk}


# --- the pickers -------------------------------------------------------------------------------


def test_chair_picker_offers_leaders_first_then_the_others(organiser, leader, attendee, stc_leader) -> None:
    with translation.override("vi"):
        choices = list(MeetingForm().fields["chair"].choices)  # type: ignore[attr-defined]
        assert choices[0][0] == ""  # nobody chosen until the organiser picks
        groups = {str(label): [pk for pk, _ in options] for label, options in choices[1:]}
        leaders_label, others_label = (str(label) for label, _ in choices[1:])
        assert leaders_label == translation.gettext("Leaders")
    assert set(groups[leaders_label]) == {leader.pk, stc_leader.pk}
    assert {organiser.pk, attendee.pk} <= set(groups[others_label])
    assert not set(groups[leaders_label]) & set(groups[others_label])


def test_document_approver_picker_also_puts_leaders_first(organiser, leader) -> None:
    choices = list(MeetingForm().fields["document_approver"].choices)  # type: ignore[attr-defined]
    assert choices[0][0] == ""
    assert [pk for pk, _ in choices[1][1]] == [leader.pk]


def test_the_chair_must_be_chosen_and_must_be_an_active_official(client, organiser, leader, attendee) -> None:
    login(client, organiser)
    data = form_post()
    with translation.override("vi"):
        required = translation.gettext("Choose the chair.")
        not_listed = translation.gettext("Choose the chair from the list.")
    response = client.post("/meetings/new/", data)
    assert response.status_code == 200 and required in response.content.decode()
    guest = make_user("khach", organiser.unit, is_external=True)
    for bad in ("abc", "999999", str(guest.pk)):
        response = client.post("/meetings/new/", {**data, "chair": bad})
        assert response.status_code == 200
        assert response.context["form"].errors["chair"] == [not_listed]
        assert not_listed in response.content.decode()
    assert not Meeting.objects.exists()


def test_people_and_unit_pickers_are_searchable(client, organiser) -> None:
    login(client, organiser)
    html = client.get("/meetings/new/").content.decode()
    for name in (
        "chair",
        "document_approver",
        "document_preparer",
        "preparing_unit",
        "attendees",
        "attendee_units",
        "support_staff",
    ):
        tag = html[html.index(f'name="{name}"') - 400 : html.index(f'name="{name}"') + 400]
        assert "data-searchable" in tag, name
    assert "/static/js/searchable-select.js" in html
    with translation.override("vi"):
        assert translation.gettext("Type to search (accents optional)…") in html


def test_new_meeting_form_is_forbidden_without_the_organiser_right(client, attendee) -> None:
    login(client, attendee)
    assert client.get("/meetings/new/").status_code == 403


# --- the substitute ----------------------------------------------------------------------------


def _substitute_invitation(organiser, leader, attendee, colleague) -> Invitation:  # type: ignore[no-untyped-def]
    meeting = approved(organiser, leader, [attendee])
    original = Invitation.objects.get(meeting=meeting, user=attendee)
    do_answer_invitation(attendee, original, answer=Answer.DELEGATED, substitute=colleague)
    return Invitation.objects.get(meeting=meeting, user=colleague)


def test_the_substitute_is_not_offered_to_send_another_substitute(
    client, organiser, leader, attendee, colleague
) -> None:
    invitation = _substitute_invitation(organiser, leader, attendee, colleague)
    login(client, colleague)
    html = client.get(f"/meetings/{invitation.meeting_id}/").content.decode()
    form = html[html.index('data-testid="answer-form"') :].split("</form>")[0]
    assert f'value="{Answer.CONFIRMED}"' in form and f'value="{Answer.DECLINED}"' in form
    assert f'value="{Answer.DELEGATED}"' not in form and 'name="substitute"' not in form


def test_the_invitee_is_still_offered_a_substitute(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, attendee)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    form = html[html.index('data-testid="answer-form"') :].split("</form>")[0]
    assert f'value="{Answer.DELEGATED}"' in form and 'name="substitute"' in form


def test_a_substitute_posting_a_delegation_gets_a_clear_error_and_nothing_changes(
    client, organiser, leader, attendee, colleague, province
) -> None:
    invitation = _substitute_invitation(organiser, leader, attendee, colleague)
    third = make_user("snv.phong3", province["snv"])
    login(client, colleague)
    response = client.post(
        f"/meetings/invitations/{invitation.pk}/answer/",
        {"answer": Answer.DELEGATED, "substitute": third.pk},
        follow=True,
    )
    with translation.override("vi"):
        message = translation.gettext("Choose one of the answers offered.")
    assert message in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING
    assert not Invitation.objects.filter(meeting=invitation.meeting, user=third).exists()


def test_answer_form_refuses_an_unknown_answer(attendee) -> None:
    form = AnswerForm({"answer": "maybe"}, invitee=attendee)
    assert not form.is_valid()
    with translation.override("vi"):
        assert form.errors["answer"] == [translation.gettext("Choose one of the answers offered.")]
