"""Who may manage, see the results of, and vote in a poll depends on its kind: in-meeting votes
(live/) and opinion collections register their own rules here, and the poll Perms dispatch on
`poll.kind` (one rule function with a parameter instead of two copies, docs/conventions.md §8)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User
    from polls.models import Poll

# Asked through `can()`, after it has turned away the anonymous visitor and inactive accounts.
Rule = Callable[["User", "Poll"], bool]
EligibleAmong = Callable[["Poll", set[int]], set[int]]


@dataclass(frozen=True)
class KindRules:
    may_manage: Rule
    may_view_results: Rule
    may_vote: Rule
    # Optional: the subset of voter ids who may vote, in one query (the batch path of a vote burst).
    eligible_among: EligibleAmong | None = None


REGISTRY: dict[str, KindRules] = {}


def register(
    kind: str,
    *,
    may_manage: Rule,
    may_view_results: Rule,
    may_vote: Rule,
    eligible_among: EligibleAmong | None = None,
) -> None:
    REGISTRY[kind] = KindRules(may_manage, may_view_results, may_vote, eligible_among)


def rules_for(kind: str) -> KindRules | None:
    return REGISTRY.get(kind)


@contextmanager
def registered(kind: str, **rules: Any) -> Iterator[None]:
    """For tests: register a kind for the duration of a block, then restore what was there."""
    previous = REGISTRY.get(kind)
    register(kind, **rules)
    try:
        yield
    finally:
        if previous is None:
            REGISTRY.pop(kind, None)
        else:
            REGISTRY[kind] = previous
