"""Who said it (Điều 6.4a; the minutes quote who said what).

Wall-clock time during a meeting belongs to exactly one label:
- a paused interval of the recording: nothing is transcribed there;
- a floor turn of the live room (a `SpeakRequest` with `started_at`): the person who had the floor;
- the rest of the meeting (from the room's start to its end): the chair, who holds the floor when
  nobody else does;
- anything outside the meeting: unknown.

A segment goes to the label that covers most of it (measured exactly, by cutting the segment at
every boundary), so a sentence that runs a second past the end of a turn stays with the speaker.
Ties go to the earlier label.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from live.models import LiveState, SpeakRequest
from meetings.models import Meeting
from transcripts.models import SpeakerKind

PAUSED = "paused"
FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    start: dt.datetime
    end: dt.datetime

    def covers(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Turn(Span):
    user_id: int


@dataclass(frozen=True)
class Floor:
    """What attribution needs of a meeting, read once per transcription run."""

    chair_id: int | None
    meeting: Span | None
    turns: tuple[Turn, ...]
    pauses: tuple[Span, ...] = ()

    def label_at(self, moment: dt.datetime) -> tuple[str, int | None]:
        if any(p.covers(moment) for p in self.pauses):
            return PAUSED, None
        for turn in self.turns:
            if turn.covers(moment):
                return SpeakerKind.PERSON, turn.user_id
        if self.meeting is not None and self.meeting.covers(moment):
            return SpeakerKind.CHAIR, self.chair_id
        return SpeakerKind.UNKNOWN, None

    def boundaries(self) -> list[dt.datetime]:
        spans: list[Span] = [*self.pauses, *self.turns]
        if self.meeting is not None:
            spans.append(self.meeting)
        return sorted({moment for span in spans for moment in (span.start, span.end)})

    def attribute(self, start: dt.datetime, end: dt.datetime) -> tuple[str, int | None]:
        """(kind, user id) of the label covering most of [start, end]; kind PAUSED means drop it."""
        if end <= start:
            return self.label_at(start)
        cuts = [start, *(b for b in self.boundaries() if start < b < end), end]
        totals: dict[tuple[str, int | None], dt.timedelta] = {}
        for lo, hi in zip(cuts, cuts[1:], strict=False):
            label = self.label_at(lo + (hi - lo) / 2)
            totals[label] = totals.get(label, dt.timedelta()) + (hi - lo)
        # dicts keep insertion order, so max() keeps the earliest of equal totals
        return max(totals.items(), key=lambda item: item[1])[0]


def floor_of(meeting: Meeting, pauses: list[tuple[dt.datetime, dt.datetime]]) -> Floor:
    """The live room's timeline for `meeting`: its turns (a turn still open lasts until the room
    closed, or indefinitely), the room's start and end, and the recording's pauses."""
    live = LiveState.objects.filter(meeting=meeting).first()
    room_end = (live.ended_at if live else None) or FAR_FUTURE
    span = Span(live.started_at, room_end) if live is not None and live.started_at is not None else None
    turns = tuple(
        Turn(started, ended or room_end, user_id)
        for user_id, started, ended in SpeakRequest.objects.filter(meeting=meeting, started_at__isnull=False)
        .order_by("started_at", "pk")
        .values_list("user_id", "started_at", "ended_at")
        if started is not None
    )
    return Floor(
        chair_id=meeting.chair_id,
        meeting=span,
        turns=turns,
        pauses=tuple(Span(a, b) for a, b in pauses if b > a),
    )
