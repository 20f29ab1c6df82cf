"""Verify a ballot that came back signed (PAdES), before it counts.

Accepted only when all of these hold, each refusal with its own reason (`code`):

- `not_pdf` / `too_large`: a PDF, at most SIGNED_BALLOT_MAX_BYTES;
- `unsigned`: it carries a signature;
- `tampered`: the signature is intact and valid, and covers the whole file, or its whole revision
  with later updates that pyHanko's difference analysis rates at most form filling (validation
  data or a document time stamp added by the signing tool; never a change of page content);
- `different_ballot`: the file is exactly the ballot the server handed out, and its first
  signature is in the incremental update right after it (signing tools append; the answers
  cannot have been edited), the only signature of a signer (`/Sig`);
- `untrusted`: the signer's certificate chains to a configured trust root
  (SIGNATURE_TRUST_ROOTS), checked offline (no fetching);
- `wrong_signer`: the certificate is the one bound to this user and confirmed by their unit
  administrator, and valid now.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifiedSignature:
    cert_sha256: str
    signer_subject: str
    signed_at: datetime | None
    binding_id: int


@lru_cache(maxsize=8)
def _trust_roots(files: tuple[tuple[str, float], ...]) -> tuple[Any, ...]:
    from pyhanko.keys import load_certs_from_pemder

    return tuple(load_certs_from_pemder([path for path, _mtime in files]))


def trust_roots() -> tuple[Any, ...]:
    """The certificates of SIGNATURE_TRUST_ROOTS, read again when a file changes (a renewed root)."""
    paths = tuple(getattr(settings, "SIGNATURE_TRUST_ROOTS", ()) or ())
    try:
        return _trust_roots(tuple((path, Path(path).stat().st_mtime) for path in paths))
    except OSError:
        # Checked at start-up; a file removed since then refuses every signature, loudly in the log.
        logger.exception("a file of SIGNATURE_TRUST_ROOTS cannot be read")
        return ()


def _refuse(message: str | Promise, code: str) -> ValidationError:
    return ValidationError(str(message), code=code)


@dataclass(frozen=True)
class Wording:
    """The refusals that name what was signed: a ballot (opinions) or a document (minutes, notices)."""

    too_large: Promise
    not_pdf: Promise
    unreadable: Promise
    unsigned: Promise
    tampered: Promise
    different: Promise
    wrong_signer: Promise


BALLOT = Wording(
    too_large=gettext_lazy("The signed ballot is too large (at most %(size)s MB)."),
    not_pdf=gettext_lazy("The file is not a PDF. Upload the ballot PDF after signing it."),
    unreadable=gettext_lazy("The file is not a readable PDF. Upload the ballot PDF after signing it."),
    unsigned=gettext_lazy(
        "The file carries no digital signature. Sign the ballot with your signing tool, then upload it."
    ),
    tampered=gettext_lazy("The signature is broken or the ballot was changed after it was signed."),
    different=gettext_lazy(
        "This is not the ballot of this answer: download the ballot again, sign it without changes and upload it."
    ),
    wrong_signer=gettext_lazy(
        "The ballot was signed with a certificate that is not confirmed as yours. Add your certificate "
        "under My account → Digital signature and ask your unit administrator to confirm it."
    ),
)

DOCUMENT = Wording(
    too_large=gettext_lazy("The signed document is too large (at most %(size)s MB)."),
    not_pdf=gettext_lazy("The file is not a PDF. Upload the PDF handed out for signing after signing it."),
    unreadable=gettext_lazy("The file is not a readable PDF. Upload the PDF handed out for signing after signing it."),
    unsigned=gettext_lazy(
        "The file carries no digital signature. Sign the document with your signing tool, then upload it."
    ),
    tampered=gettext_lazy("The signature is broken or the document was changed after it was signed."),
    different=gettext_lazy(
        "This is not the PDF handed out for signing this version: download it again, sign it without changes "
        "and upload it."
    ),
    wrong_signer=gettext_lazy(
        "The document was signed with a certificate that is not confirmed as yours. Add your certificate "
        "under My account → Digital signature and ask your unit administrator to confirm it."
    ),
)


def verify_signed_ballot(signed: bytes, *, original: bytes, user: User, wording: Wording = BALLOT) -> VerifiedSignature:
    """`signed` checked against the `original` handed out to `user` (the rules above); the
    refusals name a ballot or, with `wording=DOCUMENT`, a document."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from signing.models import BindingState, CertificateBinding

    limit = int(getattr(settings, "SIGNED_BALLOT_MAX_BYTES", 10 * 1024 * 1024))
    if len(signed) > limit:
        raise _refuse(
            str(wording.too_large) % {"size": max(1, limit // (1024 * 1024))},
            "too_large",
        )
    if not signed.startswith(b"%PDF-"):
        raise _refuse(wording.not_pdf, "not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(signed), strict=False)
        signatures = reader.embedded_regular_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        logger.info("unreadable signed ballot: %s", exc)
        raise _refuse(wording.unreadable, "not_pdf") from None
    if not signatures:
        raise _refuse(
            wording.unsigned,
            "unsigned",
        )
    roots = trust_roots()
    if not roots:
        raise _refuse(
            _(
                "No trusted certification authority is configured, so no signature can be accepted. "
                "Tell the system administrator (setting SIGNATURE_TRUST_ROOTS)."
            ),
            "untrusted",
        )
    signature = signatures[0]
    context = ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as exc:  # pyHanko raises several kinds for a broken signature
        logger.info("signature validation failed: %r", exc)
        raise _refuse(wording.tampered, "tampered") from None
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # Tools that add validation data (LTV) or a document time stamp append another update after
    # the signature; pyHanko's difference analysis tells those from a change of content.
    benign_update = (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.FORM_FILLING
    )
    if not status.intact or not status.valid or not (whole_file or benign_update):
        raise _refuse(wording.tampered, "tampered")
    original_revisions = PdfFileReader(io.BytesIO(original), strict=False).xrefs.total_revisions
    if len(signatures) != 1 or not signed.startswith(original) or signature.signed_revision != original_revisions:
        raise _refuse(
            wording.different,
            "different_ballot",
        )
    if not status.trusted:
        raise _refuse(_("The signing certificate was not issued by a trusted certification authority."), "untrusted")
    certificate = status.signing_cert
    digest = hashlib.sha256(certificate.dump()).hexdigest()
    binding = CertificateBinding.objects.filter(user=user, sha256=digest, state=BindingState.CONFIRMED).first()
    if binding is None or not binding.counts():
        raise _refuse(
            wording.wrong_signer,
            "wrong_signer",
        )
    return VerifiedSignature(
        cert_sha256=digest,
        signer_subject=certificate.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        binding_id=binding.pk,
    )
