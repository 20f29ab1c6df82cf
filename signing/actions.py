"""Certificate bindings and remote-signing accounts: every write, atomic and audited."""

from __future__ import annotations

import hashlib
from datetime import UTC
from urllib.parse import urlparse

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from signing.models import BindingState, CertificateBinding, RemoteSigningAccount
from signing.tokens import TokenKeyMissing, encrypt_token, keyring, stored_key_id

MAX_CERTIFICATE_BYTES = 64 * 1024


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate in DER or PEM, or ValidationError saying what to upload."""
    if not data or len(data) > MAX_CERTIFICATE_BYTES:
        raise ValidationError(
            _("This is not a certificate file. Export your signing certificate (.cer, .crt or .pem) and upload it."),
            code="not_certificate",
        )
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise ValidationError(
            _("This is not a certificate file. Export your signing certificate (.cer, .crt or .pem) and upload it."),
            code="not_certificate",
        ) from None


def do_add_certificate(user: User, data: bytes) -> CertificateBinding:
    """The user sets a signing certificate of theirs (DER or PEM); it counts once their unit
    administrator confirms it. A certificate already bound to the user and not revoked is refused."""
    certificate = load_certificate(data)
    now = timezone.now()
    not_before = certificate.not_valid_before_utc
    not_after = certificate.not_valid_after_utc
    if not_after < now:
        raise ValidationError(_("This certificate has expired. Upload your current certificate."), code="expired")
    der = certificate.public_bytes(encoding=Encoding.DER)
    digest = hashlib.sha256(der).hexdigest()
    try:
        with transaction.atomic():
            binding = CertificateBinding.objects.create(
                user=user,
                der=der,
                sha256=digest,
                subject=certificate.subject.rfc4514_string()[:500],
                issuer=certificate.issuer.rfc4514_string()[:500],
                serial=format(certificate.serial_number, "x")[:100],
                not_before=not_before.astimezone(UTC),
                not_after=not_after.astimezone(UTC),
            )
            log_action(
                "signing.certificate.added",
                actor=user,
                target=binding,
                data={"sha256": digest, "subject": binding.subject},
            )
    except IntegrityError:
        raise ValidationError(_("You have already added this certificate."), code="duplicate") from None
    return binding


def do_confirm_certificate(admin: User, binding: CertificateBinding) -> CertificateBinding:
    """An administrator of the user's unit (never the user) confirms a pending binding."""
    if not can(admin, Perm.CONFIRM_CERTIFICATE, binding):
        raise PermissionDenied
    with transaction.atomic():
        row = CertificateBinding.objects.select_for_update().get(pk=binding.pk)
        if row.state == BindingState.CONFIRMED:
            raise ValidationError(_("This certificate has already been confirmed."), code="already_confirmed")
        if row.state == BindingState.REVOKED:
            raise ValidationError(
                _("This certificate has been revoked. The user adds it again if it is still theirs."), code="revoked"
            )
        row.state, row.confirmed_by, row.confirmed_at = BindingState.CONFIRMED, admin, timezone.now()
        row.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        log_action(
            "signing.certificate.confirmed",
            actor=admin,
            target=row,
            unit=row.user.unit,
            data={"user": row.user_id, "sha256": row.sha256},
        )
    return row


def do_revoke_certificate(actor: User, binding: CertificateBinding) -> CertificateBinding:
    """The user or an administrator of their unit revokes a binding; signatures made with that
    certificate no longer count for the user (answers already counted stay as they are)."""
    if not can(actor, Perm.REVOKE_CERTIFICATE, binding):
        raise PermissionDenied
    with transaction.atomic():
        row = CertificateBinding.objects.select_for_update().get(pk=binding.pk)
        if row.state == BindingState.REVOKED:
            raise ValidationError(_("This certificate has already been revoked."), code="revoked")
        row.state, row.revoked_at = BindingState.REVOKED, timezone.now()
        row.save(update_fields=["state", "revoked_at"])
        log_action(
            "signing.certificate.revoked",
            actor=actor,
            target=row,
            unit=row.user.unit,
            data={"user": row.user_id, "sha256": row.sha256},
        )
    return row


def check_service_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    parsed = urlparse(url)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme == "https" and parsed.hostname:
        return url
    if parsed.scheme == "http" and loopback and (settings.DEBUG or getattr(settings, "TESTING", False)):
        return url
    raise ValidationError(
        _("Enter the https:// address of the signing service (for example the one your provider gave you)."),
        code="url",
    )


def do_set_remote_account(
    user: User, *, service_url: str, credential_id: str, access_token: str
) -> RemoteSigningAccount:
    url = check_service_url(service_url)
    token = (access_token or "").strip()
    if not token:
        raise ValidationError(_("Enter the access token of the signing service."), code="token")
    try:
        keyring()
    except TokenKeyMissing:
        raise ValidationError(
            _("Remote signing is not set up on this server yet. Ask the system administrator."), code="no_key"
        ) from None
    with transaction.atomic():
        account, _created = RemoteSigningAccount.objects.update_or_create(
            user=user,
            defaults={
                "service_url": url,
                "credential_id": (credential_id or "").strip()[:200],
                "access_token_encrypted": encrypt_token(token, user_id=user.pk),
                "updated_at": timezone.now(),
            },
        )
        log_action("signing.remote_account.saved", actor=user, target=account, data={"service_url": url})
    return account


def do_reencrypt_signing_tokens() -> dict[str, int]:
    """After a key rotation: every access token not yet under the current key is decrypted with the
    old key (SIGNING_TOKEN_PREVIOUS_KEYS) and encrypted with the current one. A token whose key is
    gone is counted as unreadable and left alone (its owner enters it again). Idempotent."""
    from signing.tokens import TokenUnreadable, decrypt_token

    current = keyring().current_id
    counts = {"reencrypted": 0, "unreadable": 0}
    with transaction.atomic():
        for account in RemoteSigningAccount.objects.select_for_update().order_by("pk"):
            if stored_key_id(account.access_token_encrypted) == current:
                continue
            try:
                token = decrypt_token(account.access_token_encrypted, user_id=account.user_id)
            except TokenUnreadable:
                counts["unreadable"] += 1
                continue
            account.access_token_encrypted = encrypt_token(token, user_id=account.user_id)
            account.save(update_fields=["access_token_encrypted"])
            counts["reencrypted"] += 1
        if counts["reencrypted"] or counts["unreadable"]:
            log_action(
                "signing.tokens_reencrypted", actor=None, actor_name="manage.py", data={**counts, "key_id": current}
            )
    return counts
