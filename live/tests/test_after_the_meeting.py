"""After "Kết thúc cuộc họp" (Điều 6.5): the chair, the organiser and the secretaries still read
the compiled comments, export them and read the incidents; nobody else does; and the room takes
no new comment or incident."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.permissions import Perm, can
from conftest import make_user
from live import contributions
from live.actions import contributions as contribution_actions
from live.actions import room as room_actions
from live.models import Comment, Incident, IncidentStatus
from meetings.models import Meeting, MeetingStatus
from meetings.tests.conftest import approved

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}
READ_PAGES = ("comments", "comments_xlsx", "incidents")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(name: str, meeting: Meeting) -> str:
    return reverse(f"live:{name}", args=[meeting.pk])


@pytest.fixture
def ended(meeting, leader, attendee, colleague) -> Meeting:  # type: ignore[no-untyped-def]
    """A meeting that had comments and an incident, then ended."""
    item = meeting.agenda_items.get(order=1)
    contribution_actions.do_add_comment(attendee, meeting, text="Đề nghị bổ sung số liệu quý IV", agenda_item=item)
    room_actions.do_start_meeting(leader, meeting)
    contribution_actions.do_add_comment(colleague, meeting, text="Thống nhất với dự thảo")
    contribution_actions.do_report_incident(attendee, meeting, kind="audio", description="Micro số 3 không nghe")
    room_actions.do_end_meeting(leader, meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ENDED
    return meeting


@pytest.fixture
def preparer(province):  # type: ignore[no-untyped-def]
    """Sees the meeting (prepares its documents) but neither runs nor attends it: a wrong role."""
    return make_user("snv.soanthao", province["snv"], full_name="Cao Thị Yến")


@pytest.fixture
def with_preparer(organiser, leader, attendee, colleague, secretary, preparer) -> Meeting:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    meeting = approved(
        organiser,
        leader,
        [attendee, colleague],
        start_in=timedelta(minutes=59),
        support_staff=[secretary],
        document_preparer=preparer,
    )
    room_actions.do_start_meeting(leader, meeting)
    room_actions.do_end_meeting(leader, meeting)
    meeting.refresh_from_db()
    return meeting


@pytest.mark.parametrize("who", ["leader", "organiser", "secretary"])
def test_chair_organiser_and_secretary_read_the_record_after_the_end(ended, who, request) -> None:
    client = client_for(request.getfixturevalue(who))
    comments = client.get(page("comments", ended))
    assert comments.status_code == 200
    html = comments.content.decode()
    assert "Đề nghị bổ sung số liệu quý IV" in html and "Thống nhất với dự thảo" in html
    incidents = client.get(page("incidents", ended))
    assert incidents.status_code == 200
    assert "Micro số 3 không nghe" in incidents.content.decode()


@pytest.mark.parametrize("who", ["leader", "organiser", "secretary"])
def test_chair_organiser_and_secretary_export_the_comments_after_the_end(ended, attendee, who, request) -> None:
    response = client_for(request.getfixturevalue(who)).get(page("comments_xlsx", ended))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="y-kien-cuoc-hop-{ended.pk}.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(min_row=3, values_only=True))
    assert [row[6] for row in rows] == ["Đề nghị bổ sung số liệu quý IV", "Thống nhất với dự thảo"]
    assert rows[0][3] == attendee.display_name


def test_the_room_page_links_the_record_for_runners_after_the_end(ended, organiser, attendee) -> None:
    runner_page = client_for(organiser).get(page("room", ended)).content.decode()
    assert 'data-testid="comments-link"' in runner_page and 'data-testid="incidents-link"' in runner_page
    assert 'data-testid="comments-xlsx-link"' in runner_page
    attendee_page = client_for(attendee).get(page("room", ended)).content.decode()
    assert 'data-testid="record-links"' not in attendee_page


def test_the_chair_reads_incidents_but_only_handlers_get_the_form(ended, leader, organiser) -> None:
    assert 'name="resolution"' not in client_for(leader).get(page("incidents", ended)).content.decode()
    assert 'name="resolution"' in client_for(organiser).get(page("incidents", ended)).content.decode()


@pytest.mark.parametrize("name", READ_PAGES)
def test_an_ordinary_attendee_gets_403_after_the_end(ended, attendee, name) -> None:
    assert client_for(attendee).get(page(name, ended)).status_code == 403


@pytest.mark.parametrize("name", READ_PAGES)
def test_another_units_user_gets_404_after_the_end(ended, outsider, stc_admin, name) -> None:
    assert client_for(outsider).get(page(name, ended)).status_code == 404
    assert client_for(stc_admin).get(page(name, ended)).status_code == 404


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_wrong_role_who_sees_the_meeting_gets_403(with_preparer, preparer, name) -> None:
    assert can(preparer, Perm.VIEW_MEETING, with_preparer)
    assert client_for(preparer).get(page(name, with_preparer)).status_code == 403


def test_reading_the_record_does_not_reopen_running_the_meeting(ended, leader, organiser, secretary) -> None:
    for user in (leader, organiser, secretary):
        assert can(user, Perm.VIEW_CONTRIBUTIONS, ended)
        assert not can(user, Perm.RUN_MEETING, ended)
    assert client_for(leader).post(page("end", ended), headers=JSON).status_code == 403


@pytest.mark.parametrize("who", ["attendee", "leader", "secretary"])
def test_a_comment_after_the_end_is_refused_with_a_message(ended, who, request) -> None:
    client = client_for(request.getfixturevalue(who))
    response = client.post(page("comment_add", ended), {"text": "Ý kiến gửi muộn"}, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"error": "Đã hết thời gian góp ý: cuộc họp đã kết thúc."}
    assert Comment.objects.filter(meeting=ended).count() == 2


@pytest.mark.parametrize("who", ["attendee", "organiser"])
def test_an_incident_after_the_end_is_refused_with_a_message(ended, who, request) -> None:
    client = client_for(request.getfixturevalue(who))
    response = client.post(
        page("incident_report", ended), {"kind": "network", "description": "Mất Wi-Fi"}, headers=JSON
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Cuộc họp đã kết thúc: không thể báo sự cố trong phòng họp này nữa."}
    assert Incident.objects.filter(meeting=ended).count() == 1


def test_a_plain_form_after_the_end_gets_the_message_as_a_flash(ended, attendee) -> None:
    response = client_for(attendee).post(page("comment_add", ended), {"text": "Muộn"}, follow=True)
    assert "Đã hết thời gian góp ý: cuộc họp đã kết thúc." in response.content.decode()
    assert Comment.objects.filter(meeting=ended).count() == 2


def test_writes_by_an_outsider_or_a_wrong_role_after_the_end_stay_forbidden(with_preparer, preparer, outsider) -> None:
    data = {"kind": "network", "description": "x"}
    assert client_for(outsider).post(page("comment_add", with_preparer), {"text": "x"}, headers=JSON).status_code == 404
    assert client_for(outsider).post(page("incident_report", with_preparer), data, headers=JSON).status_code == 404
    assert client_for(preparer).post(page("comment_add", with_preparer), {"text": "x"}, headers=JSON).status_code == 403
    assert client_for(preparer).post(page("incident_report", with_preparer), data, headers=JSON).status_code == 403
    assert not Comment.objects.exists() and not Incident.objects.exists()


def test_a_handler_may_still_record_how_an_incident_was_resolved(ended, organiser, leader) -> None:
    """Handling was never limited to the meeting's hours: the resolution feeds report Mẫu 01."""
    incident = Incident.objects.get(meeting=ended)
    response = client_for(leader).post(
        reverse("live:incident_update", args=[ended.pk, incident.pk]), {"status": "resolved", "resolution": "x"}
    )
    assert response.status_code == 403
    contribution_actions.do_update_incident(
        organiser, incident, status=IncidentStatus.RESOLVED, resolution="Thay micro"
    )
    assert "Thay micro" in contributions.incident_notes(ended)
