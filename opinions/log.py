"""The ballot log of a collection: append, verify, check a receipt.

Appending needs the collection row locked by the caller (`select_for_update`): the row holds the
head (last sequence number and hash), so concurrent answers are numbered one after the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from audit.chain import GENESIS_HASH, ChainProblem, walk
from audit.verify import CheckResult
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


SHORT_CODE_LENGTH = 10  # hex digits: 40 bits, unique in any realistic ballot log
_NOT_HEX = re.compile(r"[^0-9a-f]")


def short_code(entry_hash: str) -> str:
    """The receipt code people read: the first 10 hex digits, grouped "3F2A-91C0-7B"."""
    head = entry_hash[:SHORT_CODE_LENGTH].upper()
    return f"{head[:4]}-{head[4:8]}-{head[8:]}"


def normalize_code(code: str) -> str:
    """A receipt code or hash as typed (any case, spaces, dashes) → lower-case hex digits, or ""
    when it holds anything else."""
    cleaned = re.sub(r"[\s\-–—]", "", code or "").lower()
    return "" if _NOT_HEX.search(cleaned) else cleaned


def is_receipt_code(code: str) -> bool:
    """A short code (10 hex digits) or a full hash (64)."""
    return len(normalize_code(code)) in (SHORT_CODE_LENGTH, 64)


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool  # one entry with this code (and number, if given) is in the collection's log
    intact: bool  # the whole log verifies
    final: bool  # the collection is closed and its final hash covers the entry
    problem: str = ""
    ambiguous: bool = False  # the short code matches several entries: ask for the full hash
    seq: int | None = None  # the entry found
    hash: str = ""


def check_receipt(collection: Collection, seq: int | None, code: str) -> ReceiptCheck:
    """Look a receipt up by its short code or full hash (and its entry number, if given)."""
    wanted = normalize_code(code)
    entries = LogEntry.objects.filter(collection=collection)
    if seq is not None:
        entries = entries.filter(seq=seq)
    if len(wanted) == 64:
        matches = list(entries.filter(hash=wanted).values_list("seq", "hash")[:2])
    elif len(wanted) == SHORT_CODE_LENGTH:
        matches = list(entries.filter(hash__startswith=wanted).values_list("seq", "hash")[:2])
    else:
        matches = []
    _checked, problem = verify(collection)
    intact = problem is None
    reason = problem.reason if problem else ""
    if len(matches) != 1:
        return ReceiptCheck(False, intact, False, reason, ambiguous=len(matches) > 1)
    found_seq, found_hash = matches[0]
    final = bool(intact and collection.final_hash and found_seq <= collection.log_seq)
    return ReceiptCheck(True, intact, final, reason, seq=found_seq, hash=found_hash)


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


def check_all() -> CheckResult:
    """`verify_all` as registered with `audit.verify` (for `manage.py verify_audit_chain`)."""
    total, problems = verify_all()
    return CheckResult(
        total,
        [
            f"Ballot log of opinion collection {collection} broken at entry #{problem.seq}: {problem.reason}"
            for collection, problem in problems
        ],
    )
