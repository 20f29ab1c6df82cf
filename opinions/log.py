"""The ballot log of a collection: append, verify, check a receipt.

Appending needs the collection row locked by the caller (`select_for_update`): the row holds the
head (last sequence number and hash), so concurrent answers are numbered one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from audit.chain import GENESIS_HASH, ChainProblem, walk
from opinions.models import Collection, LogEntry


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    import json

    return dict(json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)))


def append(collection: Collection, action: str, data: dict[str, Any]) -> LogEntry:
    """Append one entry; `collection` must be the row the caller locked."""
    entry = LogEntry(
        collection=collection,
        seq=collection.log_seq + 1,
        at=timezone.now(),
        action=action,
        data=_json_safe(data),
        prev_hash=collection.log_hash or GENESIS_HASH,
    )
    entry.hash = entry.compute_hash()
    entry.save()
    collection.log_seq, collection.log_hash = entry.seq, entry.hash
    Collection.objects.filter(pk=collection.pk).update(log_seq=entry.seq, log_hash=entry.hash)
    return entry


def verify(collection: Collection) -> tuple[int, ChainProblem | None]:
    """(entries checked, first problem or None): the chain, its head, and the final hash."""
    result = walk(LogEntry.objects.filter(collection=collection).order_by("seq").iterator())
    if result.problem is not None:
        return result.checked, result.problem
    if collection.log_seq != result.last_seq or (collection.log_hash or GENESIS_HASH) != result.last_hash:
        return result.checked, ChainProblem(collection.log_seq, f"entries after #{result.last_seq} were deleted")
    if collection.final_hash and collection.final_hash != result.last_hash:
        return result.checked, ChainProblem(result.last_seq, "the final hash does not match the log")
    return result.checked, None


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool  # an entry with this number and hash is in the collection's log
    intact: bool  # the whole log verifies
    final: bool  # the collection is closed and its final hash covers the entry
    problem: str = ""


def check_receipt(collection: Collection, seq: int, entry_hash: str) -> ReceiptCheck:
    found = LogEntry.objects.filter(collection=collection, seq=seq, hash=entry_hash.strip().lower()).exists()
    _checked, problem = verify(collection)
    intact = problem is None
    final = bool(found and intact and collection.final_hash and seq <= collection.log_seq)
    return ReceiptCheck(found, intact, final, problem.reason if problem else "")


def verify_all() -> tuple[int, list[tuple[int, ChainProblem]]]:
    """Every collection's log (for `manage.py verify_audit_chain`)."""
    problems: list[tuple[int, ChainProblem]] = []
    total = 0
    for collection in Collection.objects.order_by("pk").iterator():
        checked, problem = verify(collection)
        total += checked
        if problem is not None:
            problems.append((collection.pk, problem))
    return total, problems
