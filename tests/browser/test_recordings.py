"""Điều 6.4a in a real browser: the chair records the meeting from the console with Chromium's fake
microphone, the network drops in the middle, the chair pauses, resumes and stops; every piece
reaches the server, with no gap, and the paused interval is kept. The recording indicator of the
console follows (the live room's events through the ASGI server of test_live_room).

Chromium is launched here with the fake media flags (the package's shared browser has none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, expect

from conftest import TEST_PASSWORD
from live.actions import room as room_actions
from meetings.tests.conftest import approved
from recordings.models import Recording, RecordingChunk, RecordingStatus
from recordings.queries import missing_seqs, paused_intervals
from recordings.tasks import finalize_recording
from tests.browser.conftest import ACTION_TIMEOUT_MS, CHROMIUM, CHROMIUM_ARGS, DEVICES, UI, _save_artifacts
from tests.browser.test_live_room import asgi_server  # noqa: F401  (the ASGI server fixture)

pytestmark = pytest.mark.browser

FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
CHUNK_WAIT_MS = 20_000  # pieces are cut every 5 s and resent with a back-off of at most 5 s


@pytest.fixture(scope="module")
def media_browser(playwright_driver: Playwright) -> Iterator[Browser]:
    chromium = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *FAKE_MEDIA]
    )
    yield chromium
    chromium.close()


@pytest.fixture
def console(
    media_browser: Browser,
    asgi_server: str,  # noqa: F811
    device: str,
) -> Iterator[tuple[UI, BrowserContext]]:
    ctx = media_browser.new_context(
        base_url=asgi_server,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        permissions=["microphone"],
        **DEVICES[device],
    )
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    page = ctx.new_page()
    ui = UI(page, device, asgi_server)
    yield ui, ctx
    ctx.close()


@pytest.fixture
def started(organiser: Any, leader: Any, attendee: Any, colleague: Any) -> Any:
    meeting = approved(organiser, leader, [attendee, colleague], start_in=timedelta(minutes=59))
    return room_actions.do_start_meeting(leader, meeting)


def _waiting(ui: UI) -> Any:
    return ui.page.get_by_test_id("recorder-progress")


def test_the_console_records_through_a_network_cut_and_a_pause_without_losing_a_piece(
    console: tuple[UI, BrowserContext], started: Any, leader: Any
) -> None:
    ui, ctx = console
    try:
        _record(ui, ctx, started, leader)
    except BaseException:
        _save_artifacts(ui.page, f"test_recordings_console_{ui.device}")
        raise


def _record(ui: UI, ctx: BrowserContext, started: Any, leader: Any) -> None:
    ui.sign_in(leader.username, TEST_PASSWORD)
    ui.page.goto(f"/live/{started.pk}/console/")
    panel = ui.page.get_by_test_id("recorder-panel")
    indicator = ui.page.get_by_test_id("recording-indicator")
    expect(indicator).to_be_hidden()

    # the room's projector, opened before the recording starts, follows it
    projector = ctx.new_page()
    projector.goto(f"/live/display/{started.live.display_token}/")
    projector_indicator = projector.get_by_test_id("recording-indicator")
    expect(projector_indicator).to_be_hidden()

    ui.press(panel.get_by_test_id("recorder-start"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "recording")
    expect(indicator).to_be_visible()
    expect(indicator).to_have_attribute("data-state", "recording")
    expect(projector_indicator).to_be_visible()
    expect(projector_indicator).to_contain_text("Đang ghi âm")
    projector.close()
    # the first piece arrives
    expect(_waiting(ui)).to_have_attribute("data-sent", re.compile(r"^[1-9]"), timeout=CHUNK_WAIT_MS)

    # the network drops: the next piece waits in IndexedDB, then goes when the network returns
    ctx.set_offline(True)
    expect(_waiting(ui)).to_have_attribute("data-waiting", re.compile(r"^[1-9]"), timeout=CHUNK_WAIT_MS)
    expect(panel.get_by_test_id("recorder-error")).to_be_visible()
    ctx.set_offline(False)
    expect(_waiting(ui)).to_have_attribute("data-waiting", "0", timeout=CHUNK_WAIT_MS)

    ui.press(panel.get_by_test_id("recorder-pause"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "paused")
    expect(indicator).to_have_attribute("data-state", "paused")
    ui.press(panel.get_by_test_id("recorder-resume"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "recording")
    expect(indicator).to_have_attribute("data-state", "recording")
    sent = int(_waiting(ui).get_attribute("data-sent") or 0)
    expect(_waiting(ui)).not_to_have_attribute("data-sent", str(sent), timeout=CHUNK_WAIT_MS)

    ui.page.once("dialog", lambda dialog: dialog.accept())
    ui.press(panel.get_by_test_id("recorder-stop"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "idle", timeout=CHUNK_WAIT_MS)
    expect(panel.get_by_test_id("recorder-gaps")).to_be_hidden()
    expect(indicator).to_be_hidden()

    recording = Recording.objects.get(meeting=started)
    chunks = list(RecordingChunk.objects.filter(recording=recording).values_list("seq", flat=True))
    assert recording.status == RecordingStatus.FINISHING
    assert chunks == list(range(recording.expected_chunks or 0)) and len(chunks) >= 3
    assert missing_seqs(recording) == []
    assert len(paused_intervals(recording)) == 1
    assert finalize_recording.call(recording.pk) == "stopped"
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.STOPPED and (recording.duration or 0) > 5
    ui.assert_no_page_problems()


def test_a_reloaded_console_continues_the_recording_and_sends_what_it_held(
    console: tuple[UI, BrowserContext], started: Any, leader: Any
) -> None:
    ui, _ctx = console
    try:
        _reload(ui, started, leader)
    except BaseException:
        _save_artifacts(ui.page, f"test_recordings_reload_{ui.device}")
        raise


def _reload(ui: UI, started: Any, leader: Any) -> None:
    ui.sign_in(leader.username, TEST_PASSWORD)
    ui.page.goto(f"/live/{started.pk}/console/")
    panel = ui.page.get_by_test_id("recorder-panel")
    ui.press(panel.get_by_test_id("recorder-start"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "recording")
    # the server stops answering pieces: they pile up in IndexedDB
    ui.page.route("**/chunks/**", lambda route: route.abort())
    expect(_waiting(ui)).to_have_attribute("data-waiting", re.compile(r"^[1-9]"), timeout=CHUNK_WAIT_MS)
    ui.page.reload()
    panel = ui.page.get_by_test_id("recorder-panel")
    # the reloaded console continues the same recording by itself
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "recording")
    ui.page.unroute("**/chunks/**")
    expect(_waiting(ui)).to_have_attribute("data-sent", re.compile(r"^[1-9]"), timeout=CHUNK_WAIT_MS)
    expect(_waiting(ui)).to_have_attribute("data-waiting", "0", timeout=CHUNK_WAIT_MS)
    ui.page.once("dialog", lambda dialog: dialog.accept())
    ui.press(panel.get_by_test_id("recorder-stop"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "idle", timeout=CHUNK_WAIT_MS)

    recording = Recording.objects.get(meeting=started)
    chunks = list(RecordingChunk.objects.filter(recording=recording).order_by("seq"))
    assert [c.seq for c in chunks] == list(range(recording.expected_chunks or 0)) and len(chunks) >= 2
    assert sum(c.starts_stream for c in chunks) == 2  # one MediaRecorder session before the reload, one after
    assert finalize_recording.call(recording.pk) == "stopped"
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.STOPPED and (recording.duration or 0) > 0


def test_the_sound_system_file_is_uploaded_and_a_bad_file_refused(
    console: tuple[UI, BrowserContext], started: Any, organiser: Any, tmp_path: Any
) -> None:
    from recordings.tests.conftest import tone

    ui, _ctx = console
    good = tmp_path / "am-thanh-phong-hop.wav"
    good.write_bytes(tone(2.0, fmt="wav"))
    bad = tmp_path / "khong-phai-am-thanh.mp3"
    bad.write_bytes(b"%PDF-1.4 " * 500)
    try:
        ui.sign_in(organiser.username, TEST_PASSWORD)
        ui.page.goto(f"/recordings/meetings/{started.pk}/")
        form = ui.page.get_by_test_id("recording-upload-form")
        form.locator("input[type=file]").set_input_files(str(bad))
        ui.press(form.get_by_test_id("recording-upload-button"))
        expect(form.get_by_test_id("recording-upload-message")).to_contain_text("không phải là bản ghi âm")
        assert not Recording.objects.exists()
        form.locator("input[type=file]").set_input_files(str(good))
        with ui.page.expect_navigation():
            ui.press(form.get_by_test_id("recording-upload-button"))
        expect(ui.page.get_by_test_id("recording-status")).to_have_attribute("data-status", "stopped")
        assert Recording.objects.get().original_name == good.name
        ui.assert_no_page_problems()
    except BaseException:
        _save_artifacts(ui.page, f"test_recordings_upload_{ui.device}")
        raise
