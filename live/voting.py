"""In-meeting votes (Điều 5.5): the polls app's `meeting_vote` kind, the chair's actions, what the
screens show, and the ballot writer that takes a burst of ballots from the websocket.

Rules of the kind: the meeting's runners (chair, organiser, secretary) create, open and close
votes; only attendees who are checked in (present or late) may vote — a substitute instead of
the person they replace, since only the substitute can check in; anyone who sees the meeting
sees the results once the vote is closed, runners also see the progress while it is open.

Ballots arriving over the websocket are queued in-process and written in batches by one writer
(`polls.actions.do_cast_ballots`: one transaction, one ballot per voter by the unique
constraint), and each voter is answered after the commit. The progress ("37/52 voted") is a
throttled, unnumbered message (at most two a second per vote), not one event per ballot.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from datetime import datetime
from typing import Any

from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Perm, can
from live import events
from live.models import PRESENT_STATUSES, Attendance, LiveState
from live.queries import SNAPSHOT_SECTIONS
from meetings.models import Answer, Meeting, MeetingStatus
from polls import actions as poll_actions
from polls import kinds
from polls.models import Option, Participation, Poll, PollKind, PollState, Question
from polls.queries import tally

logger = logging.getLogger(__name__)

MAX_BATCH = 500
PROGRESS_INTERVAL = 0.5


# --- the kind's rules -------------------------------------------------------------------------


def _may_manage(user: Any, poll: Poll) -> bool:
    return poll.meeting is not None and can(user, Perm.RUN_MEETING, poll.meeting)


def _may_view_results(user: Any, poll: Poll) -> bool:
    return poll.meeting is not None and can(user, Perm.VIEW_MEETING, poll.meeting)


def _checked_in(meeting_id: int, user_ids: set[int]) -> set[int]:
    return set(
        Attendance.objects.filter(meeting_id=meeting_id, user_id__in=user_ids, status__in=PRESENT_STATUSES)
        .exclude(invitation__answer=Answer.DELEGATED)
        .values_list("user_id", flat=True)
    )


def _may_vote(user: Any, poll: Poll) -> bool:
    if poll.meeting is None or not user.is_authenticated or getattr(user, "is_external", False):
        return False
    return poll.meeting.status == MeetingStatus.IN_PROGRESS and user.pk in _checked_in(poll.meeting.pk, {user.pk})


def _eligible_among(poll: Poll, user_ids: set[int]) -> set[int]:
    if poll.meeting_id is None:
        return set()
    if not Meeting.objects.filter(pk=poll.meeting_id, status=MeetingStatus.IN_PROGRESS).exists():
        return set()
    return _checked_in(poll.meeting_id, user_ids)


kinds.register(
    PollKind.MEETING_VOTE,
    may_manage=_may_manage,
    may_view_results=_may_view_results,
    may_vote=_may_vote,
    eligible_among=_eligible_among,
)


# --- what the screens show ------------------------------------------------------------------


def poll_data(poll: Poll) -> dict[str, Any]:
    """The same bytes for every screen: the vote, and its results once closed."""
    questions = []
    options: dict[int, list[dict[str, Any]]] = {}
    for option in Option.objects.filter(question__poll=poll).order_by("order", "pk"):
        options.setdefault(option.question_id, []).append({"id": option.pk, "label": option.label, "code": option.code})
    for question in Question.objects.filter(poll=poll).order_by("order"):
        questions.append(
            {
                "id": question.pk,
                "text": question.text,
                "allow_other": question.allow_other,
                "options": options.get(question.pk, []),
            }
        )
    data: dict[str, Any] = {
        "id": poll.pk,
        "title": poll.title,
        "state": poll.state,
        "state_label": str(PollState(poll.state).label),
        "secret": poll.is_secret,
        "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
        "questions": questions,
        "voted": Participation.objects.filter(poll=poll).count(),
        "eligible": _eligible_count(poll),
    }
    if poll.state == PollState.CLOSED:
        result = tally(poll, named=False)
        data["results"] = [
            {"label": o.label, "count": o.count, "option_id": o.id}
            for question in result.questions
            for o in question.options
        ]
        data["questions_results"] = [
            {
                "question_id": q.id,
                "text": q.text,
                "options": [{"id": o.id, "label": o.label, "count": o.count} for o in q.options],
                "others": q.others,
                # The list of who chose what goes to whoever opens it (`named_choices`), not into
                # the event every screen receives: 2,000 names in each of 2,000 frames is ~200 MB.
                "named_count": 0 if poll.is_secret else sum(o.count for o in q.options),
            }
            for q in result.questions
        ]
    return data


def named_choices(poll: Poll) -> list[dict[str, Any]]:
    """Each delegate's choice, per question, of a closed named vote (empty for a secret one)."""
    if poll.state != PollState.CLOSED or poll.is_secret:
        return []
    return [{"question_id": q.id, "named": q.named} for q in tally(poll).questions]


def _eligible_count(poll: Poll) -> int:
    if poll.meeting_id is None:
        return 0
    return (
        Attendance.objects.filter(meeting_id=poll.meeting_id, status__in=PRESENT_STATUSES)
        .exclude(invitation__answer=Answer.DELEGATED)
        .exclude(user__isnull=True)
        .count()
    )


def _polls_section(meeting: Meeting, live: LiveState, user: Any) -> list[dict[str, Any]]:
    return [poll_data(p) for p in Poll.objects.filter(meeting=meeting, kind=PollKind.MEETING_VOTE).order_by("pk")]


def _my_votes_section(meeting: Meeting, live: LiveState, user: Any) -> list[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(Participation.objects.filter(poll__meeting=meeting, voter=user).values_list("poll_id", flat=True))


SNAPSHOT_SECTIONS.extend([("polls", _polls_section, False), ("my_votes", _my_votes_section, True)])


def _poll_event(poll: Poll) -> None:
    """Caller is atomic."""
    events.emit(poll.meeting_id or 0, "poll", poll_data(poll))


# --- the chair's actions ----------------------------------------------------------------------


def do_create_vote(
    actor: Any,
    meeting: Meeting,
    *,
    question: str,
    options: list[str] | None = None,
    secret: bool = False,
    open_now: bool = False,
    closes_at: datetime | None = None,
) -> Poll:
    """A vote created on the spot: one question, agree/disagree/abstain unless custom options."""
    meeting = Meeting.objects.select_related("unit").get(pk=meeting.pk)
    if not can(actor, Perm.RUN_MEETING, meeting):
        raise PermissionDenied
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise ValidationError(_("Votes are held while the meeting is in progress."))
    data = poll_actions.PollInput(
        title=question,
        questions=[poll_actions.QuestionInput(text=question, options=options)],
        is_secret=secret,
        closes_at=closes_at,
    )
    with transaction.atomic():
        poll = poll_actions.do_create_poll(
            actor, kind=PollKind.MEETING_VOTE, unit=meeting.unit, data=data, meeting=meeting
        )
        if open_now:
            poll = poll_actions.do_open_poll(actor, poll)
        _poll_event(poll)
    return poll


def do_open_vote(actor: Any, poll: Poll) -> Poll:
    with transaction.atomic():
        poll = poll_actions.do_open_poll(actor, poll)
        _poll_event(poll)
    return poll


def do_close_vote(actor: Any, poll: Poll) -> Poll:
    with transaction.atomic():
        poll = poll_actions.do_close_poll(actor, poll)
        _poll_event(poll)
    return poll


def close_all_open(actor: Any, meeting: Meeting) -> None:
    """Close every vote still open in the meeting (the meeting is ending). Caller is atomic."""
    for poll in Poll.objects.filter(meeting=meeting, state=PollState.OPEN):
        poll = poll_actions.do_close_poll(actor, poll)
        _poll_event(poll)


def do_vote(voter: Any, poll: Poll, choices: Any, other_texts: Any = None) -> Participation:
    """A ballot from the HTTP form (the websocket goes through the batch writer below)."""
    participation = poll_actions.do_cast_ballot(voter, poll, choices, other_texts=other_texts)
    meeting_id = poll.meeting_id or 0
    voted = Participation.objects.filter(poll=poll).count()
    transaction.on_commit(lambda: events.broadcast(meeting_id, "poll_progress", {"id": poll.pk, "voted": voted}))
    return participation


# --- the ballot writer (websocket) ----------------------------------------------------------


class BallotWriter:
    """One per event loop (per server process): queues ballots, writes them in batches in the sync
    thread, answers each voter after the commit, and sends throttled progress."""

    def __init__(self) -> None:
        self.pending: list[tuple[int, int, Any, Any, Any, asyncio.Future[poll_actions.BallotOutcome]]] = []
        self.wake = asyncio.Event()
        self.dirty: dict[int, int] = {}  # poll id -> meeting id, progress to send
        self.last_progress: dict[int, float] = {}
        self.task = asyncio.get_running_loop().create_task(self.run())

    async def submit(
        self, meeting_id: int, poll_id: int, voter: Any, choices: Any, other_texts: Any
    ) -> poll_actions.BallotOutcome:
        future: asyncio.Future[poll_actions.BallotOutcome] = asyncio.get_running_loop().create_future()
        self.pending.append((meeting_id, poll_id, voter, choices, other_texts, future))
        self.wake.set()
        return await future

    async def run(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.pending:
                batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
                groups: dict[tuple[int, int], list[Any]] = {}
                for entry in batch:
                    groups.setdefault((entry[0], entry[1]), []).append(entry)
                for (meeting_id, poll_id), entries in groups.items():
                    try:
                        outcomes = await database_sync_to_async(_write_batch)(meeting_id, poll_id, entries)
                    except Exception:
                        logger.exception("writing %s ballots of poll %s failed", len(entries), poll_id)
                        outcomes = [
                            poll_actions.BallotOutcome(poll_actions.REFUSED, _("Something went wrong. Try again."))
                        ] * len(entries)
                    for entry, outcome in zip(entries, outcomes, strict=True):
                        if not entry[5].done():
                            entry[5].set_result(outcome)
                    if any(o.status == poll_actions.ACCEPTED for o in outcomes):
                        self.dirty[poll_id] = meeting_id
            # Also when woken only by the timer below: what the throttle held back goes out now.
            await self.send_progress()
            if self.dirty:
                # Progress that the throttle held back goes out a little later.
                asyncio.get_running_loop().call_later(PROGRESS_INTERVAL, self.wake.set)

    async def send_progress(self) -> None:
        now = time.monotonic()
        for poll_id, meeting_id in list(self.dirty.items()):
            if now - self.last_progress.get(poll_id, 0.0) < PROGRESS_INTERVAL:
                continue
            del self.dirty[poll_id]
            self.last_progress[poll_id] = now
            voted = await database_sync_to_async(Participation.objects.filter(poll_id=poll_id).count)()
            await events.abroadcast(meeting_id, "poll_progress", {"id": poll_id, "voted": voted})


def _write_batch(meeting_id: int, poll_id: int, entries: list[Any]) -> list[poll_actions.BallotOutcome]:
    poll = Poll.objects.filter(pk=poll_id, meeting_id=meeting_id, kind=PollKind.MEETING_VOTE).first()
    if poll is None:
        return [poll_actions.BallotOutcome(poll_actions.REFUSED, _("This vote does not exist."))] * len(entries)
    return poll_actions.do_cast_ballots(poll, [(e[2], e[3], e[4]) for e in entries])


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, BallotWriter] = weakref.WeakKeyDictionary()


def writer() -> BallotWriter:
    loop = asyncio.get_running_loop()
    current = _writers.get(loop)
    if current is None or current.task.done():
        current = _writers[loop] = BallotWriter()
    return current


async def receive_ballot(consumer: Any, content: dict[str, Any], ref: Any) -> None:
    """{"type": "vote", "poll": <id>, "choices": {"<question id>": <option id>}, "other": {...}}"""
    poll_id, choices, other = content.get("poll"), content.get("choices"), content.get("other")
    if not isinstance(poll_id, int) or not isinstance(choices, dict) or not (other is None or isinstance(other, dict)):
        await consumer.send_json(
            {"type": "error", "ref": ref, "error": _("The ballot is not valid. Choose one option for each question.")}
        )
        return
    outcome = await writer().submit(consumer.meeting_id, poll_id, consumer.scope["user"], choices, other)
    if outcome.status == poll_actions.ACCEPTED:
        await consumer.send_json({"type": "ok", "ref": ref, "data": {"status": outcome.status, "poll": poll_id}})
    else:
        await consumer.send_json(
            {"type": "error", "ref": ref, "error": outcome.message, "data": {"status": outcome.status, "poll": poll_id}}
        )
