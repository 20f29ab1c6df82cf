"""Every write of an opinion collection (Điều 7): create, edit before release, release, extend the
expiry, answer (and change the answer), sign, close, write the recommendation.

Each action is atomic, checked with `can()`, audited (`log_action`), and, from the release on,
appended to the collection's ballot log (`opinions.log`). Time decides: an answer after the
expiry is refused even if the close task has not run; `ensure_released` / `ensure_closed` bring
the stored state in line with the clock and are called by the tasks and by the pages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.permissions import Perm, can
from audit.chain import digest
from audit.log import log_action
from opinions import log as ballot_log
from opinions import notify
from opinions.models import (
    AnswerRevision,
    Collection,
    ConsultedPerson,
    ConsultedUnit,
    Follower,
    RevisionState,
)
from opinions.rules import Phase, ballot_owners, phase
from polls import actions as poll_actions
from polls import ballot_chain
from polls.models import Choice, Option, OptionCode, Participation, PollKind, PollState, Question

MAX_DESCRIPTION = 5000
MAX_CONSULTED = 5000


class DuplicateAnswer(ValidationError):
    """A secret collection takes one answer per voter; nothing was changed."""


@dataclass
class CollectionInput:
    title: str
    questions: list[poll_actions.QuestionInput]
    release_at: datetime | None
    expires_at: datetime | None
    description: str = ""
    is_secret: bool = False
    requires_signature: bool = False
    notify_email: bool = True
    notify_sms: bool = False
    followers: list[Any] = field(default_factory=list)  # users
    people: list[Any] = field(default_factory=list)  # users consulted (h)
    units: list[Any] = field(default_factory=list)  # OrgUnits consulted (g)


def check_input(data: CollectionInput, *, now: datetime | None = None) -> CollectionInput:
    """Every setting a–k of Điều 7.1, each refused with its own message."""
    now = now or timezone.now()
    # (a) + (b): a signed ballot names its signer, so a secret collection cannot require one.
    if data.is_secret and data.requires_signature:
        raise ValidationError(
            _(
                "A secret collection cannot require a digital signature: a signed ballot names its signer, "
                "so the answers would no longer be secret. Choose one of the two."
            ),
            code="secret_signed",
        )
    # (d) release later than now; (đ) expiry after the release.
    if data.release_at is None:
        raise ValidationError(_("Enter the release time."), code="release_missing")
    if data.release_at <= now:
        raise ValidationError(_("The release time must be later than now."), code="release_past")
    if data.expires_at is None:
        raise ValidationError(_("Enter the expiry time."), code="expiry_missing")
    if data.expires_at <= data.release_at:
        raise ValidationError(_("The expiry time must be after the release time."), code="expiry_before_release")
    if len(data.description or "") > MAX_DESCRIPTION:
        raise ValidationError(_("The description is too long (at most 5,000 characters)."), code="description")
    # (e) followers, (g) units, (h) people.
    for user in [*data.followers, *data.people]:
        if not isinstance(user, User) or not user.is_active:
            raise ValidationError(
                _("%(name)s cannot take part: the account is not active.")
                % {"name": getattr(user, "display_name", user)},
                code="inactive_user",
            )
    for user in data.people:
        if user.is_external:
            raise ValidationError(
                _("%(name)s is an outside guest and cannot be consulted in the system.") % {"name": user.display_name},
                code="external_user",
            )
    for unit in data.units:
        if not isinstance(unit, OrgUnit):
            raise ValidationError(_("Choose the consulted units from the list."), code="unit")
        receiver = unit.document_receiver
        if receiver is None or not receiver.is_active:
            raise ValidationError(
                _(
                    "%(unit)s has no document receiver to answer on its behalf. Ask its unit administrator to "
                    "name one, or consult people of that unit instead."
                )
                % {"unit": unit.name},
                code="unit_without_receiver",
            )
    people = list({u.pk: u for u in data.people}.values())
    units = list({u.pk: u for u in data.units}.values())
    if not people and not units:
        raise ValidationError(_("Consult at least one person or unit."), code="nobody_consulted")
    if len(people) + len(units) > MAX_CONSULTED:
        raise ValidationError(_("Consult at most 5,000 people and units at once."), code="too_many")
    followers = list({u.pk: u for u in data.followers}.values())
    # (i) at least one question; (k) agree / disagree, optionally "other": no custom options.
    questions = [
        poll_actions.QuestionInput(text=q.text, options=None, allow_other=q.allow_other) for q in data.questions
    ]
    if not questions:
        raise ValidationError(_("Add at least one question."), code="no_question")
    poll_actions.check_poll_input(poll_actions.PollInput(title=data.title, questions=questions), now=now)
    return CollectionInput(
        title=data.title.strip(),
        questions=questions,
        release_at=data.release_at,
        expires_at=data.expires_at,
        description=(data.description or "").strip(),
        is_secret=bool(data.is_secret),
        requires_signature=bool(data.requires_signature),
        notify_email=bool(data.notify_email),
        notify_sms=bool(data.notify_sms),
        followers=followers,
        people=people,
        units=units,
    )


def _release_time(clean: CollectionInput) -> datetime:
    if clean.release_at is None:  # check_input refuses this; kept for the type
        raise ValidationError(_("Enter the release time."), code="release_missing")
    return clean.release_at


def _poll_input(clean: CollectionInput) -> poll_actions.PollInput:
    return poll_actions.PollInput(
        title=clean.title, questions=clean.questions, is_secret=clean.is_secret, closes_at=clean.expires_at
    )


def _write_members(collection: Collection, clean: CollectionInput) -> None:
    Follower.objects.filter(collection=collection).delete()
    ConsultedPerson.objects.filter(collection=collection).delete()
    ConsultedUnit.objects.filter(collection=collection).delete()
    Follower.objects.bulk_create([Follower(collection=collection, user=u) for u in clean.followers])
    ConsultedPerson.objects.bulk_create([ConsultedPerson(collection=collection, user=u) for u in clean.people])
    ConsultedUnit.objects.bulk_create([ConsultedUnit(collection=collection, unit=u) for u in clean.units])


def _settings_summary(collection: Collection, clean: CollectionInput) -> dict[str, Any]:
    return {
        "title": clean.title,
        "secret": clean.is_secret,
        "signature": clean.requires_signature,
        "email": clean.notify_email,
        "sms": clean.notify_sms,
        "release_at": clean.release_at,
        "expires_at": clean.expires_at,
        "followers": sorted(u.pk for u in clean.followers),
        "people": sorted(u.pk for u in clean.people),
        "units": sorted(u.pk for u in clean.units),
        "questions": [q.text for q in clean.questions],
    }


def do_create_collection(
    actor: Any, data: CollectionInput, *, meeting: Any = None, files: dict[int, list[Any]] | None = None
) -> Collection:
    """Create a collection; `files` (question number → files, see `do_attach_files`) are attached
    in the same transaction, so a refused file leaves nothing behind."""
    if not can(actor, Perm.CREATE_COLLECTION, meeting):
        raise PermissionDenied
    clean = check_input(data)
    unit = meeting.unit if meeting is not None else actor.unit
    with transaction.atomic():
        poll = poll_actions.do_create_poll(
            actor,
            kind=PollKind.OPINION,
            unit=unit,
            data=_poll_input(clean),
            meeting=meeting,
            defaults=poll_actions.agree_disagree_options(),
        )
        collection = Collection.objects.create(
            poll=poll,
            description=clean.description,
            requires_signature=clean.requires_signature,
            notify_email=clean.notify_email,
            notify_sms=clean.notify_sms,
            release_at=_release_time(clean),
        )
        _write_members(collection, clean)
        log_action("opinion.created", actor=actor, target=poll, unit=unit, data=_settings_summary(collection, clean))
        if files:
            do_attach_files(actor, collection, files)
        notify.schedule(collection)
    return collection


def locked(collection: Collection) -> Collection:
    return Collection.objects.select_for_update(of=("self",)).select_related("poll", "poll__unit").get(pk=collection.pk)


def do_update_collection(
    actor: Any,
    collection: Collection,
    data: CollectionInput,
    *,
    files: dict[int, list[Any]] | None = None,
    keep_attachments: dict[int, int] | None = None,
) -> Collection:
    """Everything may change until the release; afterwards only the expiry (do_extend_expiry).

    The questions are rewritten; the documents already attached follow `keep_attachments`
    (new question number, 1-based → the old question's order, 0-based; by default each stays at
    its position), those of a removed question are dropped. `files` are attached to the new
    questions in the same transaction."""
    if not can(actor, Perm.MANAGE_POLL, collection.poll):
        raise PermissionDenied
    if phase(collection) != Phase.SCHEDULED:  # the reason, before any check of the new settings
        raise ValidationError(
            _("The collection has been released: only its expiry can be extended now."), code="released"
        )
    clean = check_input(data)
    with transaction.atomic():
        row = locked(collection)
        if phase(row) != Phase.SCHEDULED:
            raise ValidationError(
                _("The collection has been released: only its expiry can be extended now."), code="released"
            )
        kept = _attachments_by_order(row)
        poll_actions.do_replace_poll_content(
            actor, row.poll, _poll_input(clean), defaults=poll_actions.agree_disagree_options()
        )
        _restore_attachments(row, kept, keep_attachments)
        row.description = clean.description
        row.requires_signature = clean.requires_signature
        row.notify_email, row.notify_sms = clean.notify_email, clean.notify_sms
        row.release_at = _release_time(clean)
        row.save(update_fields=["description", "requires_signature", "notify_email", "notify_sms", "release_at"])
        _write_members(row, clean)
        log_action(
            "opinion.changed", actor=actor, target=row.poll, unit=row.poll.unit, data=_settings_summary(row, clean)
        )
        if files:
            do_attach_files(actor, row, files)
        notify.schedule(row)
    return row


def ensure_released(collection: Collection) -> bool:
    """Record the release and notify the voters once the release time has passed (idempotent)."""
    if collection.released_notified_at is not None or timezone.now() < collection.release_at:
        return False
    with transaction.atomic():
        row = locked(collection)
        if row.released_notified_at is not None:
            return False
        now = timezone.now()
        poll = row.poll
        if poll.state == PollState.DRAFT:
            poll.state, poll.opened_at = PollState.OPEN, row.release_at
            poll.save(update_fields=["state", "opened_at"])
        row.released_notified_at = now
        row.save(update_fields=["released_notified_at"])
        ballot_log.append(row, "released", {"content": content_hash(row), "expires_at": poll.closes_at})
        log_action("opinion.released", actor=None, actor_name=_("System"), target=poll, unit=poll.unit)
        if phase(row) == Phase.OPEN:  # never ask for opinions once the expiry has passed
            notify.released(row)
    # The caller may hold (and append to) its own copy of the row: keep it current.
    collection.released_notified_at = row.released_notified_at
    collection.log_seq, collection.log_hash = row.log_seq, row.log_hash
    return True


def content_hash(collection: Collection) -> str:
    """SHA-256 of what is asked: title, description, questions and options."""
    questions = [
        {
            "text": q.text,
            "options": [[o.code, o.label] for o in Option.objects.filter(question=q).order_by("order")],
        }
        for q in Question.objects.filter(poll=collection.poll).order_by("order")
    ]
    payload = {"title": collection.poll.title, "description": collection.description, "questions": questions}
    return digest(payload)


def do_extend_expiry(actor: Any, collection: Collection, new_expiry: datetime) -> Collection:
    if not can(actor, Perm.MANAGE_POLL, collection.poll):
        raise PermissionDenied
    with transaction.atomic():
        row = locked(collection)
        current = phase(row)
        if current == Phase.SCHEDULED:
            raise ValidationError(
                _("The collection is not released yet: edit it to change the expiry."), code="not_released"
            )
        if current == Phase.EXPIRED:
            raise ValidationError(_("The collection has expired and is locked; it cannot be extended."), code="expired")
        old = row.poll.closes_at
        if new_expiry is None or old is None or new_expiry <= old:
            raise ValidationError(_("The new expiry must be later than the current one."), code="not_later")
        ensure_released(row)
        poll = row.poll
        poll.closes_at = new_expiry
        poll.save(update_fields=["closes_at"])
        ballot_log.append(row, "extended", {"from": old, "to": new_expiry})
        log_action("opinion.extended", actor=actor, target=poll, unit=poll.unit, data={"from": old, "to": new_expiry})
        notify.extended(row)
        notify.schedule(row)
    return row


# --- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    seq: int
    hash: str


@dataclass(frozen=True)
class AnswerOutcome:
    counted: bool  # False: a signature is awaited
    receipt: Receipt
    revision: AnswerRevision | None  # None for a secret collection


def _owner_key(unit: Any) -> dict[str, Any]:
    return {"unit": unit} if unit is not None else {"unit__isnull": True}


def _check_owner(voter: Any, collection: Collection, unit: Any) -> None:
    owners = ballot_owners(voter, collection)
    if unit is None and None in owners:
        return
    if unit is not None and any(o is not None and o.pk == unit.pk for o in owners):
        return
    raise PermissionDenied


def do_answer(
    voter: Any, collection: Collection, choices: Any, other_texts: Any = None, *, unit: Any = None
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
        previous = AnswerRevision.objects.filter(collection=row, **_owner_key(unit))
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
            _count(row, revision)
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


def _answers_hash(collection: Collection, voter: Any, unit: Any, number: int, answers: list[dict[str, Any]]) -> str:
    payload = {
        "collection": collection.pk,
        "voter": voter.pk,
        "unit": getattr(unit, "pk", None),
        "revision": number,
        "answers": answers,
    }
    return digest(payload)


def _answer_secret(
    voter: Any, collection: Collection, unit: Any, clean: list[poll_actions.CleanChoice]
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


def _count(collection: Collection, revision: AnswerRevision) -> None:
    """Make `revision` the counted answer of its owner: earlier ones are kept as superseded."""
    poll = collection.poll
    now = timezone.now()
    owner = AnswerRevision.objects.filter(collection=collection, **_owner_key(revision.unit))
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
    from opinions.ballots import ballot_pdf_for

    pdf = ballot_pdf_for(collection, revision)
    revision.ballot_sha256 = hashlib.sha256(pdf).hexdigest()
    revision.ballot.save(f"phieu-{revision.pk}.pdf", ContentFile(pdf), save=False)
    revision.save(update_fields=["ballot", "ballot_sha256"])


def do_submit_signed_ballot(voter: Any, revision: AnswerRevision, signed: bytes) -> Receipt:
    """The ballot PDF came back signed (the voter's own tool, or remote signing): verify, count."""
    from signing.verify import verify_signed_ballot

    collection = revision.collection
    if revision.voter_id != voter.pk:
        raise PermissionDenied
    if phase(collection) == Phase.EXPIRED:
        raise ValidationError(_("The collection has expired: answers are no longer accepted."), code="expired")
    with revision.ballot.open("rb") as handle:
        original = handle.read()
    verified = verify_signed_ballot(signed, original=original, user=voter)
    with transaction.atomic():
        row = locked(collection)
        if phase(row) != Phase.OPEN:
            raise ValidationError(_("The collection has expired: answers are no longer accepted."), code="expired")
        current = AnswerRevision.objects.select_for_update().get(pk=revision.pk)
        if current.state != RevisionState.AWAITING_SIGNATURE:
            raise ValidationError(_("This ballot has already been signed or replaced by a later answer."), code="done")
        newer = AnswerRevision.objects.filter(collection=row, **_owner_key(current.unit), number__gt=current.number)
        if current.unit is None:
            newer = newer.filter(voter=voter)
        if newer.exists():
            raise ValidationError(_("You sent a later answer: sign that ballot instead."), code="superseded")
        current.signed_ballot.save(f"phieu-{current.pk}-da-ky.pdf", ContentFile(signed), save=False)
        current.signer = {
            "cert_sha256": verified.cert_sha256,
            "subject": verified.signer_subject,
            "binding": verified.binding_id,
        }
        current.signed_at = timezone.now()
        current.save(update_fields=["signed_ballot", "signer", "signed_at"])
        _count(row, current)
        entry = ballot_log.append(
            row,
            "signed",
            {
                "voter": voter.pk,
                "unit": current.unit_id,
                "revision": current.number,
                "answer": current.content_hash,
                "signed_sha256": hashlib.sha256(signed).hexdigest(),
                "certificate": verified.cert_sha256,
            },
        )
        log_action(
            "opinion.signed",
            actor=voter,
            target=row.poll,
            unit=row.poll.unit,
            data={"revision": current.number, "certificate": verified.cert_sha256},
        )
    revision.refresh_from_db()
    return Receipt(entry.seq, entry.hash)


def do_sign_remotely(voter: Any, revision: AnswerRevision, *, pin: str = "", otp: str = "") -> Receipt:
    from signing.csc import sign_remotely
    from signing.models import RemoteSigningAccount

    if revision.voter_id != voter.pk:
        raise PermissionDenied
    account = RemoteSigningAccount.objects.filter(user=voter).first()
    if account is None:
        raise ValidationError(
            _("Set up your remote signing service first (My account → Digital signature)."), code="no_account"
        )
    with revision.ballot.open("rb") as handle:
        original = handle.read()
    signed = sign_remotely(original, account, pin=pin, otp=otp)
    return do_submit_signed_ballot(voter, revision, signed)


# --- close ------------------------------------------------------------------------------------


def ensure_closed(collection: Collection) -> bool:
    """Once expired: lock the poll, write the close entry with the counts (implied consent
    included), and fix the final hash. Idempotent; nothing before the expiry."""
    if collection.final_hash or phase(collection) != Phase.EXPIRED:
        return False
    from opinions.queries import results

    with transaction.atomic():
        row = locked(collection)
        if row.final_hash:
            return False
        ensure_released(row)
        poll = row.poll
        poll.state, poll.closed_at = PollState.CLOSED, poll.closes_at
        poll.save(update_fields=["state", "closed_at"])
        ballot_chain.seal(ballot_chain.locked_head(poll))
        summary = results(row)
        entry = ballot_log.append(
            row,
            "closed",
            {
                "consulted": summary.consulted,
                "answered": summary.answered,
                "questions": [
                    {
                        "agree_explicit": q.agree_explicit,
                        "agree_implied": q.agree_implied,
                        "disagree": q.disagree,
                        "other": q.other,
                    }
                    for q in summary.questions
                ],
            },
        )
        row.final_hash = entry.hash
        row.save(update_fields=["final_hash"])
        log_action(
            "opinion.closed",
            actor=None,
            actor_name=_("System"),
            target=poll,
            unit=poll.unit,
            data={"final_hash": entry.hash, "answered": summary.answered, "consulted": summary.consulted},
        )
        notify.closed(row)
    collection.final_hash = row.final_hash
    collection.log_seq, collection.log_hash = row.log_seq, row.log_hash
    return True


def do_set_recommendation(actor: Any, collection: Collection, text: str) -> Collection:
    if not can(actor, Perm.MANAGE_POLL, collection.poll):
        raise PermissionDenied
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(_("The recommendation is too long (at most 5,000 characters)."), code="too_long")
    with transaction.atomic():
        row = locked(collection)
        row.recommendation = text
        row.save(update_fields=["recommendation"])
        log_action(
            "opinion.recommendation", actor=actor, target=row.poll, unit=row.poll.unit, data={"length": len(text)}
        )
    return row


def option_code(option_id: int) -> str:
    return str(Option.objects.filter(pk=option_id).values_list("code", flat=True).first() or OptionCode.CUSTOM)


# --- attachments of a question (checked like meeting documents) -------------------------------

MAX_FILES_PER_QUESTION = 10


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the documents app's checks (`check_attachment`)."""

    upload: Any  # the UploadedFile; storing it reads it again from the start
    name: str  # the cleaned file name
    file_type: str  # detected from the bytes: pdf, docx, ...
    extension: str  # ".pdf"
    size: int
    sha256: str


def check_attachment(upload: Any) -> CheckedFile:
    """Check one uploaded file by content with the documents app's rules
    (`documents.validation.check_file`: type by bytes, encrypted or malformed files, zip bombs,
    size limit). The ValidationError names the file."""
    import tempfile
    from pathlib import Path

    from documents.validation import check_file, clean_filename

    original = getattr(upload, "name", "") or ""
    digest = hashlib.sha256()
    size = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            detected = check_file(path, original, declared_type=getattr(upload, "content_type", None))
            name = clean_filename(original)
    except ValidationError as exc:
        shown = Path(original).name or "?"
        problem = " ".join(exc.messages)
        if shown not in problem:  # every message names the file it refuses
            problem = _("“%(name)s”: %(problem)s") % {"name": shown, "problem": problem}
        raise ValidationError(problem, code=getattr(exc, "code", None) or "invalid") from None
    return CheckedFile(
        upload=upload,
        name=name[:255],
        file_type=detected.file_type,
        extension=detected.extension,
        size=size,
        sha256=digest.hexdigest(),
    )


def check_attachments(uploads: list[Any]) -> list[CheckedFile]:
    """Check the files of one question; every bad file is named, in one ValidationError."""
    if len(uploads) > MAX_FILES_PER_QUESTION:
        raise ValidationError(
            _("Attach at most %(n)s documents to a question.") % {"n": MAX_FILES_PER_QUESTION}, code="too_many"
        )
    checked: list[CheckedFile] = []
    problems: list[ValidationError] = []
    for upload in uploads:
        try:
            checked.append(upload if isinstance(upload, CheckedFile) else check_attachment(upload))
        except ValidationError as exc:
            problems.append(exc)
    if problems:
        raise ValidationError(problems)
    return checked


def _attachments_by_order(collection: Collection) -> dict[int, list[Any]]:
    from opinions.models import QuestionAttachment

    kept: dict[int, list[Any]] = {}
    for item in QuestionAttachment.objects.filter(question__poll=collection.poll).select_related("question"):
        kept.setdefault(item.question.order, []).append(item)
    return kept


def _restore_attachments(collection: Collection, kept: dict[int, list[Any]], mapping: dict[int, int] | None) -> None:
    """Caller holds the collection lock and has just rewritten the questions (which deleted the
    attachment rows, never their files)."""
    from opinions.models import QuestionAttachment

    questions = list(Question.objects.filter(poll=collection.poll).order_by("order"))
    if mapping is None:
        mapping = {number: number - 1 for number in range(1, len(questions) + 1)}
    rows = []
    for number, old_order in mapping.items():
        if not 1 <= number <= len(questions):
            continue
        for item in kept.get(old_order, []):
            item.pk = None
            item.question = questions[number - 1]
            rows.append(item)
    QuestionAttachment.objects.bulk_create(rows)


def do_attach_files(actor: Any, collection: Collection, files_by_question: dict[int, list[Any]]) -> int:
    """Attach files to questions (1-based numbers), until the release. Files not yet checked
    (anything but a `CheckedFile`) are checked here with `check_attachments`; one bad file refuses
    the whole upload and stores nothing."""
    from opinions.models import QuestionAttachment

    if not can(actor, Perm.MANAGE_POLL, collection.poll):
        raise PermissionDenied
    if not any(files_by_question.values()):
        return 0
    if phase(collection) != Phase.SCHEDULED:
        raise ValidationError(_("Documents can be attached only before the release."), code="released")
    questions = list(Question.objects.filter(poll=collection.poll).order_by("order"))
    checked: list[tuple[Question, CheckedFile]] = []
    for number, uploads in files_by_question.items():
        if not 1 <= number <= len(questions):
            raise ValidationError(_("That question does not exist."), code="question")
        checked += [(questions[number - 1], f) for f in check_attachments(list(uploads))]
    with transaction.atomic():
        for question, item in checked:
            attachment = QuestionAttachment(
                question=question,
                name=item.name,
                file_type=item.file_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by=actor,
            )
            attachment.file.save(f"{item.sha256[:12]}{item.extension}", item.upload, save=False)
            attachment.save()
        log_action(
            "opinion.files_attached",
            actor=actor,
            target=collection.poll,
            unit=collection.poll.unit,
            data={"files": [[q.order + 1, item.sha256] for q, item in checked]},
        )
    return len(checked)
