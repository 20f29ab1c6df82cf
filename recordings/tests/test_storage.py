"""Audio at rest: encrypted, readable after a key rotation with the old key kept as a previous
key, rewritten under the new key by `reencrypt_recordings`; deleted after the retention period
(the recording row stays, PURGED), and logged."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from recordings import crypto
from recordings.actions import capture
from recordings.actions.upload import do_create_recording_from_file
from recordings.models import Recording, RecordingChunk, RecordingStatus
from recordings.queries import AudioUnavailable, audio_file, iter_audio
from recordings.tasks import purge_expired_recordings
from recordings.tests.conftest import send, tone, write

pytestmark = pytest.mark.django_db

OLD_KEY = hashlib.sha256(b"old").digest()
NEW_KEY = hashlib.sha256(b"new").digest()


@pytest.fixture
def recording(started, secretary, tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.RECORDINGS_KEY = OLD_KEY
    return do_create_recording_from_file(secretary, started, write(tmp_path, "hop.wav", tone(2.0, fmt="wav")))


def test_a_range_decrypts_only_what_it_needs(settings, tmp_path) -> None:
    settings.RECORDINGS_KEY = OLD_KEY
    data = os.urandom(3 * 1024 * 1024 + 123)
    stored = crypto.store_encrypted([data[i : i + 100_000] for i in range(0, len(data), 100_000)])
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    lo, hi = 1024 * 1024 - 10, 2 * 1024 * 1024 + 10
    assert b"".join(crypto.iter_decrypted(stored.name, stored.key_id, start=lo, end=hi)) == data[lo:hi]
    assert b"".join(crypto.iter_decrypted(stored.name, stored.key_id)) == data


def test_a_rotated_key_still_reads_old_files_then_reencrypts_them(recording, settings) -> None:
    with audio_file(recording) as path:
        before = path.read_bytes()
    settings.RECORDINGS_KEY = NEW_KEY
    settings.RECORDINGS_PREVIOUS_KEYS = [OLD_KEY]
    with audio_file(recording) as path:
        assert path.read_bytes() == before
    call_command("reencrypt_recordings")
    recording.refresh_from_db()
    assert recording.key_id == crypto.key_id(NEW_KEY)
    settings.RECORDINGS_PREVIOUS_KEYS = []
    with audio_file(recording) as path:
        assert path.read_bytes() == before
    assert AuditEntry.objects.filter(action="recording.reencrypted").exists()


def test_without_the_old_key_the_audio_cannot_be_read(recording, settings) -> None:
    settings.RECORDINGS_KEY = NEW_KEY
    settings.RECORDINGS_PREVIOUS_KEYS = []
    settings.TESTING = False
    settings.DEBUG = False
    with pytest.raises(crypto.KeyUnavailable):
        b"".join(iter_audio(recording))


def test_chunks_are_reencrypted_too(started, secretary, settings) -> None:
    settings.RECORDINGS_KEY = OLD_KEY
    rec = capture.do_start_recording(secretary, started)
    send(secretary, rec, 0, b"piece", at=rec.started_at)
    settings.RECORDINGS_KEY = NEW_KEY
    settings.RECORDINGS_PREVIOUS_KEYS = [OLD_KEY]
    call_command("reencrypt_recordings")
    chunk = RecordingChunk.objects.get()
    assert chunk.key_id == crypto.key_id(NEW_KEY)
    assert b"".join(crypto.iter_decrypted(chunk.file.name or "", chunk.key_id)) == b"piece"


def test_expired_audio_is_deleted_and_logged(recording, settings, django_capture_on_commit_callbacks) -> None:
    settings.RECORDINGS_RETENTION_DAYS = 30
    name = recording.file.name
    assert purge_expired_recordings.call() == 0  # not yet expired
    Recording.objects.filter(pk=recording.pk).update(ended_at=timezone.now() - dt.timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_recordings.call() == 1
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.PURGED and recording.purged_at is not None
    assert not (settings.MEDIA_ROOT / name).exists()
    assert AuditEntry.objects.filter(action="recording.purged").count() == 1
    with pytest.raises(AudioUnavailable):
        with audio_file(recording):
            pass
    assert purge_expired_recordings.call() == 0  # runs once


def test_a_running_recording_is_never_purged(started, secretary, settings) -> None:
    settings.RECORDINGS_RETENTION_DAYS = 1
    rec = capture.do_start_recording(secretary, started)
    Recording.objects.filter(pk=rec.pk).update(started_at=timezone.now() - dt.timedelta(days=5))
    assert purge_expired_recordings.call() == 0
