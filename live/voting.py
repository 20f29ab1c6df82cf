"""In-meeting votes (Điều 5.5), the polls app's `meeting_vote` kind: what the screens show. The
kind's rules are in live/permissions.py, the chair's actions and the form's ballot in
live/actions/voting.py, the writer of the websocket's ballots in live/batching.py.

Ballots arriving over the websocket are queued in-process and written in batches by one writer
(`polls.actions.do_cast_ballots`: one transaction, one ballot per voter by the unique
constraint), and each voter is answered after the commit. The progress ("37/52 voted") is a
throttled, unnumbered message (at most two a second per vote), not one event per ballot.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.http import AnyUser
from live.models import PRESENT_STATUSES, Attendance, LiveState
from live.queries import PERSONAL_SECTIONS_MANY, SNAPSHOT_SECTIONS
from meetings.models import Answer, Meeting
from polls.models import Option, Participation, Poll, PollKind, PollState, Question
from polls.queries import tally

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


def present_voters() -> QuerySet[Attendance]:
    """The attendance of delegates who may vote: present (late included), with an account (not
    outside guests without one), not replaced by a substitute. "37/52 voted" counts these, and
    report Mẫu số 02 counts them as the people consulted by a vote."""
    return (
        Attendance.objects.filter(status__in=PRESENT_STATUSES)
        .exclude(invitation__answer=Answer.DELEGATED)
        .exclude(user__isnull=True)
    )


def _eligible_count(poll: Poll) -> int:
    if poll.meeting_id is None:
        return 0
    return present_voters().filter(meeting_id=poll.meeting_id).count()


def _polls_section(meeting: Meeting, live: LiveState, user: AnyUser | None) -> list[dict[str, Any]]:
    return [poll_data(p) for p in Poll.objects.filter(meeting=meeting, kind=PollKind.MEETING_VOTE).order_by("pk")]


def _my_votes_section(meeting: Meeting, live: LiveState, user: AnyUser | None) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return list(Participation.objects.filter(poll__meeting=meeting, voter=user).values_list("poll_id", flat=True))


def _my_votes_many(meeting: Meeting, live: LiveState, users: list[AnyUser]) -> dict[int, list[int]]:
    """`_my_votes_section` for many screens connecting at once (live.queries.PERSONAL_SECTIONS_MANY)."""
    votes: dict[int, list[int]] = {u.pk: [] for u in users if u.pk is not None}
    mine = Participation.objects.filter(poll__meeting=meeting, voter_id__in=list(votes)).values_list(
        "voter_id", "poll_id"
    )
    for voter_id, poll_id in mine:
        votes[voter_id].append(poll_id)
    return votes


SNAPSHOT_SECTIONS.extend([("polls", _polls_section, False), ("my_votes", _my_votes_section, True)])
PERSONAL_SECTIONS_MANY["my_votes"] = _my_votes_many
