"""The home page shows what meetings hold for the user (issue 10): the next meetings, the
invitations they still owe an answer (for themself or for a unit they answer for), the meetings
waiting for their approval, and the shortcuts their rights allow. Nothing of another unit's
meeting reaches an outsider; the number of queries does not grow with the meetings."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Right
from conftest import login, make_user
from meetings.actions.invitations import do_answer_invitation
from meetings.actions.registration import do_submit_meeting
from meetings.models import Answer, Invitation
from meetings.tests.conftest import approved, create


def home(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    """The markup from the element with this data-testid to the end of the page."""
    marker = f'data-testid="{testid}"'
    return html[html.index(marker) :] if marker in html else ""


def test_home_shows_the_meeting_i_am_invited_to(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, attendee)
    html = home(client)
    meetings = section(html, "home-meetings")
    assert f'data-meeting-id="{meeting.pk}"' in meetings and meeting.title in meetings
    with translation.override("vi"):
        assert translation.gettext("No upcoming meetings.") not in meetings


def test_home_without_meetings_says_so(client, attendee) -> None:
    login(client, attendee)
    with translation.override("vi"):
        nothing = translation.gettext("No upcoming meetings.")
    assert nothing in section(home(client), "home-meetings")


def test_unanswered_invitation_is_listed_with_its_answer_link_until_answered(
    client, organiser, leader, attendee
) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, attendee)
    owed = section(home(client), "home-unanswered")
    assert f'href="/meetings/{meeting.pk}/#answer"' in owed
    invitation = Invitation.objects.get(meeting=meeting, user=attendee)
    do_answer_invitation(attendee, invitation, answer=Answer.CONFIRMED)
    html = home(client)
    assert 'data-testid="home-unanswered"' not in html
    assert f'data-meeting-id="{meeting.pk}"' in section(html, "home-meetings")  # still one of my meetings


def test_the_meeting_page_has_the_answer_anchor(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, attendee)
    assert 'id="answer"' in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_substitute_owes_an_answer_in_place_of_the_invitee(client, organiser, leader, attendee, colleague) -> None:
    meeting = approved(organiser, leader, [attendee])
    invitation = Invitation.objects.get(meeting=meeting, user=attendee)
    do_answer_invitation(attendee, invitation, answer=Answer.DELEGATED, substitute=colleague)
    login(client, colleague)
    assert f'href="/meetings/{meeting.pk}/#answer"' in section(home(client), "home-unanswered")
    login(client, attendee)
    html = home(client)
    assert 'data-testid="home-unanswered"' not in html
    assert f'data-meeting-id="{meeting.pk}"' not in html  # who sent a substitute no longer takes part


def test_approval_waiting_for_the_leader_is_on_his_home_with_a_vietnamese_countdown(
    client, organiser, leader, attendee
) -> None:
    meeting = create(organiser, leader, [attendee], start_in=timedelta(days=10))
    do_submit_meeting(organiser, meeting)
    login(client, leader)
    approvals = section(home(client), "home-approvals")
    assert f'data-meeting-id="{meeting.pk}"' in approvals
    assert "/meetings/approvals/" in approvals
    assert "còn" in approvals and "ngày" in approvals
    assert " days" not in approvals and " hours" not in approvals


def test_approval_is_not_on_the_home_of_the_organiser_or_an_attendee(client, organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    for user in (organiser, attendee):
        login(client, user)
        assert 'data-testid="home-approvals"' not in home(client)


def test_an_outsider_sees_nothing_of_the_meeting_on_home(client, organiser, leader, attendee, stc_member) -> None:
    stc_leader = make_user("stc.lanhdao", stc_member.unit, Right.LEADER)
    submitted = create(organiser, leader, [attendee], title="Họp chờ duyệt")
    do_submit_meeting(organiser, submitted)
    meeting = approved(organiser, leader, [attendee], start_in=timedelta(days=6))
    for outsider in (stc_member, stc_leader):
        login(client, outsider)
        html = home(client)
        for m in (meeting, submitted):
            assert f"/meetings/{m.pk}/" not in html
            assert m.title not in html


def test_register_shortcut_only_for_those_who_may_register(client, organiser, attendee) -> None:
    login(client, organiser)
    assert 'href="/meetings/new/"' in section(home(client), "home-shortcuts")
    login(client, attendee)
    assert 'href="/meetings/new/"' not in home(client)


def test_unit_invitation_is_owed_by_the_unit_receiver(client, organiser, leader, attendee, province) -> None:
    receiver = make_user("stc.vanthu", province["stc"], full_name="Đào Văn Thư")
    province["stc"].document_receiver = receiver
    province["stc"].save(update_fields=["document_receiver"])
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    unit_invitation = Invitation.objects.get(meeting=meeting, unit=province["stc"])
    login(client, receiver)
    owed = section(home(client), "home-unanswered")
    assert f'href="/meetings/{meeting.pk}/#unit-{unit_invitation.pk}"' in owed
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'id="unit-{unit_invitation.pk}"' in page


def test_home_query_count_does_not_grow_with_meetings(client, organiser, leader, attendee, colleague) -> None:
    approved(organiser, leader, [attendee, colleague])
    pending = create(organiser, leader, [attendee], start_in=timedelta(days=9))
    do_submit_meeting(organiser, pending)
    login(client, leader)
    home(client)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        home(client)
    for days in (6, 7, 8):
        approved(organiser, leader, [attendee, colleague], start_in=timedelta(days=days, hours=days))
        more = create(organiser, leader, [attendee], start_in=timedelta(days=days + 10))
        do_submit_meeting(organiser, more)
    with CaptureQueriesContext(connection) as many:
        html = home(client)
    assert html.count('data-testid="home-approval-item"') == 4
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 25
