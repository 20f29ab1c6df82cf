"""The home page in a real browser, on a phone and on a desktop (issue 10): an invitee sees the
meeting they are invited to and the invitation they still owe an answer, and the answer link
takes them to the answer form; a leader sees the meeting waiting for his approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conftest import TEST_PASSWORD
from meetings.actions.registration import do_submit_meeting
from meetings.models import Answer, Invitation
from meetings.tests.conftest import approved, create
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser


def test_home_shows_my_meeting_and_the_answer_i_owe(ui: UI, organiser: User, leader: User, attendee: User) -> None:
    page = ui.page
    meeting = approved(organiser, leader, [attendee], title="Họp giao ban quý IV")
    detail = f"/meetings/{meeting.pk}/"

    ui.sign_in(attendee.username, TEST_PASSWORD)
    ui.expect_path("/")
    expect(page.get_by_test_id("home-meetings").locator(f'a[href="{detail}"]')).to_have_text("Họp giao ban quý IV")
    owed = page.get_by_test_id("home-unanswered-item").filter(has_text="Họp giao ban quý IV")
    expect(owed).to_be_visible()
    link = owed.get_by_test_id("home-answer-link")
    expect(link).to_have_attribute("href", f"{detail}#answer")
    ui.click_and_wait(link)
    ui.expect_path(f"{detail}#answer")
    form = page.get_by_test_id("answer-form")
    expect(form).to_be_in_viewport()
    form.locator(f'input[name="answer"][value="{Answer.CONFIRMED.value}"]').check()
    ui.click_and_wait(form.get_by_test_id("send-answer"))
    assert Invitation.objects.get(meeting=meeting, user=attendee).answer == Answer.CONFIRMED

    page.goto("/")
    expect(page.get_by_test_id("home-unanswered")).to_have_count(0)
    expect(page.get_by_test_id("home-meetings").locator(f'a[href="{detail}"]')).to_be_visible()
    expect(page.get_by_test_id("home-register")).to_have_count(0)  # not an organiser
    ui.assert_no_page_problems()


def test_home_shows_the_leader_the_meeting_waiting_for_his_approval(
    ui: UI, organiser: User, leader: User, attendee: User
) -> None:
    page = ui.page
    meeting = create(organiser, leader, [attendee], title="Họp bàn kế hoạch 2027", start_in=timedelta(days=10))
    do_submit_meeting(organiser, meeting)

    ui.sign_in(leader.username, TEST_PASSWORD)
    approvals = page.get_by_test_id("home-approvals")
    expect(approvals).to_be_visible()
    expect(approvals).to_contain_text("Họp bàn kế hoạch 2027")
    item = approvals.get_by_test_id("home-approval-item")
    expect(item).to_have_attribute("data-meeting-id", str(meeting.pk))
    expect(item).to_contain_text("còn ")
    expect(item).not_to_contain_text("days")
    ui.click_and_wait(item.locator(f'a[href="/meetings/{meeting.pk}/"]'))
    expect(page.get_by_test_id("approve")).to_be_visible()
    ui.sign_out()

    ui.sign_in(organiser.username, TEST_PASSWORD)
    expect(page.get_by_test_id("home-approvals")).to_have_count(0)
    expect(page.get_by_test_id("home-register")).to_be_visible()
    ui.assert_no_page_problems()
