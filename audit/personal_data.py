"""What the audit trail holds about a person, for their data export (core.personal_data):
the entries where they acted, with the network address and browser only while still kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from audit.models import AuditEntry

if TYPE_CHECKING:
    from accounts.models import User


def export(user: User) -> dict[str, Any]:
    entries = [
        {
            "seq": e.seq,
            "at": e.at,
            "action": e.action,
            "actor_name": e.actor_name,
            "unit": e.unit_id,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "ip": e.ip,
            "user_agent": e.user_agent,
            "address_erased": e.pseudonymised_at is not None,
            "data": e.data,
        }
        for e in AuditEntry.objects.filter(actor=user).order_by("seq").iterator(chunk_size=2000)
    ]
    return {"entries_as_actor": entries}
