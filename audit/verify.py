"""`manage.py verify_audit_chain`: the audit trail's chain, then every check the apps registered.

The audit app stands on the bottom floor and imports no app above it: an app whose data is
hash-chained (the ballots of polls/, the ballot logs of opinions/) registers its check here from
its `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from audit.chain import ChainProblem, walk
from audit.models import AuditChainHead, AuditEntry

__all__ = ["ChainProblem", "CheckResult", "checks", "register_check", "verify_chain"]


def verify_chain(batch_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return (entries checked, first problem or None)."""
    result = walk(AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size))
    if result.problem is not None:
        return result.checked, result.problem
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != result.last_seq or head.last_hash != result.last_hash):
        return result.checked, ChainProblem(head.last_seq, f"entries after #{result.last_seq} were deleted")
    return result.checked, None


@dataclass
class CheckResult:
    """What one registered check found: how many entries it checked, and each problem as a
    sentence naming the object and the entry (empty when everything verifies)."""

    checked: int
    problems: list[str] = field(default_factory=list)


_CHECKS: dict[str, Callable[[], CheckResult]] = {}


def register_check(name: str, check: Callable[[], CheckResult]) -> None:
    """Register (or replace) a check run by `verify_audit_chain`; `name` is what it reports on,
    e.g. "Ballot logs"."""
    _CHECKS[name] = check


def checks() -> list[tuple[str, Callable[[], CheckResult]]]:
    return list(_CHECKS.items())
