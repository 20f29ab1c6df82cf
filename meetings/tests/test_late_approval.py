"""Điều 6.2: a leader may approve after the deadline (2 days before a regular meeting, 3 hours
before an urgent one) with a justification; the meeting is then shown as "Duyệt muộn"
everywhere it is listed, and counted as late by the statistics (the same stored decision of
meetings.rules.approval_is_late)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation

from conftest import login
from meetings.tests.conftest import approved

LATE = 'data-testid="approved-late"'


def test_approval_after_the_deadline_is_marked_late_on_the_meeting_page_and_lists(
    client, organiser, leader, attendee
) -> None:
    meeting = approved(organiser, leader, [attendee], start_in=timedelta(days=1))
    assert meeting.approved_late and meeting.late_justification
    with translation.override("vi"):
        label = translation.gettext("Late approval")
    assert label == "Duyệt muộn"
    login(client, organiser)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert LATE in page and "Duyệt muộn" in page
    assert LATE in client.get("/meetings/").content.decode()  # the organiser's list
    login(client, attendee)
    assert LATE in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_approval_before_the_deadline_shows_no_late_badge(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee], start_in=timedelta(days=5))
    assert not meeting.approved_late
    login(client, organiser)
    assert LATE not in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert LATE not in client.get("/meetings/").content.decode()
