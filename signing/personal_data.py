"""What the signing app holds about a person, for their data export (core.personal_data):
their certificate bindings and remote-signing service (never its access token)."""

from __future__ import annotations

import base64
from typing import Any

from accounts.models import User
from signing.models import CertificateBinding, RemoteSigningAccount


def export(user: User) -> dict[str, Any]:
    certificates = [
        {
            "subject": b.subject,
            "issuer": b.issuer,
            "serial": b.serial,
            "sha256": b.sha256,
            "not_before": b.not_before,
            "not_after": b.not_after,
            "state": b.state,
            "created_at": b.created_at,
            "confirmed_at": b.confirmed_at,
            "revoked_at": b.revoked_at,
            "der_base64": base64.b64encode(bytes(b.der)).decode("ascii"),
        }
        for b in CertificateBinding.objects.filter(user=user).order_by("created_at", "id")
    ]
    account = RemoteSigningAccount.objects.filter(user=user).first()
    remote = (
        None
        if account is None
        else {
            "service_url": account.service_url,
            "credential_id": account.credential_id,
            "updated_at": account.updated_at,
            # A credential, kept encrypted: the export says it is there, never what it is.
            "access_token_stored": bool(account.access_token_encrypted),
        }
    )
    return {"certificates": certificates, "remote_signing": remote}
