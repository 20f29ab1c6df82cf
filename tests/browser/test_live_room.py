"""Điều 3.1c and 5.5 in real browsers: the chair's console on a desktop, two attendees on
phones, and the room's projector, all at once.

The attendees check in from their phones and the chair's console counts them without a
reload; the chair starts the meeting and moves to the second agenda item; the attendees'
screens and the projector follow.

The screens are live through websockets, which pytest-django's WSGI live server does not
serve: this module runs the project's ASGI application (HTTP, static files and websockets)
in uvicorn, in a thread of the test process, so it uses the test database and the in-memory
channel layer like the rest of the test. The connection badge of each screen is checked to be
"live", so the test exercises the socket, not the snapshot.json polling fallback.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.models import User
from conftest import TEST_PASSWORD
from live.actions import checkin
from live.actions import room as room_actions
from live.actions.common import live_state
from meetings.models import Meeting, MeetingStatus
from meetings.tests.conftest import approved
from polls.models import Participation
from tests.browser.conftest import ACTION_TIMEOUT_MS, DEVICES, UI, _save_artifacts

pytestmark = pytest.mark.browser

LIVE_TIMEOUT_MS = 8_000  # an event reaches the other screens well within this


@pytest.fixture
def asgi_server(transactional_db: None, _allow_async_unsafe: None) -> Iterator[str]:
    """The ASGI application (with static files) served by uvicorn on a free port."""
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from ecabinet.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-live-room", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def screens(browser: Browser, asgi_server: str, request: pytest.FixtureRequest) -> Iterator[dict[str, UI]]:
    """One browser context per person (and one for the projector), saved as artifacts on failure."""
    contexts: list[BrowserContext] = []
    uis: dict[str, UI] = {}

    def open_screen(name: str, device: str, viewport: dict[str, int] | None = None) -> UI:
        options = {**DEVICES[device], **({"viewport": viewport} if viewport else {})}
        ctx = browser.new_context(base_url=asgi_server, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **options)
        ctx.set_default_timeout(ACTION_TIMEOUT_MS)
        ctx.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
        contexts.append(ctx)
        uis[name] = UI(ctx.new_page(), device, asgi_server)
        return uis[name]

    uis_factory: Any = open_screen
    yield uis_factory
    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed
    for name, ui in uis.items():
        if failed and not ui.page.is_closed():
            _save_artifacts(ui.page, f"{request.node.name}-{name}")
    for ctx in contexts:
        ctx.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


@pytest.fixture
def meeting(organiser: User, leader: User, attendee: User, colleague: User) -> Meeting:
    """Approved, starting in just under an hour: check-in is open."""
    return approved(organiser, leader, [attendee, colleague], start_in=timedelta(minutes=59))


def expect_live(page: Page) -> None:
    expect(page.get_by_test_id("live-connection")).to_have_attribute("data-state", "live", timeout=LIVE_TIMEOUT_MS)


def mark_page(page: Page) -> None:
    """A flag that a reload would wipe out: the screens must change without one."""
    page.evaluate("window.__notReloaded = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__notReloaded === true")


def test_attendees_check_in_and_every_screen_follows_the_chair(
    screens: Any, meeting: Meeting, leader: User, attendee: User, colleague: User
) -> None:
    room_url = f"/live/{meeting.pk}/"
    console_url = f"/live/{meeting.pk}/console/"
    display_url = f"/live/display/{live_state(meeting).display_token}/"
    second = meeting.agenda_items.get(order=2)

    # The chair opens the console on a desktop; the projector shows the room screen.
    chair = screens("chair", "desktop")
    chair.sign_in(leader.username, TEST_PASSWORD)
    chair.page.goto(console_url)
    expect_live(chair.page)
    mark_page(chair.page)
    expect(chair.page.get_by_test_id("count-present")).to_have_text("0")

    projector = screens("projector", "desktop")
    projector.page.goto(display_url)
    expect_live(projector.page)
    expect(projector.page.get_by_test_id("display-qr").locator("svg")).to_be_visible()

    # Two attendees on their phones check in.
    phones = []
    for user in (attendee, colleague):
        phone = screens(user.username, "phone")
        phone.sign_in(user.username, TEST_PASSWORD)
        phone.page.goto(room_url)
        expect_live(phone.page)
        mark_page(phone.page)
        phones.append(phone)

    for done, phone in enumerate(phones, start=1):
        button = phone.page.get_by_test_id("checkin-button")
        expect(button).to_be_in_viewport()
        phone.press(button)
        expect(phone.page.get_by_test_id("my-attendance")).to_have_attribute("data-status", "present")
        expect(button).to_be_hidden()
        # The chair's console counts them without a reload; so does the projector.
        expect(chair.page.get_by_test_id("count-present")).to_have_text(str(done), timeout=LIVE_TIMEOUT_MS)
        expect(projector.page.get_by_test_id("count-present")).to_have_text(str(done), timeout=LIVE_TIMEOUT_MS)
    expect(chair.page.get_by_test_id("quorum")).to_have_attribute("data-reached", "1")
    expect(chair.page.locator('[data-live-attendance-row][data-status="present"]')).to_have_count(2)

    # The chair starts the meeting and moves to the second item.
    chair.press(chair.page.get_by_test_id("start-meeting"))
    for ui in (chair, projector, *phones):
        expect(ui.page.get_by_test_id("live-status")).to_have_attribute(
            "data-status", MeetingStatus.IN_PROGRESS.value, timeout=LIVE_TIMEOUT_MS
        )
    move = chair.page.get_by_test_id("move-to-item-2")
    expect(move).to_be_visible()
    chair.press(move)
    expected = f"2. {second.title}"
    for ui in (chair, projector, *phones):
        expect(ui.page.get_by_test_id("current-item")).to_have_text(expected, timeout=LIVE_TIMEOUT_MS)
    expect(projector.page.get_by_test_id("count-present")).to_have_text("2")

    # The chair holds a vote on the spot; both attendees vote from their phones; the chair sees
    # the progress live, closes it, and the result appears on every screen and the projector.
    create = chair.page.get_by_test_id("vote-create")
    create.locator("textarea[name=question]").fill("Thông qua chương trình kỳ họp?")
    chair.press(create.get_by_test_id("vote-create-submit"))
    for index, phone in enumerate(phones):
        option = phone.page.get_by_test_id("vote-option").nth(index)  # one in favour, one against
        expect(option).to_be_visible(timeout=LIVE_TIMEOUT_MS)
        phone.press(option)
        expect(phone.page.get_by_test_id("vote-recorded")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(chair.page.get_by_test_id("vote-progress")).to_contain_text("2/2", timeout=LIVE_TIMEOUT_MS)
    chair.press(chair.page.get_by_test_id("vote-close"))
    for ui in (chair, projector, *phones):
        results = ui.page.get_by_test_id("vote-results")
        expect(results).to_contain_text("Tán thành", timeout=LIVE_TIMEOUT_MS)
        expect(results).to_contain_text("Không tán thành")
    assert Participation.objects.filter(poll__meeting=meeting).count() == 2

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS
    assert live_state(meeting).current_item_id == second.pk
    for ui in (chair, *phones):
        assert_not_reloaded(ui.page)
    for ui in (chair, projector, *phones):
        expect(ui.page.get_by_test_id("live-alert")).to_be_hidden()
        ui.assert_no_page_problems()


# --- issue 10: what the officials found -----------------------------------------------------------


def rendered_size(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box["width"], box["height"]


def test_the_check_in_code_stays_visible_after_it_is_refreshed(
    screens: Any, meeting: Meeting, leader: User, settings: Any
) -> None:
    """The code used to vanish (0x0) at its first refresh on the projector and the console."""
    settings.LIVE_QR_REFRESH_SECONDS = 2
    display_url = f"/live/display/{live_state(meeting).display_token}/"
    projector = screens("projector", "desktop", {"width": 1366, "height": 768})
    projector.page.goto(display_url)
    chair = screens("chair", "desktop")
    chair.sign_in(leader.username, TEST_PASSWORD)
    chair.page.goto(f"/live/{meeting.pk}/console/")
    for ui, testid in ((projector, "display-qr"), (chair, "console-qr")):
        box = ui.page.get_by_test_id(testid)
        # Wait for two refreshes: the code was replaced by the fetched qr.svg, twice.
        expect(box).to_have_attribute("data-qr-refreshes", re.compile(r"^([2-9]|\d\d+)$"), timeout=LIVE_TIMEOUT_MS)
        code = box.locator("svg")
        expect(code).to_have_count(1)
        assert code.evaluate("el => el.namespaceURI") == "http://www.w3.org/2000/svg"
        width, height = rendered_size(code)
        assert width > 100 and height > 100, (testid, width, height)
        ui.assert_no_page_problems()


def test_a_vote_opened_by_the_chair_is_announced_at_the_top_of_the_phone(
    screens: Any, meeting: Meeting, leader: User, attendee: User
) -> None:
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(attendee, meeting)
    phone = screens("attendee", "phone")
    phone.sign_in(attendee.username, TEST_PASSWORD)
    phone.page.goto(f"/live/{meeting.pk}/")
    expect_live(phone.page)
    announcer = phone.page.locator('[data-live="vote-announcer"]')
    expect(announcer).to_have_attribute("aria-live", "assertive")
    expect(phone.page.get_by_test_id("vote-banner")).to_have_count(0)
    # The delegate reads the documents at the bottom of the screen when the vote opens.
    phone.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    phone.page.evaluate("window.__notReloaded = true")

    chair = screens("chair", "desktop")
    chair.sign_in(leader.username, TEST_PASSWORD)
    chair.page.goto(f"/live/{meeting.pk}/console/")
    expect_live(chair.page)
    create = chair.page.get_by_test_id("vote-create")
    create.locator("textarea[name=question]").fill("Thông qua kế hoạch năm 2027?")
    chair.press(create.get_by_test_id("vote-create-submit"))

    banner = phone.page.get_by_test_id("vote-banner")
    expect(banner).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(banner).to_contain_text("Thông qua kế hoạch năm 2027?")
    expect(banner).to_contain_text("Đang có biểu quyết")
    expect(banner).to_be_in_viewport()
    box = banner.bounding_box()
    assert box is not None and 0 <= box["y"] <= 16, box  # at the top of the screen, whatever the scroll
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.press(banner.get_by_test_id("vote-banner-go"))
    option = phone.page.get_by_test_id("vote-option").first
    expect(option).to_be_in_viewport()
    phone.press(option)
    expect(phone.page.get_by_test_id("vote-recorded")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(banner).to_have_count(0)  # voted: nothing left to announce
    assert_not_reloaded(phone.page)
    phone.assert_no_page_problems()
    chair.assert_no_page_problems()


def test_only_the_floor_controls_that_apply_are_shown_and_the_record_stays_after_the_end(
    screens: Any, meeting: Meeting, leader: User, attendee: User
) -> None:
    room_actions.do_start_meeting(leader, meeting)
    phone = screens("attendee", "phone")
    phone.sign_in(attendee.username, TEST_PASSWORD)
    phone.page.goto(f"/live/{meeting.pk}/")
    expect_live(phone.page)
    chair = screens("chair", "desktop")
    chair.sign_in(leader.username, TEST_PASSWORD)
    chair.page.goto(f"/live/{meeting.pk}/console/")
    expect_live(chair.page)

    ask, withdraw, done = (phone.page.get_by_test_id(t) for t in ("request-floor", "withdraw-floor", "end-own-turn"))
    end_turn = chair.page.get_by_test_id("end-turn")
    # Nobody speaks, nothing asked: only "ask for the floor"; no "stop" control anywhere.
    expect(ask).to_be_visible()
    expect(withdraw).to_be_hidden()
    expect(done).to_be_hidden()
    expect(end_turn).to_be_hidden()

    phone.press(ask)
    expect(withdraw).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(ask).to_be_hidden()
    expect(phone.page.get_by_test_id("my-floor")).to_contain_text("thứ tự 1")

    grant = chair.page.get_by_test_id("floor-grant")
    expect(grant).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    chair.press(grant)
    expect(done).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(withdraw).to_be_hidden()
    expect(end_turn).to_be_visible(timeout=LIVE_TIMEOUT_MS)

    phone.press(done)
    expect(end_turn).to_be_hidden(timeout=LIVE_TIMEOUT_MS)
    expect(done).to_be_hidden()
    expect(ask).to_be_visible()

    # The chair ends the meeting: no request-to-speak controls are left on the phone.
    chair.page.once("dialog", lambda dialog: dialog.accept())
    chair.press(chair.page.get_by_test_id("end-meeting"))
    expect(phone.page.get_by_test_id("live-status")).to_have_attribute(
        "data-status", MeetingStatus.ENDED.value, timeout=LIVE_TIMEOUT_MS
    )
    expect(phone.page.get_by_test_id("speak-controls")).to_be_hidden()
    expect(ask).to_be_hidden()

    # After the end the chair still opens the compiled comments (Điều 6.5).
    chair.page.goto(f"/live/{meeting.pk}/")
    chair.click_and_wait(chair.page.get_by_test_id("comments-link"))
    chair.expect_path(f"/live/{meeting.pk}/comments/")
    expect(chair.page.get_by_test_id("comments-xlsx")).to_be_visible()
    for ui in (phone, chair):
        ui.assert_no_page_problems()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_projector_fits_the_quorum_line_on_screen(
    screens: Any, meeting: Meeting, leader: User, attendee: User, colleague: User, size: tuple[int, int]
) -> None:
    width, height = size
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(attendee, meeting)
    checkin.do_check_in(colleague, meeting)
    projector = screens("projector", "desktop", {"width": width, "height": height})
    projector.page.goto(f"/live/display/{live_state(meeting).display_token}/")
    expect_live(projector.page)
    quorum = projector.page.get_by_test_id("quorum")
    expect(quorum).to_contain_text("Đã đủ số đại biểu tối thiểu")
    box = quorum.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (box, height)
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    assert projector.page.evaluate("document.documentElement.scrollWidth") <= width
    code_width, code_height = rendered_size(projector.page.get_by_test_id("display-qr").locator("svg"))
    assert code_width > 100 and code_height > 100
    projector.assert_no_page_problems()


# --- issue 14: after the end, the room offers nothing that no longer applies ------------------------


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_ending_the_meeting_takes_the_controls_off_an_open_attendee_page(
    screens: Any, meeting: Meeting, leader: User, attendee: User, device: str
) -> None:
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(attendee, meeting)
    from live.actions import voting as vote_actions

    vote_actions.do_create_vote(leader, meeting, question="Thông qua dự toán bổ sung?", open_now=True)

    person = screens("attendee", device)
    person.sign_in(attendee.username, TEST_PASSWORD)
    person.page.goto(f"/live/{meeting.pk}/")
    expect_live(person.page)
    mark_page(person.page)
    ask = person.page.get_by_role("button", name="Đăng ký phát biểu")
    expect(ask).to_be_visible()
    for testid in ("comment-box", "incident-box", "vote-banner"):
        expect(person.page.get_by_test_id(testid)).to_be_visible()
    expect(person.page.get_by_test_id("vote-option").first).to_be_visible()
    expect(person.page.get_by_test_id("ended-notice")).to_be_hidden()

    projector = screens("projector", "desktop")
    projector.page.goto(f"/live/display/{live_state(meeting).display_token}/")
    expect_live(projector.page)
    expect(projector.page.get_by_test_id("display-checkin")).to_be_visible()

    chair = screens("chair", "desktop")
    chair.sign_in(leader.username, TEST_PASSWORD)
    chair.page.goto(f"/live/{meeting.pk}/console/")
    expect_live(chair.page)
    mark_page(chair.page)
    expect(chair.page.get_by_test_id("vote-create")).to_be_visible()
    chair.page.once("dialog", lambda dialog: dialog.accept())
    chair.press(chair.page.get_by_test_id("end-meeting"))

    # Without a reload: the attendee's page keeps the record and offers nothing more.
    expect(person.page.get_by_test_id("live-status")).to_have_attribute(
        "data-status", MeetingStatus.ENDED.value, timeout=LIVE_TIMEOUT_MS
    )
    expect(person.page.get_by_test_id("ended-notice")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(ask).to_be_hidden()
    expect(person.page.get_by_test_id("speak-controls")).to_be_hidden()
    for testid in ("comment-box", "incident-box"):
        expect(person.page.get_by_test_id(testid)).to_be_hidden()
    expect(person.page.get_by_test_id("vote-option")).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    expect(person.page.get_by_test_id("vote-banner")).to_have_count(0)
    expect(person.page.get_by_test_id("vote-results")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(person.page.get_by_test_id("my-attendance")).to_have_attribute("data-status", "present")
    expect(person.page.get_by_test_id("count-present")).to_have_text("1")
    assert_not_reloaded(person.page)

    # The console and the projector drop what belonged to the running meeting.
    for testid in ("end-meeting", "settings-form", "console-qr"):
        expect(chair.page.get_by_test_id(testid)).to_be_hidden(timeout=LIVE_TIMEOUT_MS)
    expect(chair.page.get_by_test_id("vote-create")).to_have_count(0)
    expect(chair.page.get_by_test_id("vote-open")).to_have_count(0)
    expect(chair.page.get_by_test_id("ended-notice")).to_be_visible()
    assert_not_reloaded(chair.page)
    expect(projector.page.get_by_test_id("display-checkin")).to_be_hidden(timeout=LIVE_TIMEOUT_MS)
    expect(projector.page.get_by_test_id("ended-notice")).to_be_visible()

    # A reload shows the same: the pages are rendered without the controls.
    person.page.reload()
    expect_live(person.page)
    expect(person.page.get_by_role("button", name="Đăng ký phát biểu")).to_have_count(0)
    expect(person.page.get_by_test_id("vote-results")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    for ui in (person, chair, projector):
        expect(ui.page.get_by_test_id("live-alert")).to_be_hidden()
        ui.assert_no_page_problems()
