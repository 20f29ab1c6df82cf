"""Digital signatures of ballots (Điều 7.1b, 7.2).

- `CertificateBinding` — which signing certificate belongs to which user. The user sets it
  (uploads their certificate); their unit administrator confirms it. Only a confirmed, not
  revoked, currently valid binding lets a signature count as that user's.
- `RemoteSigningAccount` — a user's remote-signing service speaking the Cloud Signature
  Consortium API v1 (the protocol of Viettel MySign): base URL, credential id, access token
  (encrypted at rest: signing/tokens.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BindingState(models.TextChoices):
    PENDING = "pending", _("Waiting for the unit administrator")
    CONFIRMED = "confirmed", _("Confirmed")
    REVOKED = "revoked", _("Revoked")


class CertificateBinding(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    der = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial = models.CharField(max_length=100)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    state = models.CharField(max_length=10, choices=BindingState.choices, default=BindingState.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sha256"], condition=~Q(state="revoked"), name="one_live_binding_per_certificate"
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def counts(self) -> bool:
        now = timezone.now()
        return self.state == BindingState.CONFIRMED and self.not_before <= now <= self.not_after


class RemoteSigningAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remote_signing")
    service_url = models.URLField(_("service address"), max_length=300)
    credential_id = models.CharField(_("credential id"), max_length=200, blank=True)
    # AES-GCM ciphertext with its key id (signing/tokens.py); never the token itself.
    access_token_encrypted = models.TextField(_("access token (encrypted)"), editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.service_url

    @property
    def access_token(self) -> str:
        """The token in clear, for the call to the signing service; TokenUnreadable when its key is gone."""
        from signing.tokens import decrypt_token

        return decrypt_token(self.access_token_encrypted, user_id=self.user_id)
