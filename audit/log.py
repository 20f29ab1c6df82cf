"""`log_action`: the one way anything writes to the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from audit.context import current_request_info
from audit.models import AuditChainHead, AuditEntry
from audit.personal import new_salt, personal_digest

if TYPE_CHECKING:
    from accounts.models import OrgUnit, User


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def log_action(
    action: str,
    *,
    actor: User | None,
    target: models.Model | None = None,
    unit: OrgUnit | None = None,
    data: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so it is rolled back with it.

    `unit` defaults to the actor's unit (the unit the audit viewer files the row under).
    """
    info = current_request_info()
    if unit is None and actor is not None:
        unit = actor.unit
    # No savepoint of its own: an error here fails the caller's transaction anyway, and the two
    # round trips a savepoint costs are paid under the chain head's lock by every audited write.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=actor,
            actor_name=actor_name or (actor.display_name if actor is not None else ""),
            unit=unit,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            ip=info.ip,
            user_agent=info.user_agent,
            data=_json_safe(data or {}),
            prev_hash=head.last_hash,
            hash_version=2,
        )
        entry.personal_salt = new_salt()
        entry.personal_digest = personal_digest(entry.personal_salt, entry.ip, entry.user_agent)
        entry.hash = entry.compute_hash()
        entry.save()
        AuditChainHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry
