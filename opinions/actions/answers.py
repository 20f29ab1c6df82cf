"""Answers to an opinion collection (Điều 7.2): a consulted person answers for themself, the
document receiver of a consulted unit for the unit, and may change the answer until the expiry
(each change a new revision; the latest counted one counts). A secret collection takes one answer
per voter and keeps nothing that links the voter to it. When signatures are required, an answer
counts only once its ballot comes back signed (`opinions.actions.signatures`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from audit.chain import digest
from audit.log import log_action
from opinions import log as ballot_log
from opinions.actions.lifecycle import ensure_released, locked
from opinions.ballots import ballot_pdf_for
from opinions.models import AnswerRevision, Collection, RevisionState
from opinions.rules import Phase, ballot_owners, phase
from polls import actions as poll_actions
from polls import ballot_chain
from polls.models import Choice, Participation


class DuplicateAnswer(ValidationError):
    """A secret collection takes one answer per voter; nothing was changed."""


@dataclass(frozen=True)
class Receipt:
    seq: int
    hash: str


@dataclass(frozen=True)
class AnswerOutcome:
    counted: bool  # False: a signature is awaited
    receipt: Receipt
    revision: AnswerRevision | None  # None for a secret collection


def owner_key(unit: OrgUnit | None) -> dict[str, Any]:
    """Filter of the revisions answered for `unit`, or, for None, of those answered by people for
    themselves (add the voter)."""
    return {"unit": unit} if unit is not None else {"unit__isnull": True}


def _check_owner(voter: User, collection: Collection, unit: OrgUnit | None) -> None:
    owners = ballot_owners(voter, collection)
    if unit is None and None in owners:
        return
    if unit is not None and any(o is not None and o.pk == unit.pk for o in owners):
        return
    raise PermissionDenied


def do_answer(
    voter: User, collection: Collection, choices: Any, other_texts: Any = None, *, unit: OrgUnit | None = None
) -> AnswerOutcome:
    """An answer of `voter` for themself (unit None) or for a consulted unit they receive for."""
    # The times as stored now, not as the caller's copy had them (an extension may have happened).
    collection = Collection.objects.select_related("poll", "poll__unit").get(pk=collection.pk)
    current = phase(collection)
    if current == Phase.SCHEDULED:
        raise PermissionDenied
    if current == Phase.EXPIRED:
        raise ValidationError(_("The collection has expired: answers are no longer accepted."), code="expired")
    _check_owner(voter, collection, unit)
    clean = poll_actions.check_ballot(poll_actions._structure(collection.poll), choices, other_texts)
    with transaction.atomic():
        row = locked(collection)
        if phase(row) != Phase.OPEN:  # the expiry passed while waiting for the lock
            raise ValidationError(_("The collection has expired: answers are no longer accepted."), code="expired")
        ensure_released(row)
        poll = row.poll
        if poll.is_secret:
            return _answer_secret(voter, row, unit, clean)
        previous = AnswerRevision.objects.filter(collection=row, **owner_key(unit))
        if unit is None:
            previous = previous.filter(voter=voter)
        number = (previous.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        answers = [{"question": c.question_id, "option": c.option_id, "other_text": c.other_text} for c in clean]
        revision = AnswerRevision.objects.create(
            collection=row,
            voter=voter,
            unit=unit,
            number=number,
            answers=answers,
            state=RevisionState.AWAITING_SIGNATURE if row.requires_signature else RevisionState.COUNTED,
            content_hash=_answers_hash(row, voter, unit, number, answers),
        )
        if row.requires_signature:
            _attach_ballot(row, revision)
            entry = ballot_log.append(
                row,
                "answer.sent",
                {"voter": voter.pk, "unit": getattr(unit, "pk", None), "answer": revision.content_hash},
            )
        else:
            count_revision(row, revision)
            entry = ballot_log.append(
                row,
                "answered",
                {
                    "voter": voter.pk,
                    "unit": getattr(unit, "pk", None),
                    "revision": number,
                    "answer": revision.content_hash,
                },
            )
        log_action(
            "opinion.answered",
            actor=voter,
            target=poll,
            unit=poll.unit,
            data={"on_behalf_of": getattr(unit, "pk", None), "revision": number, "counted": not row.requires_signature},
        )
    return AnswerOutcome(not row.requires_signature, Receipt(entry.seq, entry.hash), revision)


def _answers_hash(
    collection: Collection, voter: User, unit: OrgUnit | None, number: int, answers: list[dict[str, Any]]
) -> str:
    payload = {
        "collection": collection.pk,
        "voter": voter.pk,
        "unit": getattr(unit, "pk", None),
        "revision": number,
        "answers": answers,
    }
    return digest(payload)


def _answer_secret(
    voter: User, collection: Collection, unit: OrgUnit | None, clean: list[poll_actions.CleanChoice]
) -> AnswerOutcome:
    poll = collection.poll
    try:
        with transaction.atomic():
            Participation.objects.create(poll=poll, voter=voter, unit=unit)
    except IntegrityError:
        raise DuplicateAnswer(
            _(
                "You have already answered. In a secret collection an answer cannot be changed: nothing links "
                "you to your answer any more."
            ),
            code="duplicate",
        ) from None
    # The choices go into the poll's ballot chain (their random ids, never the voter); the
    # collection's log below records only that this voter answered.
    ballot_chain.store_choices(
        ballot_chain.locked_head(poll),
        [Choice(poll=poll, question_id=c.question_id, option_id=c.option_id, other_text=c.other_text) for c in clean],
    )
    entry = ballot_log.append(collection, "answered", {"voter": voter.pk, "unit": getattr(unit, "pk", None)})
    log_action(
        "opinion.answered", actor=voter, target=poll, unit=poll.unit, data={"on_behalf_of": getattr(unit, "pk", None)}
    )
    return AnswerOutcome(True, Receipt(entry.seq, entry.hash), None)


def count_revision(collection: Collection, revision: AnswerRevision) -> None:
    """Make `revision` the counted answer of its owner: earlier ones are kept as superseded.
    Caller holds the collection lock (`locked`)."""
    poll = collection.poll
    now = timezone.now()
    owner = AnswerRevision.objects.filter(collection=collection, **owner_key(revision.unit))
    if revision.unit is None:
        owner = owner.filter(voter=revision.voter)
    owner.filter(state=RevisionState.COUNTED).exclude(pk=revision.pk).update(state=RevisionState.SUPERSEDED)
    AnswerRevision.objects.filter(pk=revision.pk).update(state=RevisionState.COUNTED, counted_at=now)
    revision.state, revision.counted_at = RevisionState.COUNTED, now
    if revision.unit is not None:
        participation = Participation.objects.filter(poll=poll, unit=revision.unit).first()
    else:
        participation = Participation.objects.filter(poll=poll, voter=revision.voter, unit__isnull=True).first()
    head = ballot_chain.locked_head(poll)
    if participation is None:
        participation = Participation.objects.create(poll=poll, voter=revision.voter, unit=revision.unit, cast_at=now)
    else:
        participation.voter, participation.changed_at = revision.voter, now
        participation.save(update_fields=["voter", "changed_at"])
        ballot_chain.withdraw_choices(head, Choice.objects.filter(participation=participation))
    ballot_chain.store_choices(
        head,
        [
            Choice(
                poll=poll,
                question_id=a["question"],
                option_id=a["option"],
                other_text=a["other_text"],
                participation=participation,
            )
            for a in revision.answers
        ],
        {participation.pk: revision.voter.pk},
    )


def _attach_ballot(collection: Collection, revision: AnswerRevision) -> None:
    pdf = ballot_pdf_for(collection, revision)
    revision.ballot_sha256 = hashlib.sha256(pdf).hexdigest()
    revision.ballot.save(f"phieu-{revision.pk}.pdf", ContentFile(pdf), save=False)
    revision.save(update_fields=["ballot", "ballot_sha256"])
