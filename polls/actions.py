"""Every write of a poll: create, open, close, cast a ballot (one or a batch). Each is atomic,
checked with `can()`, and audited; callers (live/, the opinion collection) emit their own events.

Time decides: a poll whose `closes_at` has passed takes no ballot even if nothing has closed it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from polls import ballot_chain
from polls.kinds import rules_for
from polls.models import Choice, Option, OptionCode, Participation, Poll, PollKind, PollState, Question

MAX_QUESTIONS = 20
MAX_OPTIONS = 10
MAX_OTHER_TEXT = 2000


class DuplicateBallot(ValidationError):
    """This voter has already voted in this poll; nothing was changed."""


def default_options() -> list[tuple[str, str]]:
    return [
        (OptionCode.AGREE, _("In favour")),
        (OptionCode.DISAGREE, _("Against")),
        (OptionCode.ABSTAIN, _("Abstain")),
    ]


@dataclass
class QuestionInput:
    text: str
    options: list[str] | None = None  # None: agree / disagree / abstain
    allow_other: bool = False


@dataclass
class PollInput:
    title: str
    questions: list[QuestionInput] = field(default_factory=list)
    is_secret: bool = False
    closes_at: datetime | None = None


def check_poll_input(data: PollInput, *, now: datetime | None = None) -> PollInput:
    now = now or timezone.now()
    title = (data.title or "").strip()
    if not title:
        raise ValidationError(_("Enter the question or title of the vote."))
    if len(title) > 300:
        raise ValidationError(_("The title is too long (at most 300 characters)."))
    if not 1 <= len(data.questions) <= MAX_QUESTIONS:
        raise ValidationError(_("A vote has between 1 and 20 questions."))
    questions = []
    for number, question in enumerate(data.questions, start=1):
        text = (question.text or "").strip()
        if not text:
            raise ValidationError(_("Question %(n)s is empty.") % {"n": number})
        options = None
        if question.options is not None:
            options = [label.strip() for label in question.options if label and label.strip()]
            if not 2 <= len(options) <= MAX_OPTIONS:
                raise ValidationError(_("Question %(n)s needs between 2 and 10 options.") % {"n": number})
            if len({o.casefold() for o in options}) != len(options):
                raise ValidationError(_("Question %(n)s has the same option twice.") % {"n": number})
            if any(len(o) > 200 for o in options):
                raise ValidationError(_("An option is too long (at most 200 characters)."))
        questions.append(QuestionInput(text=text, options=options, allow_other=bool(question.allow_other)))
    if data.closes_at is not None and data.closes_at <= now:
        raise ValidationError(_("The closing time must be in the future."))
    return PollInput(title=title, questions=questions, is_secret=bool(data.is_secret), closes_at=data.closes_at)


def agree_disagree_options() -> list[tuple[str, str]]:
    """The options of an opinion collection (Điều 7.1k); "other" is added per question."""
    return [(OptionCode.AGREE, _("Agree")), (OptionCode.DISAGREE, _("Disagree"))]


def do_create_poll(
    actor: User,
    *,
    kind: str,
    unit: Any,
    data: PollInput,
    meeting: Any = None,
    defaults: list[tuple[str, str]] | None = None,
) -> Poll:
    """`defaults`: the options of a question given without its own (agree/disagree/abstain)."""
    if kind not in PollKind.values:
        raise ValidationError(_("Unknown kind of vote."))
    poll = Poll(kind=kind, meeting=meeting, unit=unit, created_by=actor)
    if not can(actor, Perm.MANAGE_POLL, poll):
        raise PermissionDenied
    clean = check_poll_input(data)
    with transaction.atomic():
        _write_poll(actor, poll, clean, defaults)
        log_action(
            "poll.created",
            actor=actor,
            target=poll,
            unit=unit,
            data={"title": poll.title, "kind": kind, "secret": poll.is_secret, "meeting": getattr(meeting, "pk", None)},
        )
    return poll


def do_replace_poll_content(
    actor: User, poll: Poll, data: PollInput, defaults: list[tuple[str, str]] | None = None
) -> Poll:
    """Rewrite title, secrecy, closing time and questions of a poll nobody could answer yet."""
    if not can(actor, Perm.MANAGE_POLL, poll):
        raise PermissionDenied
    clean = check_poll_input(data)
    with transaction.atomic():
        locked = _locked(poll)
        if locked.state != PollState.DRAFT or Participation.objects.filter(poll=locked).exists():
            raise ValidationError(_("Only a vote that has not been opened can be changed."))
        Question.objects.filter(poll=locked).delete()
        _write_poll(actor, locked, clean, defaults)
        log_action("poll.changed", actor=actor, target=locked, unit=locked.unit, data={"title": locked.title})
    return locked


def _write_poll(actor: User, poll: Poll, clean: PollInput, defaults: list[tuple[str, str]] | None) -> None:
    poll.title, poll.is_secret, poll.closes_at = clean.title, clean.is_secret, clean.closes_at
    poll.save()
    for q_order, question in enumerate(clean.questions):
        row = Question.objects.create(poll=poll, order=q_order, text=question.text, allow_other=question.allow_other)
        labels = (
            (defaults or default_options())
            if question.options is None
            else [(OptionCode.CUSTOM, label) for label in question.options]
        )
        if question.allow_other:
            labels = [*labels, (OptionCode.OTHER, _("Other opinion"))]
        Option.objects.bulk_create(
            [Option(question=row, order=n, label=label, code=code) for n, (code, label) in enumerate(labels)]
        )


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update(of=("self",)).select_related("unit").get(pk=poll.pk)


def is_open(poll: Poll, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return poll.state == PollState.OPEN and (poll.closes_at is None or now < poll.closes_at)


def do_open_poll(actor: User, poll: Poll, *, closes_at: datetime | None = None) -> Poll:
    if not can(actor, Perm.MANAGE_POLL, poll):
        raise PermissionDenied
    now = timezone.now()
    if closes_at is not None and closes_at <= now:
        raise ValidationError(_("The closing time must be in the future."))
    with transaction.atomic():
        locked = _locked(poll)
        if locked.state != PollState.DRAFT:
            raise ValidationError(_("Only a vote that has not been opened can be opened."))
        locked.state, locked.opened_at = PollState.OPEN, now
        if closes_at is not None:
            locked.closes_at = closes_at
        if locked.closes_at is not None and locked.closes_at <= now:
            raise ValidationError(_("The closing time must be in the future."))
        locked.save(update_fields=["state", "opened_at", "closes_at"])
        log_action("poll.opened", actor=actor, target=locked, unit=locked.unit, data={"closes_at": locked.closes_at})
    return locked


def do_close_poll(actor: User, poll: Poll) -> Poll:
    """Close a vote (also one whose closing time passed: that records when it was closed)."""
    if not can(actor, Perm.MANAGE_POLL, poll):
        raise PermissionDenied
    with transaction.atomic():
        locked = _locked(poll)
        if locked.state != PollState.OPEN:
            raise ValidationError(_("Only an open vote can be closed."))
        now = timezone.now()
        locked.state = PollState.CLOSED
        locked.closed_at = min(now, locked.closes_at) if locked.closes_at else now
        locked.save(update_fields=["state", "closed_at"])
        ballot_chain.seal(locked)
        log_action(
            "poll.closed",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"voters": Participation.objects.filter(poll=locked).count()},
        )
    return locked


# --- ballots ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanChoice:
    question_id: int
    option_id: int
    other_text: str


def _structure(poll: Poll) -> dict[int, dict[int, str]]:
    """question id -> {option id -> option code}."""
    structure: dict[int, dict[int, str]] = {}
    for option_id, question_id, code in Option.objects.filter(question__poll=poll).values_list(
        "pk", "question_id", "code"
    ):
        structure.setdefault(question_id, {})[option_id] = code
    return structure


def check_ballot(structure: dict[int, dict[int, str]], choices: Any, other_texts: Any = None) -> list[CleanChoice]:
    """Every question answered with one of its own options; "other" text only where offered."""
    if not isinstance(choices, dict):
        raise ValidationError(_("The ballot is not valid. Choose one option for each question."))
    other_texts = other_texts if isinstance(other_texts, dict) else {}
    clean = []
    try:
        given = {int(q): int(o) for q, o in choices.items()}
        texts = {int(q): t for q, t in other_texts.items()}
    except (TypeError, ValueError):
        raise ValidationError(_("The ballot is not valid. Choose one option for each question.")) from None
    if set(given) != set(structure):
        raise ValidationError(_("Answer every question of the vote (one option each)."))
    for question_id, option_id in given.items():
        options = structure[question_id]
        if option_id not in options:
            raise ValidationError(_("The chosen option does not belong to this question."))
        text = texts.get(question_id) or ""
        if not isinstance(text, str):
            raise ValidationError(_("The opinion must be text."))
        text = text.strip()
        if options[option_id] == OptionCode.OTHER:
            if not text:
                raise ValidationError(_("Write your opinion for the option “Other opinion”."))
            if len(text) > MAX_OTHER_TEXT:
                raise ValidationError(_("The opinion is too long (at most 2,000 characters)."))
        elif text:
            raise ValidationError(_("A written opinion goes with the option “Other opinion” only."))
        clean.append(CleanChoice(question_id, option_id, text))
    return clean


def _choice_rows(poll: Poll, clean: list[CleanChoice], participation: Participation | None) -> list[Choice]:
    """Unsaved choices (random ids already drawn); store them with `ballot_chain.store_choices`."""
    return [
        Choice(
            poll=poll,
            question_id=c.question_id,
            option_id=c.option_id,
            other_text=c.other_text,
            participation=None if poll.is_secret else participation,
        )
        for c in clean
    ]


def do_cast_ballot(voter: User, poll: Poll, choices: Any, *, other_texts: Any = None) -> Participation:
    """One ballot. A second one by the same voter raises DuplicateBallot and changes nothing."""
    poll = Poll.objects.select_related("unit").get(pk=poll.pk)
    if not can(voter, Perm.CAST_BALLOT, poll):
        raise PermissionDenied
    if not is_open(poll):
        raise ValidationError(_("This vote is closed."))
    clean = check_ballot(_structure(poll), choices, other_texts)
    with transaction.atomic():
        head = ballot_chain.locked_head(poll)
        if not is_open(head):  # closed while we waited for the lock
            raise ValidationError(_("This vote is closed."))
        try:
            with transaction.atomic():
                participation = Participation.objects.create(poll=poll, voter=voter)
        except IntegrityError:
            raise DuplicateBallot(_("You have already voted. Your first ballot counts."), code="duplicate") from None
        ballot_chain.store_choices(head, _choice_rows(poll, clean, participation), {participation.pk: voter.pk})
        log_action("poll.ballot.cast", actor=voter, target=poll, unit=poll.unit, data={"poll": poll.pk})
    return participation


ACCEPTED, DUPLICATE, REFUSED = "accepted", "duplicate", "refused"


@dataclass(frozen=True)
class BallotOutcome:
    status: str  # accepted | duplicate | refused
    message: str = ""


def do_cast_ballots(poll: Poll, ballots: list[tuple[User, Any, Any]]) -> list[BallotOutcome]:
    """The batch path of a vote burst: many (voter, choices, other_texts) in one transaction.

    Same guarantees as `do_cast_ballot`: eligibility, validation, closed-by-time, one ballot per
    voter (unique constraint; a duplicate inside the batch or against the database is reported,
    not stored). One audit entry per batch lists the accepted voters (never their choices); the
    choices go into the ballot chain under one lock of the poll row for the whole batch."""
    poll = Poll.objects.select_related("unit").get(pk=poll.pk)
    outcomes: list[BallotOutcome | None] = [None] * len(ballots)
    if not is_open(poll):
        return [BallotOutcome(REFUSED, _("This vote is closed.")) for _b in ballots]
    structure = _structure(poll)
    rules = rules_for(poll.kind)
    voter_ids = {getattr(voter, "pk", None) for voter, _c, _o in ballots}
    if rules is not None and rules.eligible_among is not None:
        eligible = rules.eligible_among(poll, {v for v in voter_ids if v is not None})
    else:
        eligible = {voter.pk for voter, _c, _o in ballots if can(voter, Perm.CAST_BALLOT, poll)}
    accepted: list[tuple[int, Any, list[CleanChoice]]] = []
    seen: set[int] = set()
    for index, (voter, choices, other_texts) in enumerate(ballots):
        if voter.pk not in eligible or not voter.is_active:
            outcomes[index] = BallotOutcome(REFUSED, _("You may not vote in this vote."))
            continue
        if voter.pk in seen:
            outcomes[index] = BallotOutcome(DUPLICATE, _("You have already voted. Your first ballot counts."))
            continue
        try:
            clean = check_ballot(structure, choices, other_texts)
        except ValidationError as exc:
            outcomes[index] = BallotOutcome(REFUSED, " ".join(exc.messages))
            continue
        seen.add(voter.pk)
        accepted.append((index, voter, clean))
    with transaction.atomic():
        head = ballot_chain.locked_head(poll)
        if not is_open(head):  # closed while the batch waited for the lock
            return [o or BallotOutcome(REFUSED, _("This vote is closed.")) for o in outcomes]
        already = set(
            Participation.objects.filter(poll=poll, voter_id__in=[v.pk for _i, v, _c in accepted]).values_list(
                "voter_id", flat=True
            )
        )
        fresh = [(i, v, c) for i, v, c in accepted if v.pk not in already]
        for i, _v, _c in accepted:
            if _v.pk in already:
                outcomes[i] = BallotOutcome(DUPLICATE, _("You have already voted. Your first ballot counts."))
        created = _insert_participations(poll, fresh, outcomes)
        rows: list[Choice] = []
        voters: dict[int, int] = {}
        for (index, voter, clean), participation in created:
            rows.extend(_choice_rows(poll, clean, participation))
            voters[participation.pk] = voter.pk
            outcomes[index] = BallotOutcome(ACCEPTED)
        ballot_chain.store_choices(head, rows, voters)
        if created:
            log_action(
                "poll.ballots.cast",
                actor=None,
                actor_name=_("Electronic ballot box"),
                target=poll,
                unit=poll.unit,
                data={"poll": poll.pk, "voters": sorted(v.pk for (_i, v, _c), _p in created)},
            )
    return [o or BallotOutcome(REFUSED) for o in outcomes]


def _insert_participations(
    poll: Poll, fresh: list[tuple[int, Any, list[CleanChoice]]], outcomes: list[BallotOutcome | None]
) -> list[tuple[tuple[int, Any, list[CleanChoice]], Participation]]:
    """Insert all at once; if a concurrent request got in first for someone, fall back to one
    savepoint per ballot so that only that one is reported as a duplicate."""
    now = timezone.now()
    try:
        with transaction.atomic():
            made = Participation.objects.bulk_create(
                [Participation(poll=poll, voter=v, cast_at=now) for _i, v, _c in fresh]
            )
        return list(zip(fresh, made, strict=True))
    except IntegrityError:
        pass
    created = []
    for entry in fresh:
        try:
            with transaction.atomic():
                created.append((entry, Participation.objects.create(poll=poll, voter=entry[1], cast_at=now)))
        except IntegrityError:
            outcomes[entry[0]] = BallotOutcome(DUPLICATE, _("You have already voted. Your first ballot counts."))
    return created
