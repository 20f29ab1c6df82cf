"""Who sees a meeting: organiser and unit admins always; leaders from submission; invitees
after approval; everyone else gets 404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.permissions import Perm, can
from conftest import login
from meetings.access import visible_meetings
from meetings.actions.approval import do_approve_meeting
from meetings.actions.registration import do_submit_meeting
from meetings.tests.conftest import approved, create


def test_a_draft_is_seen_by_its_organiser_and_unit_admin_only(
    organiser, leader, attendee, snv_admin, stc_admin
) -> None:
    meeting = create(organiser, leader, [attendee])
    assert can(organiser, Perm.VIEW_MEETING, meeting) and can(snv_admin, Perm.VIEW_MEETING, meeting)
    for outsider in (leader, attendee, stc_admin):
        assert not can(outsider, Perm.VIEW_MEETING, meeting)


def test_attendees_see_the_meeting_only_after_approval(organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    assert can(leader, Perm.VIEW_MEETING, meeting) and not can(attendee, Perm.VIEW_MEETING, meeting)
    do_approve_meeting(leader, meeting)
    meeting.refresh_from_db()
    assert can(attendee, Perm.VIEW_MEETING, meeting)
    assert list(visible_meetings(attendee)) == [meeting]


@pytest.mark.parametrize("path", ["", "edit/", "dashboard/", "postpone/", "invitation.pdf", "meeting.ics"])
def test_outsider_gets_404_everywhere(client, organiser, leader, attendee, stc_member, path) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, stc_member)
    assert client.get(f"/meetings/{meeting.pk}/{path}").status_code == 404


def test_attendee_cannot_open_the_organiser_dashboard(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, attendee)
    assert client.get(f"/meetings/{meeting.pk}/dashboard/").status_code == 403


def test_visible_meetings_matches_the_rule(organiser, leader, attendee, colleague, stc_member) -> None:
    shown = approved(organiser, leader, [attendee])
    create(organiser, leader, [attendee], start_in=timedelta(days=9))  # draft
    approved(organiser, leader, [colleague], start_in=timedelta(days=10))
    for user in (organiser, leader, attendee, colleague, stc_member):
        from meetings.models import Meeting

        by_rule = {m.pk for m in Meeting.objects.all() if can(user, Perm.VIEW_MEETING, m)}
        assert {m.pk for m in visible_meetings(user)} == by_rule, user.username
    assert shown in visible_meetings(attendee)


def test_detail_page_query_count_is_bounded(client, organiser, leader, province, django_assert_max_num_queries) -> None:
    from conftest import make_user

    people = [make_user(f"nguoi.{n}", province["snv"]) for n in range(25)]
    meeting = approved(organiser, leader, people)
    login(client, organiser)
    with django_assert_max_num_queries(40):
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
