"""The console's JSON endpoints and the recordings page: what the recorder script relies on, and
a page whose queries do not grow with the number of recordings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from recordings.actions import capture
from recordings.models import RecordingChunk
from recordings.tests.conftest import send, sha

pytestmark = pytest.mark.django_db


def _post_chunk(client, recording, seq: int, data: bytes, *, at: dt.datetime, digest: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("recordings:chunk", args=[recording.pk, seq]),
        data,
        content_type="application/octet-stream",
        headers={
            "x-chunk-sha256": digest or sha(data),
            "x-chunk-start": at.isoformat(),
            "x-chunk-duration": "5",
            "x-chunk-header": "1" if seq == 0 else "0",
        },
    )


def test_the_recorder_api_acknowledges_resends_and_reports_gaps(client, started, secretary) -> None:
    client.force_login(secretary)
    begun = client.post(reverse("recordings:start", args=[started.pk])).json()
    assert begun["status"] == "recording" and begun["next_seq"] == 0 and "server_now" in begun
    recording = started.recordings.get()
    now = timezone.now()
    first = _post_chunk(client, recording, 0, b"one", at=now).json()
    assert first["stored"] is True and first["missing"] == []
    assert _post_chunk(client, recording, 0, b"one", at=now).json()["stored"] is False
    assert _post_chunk(client, recording, 0, b"two", at=now).status_code == 409
    third = _post_chunk(client, recording, 2, b"three", at=now + dt.timedelta(seconds=10)).json()
    assert third["missing"] == [1]
    assert RecordingChunk.objects.get(seq=0).starts_stream
    status = client.get(reverse("recordings:status", args=[recording.pk])).json()
    assert status["next_seq"] == 3 and status["missing"] == [1]


def test_a_chunk_sent_during_a_pause_is_refused_by_the_api(client, started, leader) -> None:
    client.force_login(leader)
    client.post(reverse("recordings:start", args=[started.pk]))
    recording = started.recordings.get()
    paused = client.post(reverse("recordings:pause", args=[recording.pk])).json()
    assert paused["status"] == "paused" and len(paused["pauses"]) == 1
    refused = _post_chunk(client, recording, 0, b"secret", at=timezone.now())
    assert refused.status_code == 409 and refused.json()["code"] == "paused"
    assert not RecordingChunk.objects.exists()


def test_stop_answers_the_missing_pieces(client, started, leader) -> None:
    client.force_login(leader)
    client.post(reverse("recordings:start", args=[started.pk]))
    recording = started.recordings.get()
    _post_chunk(client, recording, 0, b"one", at=timezone.now())
    stopped = client.post(reverse("recordings:stop", args=[recording.pk]), {"chunk_count": 3}).json()
    assert stopped["status"] == "finishing" and stopped["missing"] == [1, 2]


def test_the_recordings_page_queries_do_not_grow_with_recordings(
    client, started, leader, secretary, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def one_recording() -> None:
        recording = capture.do_start_recording(secretary, started)
        send(secretary, recording, 0, b"a", at=recording.started_at)
        capture.do_pause_recording(leader, recording)
        capture.do_stop_recording(leader, recording, chunk_count=2)

    client.force_login(leader)
    url = reverse("recordings:meeting", args=[started.pk])
    one_recording()
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    for _ in range(4):
        one_recording()
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('data-testid="recording-row"') == 5
    assert page.count('data-missing="1"') == 5
