"""Personal data in the audit trail (Luật Bảo vệ dữ liệu cá nhân 91/2025, Nghị định 356/2025).

The network address and browser of an audit entry are personal data, needed for investigations
for a while and not for ever. Entries hash them into the chain through a salted digest
(`personal_digest`): after `AUDIT_PERSONAL_DATA_DAYS` `pseudonymise_audit_entries` erases the
address, the browser and the salt in one update, keeping the digest, so `verify_audit_chain` still
verifies every entry, and nobody can recover the address from the digest (the 128-bit salt is gone,
so guessing the 2^32 IPv4 addresses does not help). While the data is kept, it is checked against
the digest like any other field.

Entries of hash version 1 (written before this existed) hashed the address itself; they are left
as they are: erasing it would break the chain.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.utils import timezone

__all__ = ["new_salt", "personal_digest", "pseudonymise_audit_entries"]


def new_salt() -> str:
    return secrets.token_hex(16)


def personal_digest(salt: str, ip: str | None, user_agent: str) -> str:
    return hashlib.sha256(f"{salt}|{ip or ''}|{user_agent}".encode()).hexdigest()


def pseudonymise_audit_entries(before: datetime) -> int:
    """Erase address, browser and salt of the version-2 entries written before `before`.

    The one sanctioned change to written audit rows: a bulk update (rows are append-only for
    `save()`), idempotent, chain-preserving. Returns the number of entries changed.
    """
    from audit.models import AuditEntry

    return AuditEntry.objects.filter(at__lt=before, hash_version__gte=2, pseudonymised_at__isnull=True).update(
        ip=None, user_agent="", personal_salt="", pseudonymised_at=timezone.now()
    )
