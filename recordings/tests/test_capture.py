"""Console capture rules: chunks stored once, gaps reported, pauses refuse audio, the timeline
maps audio time to the wall clock without the paused time."""

from __future__ import annotations

import datetime as dt

import av
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from recordings import hooks
from recordings.actions import capture
from recordings.models import Recording, RecordingChunk, RecordingStatus
from recordings.queries import audio_file, missing_seqs, paused_intervals, recording_state, timeline
from recordings.tasks import finalize_recording
from recordings.tests.conftest import send, sha, split, tone

pytestmark = pytest.mark.django_db


@pytest.fixture
def recording(started, secretary) -> Recording:  # type: ignore[no-untyped-def]
    return capture.do_start_recording(secretary, started)


def test_starting_again_continues_the_running_recording(recording, started, leader) -> None:
    assert capture.do_start_recording(leader, started).pk == recording.pk
    assert AuditEntry.objects.filter(action="recording.started").count() == 1


def test_recording_needs_a_meeting_in_progress(meeting, leader) -> None:
    with pytest.raises(ValidationError):
        capture.do_start_recording(leader, meeting)


def test_an_attendee_or_outsider_cannot_record(started, attendee, outsider) -> None:
    for user in (attendee, outsider):
        with pytest.raises(PermissionDenied):
            capture.do_start_recording(user, started)


def test_a_resent_chunk_is_stored_once(recording, secretary) -> None:
    now = timezone.now()
    first = send(secretary, recording, 0, b"abc", at=now)
    again = send(secretary, recording, 0, b"abc", at=now)
    assert first.stored and not again.stored
    assert RecordingChunk.objects.filter(recording=recording).count() == 1


def test_a_different_chunk_under_a_stored_number_is_refused(recording, secretary) -> None:
    now = timezone.now()
    send(secretary, recording, 0, b"abc", at=now)
    with pytest.raises(ValidationError) as refused:
        send(secretary, recording, 0, b"xyz", at=now)
    assert refused.value.code == "conflict"
    assert RecordingChunk.objects.get(recording=recording, seq=0).sha256 == sha(b"abc")


def test_a_chunk_whose_checksum_does_not_match_is_refused(recording, secretary) -> None:
    with pytest.raises(ValidationError):
        capture.do_store_chunk(
            secretary, recording, seq=0, sha256=sha(b"other"), wall_start=timezone.now(), duration=5, data=b"abc"
        )
    assert not RecordingChunk.objects.exists()


def test_missing_numbers_are_reported_as_gaps(recording, secretary) -> None:
    now = timezone.now()
    send(secretary, recording, 0, b"a", at=now)
    result = send(secretary, recording, 3, b"d", at=now + dt.timedelta(seconds=15))
    assert result.missing == [1, 2]
    send(secretary, recording, 1, b"b", at=now + dt.timedelta(seconds=5))
    assert missing_seqs(recording) == [2]


def test_chunks_stamped_inside_a_pause_are_refused(recording, leader, secretary) -> None:
    before = timezone.now() - dt.timedelta(seconds=1)
    capture.do_pause_recording(leader, recording)
    with pytest.raises(ValidationError) as refused:
        send(secretary, recording, 1, b"during", at=timezone.now())
    assert refused.value.code == "paused"
    send(secretary, recording, 0, b"before", at=before)  # recorded before the pause: kept
    capture.do_resume_recording(leader, recording)
    send(secretary, recording, 2, b"after", at=timezone.now())
    assert list(RecordingChunk.objects.values_list("seq", flat=True)) == [0, 2]


def test_paused_intervals_are_kept(recording, leader) -> None:
    capture.do_pause_recording(leader, recording)
    capture.do_resume_recording(leader, recording)
    ((start, end),) = paused_intervals(recording)
    assert start <= end
    assert AuditEntry.objects.filter(action__in=["recording.paused", "recording.resumed"]).count() == 2


def test_pause_twice_is_refused(recording, leader) -> None:
    capture.do_pause_recording(leader, recording)
    with pytest.raises(ValidationError):
        capture.do_pause_recording(leader, recording)


def test_timeline_skips_paused_time(recording, secretary) -> None:
    t0 = recording.started_at
    send(secretary, recording, 0, b"a", at=t0, duration=5)
    send(secretary, recording, 1, b"b", at=t0 + dt.timedelta(seconds=5), duration=5)
    # a pause of 60 s, then 5 s more
    send(secretary, recording, 2, b"c", at=t0 + dt.timedelta(seconds=70), duration=5)
    assert timeline(Recording.objects.get(pk=recording.pk)) == [
        (0.0, 10.0, t0),
        (10.0, 15.0, t0 + dt.timedelta(seconds=70)),
    ]


def test_indicator_state_follows_the_recording(recording, leader) -> None:
    assert recording_state(recording.meeting_id) == {"id": recording.pk, "state": "recording"}
    capture.do_pause_recording(leader, recording)
    assert recording_state(recording.meeting_id)["state"] == "paused"
    capture.do_stop_recording(leader, Recording.objects.get(pk=recording.pk), chunk_count=0)
    assert recording_state(recording.meeting_id)["state"] is None


def test_stop_waits_for_the_missing_chunks_then_joins_them(
    recording, secretary, leader, django_capture_on_commit_callbacks
) -> None:
    audio = tone(6.0)
    pieces = split(audio, 3)
    t0 = recording.started_at
    send(secretary, recording, 0, pieces[0], at=t0, duration=2, starts_stream=True)
    send(secretary, recording, 2, pieces[2], at=t0 + dt.timedelta(seconds=4), duration=2)
    stopped = capture.do_stop_recording(leader, recording, chunk_count=3)
    assert stopped.status == RecordingStatus.FINISHING
    assert finalize_recording.call(recording.pk) == "incomplete"
    ready: list[int] = []
    callback = hooks.on_recording_ready(lambda rec: ready.append(rec.pk))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            send(secretary, recording, 1, pieces[1], at=t0 + dt.timedelta(seconds=2), duration=2)
        # the on-commit enqueue went to the database backend; run the task here
        with django_capture_on_commit_callbacks(execute=True):
            assert finalize_recording.call(recording.pk) == "stopped"
    finally:
        hooks.forget_ready_callback(callback)
    done = Recording.objects.get(pk=recording.pk)
    assert done.status == RecordingStatus.STOPPED and ready == [done.pk]
    assert done.duration == pytest.approx(6.0, abs=0.1)
    with audio_file(done) as path, av.open(str(path)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
    assert samples / 48000 == pytest.approx(6.0, abs=0.1)


def test_a_reloaded_console_starts_a_new_stream_joined_into_one_file(recording, secretary, leader) -> None:
    t0 = recording.started_at
    first, second = tone(3.0), tone(2.0, freq=880)
    send(secretary, recording, 0, first, at=t0, duration=3, starts_stream=True)
    send(secretary, recording, 1, second, at=t0 + dt.timedelta(seconds=20), duration=2, starts_stream=True)
    capture.do_stop_recording(leader, recording, chunk_count=2)
    assert finalize_recording.call(recording.pk) == "stopped"
    done = Recording.objects.get(pk=recording.pk)
    assert done.duration == pytest.approx(5.0, abs=0.1)
    assert timeline(done) == [(0.0, 3.0, t0), (3.0, 5.0, t0 + dt.timedelta(seconds=20))]


def test_closing_with_gaps_finishes_what_arrived(recording, secretary, leader) -> None:
    t0 = recording.started_at
    send(secretary, recording, 0, tone(2.0), at=t0, duration=2, starts_stream=True)
    capture.do_stop_recording(leader, recording, chunk_count=2)
    capture.do_close_with_gaps(leader, Recording.objects.get(pk=recording.pk))
    assert finalize_recording.call(recording.pk, True) == "stopped"
    done = Recording.objects.get(pk=recording.pk)
    assert missing_seqs(done) == [1]
    assert AuditEntry.objects.filter(action="recording.closed_with_gaps").exists()


def test_no_chunk_is_taken_after_the_recording_is_finished(recording, secretary, leader) -> None:
    t0 = recording.started_at
    send(secretary, recording, 0, tone(1.0), at=t0, duration=1, starts_stream=True)
    capture.do_stop_recording(leader, recording, chunk_count=1)
    with pytest.raises(ValidationError):
        send(secretary, recording, 1, b"late", at=t0 + dt.timedelta(seconds=1))


def test_a_recording_left_running_by_a_closed_console_can_be_finished(recording, secretary, leader) -> None:
    send(secretary, recording, 0, tone(2.0), at=recording.started_at, duration=2, starts_stream=True)
    closed = capture.do_close_with_gaps(leader, recording)
    assert closed.status == RecordingStatus.FINISHING and closed.expected_chunks == 1
    assert recording_state(recording.meeting_id)["state"] is None
    assert finalize_recording.call(recording.pk, True) == "stopped"
