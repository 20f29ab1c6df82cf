"""Create, edit and keep an opinion collection (Điều 7.1): the settings a–k checked
(`check_input`), the collection created or edited until its release, the expiry extended after
it, and the recommendation written once the answers are in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.permissions import Perm, can, is_guest
from audit.log import log_action
from opinions import log as ballot_log
from opinions import notify
from opinions.actions.attachments import attachments_by_order, do_attach_files, restore_attachments
from opinions.actions.lifecycle import ensure_released, locked
from opinions.models import Collection, ConsultedPerson, ConsultedUnit, Follower
from opinions.rules import Phase, phase
from polls import actions as poll_actions
from polls.models import PollKind

if TYPE_CHECKING:
    from meetings.models import Meeting

MAX_DESCRIPTION = 5000
MAX_CONSULTED = 5000


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
        if is_guest(user):
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
    actor: User, data: CollectionInput, *, meeting: Meeting | None = None, files: dict[int, list[Any]] | None = None
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


def do_update_collection(
    actor: User,
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
        kept = attachments_by_order(row)
        poll_actions.do_replace_poll_content(
            actor, row.poll, _poll_input(clean), defaults=poll_actions.agree_disagree_options()
        )
        restore_attachments(row, kept, keep_attachments)
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


def do_extend_expiry(actor: User, collection: Collection, new_expiry: datetime) -> Collection:
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


def do_set_recommendation(actor: User, collection: Collection, text: str) -> Collection:
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
