"""The transcription task: windows committed one by one with the progress; a run that stops in the
middle resumes at the last committed window; a transcript is held by one run at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from transcripts import tasks
from transcripts.models import Segment, Transcript, TranscriptStatus
from transcripts.tests.conftest import upload

pytestmark = pytest.mark.django_db


def queued(transcript_id: int) -> list[DBTaskResult]:
    rows = DBTaskResult.objects.filter(task_path="transcripts.tasks.transcribe_recording", status="READY")
    return [row for row in rows if row.args_kwargs["args"] == [transcript_id]]


@pytest.fixture
def small_windows(settings):  # type: ignore[no-untyped-def]
    settings.TRANSCRIPTION_WINDOW_SECONDS = 10
    settings.TRANSCRIPTION_TASK_BUDGET_SECONDS = 600


def test_a_finished_recording_is_queued_for_transcription(started, secretary, tmp_path) -> None:
    recording = upload(secretary, started, tmp_path, 3.0)  # runs the on-commit hooks
    transcript = Transcript.objects.get(recording=recording)
    assert transcript.status == TranscriptStatus.QUEUED
    assert len(queued(transcript.pk)) == 1
    assert AuditEntry.objects.filter(action="transcript.queued", target_id=str(transcript.pk)).exists()


def test_windows_cover_the_audio_once_in_order(started, secretary, tmp_path, scripted, small_windows) -> None:
    recording = upload(secretary, started, tmp_path, 34.0)
    transcript = Transcript.objects.get(recording=recording)
    assert tasks.transcribe_recording.call(transcript.pk) == "done"
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.DONE and transcript.progress == 100
    assert transcript.processed_seconds == pytest.approx(34.0, abs=0.05)
    assert sum(scripted.windows) == pytest.approx(34.0, abs=0.05)
    assert all(length <= 10.0 + 1e-6 for length in scripted.windows)
    segments = list(Segment.objects.filter(transcript=transcript).order_by("start"))
    assert [s.window for s in segments] == list(range(len(scripted.windows)))
    assert [s.text for s in segments] == [f"w{n}" for n in range(len(scripted.windows))]
    assert AuditEntry.objects.filter(action="transcript.finished", target_id=str(transcript.pk)).exists()


def test_a_run_stopped_mid_way_resumes_at_the_last_committed_window(
    started, secretary, tmp_path, scripted, small_windows, monkeypatch
) -> None:
    recording = upload(secretary, started, tmp_path, 34.0)
    transcript = Transcript.objects.get(recording=recording)
    original = scripted.transcribe

    def dies_in_third_window(samples):  # type: ignore[no-untyped-def]
        if len(scripted.windows) == 2:
            raise KeyboardInterrupt  # what SIGINT does; SIGKILL is tested with a real worker
        return original(samples)

    monkeypatch.setattr(scripted, "transcribe", dies_in_third_window)
    with pytest.raises(KeyboardInterrupt):
        tasks.transcribe_recording.call(transcript.pk)
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.RUNNING and transcript.windows_done == 2
    assert Segment.objects.filter(transcript=transcript).count() == 2
    # Another worker cannot take it while the dead run's lease lasts...
    assert tasks.transcribe_recording.call(transcript.pk) == "busy"
    # ...and resumes once it has expired.
    Transcript.objects.filter(pk=transcript.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    monkeypatch.setattr(scripted, "transcribe", original)
    assert tasks.transcribe_recording.call(transcript.pk) == "done"
    texts = list(Segment.objects.filter(transcript=transcript).order_by("start").values_list("window", "text"))
    assert texts == [(n, f"w{n}") for n in range(len(texts))]
    assert sum(scripted.windows) == pytest.approx(34.0, abs=0.05)


def test_every_run_keeps_one_watchdog_queued(started, secretary, tmp_path, scripted, small_windows, settings) -> None:
    settings.TRANSCRIPTION_TASK_BUDGET_SECONDS = 0  # stop after each window
    recording = upload(secretary, started, tmp_path, 25.0)
    transcript = Transcript.objects.get(recording=recording)
    assert tasks.transcribe_recording.call(transcript.pk) == "more"
    far = timezone.now() + dt.timedelta(days=365)
    later = [row for row in queued(transcript.pk) if row.run_after < far]
    assert len(later) == 1 and later[0].run_after > timezone.now()  # the watchdog, after the lease
    transcript.refresh_from_db()
    assert transcript.lease_until is None and transcript.windows_done == 1


def test_a_failing_backend_fails_the_transcript_with_a_reason(
    started, secretary, tmp_path, scripted, monkeypatch
) -> None:
    from transcripts.engine import BackendError

    recording = upload(secretary, started, tmp_path, 3.0)
    transcript = Transcript.objects.get(recording=recording)

    def refuse(samples):  # type: ignore[no-untyped-def]
        raise BackendError("server down")

    monkeypatch.setattr(scripted, "transcribe", refuse)
    assert tasks.transcribe_recording.call(transcript.pk) == TranscriptStatus.FAILED
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.FAILED and "server down" in transcript.error
    assert transcript.lease_until is None
