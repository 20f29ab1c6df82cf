"""Signed ballots (Điều 7.1b): the ballot PDF of an answer comes back signed, from the voter's own
signing tool or from their remote-signing service; the signature is verified
(`signing.verify`) and the answer counts."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.log import log_action
from opinions import log as ballot_log
from opinions.actions.answers import Receipt, count_revision, owner_key
from opinions.actions.lifecycle import locked
from opinions.models import AnswerRevision, RevisionState
from opinions.rules import Phase, phase
from signing.csc import sign_remotely
from signing.models import RemoteSigningAccount
from signing.verify import verify_signed_ballot


def do_submit_signed_ballot(voter: User, revision: AnswerRevision, signed: bytes) -> Receipt:
    """The ballot PDF came back signed (the voter's own tool, or remote signing): verify, count."""
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
        newer = AnswerRevision.objects.filter(collection=row, **owner_key(current.unit), number__gt=current.number)
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
        count_revision(row, current)
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


def do_sign_remotely(voter: User, revision: AnswerRevision, *, pin: str = "", otp: str = "") -> Receipt:
    """Sign the ballot with the voter's remote-signing service (their PIN and/or OTP), then count
    it like an uploaded signed ballot."""
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
