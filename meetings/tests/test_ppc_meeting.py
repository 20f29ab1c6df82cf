"""Điều 6.1c: meetings of the Provincial People's Committee. Only the PPC and the PPC Office
register them; their documents are approved by a PPC Office leader who attends, so a PPC
meeting without one is refused at submission; the page says who will approve documents."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Right
from accounts.permissions import is_in_ppc_or_office, is_ppc_office_leader
from conftest import login, make_user
from meetings import queries
from meetings.actions.registration import do_submit_meeting, do_update_meeting
from meetings.models import Meeting, MeetingStatus
from meetings.tests.conftest import approved, create, data_for, form_post


@pytest.fixture
def office_leader(province):  # type: ignore[no-untyped-def]
    return make_user("vp.phochanh", province["office"], Right.LEADER, full_name="Mai Văn Chánh")


def test_only_the_ppc_and_its_office_are_in_ppc_or_office(province, organiser, ppc_organiser, office_leader) -> None:
    ppc_member = make_user("ubnd.chuyenvien", province["root"], Right.ORGANISER)
    sub_office = make_user("snv.vanphong", province["snv_sub"], Right.ORGANISER)  # an office under a department
    assert is_in_ppc_or_office(ppc_organiser) and is_in_ppc_or_office(ppc_member)
    assert not is_in_ppc_or_office(organiser) and not is_in_ppc_or_office(sub_office)
    assert is_ppc_office_leader(office_leader) and not is_ppc_office_leader(ppc_organiser)


def test_department_organiser_cannot_mark_a_ppc_meeting(organiser, leader, attendee) -> None:
    with pytest.raises(ValidationError) as info:
        create(organiser, leader, [attendee], is_ppc_meeting=True)
    assert "6.1c" in info.value.message_dict["is_ppc_meeting"][0]
    assert not Meeting.objects.exists()


def test_department_organiser_cannot_turn_a_draft_into_a_ppc_meeting(organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee])
    with pytest.raises(ValidationError):
        do_update_meeting(organiser, meeting, data_for(leader, [attendee], is_ppc_meeting=True))
    assert not Meeting.objects.get(pk=meeting.pk).is_ppc_meeting


def test_posting_is_ppc_meeting_on_as_a_department_organiser_shows_a_clear_error(
    client, organiser, leader, attendee
) -> None:
    login(client, organiser)
    assert 'name="is_ppc_meeting"' not in client.get("/meetings/new/").content.decode()
    data = form_post(chair=str(leader.pk), attendees=[str(attendee.pk)], is_ppc_meeting="on")
    response = client.post("/meetings/new/", data)
    assert response.status_code == 200
    assert "6.1c" in response.context["form"].errors["is_ppc_meeting"][0]
    assert 'name="is_ppc_meeting"' in response.content.decode()  # the error is shown beside the box
    assert not Meeting.objects.exists()


def test_ppc_office_organiser_sees_the_box(client, ppc_organiser) -> None:
    login(client, ppc_organiser)
    assert 'name="is_ppc_meeting"' in client.get("/meetings/new/").content.decode()


def test_ppc_meeting_without_an_attending_ppc_office_leader_cannot_be_submitted(
    ppc_organiser, leader, attendee, office_leader
) -> None:
    meeting = create(ppc_organiser, leader, [attendee], is_ppc_meeting=True)
    assert queries.document_approvers(meeting) == []
    with pytest.raises(ValidationError) as info:
        do_submit_meeting(ppc_organiser, meeting)
    assert "6.1c" in info.value.message_dict["attendees"][0]
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DRAFT


def test_ppc_meeting_page_names_the_attending_ppc_office_leader_before_submission(
    client, ppc_organiser, leader, attendee, office_leader
) -> None:
    meeting = create(ppc_organiser, leader, [attendee, office_leader], is_ppc_meeting=True)
    assert queries.document_approvers(meeting) == [office_leader]
    login(client, ppc_organiser)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    approvers = page[page.index('data-testid="document-approvers"') :][:600]
    assert office_leader.display_name in approvers and leader.display_name not in approvers
    do_submit_meeting(ppc_organiser, meeting)


def test_regular_meeting_documents_are_approved_by_the_chair_and_the_approver_on_its_behalf(
    client, organiser, leader, attendee, province
) -> None:
    deputy = make_user("snv.phogiamdoc", province["snv"], Right.LEADER, full_name="Lê Phó Giám Đốc")
    meeting = approved(organiser, leader, [attendee], document_approver=deputy)
    assert queries.document_approvers(meeting) == [leader, deputy]
    login(client, organiser)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    approvers = page[page.index('data-testid="document-approvers"') :][:600]
    assert leader.display_name in approvers and deputy.display_name in approvers
