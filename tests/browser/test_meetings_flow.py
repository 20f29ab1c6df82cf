"""Điều 6.1-6.3 in a real browser, on a phone and on a desktop.

An organiser of Sở Nội vụ registers a meeting with an agenda and invitees and submits it, the
unit's leader approves it from the approval queue, one invitee confirms after following the
notification, another sends a substitute of the unit (and loses sight of the meeting), the
weekly schedule shows the meeting, and an official of another unit cannot open it.

As in test_accounts_flow, texts are checked through data-testid, URLs and stable values; a
translated label is computed with Django's translation machinery in Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Locator, expect

from accounts.models import User
from audit.models import AuditEntry
from conftest import TEST_PASSWORD
from meetings.actions.common import check_times
from meetings.models import AgendaItem, Answer, Invitation, Meeting, MeetingKind, MeetingStatus, Room
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

MEETINGS_URL = "/meetings/"
NEW_MEETING_URL = "/meetings/new/"
APPROVALS_URL = "/meetings/approvals/"
NOTIFICATIONS_URL = "/notifications/"
CALENDAR_URL = "/calendar/"

TITLE = "Họp giao ban công tác cải cách hành chính tháng 12"
AGENDA = [
    ("Báo cáo kết quả cải cách hành chính", "Phòng Cải cách hành chính", 30),
    ("Thảo luận và kết luận", "Giám đốc Sở", 45),
]


def vietnamese(text: object) -> str:
    """A lazy text as the Vietnamese UI renders it (English until the catalogue has it)."""
    with translation.override("vi"):
        return str(text)


def vietnamese_gettext(message: str, **values: object) -> str:
    """A message of the code or of a {% blocktranslate %}, in Vietnamese, with its placeholders filled."""
    with translation.override("vi"):
        return gettext(message) % values if values else gettext(message)


def local_slot(days_ahead: int, hour: int, hours: int) -> tuple[datetime, datetime]:
    """A whole-hour slot in the province's time (the browser's time zone too)."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    start = timezone.make_aware(datetime.combine(day, time(hour)))
    return start, start + timedelta(hours=hours)


def datetime_local(value: datetime) -> str:
    """What an <input type="datetime-local"> takes: YYYY-MM-DDTHH:MM in local time."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def fill_meeting(
    form: Locator, *, start: datetime, end: datetime, room: Room, chair: User, attendees: list[User]
) -> None:
    form.locator('input[name="title"]').fill(TITLE)
    form.locator('select[name="kind"]').select_option(MeetingKind.REGULAR.value)
    form.locator('input[name="start"]').fill(datetime_local(start))
    form.locator('input[name="end"]').fill(datetime_local(end))
    form.locator('select[name="room"]').select_option(str(room.pk))
    pick(form, "chair", [chair])
    pick(form, "attendees", attendees)


def without_accents(text: str) -> str:
    """How people type on a phone without a Vietnamese keyboard: "Phan Van Hai"."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if not unicodedata.combining(c))


def pick(form: Locator, name: str, people: list[User]) -> None:
    """Choose people in a searchable picker (core/static/js/searchable-select.js): type the name
    without accents, then tick the person (a checkbox, or a radio button for one person)."""
    box = form.locator(f'[data-searchable-for="{name}"]')
    expect(form.locator(f'select[name="{name}"]')).to_be_hidden()  # replaced by the searchable list
    for person in people:
        box.locator("[data-search-input]").fill(without_accents(person.full_name).lower())
        choice = box.locator(f'input[value="{person.pk}"]')
        expect(choice).to_be_visible()
        choice.check()
        expect(choice).to_be_checked()
    # The hidden select, which the form posts, holds exactly the people ticked.
    chosen = form.locator(f'select[name="{name}"]').evaluate("s => Array.from(s.selectedOptions, o => o.value)")
    assert sorted(chosen) == sorted(str(person.pk) for person in people)


def fill_agenda_row(row: Locator, title: str, presenter: str, minutes: int) -> None:
    row.locator('input[name$="-title"]').fill(title)
    row.locator('input[name$="-presenter"]').fill(presenter)
    row.locator('input[name$="-duration_minutes"]').fill(str(minutes))


def expect_status(ui: UI, status: MeetingStatus) -> None:
    badge = ui.page.get_by_test_id("meeting-status")
    expect(badge).to_have_attribute("data-status", status.value)
    expect(badge).to_have_text(vietnamese(status.label))


def open_from_my_meetings(ui: UI, detail_url: str) -> None:
    """Meetings in the menu, then the meeting in the list of upcoming ones."""
    ui.go_via_menu(MEETINGS_URL)
    ui.click_and_wait(ui.page.get_by_test_id("upcoming-meetings").locator(f'a[href="{detail_url}"]'))
    ui.expect_path(detail_url)


def expect_not_found(ui: UI, path: str) -> None:
    response = ui.page.goto(path)
    assert response is not None
    assert response.status == 404


def test_meeting_is_registered_approved_and_answered(
    ui: UI,
    organiser: User,
    leader: User,
    attendee: User,
    colleague: User,
    snv_official: User,
    stc_member: User,
    room: Room,
) -> None:
    page = ui.page
    start, end = local_slot(7, 9, 2)

    # 1. The organiser registers the meeting: Meetings in the menu, then "Register a meeting".
    ui.sign_in(organiser.username, TEST_PASSWORD)
    ui.go_via_menu(MEETINGS_URL)
    ui.click_and_wait(page.get_by_test_id("new-meeting"))
    ui.expect_path(NEW_MEETING_URL)

    form = page.get_by_test_id("meeting-form")
    fill_meeting(form, start=start, end=end, room=room, chair=leader, attendees=[attendee, colleague])
    rows = form.get_by_test_id("agenda-row")
    shown_rows = rows.count()
    fill_agenda_row(rows.first, *AGENDA[0])
    ui.press(form.get_by_test_id("add-agenda"))
    expect(rows).to_have_count(shown_rows + 1)
    added = rows.last
    # The script numbers the new row as the formset's next form and puts the cursor in it.
    expect(page.locator("#id_agenda-TOTAL_FORMS")).to_have_value(str(shown_rows + 1))
    expect(added.locator('input[name$="-title"]')).to_have_attribute("name", f"agenda-{shown_rows}-title")
    expect(added.locator('input[name$="-title"]')).to_be_focused()
    expect(added.locator('input[name$="-duration_minutes"]')).to_have_value("15")
    fill_agenda_row(added, *AGENDA[1])
    ui.click_and_wait(form.get_by_test_id("save-meeting"))

    meeting = Meeting.objects.get(title=TITLE)
    detail_url = f"/meetings/{meeting.pk}/"
    ui.expect_path(detail_url)
    expect_status(ui, MeetingStatus.DRAFT)
    agenda = page.get_by_test_id("agenda").locator("li")
    expect(agenda).to_have_count(len(AGENDA))
    expect(agenda).to_contain_text([f"{title} — {presenter}" for title, presenter, _minutes in AGENDA])

    assert meeting.organiser == organiser and meeting.unit == organiser.unit
    assert (meeting.start, meeting.end) == (start, end)
    assert meeting.kind == MeetingKind.REGULAR
    assert meeting.room == room and meeting.chair == leader
    assert list(meeting.agenda_items.values_list("order", "title", "presenter", "duration_minutes")) == [
        (n, *line) for n, line in enumerate(AGENDA, start=1)
    ]
    assert set(meeting.invitations.values_list("user", flat=True)) == {attendee.pk, colleague.pk}

    ui.click_and_wait(page.get_by_test_id("submit-meeting"))
    ui.expect_path(detail_url)
    expect_status(ui, MeetingStatus.SUBMITTED)
    ui.sign_out()

    # 2. The leader finds it in the approval queue (Approvals in the menu) and approves it.
    ui.sign_in(leader.username, TEST_PASSWORD)
    ui.go_via_menu(APPROVALS_URL)
    queued = page.get_by_test_id("approval-queue").locator(f'a[href="{detail_url}"]')
    expect(queued).to_have_text(TITLE)
    ui.click_and_wait(queued)
    ui.expect_path(detail_url)
    expect_status(ui, MeetingStatus.SUBMITTED)
    ui.click_and_wait(page.get_by_test_id("approve"))
    ui.expect_path(detail_url)
    expect_status(ui, MeetingStatus.APPROVED)
    meeting.refresh_from_db()
    assert meeting.decided_by == leader and not meeting.approved_late
    ui.sign_out()

    # 3. The attendee sees the unread badge, follows the invitation from the notification centre
    #    and confirms.
    ui.sign_in(attendee.username, TEST_PASSWORD)
    menu = ui.open_menu()
    badge = menu.get_by_test_id("unread-badge")
    expect(badge).to_be_visible()
    unread = re.match(r"\d+", badge.inner_text().strip())
    assert unread is not None and int(unread.group()) >= 1, badge.inner_text()
    ui.click_and_wait(menu.get_by_test_id("notifications-link"))
    ui.expect_path(NOTIFICATIONS_URL)
    invitation_title = vietnamese_gettext("Invitation: %(title)s", title=TITLE)
    notice = page.get_by_test_id("notification").filter(has_text=invitation_title)
    expect(notice).to_have_count(1)
    expect(notice).to_have_attribute("data-unread", "1")
    ui.click_and_wait(notice.locator('button[type="submit"]'))  # marks it read and opens the meeting
    ui.expect_path(detail_url)
    expect_status(ui, MeetingStatus.APPROVED)

    answer_form = page.get_by_test_id("answer-form")
    answer_form.locator(f'input[name="answer"][value="{Answer.CONFIRMED.value}"]').check()
    ui.click_and_wait(answer_form.get_by_test_id("send-answer"))
    ui.expect_path(detail_url)
    expect(page.get_by_test_id("my-answer")).to_have_text(vietnamese(Answer.CONFIRMED.label))
    assert Invitation.objects.get(meeting=meeting, user=attendee).answer == Answer.CONFIRMED

    # 5. (while the attendee is signed in) The weekly schedule of the meeting's week shows it.
    ui.page.goto(f"{CALENDAR_URL}?week={timezone.localdate(start).isoformat()}")
    slot = page.locator(f'[data-testid="calendar-meeting"][data-meeting-id="{meeting.pk}"]').filter(visible=True)
    expect(slot).to_have_count(1)  # seven columns on a desktop, one day after another on a phone
    expect(slot).to_contain_text(TITLE)
    expect(slot).to_contain_text("09:00 – 11:00")
    expect(slot).to_have_attribute("data-status", MeetingStatus.APPROVED.value)
    ui.sign_out()

    # 4. The colleague sends a third official of Sở Nội vụ in their place, and then no longer
    #    sees the meeting; the substitute does, marked as attending in the colleague's place.
    ui.sign_in(colleague.username, TEST_PASSWORD)
    open_from_my_meetings(ui, detail_url)
    answer_form = page.get_by_test_id("answer-form")
    answer_form.locator(f'input[name="answer"][value="{Answer.DELEGATED.value}"]').check()
    answer_form.locator('select[name="substitute"]').select_option(str(snv_official.pk))
    ui.click_and_wait(answer_form.get_by_test_id("send-answer"))
    # Back to their meetings (the meeting page is no longer theirs), with the answer confirmed.
    ui.expect_path(MEETINGS_URL)
    expect(page.locator("main .alert-success")).to_have_text(vietnamese_gettext("Your answer was recorded."))
    expect(page.get_by_test_id("upcoming-meetings")).not_to_contain_text(TITLE)
    colleague_invitation = Invitation.objects.get(meeting=meeting, user=colleague)
    assert colleague_invitation.answer == Answer.DELEGATED
    expect_not_found(ui, detail_url)
    ui.sign_out()  # from the 404 page's menu

    ui.sign_in(snv_official.username, TEST_PASSWORD)
    open_from_my_meetings(ui, detail_url)
    in_place_of = vietnamese_gettext("attends in place of %(name)s", name=colleague.display_name)
    substitute_row = page.get_by_test_id("invitees").locator("li").filter(has_text=snv_official.display_name)
    expect(substitute_row.locator(".badge")).to_have_text([in_place_of])
    expect(page.get_by_test_id(f"answer-{colleague_invitation.pk}")).to_have_text(vietnamese(Answer.DELEGATED.label))
    expect(page.get_by_test_id("my-answer")).to_have_text(vietnamese(Answer.PENDING.label))
    expect(page.get_by_test_id("answer-form")).to_be_visible()  # the substitute answers in turn
    ui.sign_out()

    # 6. An official of Sở Tài chính cannot open the meeting.
    ui.sign_in(stc_member.username, TEST_PASSWORD)
    expect_not_found(ui, detail_url)

    ui.assert_no_page_problems()


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_end_before_start_is_refused_in_vietnamese_and_nothing_is_saved(
    ui: UI, organiser: User, leader: User, attendee: User, room: Room
) -> None:
    page = ui.page
    start, _ = local_slot(7, 14, 1)
    end = start - timedelta(hours=1)
    # The exact message the Vietnamese UI shows, from the rule that refuses the times.
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        check_times(start, end)
    (message,) = refused.value.messages
    assert message != "The end time must be after the start time."  # the catalogue has it

    ui.sign_in(organiser.username, TEST_PASSWORD)
    page.goto(NEW_MEETING_URL)
    form = page.get_by_test_id("meeting-form")
    fill_meeting(form, start=start, end=end, room=room, chair=leader, attendees=[attendee])
    fill_agenda_row(form.get_by_test_id("agenda-row").first, *AGENDA[0])
    ui.click_and_wait(form.get_by_test_id("save-meeting"))

    ui.expect_path(NEW_MEETING_URL)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    feedback = page.locator("#id_end ~ .invalid-feedback")
    expect(feedback).to_have_text([message])
    expect(feedback).to_be_visible()
    expect(page.locator("#id_end")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main .invalid-feedback")).to_have_count(1)  # only the end is wrong
    # What was typed is still there to correct.
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_start")).to_have_value(datetime_local(start))
    expect(page.locator("#id_end")).to_have_value(datetime_local(end))
    expect(page.locator('input[name="agenda-0-title"]')).to_have_value(AGENDA[0][0])

    assert not Meeting.objects.exists()
    assert not AgendaItem.objects.exists()
    assert not Invitation.objects.exists()
    assert not AuditEntry.objects.filter(action="meeting.created").exists()
    ui.assert_no_page_problems()


def test_unit_and_chair_pickers_are_searchable_without_accents(
    ui: UI, organiser: User, leader: User, attendee: User, room: Room, province: dict
) -> None:
    """145 units and every official: the organiser types "noi vu" and finds "Sở Nội vụ"; the
    chair picker lists the leaders first; what was ticked is what is saved."""
    page = ui.page
    start, end = local_slot(7, 14, 1)
    ui.sign_in(organiser.username, TEST_PASSWORD)
    page.goto(NEW_MEETING_URL)
    form = page.get_by_test_id("meeting-form")

    chair_box = form.locator('[data-searchable-for="chair"]')
    first_choice = chair_box.locator("input[type=radio]").nth(1)  # after "— choose the chair —"
    expect(first_choice).to_have_attribute("value", str(leader.pk))  # the leader comes first
    expect(chair_box).to_contain_text(vietnamese_gettext("Leaders"))

    units = form.locator('[data-searchable-for="attendee_units"]')
    search = units.locator("[data-search-input]")
    search.fill("noi vu")  # "Sở Nội vụ" and its "Văn phòng Sở Nội vụ", nothing else
    visible = units.locator("input[type=checkbox]").filter(visible=True)
    expect(visible).to_have_count(2)
    expect(units.locator(f'input[value="{province["snv"].pk}"]')).to_be_visible()
    expect(units.locator(f'input[value="{province["snv_sub"].pk}"]')).to_be_visible()
    search.fill("VAN PHONG so noi")  # every word counts, in any case
    expect(visible).to_have_count(1)
    expect(units.locator(f'input[value="{province["snv_sub"].pk}"]')).to_be_visible()
    search.fill("khong co don vi nao")
    expect(visible).to_have_count(0)
    expect(units).to_contain_text(vietnamese_gettext("Nothing matches."))
    search.fill("TAI CHINH")
    stc_box = units.locator(f'input[value="{province["stc"].pk}"]')
    expect(stc_box).to_be_visible()
    stc_box.check()
    expect(units.locator("[data-search-count]")).to_have_text(vietnamese_gettext("Selected: %(count)s", count=1))
    search.press("Enter")  # Enter in the filter box does not send the form
    ui.expect_path(NEW_MEETING_URL)

    form.locator('input[name="title"]').fill(TITLE)
    form.locator('input[name="start"]').fill(datetime_local(start))
    form.locator('input[name="end"]').fill(datetime_local(end))
    form.locator('select[name="room"]').select_option(str(room.pk))
    pick(form, "chair", [leader])
    pick(form, "attendees", [attendee])
    ui.click_and_wait(form.get_by_test_id("save-meeting"))
    meeting = Meeting.objects.get(title=TITLE)
    ui.expect_path(f"/meetings/{meeting.pk}/")
    assert meeting.chair == leader
    assert list(meeting.invitations.filter(kind="unit").values_list("unit", flat=True)) == [province["stc"].pk]
    # Sở Tài chính has no document receiver: the organiser is told at once, naming it.
    expect(page.get_by_test_id("receiver-warning")).to_contain_text(province["stc"].name)
    ui.assert_no_page_problems()
