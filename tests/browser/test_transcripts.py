"""Điều 6.4a in a real browser, at a phone and a desktop size:
- the chair records from the console (Chromium's fake microphone), gives the floor to an attendee,
  pauses, resumes and stops; the worker's tasks join the audio and transcribe it; the transcript
  page names the attendee for what was said during their turn and the chair for the rest, with
  nothing from the pause;
- the chair opens a transcript, plays the audio from a segment, corrects a segment (an empty text
  is refused first; the earlier version is kept) and exports it as .srt.
The recognition is scripted (the model is tested in transcripts/tests/test_engine.py): what is
tested here is the flow and the page."""

from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.test import TestCase
from playwright.sync_api import expect

from conftest import TEST_PASSWORD
from live.actions import room as room_actions
from live.actions import speaking
from live.models import LiveState, SpeakRequest
from meetings.tests.conftest import approved
from recordings import hooks
from recordings.actions.upload import do_create_recording_from_file
from recordings.models import Recording, RecordingStatus
from recordings.queries import paused_intervals
from recordings.tasks import finalize_recording
from recordings.tests.conftest import tone, write
from tests.browser.conftest import UI, _save_artifacts
from tests.browser.test_live_room import asgi_server  # noqa: F401  (the ASGI server fixture)
from tests.browser.test_recordings import CHUNK_WAIT_MS, console, media_browser, started  # noqa: F401
from transcripts import tasks
from transcripts.actions import on_recording_ready
from transcripts.engine import Piece
from transcripts.models import Segment, SpeakerKind, Transcript, TranscriptStatus

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _transcripts_hooked() -> None:
    """Our ready callback, as TranscriptsConfig.ready registers it (a suite run earlier may have
    cleared the recordings hooks)."""
    hooks.on_recording_ready(on_recording_ready)


class Scripted:
    name, model_name = "scripted", "scripted-1"

    def transcribe(self, samples: np.ndarray) -> list[Piece]:
        return [
            Piece(0.5, 3.0, "Xin chào các đồng chí, cuộc họp bắt đầu."),
            Piece(4.5, 7.5, "Báo cáo đồng chí chủ trì, tiến độ đạt chín mươi phần trăm."),
            Piece(9.0, 11.0, "Cảm ơn đồng chí."),
        ]


@pytest.fixture
def transcribed(
    organiser: Any, leader: Any, attendee: Any, colleague: Any, tmp_path: Any, settings: Any, monkeypatch: Any
) -> Any:
    """A 12-second recording of a meeting whose attendee had the floor from 4 to 8 s."""
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = approved(organiser, leader, [attendee, colleague], start_in=timedelta(minutes=59))
    meeting = room_actions.do_start_meeting(leader, meeting)
    turn = speaking.do_give_floor(leader, meeting, attendee)
    start = LiveState.objects.get(meeting=meeting).started_at
    assert start is not None
    SpeakRequest.objects.filter(pk=turn.pk).update(
        started_at=start + dt.timedelta(seconds=4), ended_at=start + dt.timedelta(seconds=8)
    )
    path = write(tmp_path, "hop.wav", tone(12.0, fmt="wav", rate=16000))
    with TestCase.captureOnCommitCallbacks(execute=True):
        recording = do_create_recording_from_file(leader, meeting, path, started_at=start)
    monkeypatch.setattr("transcripts.tasks.get_backend", lambda name=None: Scripted())
    transcript = Transcript.objects.get(recording=recording)
    assert tasks.transcribe_recording.call(transcript.pk) == TranscriptStatus.DONE
    return recording


def test_the_chair_reads_plays_corrects_and_exports_the_transcript(
    ui: UI, transcribed: Any, leader: Any, attendee: Any
) -> None:
    ui.sign_in(leader.username, TEST_PASSWORD)
    ui.page.goto(f"/transcripts/{transcribed.pk}/")
    rows = ui.page.get_by_test_id("transcript-segment")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).get_by_test_id("segment-speaker")).to_contain_text(f"{leader.display_name} (chủ trì)")
    expect(rows.nth(1).get_by_test_id("segment-speaker")).to_have_text(attendee.display_name)
    expect(rows.nth(1).get_by_test_id("segment-play")).to_contain_text("0:00:04")

    # Play from the second segment: the page's player seeks there.
    ui.press(rows.nth(1).get_by_test_id("segment-play"))
    player = ui.page.locator("#transcript-audio")
    expect(player).to_have_js_property("paused", False)
    assert player.evaluate("el => el.currentTime") >= 4.4

    # Correct the third segment: an empty text is refused, then the correction is kept.
    ui.press(rows.nth(2).get_by_test_id("segment-correct"))
    form = ui.page.get_by_test_id("segment-form")
    form.locator("textarea[name=text]").fill("   ")
    ui.press(form.get_by_test_id("segment-save"))
    expect(form).to_contain_text("không được để trống")
    form.locator("textarea[name=text]").fill("Cảm ơn đồng chí đã báo cáo.")
    form.locator("select[name=speaker]").select_option(label=leader.display_name)
    ui.press(form.get_by_test_id("segment-save"))
    row = rows.nth(2)
    expect(row.get_by_test_id("segment-text")).to_have_text("Cảm ơn đồng chí đã báo cáo.")
    expect(row).to_contain_text("đã hiệu đính")
    expect(row.locator("details summary")).to_have_text("1 phiên bản trước")

    # The export carries the correction.
    with ui.page.expect_download() as download:
        ui.press(ui.page.get_by_test_id("transcript-srt"))
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: PTH123
    assert f"{leader.display_name}: Cảm ơn đồng chí đã báo cáo." in text
    ui.assert_no_page_problems()


class EverySecond:
    """A piece of 0.8 s at the start of every second of the window."""

    name, model_name = "scripted", "scripted-1"

    def transcribe(self, samples: np.ndarray) -> list[Piece]:
        return [Piece(k, k + 0.8, f"câu số {k}") for k in range(int(len(samples) / 16000))]


def test_record_pause_resume_stop_then_the_transcript_names_the_speakers(
    console: Any,  # noqa: F811
    started: Any,  # noqa: F811
    leader: Any,
    attendee: Any,
    monkeypatch: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("transcripts.tasks.get_backend", lambda name=None: EverySecond())
    ui, _ctx = console
    try:
        _record_and_read(ui, started, leader, attendee)
    except BaseException:
        _save_artifacts(ui.page, f"test_transcripts_console_{ui.device}")
        raise


def _sent(ui: UI) -> int:
    return int(ui.page.get_by_test_id("recorder-progress").get_attribute("data-sent") or 0)


def _wait_for_more_pieces(ui: UI) -> None:
    progress = ui.page.get_by_test_id("recorder-progress")
    expect(progress).not_to_have_attribute("data-sent", str(_sent(ui)), timeout=CHUNK_WAIT_MS)


def _record_and_read(ui: UI, meeting: Any, leader: Any, attendee: Any) -> None:
    ui.sign_in(leader.username, TEST_PASSWORD)
    ui.page.goto(f"/live/{meeting.pk}/console/")
    panel = ui.page.get_by_test_id("recorder-panel")
    ui.press(panel.get_by_test_id("recorder-start"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "recording")
    expect(ui.page.get_by_test_id("recorder-progress")).to_have_attribute(
        "data-sent", re.compile(r"^[1-9]"), timeout=CHUNK_WAIT_MS
    )
    # The chair gives the floor for about one piece of audio, then takes it back.
    speaking.do_give_floor(leader, meeting, attendee)
    _wait_for_more_pieces(ui)
    speaking.do_end_turn(leader, meeting)
    ui.press(panel.get_by_test_id("recorder-pause"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "paused")
    ui.page.wait_for_timeout(2000)
    ui.press(panel.get_by_test_id("recorder-resume"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "recording")
    _wait_for_more_pieces(ui)
    ui.page.once("dialog", lambda dialog: dialog.accept())
    ui.press(panel.get_by_test_id("recorder-stop"))
    expect(panel.get_by_test_id("recorder-state")).to_have_attribute("data-state", "idle", timeout=CHUNK_WAIT_MS)

    # What the worker does: join the pieces (which queues the transcription), then transcribe.
    recording = Recording.objects.get(meeting=meeting)
    assert finalize_recording.call(recording.pk) == "stopped"
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.STOPPED
    transcript = Transcript.objects.get(recording=recording)
    assert tasks.transcribe_recording.call(transcript.pk) == TranscriptStatus.DONE

    [(paused_from, paused_to)] = paused_intervals(recording)
    segments = list(Segment.objects.filter(transcript=transcript))
    assert segments and not [s for s in segments if s.spoken_at and paused_from <= s.spoken_at < paused_to]
    kinds = {(s.speaker_kind, s.speaker_id) for s in segments}
    assert (SpeakerKind.PERSON, attendee.pk) in kinds and (SpeakerKind.CHAIR, leader.pk) in kinds

    ui.page.goto(f"/recordings/{recording.pk}/")
    ui.click_and_wait(ui.page.get_by_test_id("transcript-open"))
    speakers = ui.page.get_by_test_id("segment-speaker")
    expect(speakers.filter(has_text=attendee.display_name).first).to_be_visible()
    expect(speakers.filter(has_text=f"{leader.display_name} (chủ trì)").first).to_be_visible()
    expect(ui.page.get_by_test_id("transcript-done")).to_be_visible()
    ui.assert_no_page_problems()
