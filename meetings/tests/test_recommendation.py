"""The organiser's "Kiến nghị đề xuất" after the meeting (report Mẫu số 01)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from audit.models import AuditEntry
from live.actions import room as room_actions
from meetings.actions.reporting import do_set_recommendation
from meetings.models import Meeting
from meetings.tests.conftest import approved


@pytest.fixture
def ended(organiser, leader, attendee) -> Meeting:  # type: ignore[no-untyped-def]
    meeting = approved(organiser, leader, [attendee], start_in=timedelta(minutes=59))
    room_actions.do_start_meeting(leader, meeting)
    room_actions.do_end_meeting(leader, meeting)
    meeting.refresh_from_db()
    return meeting


def test_organiser_records_the_recommendation_once_ended_audited(ended, organiser) -> None:
    do_set_recommendation(organiser, ended, text="  Bổ sung màn hình  ")
    ended.refresh_from_db()
    assert ended.recommendation == "Bổ sung màn hình"
    assert AuditEntry.objects.filter(action="meeting.recommendation_set").count() == 1


def test_recommendation_is_refused_before_the_meeting_ends(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    with pytest.raises(PermissionDenied):
        do_set_recommendation(organiser, meeting, text="Sớm quá")


def test_attendee_and_chair_may_not_write_it(ended, attendee, leader) -> None:
    for user in (attendee, leader):
        with pytest.raises(PermissionDenied):
            do_set_recommendation(user, ended, text="x")


def test_an_oversized_recommendation_is_refused_nothing_changed(ended, organiser) -> None:
    with pytest.raises(ValidationError):
        do_set_recommendation(organiser, ended, text="x" * 4001)
    ended.refresh_from_db()
    assert ended.recommendation == ""


def test_the_meeting_page_form_saves_it(ended, organiser, stc_leader) -> None:
    client = Client()
    client.force_login(organiser)
    page = client.get(f"/meetings/{ended.pk}/")
    assert b'data-testid="recommendation-panel"' in page.content
    response = client.post(f"/meetings/{ended.pk}/recommendation/", {"recommendation": "Tập huấn"})
    assert response.status_code == 302
    ended.refresh_from_db()
    assert ended.recommendation == "Tập huấn"
    outsider = Client()
    outsider.force_login(stc_leader)
    assert outsider.post(f"/meetings/{ended.pk}/recommendation/", {"recommendation": "x"}).status_code == 404
