"""An uploaded recording is checked by its bytes: not audio, cut short or too long is refused with
a message and nothing is stored; a good one becomes a STOPPED recording and calls the hooks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from recordings import hooks
from recordings.actions.upload import do_create_recording_from_file
from recordings.models import Recording, RecordingStatus
from recordings.queries import audio_file, timeline
from recordings.tests.conftest import tone, write

pytestmark = pytest.mark.django_db


def _stored_files(settings) -> list:  # type: ignore[no-untyped-def]
    folder = settings.MEDIA_ROOT / "recordings"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("fmt", ["wav", "mp3", "ogg", "webm"])
def test_an_audio_file_becomes_a_finished_recording(
    fmt, started, secretary, tmp_path, django_capture_on_commit_callbacks
) -> None:
    path = write(tmp_path, f"hop.{fmt}", tone(3.0, fmt=fmt))
    ready: list[int] = []
    callback = hooks.on_recording_ready(lambda rec: ready.append(rec.pk))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            recording = do_create_recording_from_file(secretary, started, path)
    finally:
        hooks.forget_ready_callback(callback)
    assert recording.status == RecordingStatus.STOPPED and ready == [recording.pk]
    assert recording.duration == pytest.approx(3.0, abs=0.15)
    assert timeline(recording) == [(0.0, recording.duration, recording.started_at)]
    assert recording.started_at == started.live.started_at
    with audio_file(recording) as plain:
        assert plain.read_bytes() == path.read_bytes()
        kept = plain
    assert not kept.exists()
    stored = _stored_files_bytes(recording)
    assert stored and path.read_bytes()[-1000:] not in stored  # encrypted at rest


def _stored_files_bytes(recording: Recording) -> bytes:
    with recording.file.open("rb") as handle:
        return handle.read()


def test_the_uploader_gives_the_wall_clock_start(started, secretary, tmp_path) -> None:
    at = started.live.started_at + dt.timedelta(minutes=3)
    recording = do_create_recording_from_file(
        secretary, started, write(tmp_path, "a.wav", tone(1.0, fmt="wav")), started_at=at
    )
    assert recording.started_at == at


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("not-audio.mp3", b"%PDF-1.4 this is a document, not sound" * 100),
        ("empty.wav", b""),
        ("text.ogg", "Biên bản cuộc họp".encode() * 50),
    ],
)
def test_a_file_that_is_not_audio_is_refused(name, data, started, secretary, tmp_path, settings) -> None:
    with pytest.raises(ValidationError) as refused:
        do_create_recording_from_file(secretary, started, write(tmp_path, name, data))
    assert refused.value.messages[0]
    assert not Recording.objects.exists() and not _stored_files(settings)


def test_a_truncated_file_is_refused(started, secretary, tmp_path, settings) -> None:
    whole = tone(4.0, fmt="wav")
    cut = whole[: len(whole) // 2]  # the header still announces 4 s
    with pytest.raises(ValidationError) as refused:
        do_create_recording_from_file(secretary, started, write(tmp_path, "cut.wav", cut))
    assert "incomplete" in refused.value.messages[0].lower() or "đủ" in refused.value.messages[0]
    assert not Recording.objects.exists() and not _stored_files(settings)


def test_a_recording_longer_than_the_limit_is_refused(started, secretary, tmp_path, settings) -> None:
    settings.RECORDINGS_MAX_SECONDS = 2
    with pytest.raises(ValidationError):
        do_create_recording_from_file(secretary, started, write(tmp_path, "long.ogg", tone(4.0, fmt="ogg")))
    assert not Recording.objects.exists() and not _stored_files(settings)


def test_the_resumable_upload_makes_a_recording(client, started, secretary, tmp_path) -> None:
    data = tone(2.0, fmt="mp3")
    client.force_login(secretary)
    begun = client.post(
        reverse("recordings:upload_start", args=[started.pk]),
        {"filename": "am-thanh.mp3", "size": len(data)},
    ).json()
    half = len(data) // 2
    first = client.put(
        begun["url"],
        data[:half],
        content_type="application/octet-stream",
        headers={"content-range": f"bytes 0-{half - 1}/{len(data)}"},
    )
    assert first.json()["received"] == half
    # a resend of the first part is answered with the offset to resume from
    again = client.put(
        begun["url"],
        data[:half],
        content_type="application/octet-stream",
        headers={"content-range": f"bytes 0-{half - 1}/{len(data)}"},
    )
    assert again.status_code == 409 and again.json()["received"] == half
    assert client.get(begun["url"]).json()["received"] == half
    client.put(
        begun["url"],
        data[half:],
        content_type="application/octet-stream",
        headers={"content-range": f"bytes {half}-{len(data) - 1}/{len(data)}"},
    )
    done = client.post(begun["finish_url"], {"started_at": ""})
    assert done.status_code == 201, done.content
    recording = Recording.objects.get()
    assert recording.original_name == "am-thanh.mp3"
    assert AuditEntry.objects.filter(action="recording.uploaded").count() == 1


def test_an_upload_that_is_not_audio_answers_a_vietnamese_error(client, started, secretary) -> None:
    data = b"GIF89a not a sound" * 10
    client.force_login(secretary)
    begun = client.post(
        reverse("recordings:upload_start", args=[started.pk]), {"filename": "x.wav", "size": len(data)}
    ).json()
    client.put(
        begun["url"],
        data,
        content_type="application/octet-stream",
        headers={"content-range": f"bytes 0-{len(data) - 1}/{len(data)}"},
    )
    refused = client.post(begun["finish_url"])
    assert refused.status_code == 400
    assert "bản ghi âm" in refused.json()["error"]
    assert not Recording.objects.exists()


def test_a_file_of_another_kind_is_refused_before_a_byte_is_sent(client, started, secretary) -> None:
    client.force_login(secretary)
    refused = client.post(
        reverse("recordings:upload_start", args=[started.pk]), {"filename": "bien-ban.pdf", "size": 10}
    )
    assert refused.status_code == 400


def test_an_attendee_cannot_upload(client, started, attendee) -> None:
    client.force_login(attendee)
    assert (
        client.post(
            reverse("recordings:upload_start", args=[started.pk]), {"filename": "a.wav", "size": 10}
        ).status_code
        == 404
    )
