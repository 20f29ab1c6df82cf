"""The hash chain shared by the audit trail and the ballot logs of opinion collections.

Each link stores the hash of its own content together with the previous link's hash, so editing
or deleting a link breaks the chain from there on. `walk` checks a sequence of links in order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

GENESIS_HASH = "0" * 64


def canonical(content: Any) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(content: Any) -> str:
    """SHA-256 of a JSON-able value in its canonical form."""
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def link_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}|{canonical(content)}".encode()).hexdigest()


class AppendOnly:
    """For the models of a chain: rows are written once, never changed or deleted one by one."""

    _state: Any

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)  # type: ignore[misc]

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{type(self).__name__} rows are append-only.")


class Link(Protocol):
    seq: int
    prev_hash: str
    hash: str

    def compute_hash(self) -> str: ...


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


@dataclass(frozen=True)
class Walk:
    checked: int
    problem: ChainProblem | None
    last_seq: int
    last_hash: str


def walk(links: Iterable[Link]) -> Walk:
    """Check links in the order given (by seq, from 1); stop at the first problem."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for link in links:
        if link.seq != expected_seq:
            problem = ChainProblem(expected_seq, f"entry #{expected_seq} is missing (next is #{link.seq})")
            return Walk(checked, problem, expected_seq - 1, expected_prev)
        if link.prev_hash != expected_prev:
            problem = ChainProblem(link.seq, "previous-hash link does not match the entry before it")
            return Walk(checked, problem, expected_seq - 1, expected_prev)
        if link.compute_hash() != link.hash:
            problem = ChainProblem(link.seq, "content was changed after it was written")
            return Walk(checked, problem, expected_seq - 1, expected_prev)
        expected_prev, expected_seq, checked = link.hash, expected_seq + 1, checked + 1
    return Walk(checked, None, expected_seq - 1, expected_prev)
