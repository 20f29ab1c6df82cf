"""Every segment goes to whoever had the floor: the turn covering most of it; the chair during the
meeting when nobody had the floor; unknown outside the meeting; nothing in a paused interval."""

from __future__ import annotations

import datetime as dt

import pytest

from live.actions import speaking
from live.actions.room import do_end_meeting
from transcripts import tasks
from transcripts.attribution import PAUSED, Floor, Span, Turn
from transcripts.engine import Piece
from transcripts.models import Segment, SpeakerKind, Transcript
from transcripts.tests.conftest import upload

T0 = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


CHAIR, ALICE, BOB = 1, 2, 3
FLOOR = Floor(
    chair_id=CHAIR,
    meeting=Span(at(0), at(100)),
    turns=(Turn(at(10), at(20), ALICE), Turn(at(20), at(30), BOB), Turn(at(95), at(110), ALICE)),
    pauses=(Span(at(40), at(50)),),
)


def test_a_segment_inside_a_turn_goes_to_its_speaker() -> None:
    assert FLOOR.attribute(at(12), at(18)) == (SpeakerKind.PERSON, ALICE)


def test_a_segment_across_a_turn_boundary_goes_to_the_turn_covering_most_of_it() -> None:
    assert FLOOR.attribute(at(17), at(21)) == (SpeakerKind.PERSON, ALICE)  # 3 s Alice, 1 s Bob
    assert FLOOR.attribute(at(19), at(23)) == (SpeakerKind.PERSON, BOB)  # 1 s Alice, 3 s Bob


def test_a_sentence_running_past_the_end_of_a_turn_stays_with_the_speaker() -> None:
    assert FLOOR.attribute(at(26), at(31)) == (SpeakerKind.PERSON, BOB)  # 4 s Bob, 1 s chair


def test_an_exact_tie_goes_to_the_earlier_speaker() -> None:
    assert FLOOR.attribute(at(18), at(22)) == (SpeakerKind.PERSON, ALICE)


def test_nobody_on_the_floor_during_the_meeting_is_the_chair() -> None:
    assert FLOOR.attribute(at(1), at(9)) == (SpeakerKind.CHAIR, CHAIR)
    assert FLOOR.attribute(at(8), at(11)) == (SpeakerKind.CHAIR, CHAIR)  # 2 s chair, 1 s Alice


def test_outside_the_meeting_the_speaker_is_unknown() -> None:
    assert FLOOR.attribute(at(-10), at(-2)) == (SpeakerKind.UNKNOWN, None)
    assert FLOOR.attribute(at(-3), at(1)) == (SpeakerKind.UNKNOWN, None)
    assert FLOOR.attribute(at(111), at(115)) == (SpeakerKind.UNKNOWN, None)


def test_a_turn_may_outlast_the_meeting_room() -> None:
    assert FLOOR.attribute(at(101), at(105)) == (SpeakerKind.PERSON, ALICE)


def test_a_paused_interval_has_no_text() -> None:
    assert FLOOR.attribute(at(41), at(49))[0] == PAUSED
    assert FLOOR.attribute(at(38), at(45))[0] == PAUSED  # mostly paused
    assert FLOOR.attribute(at(35), at(41)) == (SpeakerKind.CHAIR, CHAIR)  # mostly not


def test_a_moment_goes_to_whoever_holds_it() -> None:
    assert FLOOR.attribute(at(20), at(20)) == (SpeakerKind.PERSON, BOB)  # turns are [start, end)


@pytest.mark.django_db
def test_the_transcript_names_the_speakers_of_the_live_room(
    started, leader, attendee, colleague, secretary, tmp_path, scripted, settings
) -> None:
    """A 30-second recording starting with the room: chair for 10 s, `attendee` has the floor for
    10 s, then `colleague`; the room ends at 30 s. One window; pieces at 1-4, 11-14 and 21-24 s."""
    settings.TRANSCRIPTION_WINDOW_SECONDS = 30
    scripted.transcribe = lambda samples: [Piece(1, 4, "a"), Piece(11, 14, "b"), Piece(21, 24, "c")]
    start = started.live.started_at
    request = speaking.do_give_floor(leader, started, attendee)
    second = speaking.do_give_floor(leader, started, colleague)
    do_end_meeting(leader, started)
    # The actions stamp the present; place the turns on the recording's clock.
    request.__class__.objects.filter(pk=request.pk).update(
        started_at=start + dt.timedelta(seconds=10), ended_at=start + dt.timedelta(seconds=20)
    )
    second.__class__.objects.filter(pk=second.pk).update(
        started_at=start + dt.timedelta(seconds=20), ended_at=start + dt.timedelta(seconds=29)
    )
    started.live.__class__.objects.filter(pk=started.live.pk).update(ended_at=start + dt.timedelta(seconds=30))
    recording = upload(secretary, started, tmp_path, 30.0, started_at=start)
    transcript = Transcript.objects.get(recording=recording)
    assert tasks.transcribe_recording.call(transcript.pk) == "done"
    rows = list(
        Segment.objects.filter(transcript=transcript).order_by("start").values_list("speaker_kind", "speaker_id")
    )
    assert rows == [
        (SpeakerKind.CHAIR, leader.pk),
        (SpeakerKind.PERSON, attendee.pk),
        (SpeakerKind.PERSON, colleague.pk),
    ]


@pytest.mark.django_db
def test_a_console_recording_paused_in_the_middle_has_no_window_across_the_pause(
    started, leader, attendee, tmp_path, scripted, settings
) -> None:
    """Chunks of 5 s at t, t+5 and, after a pause from t+10 to t+20, at t+20: the audio holds 15 s
    in two stretches. Windows stop at the pause; the piece after it is placed after the pause on
    the clock, in `attendee`'s turn (t+20 to t+30)."""
    from django.test import TestCase

    from recordings.actions import capture
    from recordings.models import RecordingChunk, RecordingPause
    from recordings.queries import timeline
    from recordings.tasks import finalize_recording
    from recordings.tests.conftest import send, split, tone

    settings.TRANSCRIPTION_WINDOW_SECONDS = 30
    scripted.transcribe = lambda samples: [Piece(0.5, min(4.5, len(samples) / 16000), "x")]
    recording = capture.do_start_recording(leader, started)
    t = recording.started_at
    for seq, piece in enumerate(split(tone(15.0, fmt="webm"), 3)):
        send(leader, recording, seq, piece, at=t, starts_stream=seq == 0)
    capture.do_pause_recording(leader, recording)
    capture.do_resume_recording(leader, recording)
    # The actions stamp the present; place chunks and pause on the recording's clock.
    for seq, offset in ((0, 0), (1, 5), (2, 20)):
        RecordingChunk.objects.filter(recording=recording, seq=seq).update(wall_start=t + dt.timedelta(seconds=offset))
    RecordingPause.objects.filter(recording=recording).update(
        started_at=t + dt.timedelta(seconds=10), ended_at=t + dt.timedelta(seconds=20)
    )
    turn = speaking.do_give_floor(leader, started, attendee)
    turn.__class__.objects.filter(pk=turn.pk).update(
        started_at=t + dt.timedelta(seconds=20), ended_at=t + dt.timedelta(seconds=30)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        capture.do_stop_recording(leader, recording, chunk_count=3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        finalize_recording.call(recording.pk)
    assert [(a, b) for a, b, _wall in timeline(recording)] == [(0.0, 10.0), (10.0, 15.0)]
    transcript = Transcript.objects.get(recording=recording)
    assert tasks.transcribe_recording.call(transcript.pk) == "done"
    rows = list(Segment.objects.filter(transcript=transcript).order_by("start"))
    assert [(s.start, s.end) for s in rows] == [(0.5, 4.5), (10.5, 14.5)]
    assert rows[1].spoken_at == t + dt.timedelta(seconds=20.5)
    assert [(s.speaker_kind, s.speaker_id) for s in rows] == [
        (SpeakerKind.CHAIR, leader.pk),
        (SpeakerKind.PERSON, attendee.pk),
    ]
