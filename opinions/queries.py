"""Reading opinion collections: the voter's open list, the creator's list, progress and results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import OrgUnit, User
from core.http import AnyUser
from opinions.models import AnswerRevision, Collection, RevisionState
from opinions.results import AnswerRow, CollectionResults, QuestionResults
from opinions.rules import Phase, phase
from polls.models import Choice, Option, OptionCode, Participation, PollKind, Question

if TYPE_CHECKING:
    from meetings.models import Meeting


def _base() -> QuerySet[Collection]:
    return Collection.objects.select_related("poll", "poll__unit", "poll__created_by", "poll__meeting")


def open_for_voter(user: User, now: datetime | None = None) -> QuerySet[Collection]:
    """ "Lấy ý kiến": released, not expired, and the user answers for themself or a unit."""
    now = now or timezone.now()
    return (
        _base()
        .filter(release_at__lte=now, poll__closes_at__gt=now, poll__kind=PollKind.OPINION)
        .filter(Q(people__user=user) | Q(units__unit__document_receiver=user))
        .distinct()
        .order_by("poll__closes_at", "pk")
    )


def answered_by_voter(user: User) -> QuerySet[Collection]:
    """Every released collection the user was consulted in (open or expired), newest first."""
    now = timezone.now()
    return (
        _base()
        .filter(release_at__lte=now)
        .filter(Q(people__user=user) | Q(units__unit__document_receiver=user))
        .distinct()
        .order_by("-release_at", "-pk")
    )


def managed_or_followed(user: User) -> QuerySet[Collection]:
    """The list of "Quản lý biểu quyết": created or followed by the user, or attached to a meeting
    they chair or organise."""
    mine = (
        Q(poll__created_by=user)
        | Q(followers__user=user)
        | Q(poll__meeting__chair=user)
        | Q(poll__meeting__organiser=user)
    )
    return _base().filter(mine).distinct().order_by("-release_at", "-pk")


class Status:
    """Where one consulted person or unit stands; exactly one per row."""

    ANSWERED = "answered"  # a counted answer
    AWAITING_SIGNATURE = "awaiting_signature"  # answered, the ballot is not signed yet (still open)
    WAITING = "waiting"  # no answer yet (still open)
    IMPLIED = "implied"  # expired without a counted answer: counted as agreeing (Điều 7.2)


@dataclass(frozen=True)
class ProgressRow:
    name: str  # the person, or the unit
    unit: str  # the person's unit, or the unit's receiver
    is_unit: bool
    answered: bool
    answered_at: datetime | None
    awaiting_signature: bool  # an unsigned answer waits (it never counts once expired)
    closed: bool = False  # the collection has expired

    @property
    def status(self) -> str:
        if self.answered:
            return Status.ANSWERED
        if self.closed:
            return Status.IMPLIED
        return Status.AWAITING_SIGNATURE if self.awaiting_signature else Status.WAITING


def progress(collection: Collection, now: datetime | None = None) -> list[ProgressRow]:
    """Every consulted person, then every consulted unit, each once with its status."""
    poll = collection.poll
    closed = phase(collection, now) == Phase.EXPIRED
    by_person = {p.voter_id: p for p in Participation.objects.filter(poll=poll, unit__isnull=True)}
    by_unit = {p.unit_id: p for p in Participation.objects.filter(poll=poll, unit__isnull=False)}
    awaiting_people = set(
        AnswerRevision.objects.filter(
            collection=collection, unit__isnull=True, state=RevisionState.AWAITING_SIGNATURE
        ).values_list("voter_id", flat=True)
    )
    awaiting_units = set(
        AnswerRevision.objects.filter(
            collection=collection, unit__isnull=False, state=RevisionState.AWAITING_SIGNATURE
        ).values_list("unit_id", flat=True)
    )
    rows = []
    for row in collection.people.select_related("user__unit").order_by("user__full_name"):
        answer = by_person.get(row.user_id)
        rows.append(
            ProgressRow(
                row.user.display_name,
                row.user.unit.name if row.user.unit else "",
                False,
                answer is not None,
                (answer.changed_at or answer.cast_at) if answer else None,
                answer is None and row.user_id in awaiting_people,
                closed,
            )
        )
    for unit_row in collection.units.select_related("unit__document_receiver").order_by("unit__name"):
        answer = by_unit.get(unit_row.unit_id)
        receiver = unit_row.unit.document_receiver
        rows.append(
            ProgressRow(
                unit_row.unit.name,
                receiver.display_name if receiver else "",
                True,
                answer is not None,
                (answer.changed_at or answer.cast_at) if answer else None,
                answer is None and unit_row.unit_id in awaiting_units,
                closed,
            )
        )
    return rows


def results(collection: Collection, now: datetime | None = None) -> CollectionResults:
    """Counts per question; once expired, everyone consulted without a counted answer is counted
    as agreeing (implied), kept apart from explicit agreement."""
    poll = collection.poll
    closed = phase(collection, now) == Phase.EXPIRED
    people = list(collection.people.select_related("user__unit").order_by("user__full_name"))
    units = list(collection.units.select_related("unit__document_receiver").order_by("unit__name"))
    consulted = len(people) + len(units)
    participations = list(Participation.objects.filter(poll=poll).select_related("voter__unit", "unit"))
    person_answers = {p.voter_id: p for p in participations if p.unit_id is None}
    unit_answers = {p.unit_id: p for p in participations if p.unit_id is not None}
    answered = sum(1 for r in people if r.user_id in person_answers) + sum(
        1 for r in units if r.unit_id in unit_answers
    )
    silent = consulted - answered if closed else 0
    counts: dict[int, int] = {}
    for option_id in Choice.objects.filter(poll=poll).values_list("option_id", flat=True):
        counts[option_id] = counts.get(option_id, 0) + 1
    signed_revisions = {
        (r.voter_id, r.unit_id): r
        for r in AnswerRevision.objects.filter(collection=collection, state=RevisionState.COUNTED)
    }
    questions = []
    for number, question in enumerate(Question.objects.filter(poll=poll).order_by("order"), start=1):
        options = list(Option.objects.filter(question=question).order_by("order"))
        by_code: dict[str, int] = {}
        for option in options:
            by_code[option.code] = by_code.get(option.code, 0) + counts.get(option.pk, 0)
        choices = Choice.objects.filter(question=question).select_related("option")
        if poll.is_secret:
            others = [("", t) for t in sorted(c.other_text for c in choices if c.option.code == OptionCode.OTHER)]
            rows: list[AnswerRow] = []
        else:
            by_participation = {c.participation_id: c for c in choices}
            maybe = [
                _row(
                    collection, r.user, None, person_answers.get(r.user_id), by_participation, signed_revisions, closed
                )
                for r in people
            ] + [
                _row(
                    collection,
                    u.unit.document_receiver,
                    u.unit,
                    unit_answers.get(u.unit_id),
                    by_participation,
                    signed_revisions,
                    closed,
                )
                for u in units
            ]
            rows = [r for r in maybe if r is not None]
            others = [(r.voter, r.other_text) for r in rows if r.other_text]
        questions.append(
            QuestionResults(
                number=number,
                text=question.text,
                agree_explicit=by_code.get(OptionCode.AGREE, 0),
                agree_implied=silent,
                disagree=by_code.get(OptionCode.DISAGREE, 0),
                other=by_code.get(OptionCode.OTHER, 0),
                others=others,
                rows=rows,
            )
        )
    return CollectionResults(
        id=collection.pk,
        title=poll.title,
        unit=poll.unit.name,
        creator=poll.created_by.display_name,
        is_secret=poll.is_secret,
        requires_signature=collection.requires_signature,
        release_at=collection.release_at,
        expires_at=poll.closes_at or collection.release_at,
        closed=closed,
        consulted=consulted,
        answered=answered,
        questions=questions,
        final_hash=collection.final_hash,
        recommendation=collection.recommendation,
    )


@dataclass(frozen=True)
class QuestionCounts:
    number: int  # 1-based
    text: str
    agree_explicit: int
    agree_implied: int
    disagree: int
    other: int


@dataclass(frozen=True)
class CollectionCounts:
    """The numbers of `results` without the rows: for many collections at once (report Mẫu
    số 02, reports/forms_data.py), in a fixed number of queries whatever their count."""

    collection_id: int
    closed: bool
    consulted: int
    answered: int
    questions: list[QuestionCounts]


def counts_many(collections: list[Collection], now: datetime | None = None) -> dict[int, CollectionCounts]:
    """`results`' counts (consulted, answered, per question agree explicit and implied, disagree,
    other) of each collection, by id, in six queries. The same rules as `results`: an answer
    counts when its person or unit is consulted; once expired, the silent count as agreeing
    (Điều 7.2b); choices are counted by their option's code. opinions/tests check both agree."""
    from opinions.models import ConsultedPerson, ConsultedUnit

    ids = [c.pk for c in collections]
    people: dict[int, set[int]] = {}
    for collection_id, user_id in ConsultedPerson.objects.filter(collection_id__in=ids).values_list(
        "collection_id", "user_id"
    ):
        people.setdefault(collection_id, set()).add(user_id)
    units: dict[int, set[int]] = {}
    for collection_id, unit_id in ConsultedUnit.objects.filter(collection_id__in=ids).values_list(
        "collection_id", "unit_id"
    ):
        units.setdefault(collection_id, set()).add(unit_id)
    person_answers: dict[int, set[int]] = {}
    unit_answers: dict[int, set[int]] = {}
    for poll_id, voter_id, unit_id in Participation.objects.filter(poll_id__in=ids).values_list(
        "poll_id", "voter_id", "unit_id"
    ):
        if unit_id is None:
            person_answers.setdefault(poll_id, set()).add(voter_id)
        else:
            unit_answers.setdefault(poll_id, set()).add(unit_id)
    by_question: dict[int, dict[str, int]] = {}
    for question_id, code, n in (
        Choice.objects.filter(poll_id__in=ids)
        .values("question_id", "option__code")
        .annotate(n=Count("pk"))
        .values_list("question_id", "option__code", "n")
    ):
        codes = by_question.setdefault(question_id, {})
        codes[code] = codes.get(code, 0) + n
    questions: dict[int, list[tuple[int, str]]] = {}
    for poll_id, question_id, text in (
        Question.objects.filter(poll_id__in=ids).order_by("order").values_list("poll_id", "pk", "text")
    ):
        questions.setdefault(poll_id, []).append((question_id, text))
    counts = {}
    for collection in collections:
        closed = phase(collection, now) == Phase.EXPIRED
        consulted_people = people.get(collection.pk, set())
        consulted_units = units.get(collection.pk, set())
        consulted = len(consulted_people) + len(consulted_units)
        answered = len(consulted_people & person_answers.get(collection.pk, set())) + len(
            consulted_units & unit_answers.get(collection.pk, set())
        )
        silent = consulted - answered if closed else 0
        counts[collection.pk] = CollectionCounts(
            collection_id=collection.pk,
            closed=closed,
            consulted=consulted,
            answered=answered,
            questions=[
                QuestionCounts(
                    number=number,
                    text=text,
                    agree_explicit=by_question.get(question_id, {}).get(OptionCode.AGREE, 0),
                    agree_implied=silent,
                    disagree=by_question.get(question_id, {}).get(OptionCode.DISAGREE, 0),
                    other=by_question.get(question_id, {}).get(OptionCode.OTHER, 0),
                )
                for number, (question_id, text) in enumerate(questions.get(collection.pk, []), start=1)
            ],
        )
    return counts


def _row(
    collection: Collection,
    user: User | None,
    unit: OrgUnit | None,
    participation: Participation | None,
    by_participation: dict[Any, Choice],
    revisions: dict[tuple[int, int | None], AnswerRevision],
    closed: bool,
) -> AnswerRow | None:
    unit_name = unit.name if unit is not None else ""
    if participation is None:
        if not closed:
            return None
        return AnswerRow(
            voter=unit_name or (user.display_name if user else ""),
            position=getattr(user, "position", "") if unit is None and user else "",
            unit=(user.unit.name if unit is None and user and user.unit else unit_name),
            on_behalf_of_unit=unit_name,
            option="",
            other_text="",
            answered_at=None,
            signature="",
            implied=True,
        )
    choice = by_participation.get(participation.pk)
    voter = participation.voter
    revision = revisions.get((voter.pk, participation.unit_id))
    if not collection.requires_signature:
        signature = "not_required"
    else:
        signature = "signed" if revision is not None and revision.signed_at else "unsigned"
    return AnswerRow(
        voter=voter.display_name,
        position=getattr(voter, "position", "") or "",
        unit=voter.unit.name if voter.unit else "",
        on_behalf_of_unit=unit_name,
        option=choice.option.label if choice else "",
        other_text=choice.other_text if choice else "",
        answered_at=participation.changed_at or participation.cast_at,
        signature=signature,
        implied=False,
    )


def of_meeting(user: AnyUser, meeting: Meeting) -> list[Collection]:
    """The collections attached to a meeting that `user` may open (for the meeting page)."""
    from accounts.permissions import Perm, can

    return [c for c in _base().filter(poll__meeting=meeting).order_by("pk") if can(user, Perm.VIEW_COLLECTION, c)]


def history(collection: Collection, voter: User, unit: OrgUnit | None = None) -> list[AnswerRevision]:
    revisions = AnswerRevision.objects.filter(collection=collection)
    revisions = revisions.filter(unit=unit) if unit is not None else revisions.filter(unit__isnull=True, voter=voter)
    return list(revisions.order_by("-number"))
