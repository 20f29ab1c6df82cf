"""A worker killed (SIGKILL) in the middle of a transcription: another worker resumes it where the
last committed window ended, redoing only the window that was cut off: no segment is missing or
stored twice. The worker is a real `manage.py db_worker` process on the test database; the
backend is the OpenAI-compatible one against a server on loopback that takes its time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from transcripts.models import Segment, Transcript, TranscriptStatus
from transcripts.tests.conftest import upload
from transcripts.tests.stub_server import StubState, stub_server

pytestmark = pytest.mark.django_db(transaction=True)

BASE = Path(django_settings.BASE_DIR)


def start_worker(url: str, media: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "1",
        "SQLITE_PATH": connection.settings_dict["NAME"],
        "MEDIA_ROOT": str(media),
        "TRANSCRIPTION_BACKEND": "openai",
        "TRANSCRIPTION_API_URL": url,
        "TRANSCRIPTION_WINDOW_SECONDS": "5",
        "TRANSCRIPTION_LEASE_SECONDS": "2",
        "TRANSCRIPTION_TASK_BUDGET_SECONDS": "600",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "default",
            "--no-reload",
            "--interval",
            "0.2",
            "--no-startup-delay",
        ],
        cwd=BASE,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, *, log: Path, seconds: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the worker is pointed at the SQLite test file")
def test_a_killed_worker_is_resumed_without_missing_or_duplicated_segments(
    started, secretary, tmp_path, settings
) -> None:
    recording = upload(secretary, started, tmp_path, 31.0)
    transcript = Transcript.objects.get(recording=recording)
    state = StubState(delay=0.6)
    log = tmp_path / "worker.log"
    with stub_server(state) as url:
        worker = start_worker(url, settings.MEDIA_ROOT, log)
        try:
            # Kill it while the fourth window is at the server: three windows are committed.
            for _ in range(4):
                assert state.started.acquire(timeout=60), log.read_text()
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
        transcript.refresh_from_db()
        assert transcript.status == TranscriptStatus.RUNNING and transcript.windows_done == 3
        assert Segment.objects.filter(transcript=transcript).count() == 3
        before = [(s.window, s.start, s.end, s.text) for s in Segment.objects.filter(transcript=transcript)]

        worker = start_worker(url, settings.MEDIA_ROOT, log)
        try:
            wait_for(lambda: Transcript.objects.get(pk=transcript.pk).status == TranscriptStatus.DONE, log=log)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()

    transcript.refresh_from_db()
    segments = list(Segment.objects.filter(transcript=transcript).order_by("window", "ordinal"))
    windows = transcript.windows_done
    assert [s.window for s in segments] == list(range(windows))  # one per window, none twice
    assert [(s.window, s.start, s.end, s.text) for s in segments[:3]] == before  # kept as committed
    # The server heard every window once, and the one cut off by the kill twice.
    lengths = [r.seconds for r in state.requests]
    assert len(lengths) == windows + 1 and lengths[3] == pytest.approx(lengths[4], abs=0.01)
    # Windows tile the audio: each starts where the previous ended, the last ends with the audio.
    assert sum(lengths[:3]) + sum(lengths[4:]) == pytest.approx(31.0, abs=0.05)
    assert segments[-1].text == f"dài {lengths[-1]:.2f} giây"
    assert transcript.processed_seconds == pytest.approx(31.0, abs=0.05)
