"""Results of a poll: aggregate counts per option, the "other" opinions, and for named polls who
chose what. Secret polls never name anyone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from accounts.models import User
from polls.models import Choice, Option, OptionCode, Participation, Poll, Question


@dataclass
class OptionResult:
    id: int
    label: str
    code: str
    count: int


@dataclass
class QuestionResult:
    id: int
    text: str
    options: list[OptionResult]
    others: list[dict[str, str]] = field(default_factory=list)  # {"text", "voter"} (voter "" if secret)
    named: list[dict[str, Any]] = field(default_factory=list)  # named polls: {"voter", "option"}


@dataclass
class PollResult:
    poll_id: int
    voters: int
    questions: list[QuestionResult]


def tally(poll: Poll, *, named: bool = True) -> PollResult:
    """Counts per option, the "other" opinions and, for a named poll when `named`, who chose what
    (the screens of a meeting only need the counts: `named=False` skips a row per voter)."""
    counts = dict(
        Choice.objects.filter(poll=poll).values("option_id").annotate(n=Count("pk")).values_list("option_id", "n")
    )
    questions = []
    options_by_question: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question__poll=poll).order_by("order", "pk"):
        options_by_question.setdefault(option.question_id, []).append(option)
    for question in Question.objects.filter(poll=poll).order_by("order"):
        result = QuestionResult(
            id=question.pk,
            text=question.text,
            options=[
                OptionResult(o.pk, o.label, o.code, counts.get(o.pk, 0))
                for o in options_by_question.get(question.pk, [])
            ],
        )
        others = Choice.objects.filter(question=question, option__code=OptionCode.OTHER).exclude(other_text="")
        if poll.is_secret:
            # Sorted by text, never by storage order, so the list reveals no sequence.
            result.others = [{"text": t, "voter": ""} for t in sorted(others.values_list("other_text", flat=True))]
        else:
            result.others = [
                {"text": t, "voter": name}
                for t, name in others.order_by("participation__voter__full_name").values_list(
                    "other_text", "participation__voter__full_name"
                )
            ]
            if named:
                result.named = [
                    {"voter": name, "voter_id": voter_id, "option": label}
                    for name, voter_id, label in Choice.objects.filter(question=question)
                    .order_by("participation__voter__full_name")
                    .values_list("participation__voter__full_name", "participation__voter_id", "option__label")
                ]
        questions.append(result)
    return PollResult(poll.pk, Participation.objects.filter(poll=poll).count(), questions)


def voted_count(poll: Poll) -> int:
    return Participation.objects.filter(poll=poll).count()


def has_voted(poll: Poll, user: User) -> bool:
    return Participation.objects.filter(poll=poll, voter=user).exists()
