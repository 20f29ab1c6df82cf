"""The shape of an opinion collection's results (Điều 7.3), as the results page, the Excel export
(`opinions.export`) and the quarterly report read them. Built by `opinions.queries.results`.

Implied consent (Điều 7.2b): once the collection has expired, every consulted person or unit
without a counted answer is counted as agreeing; `agree_implied` holds those, never mixed with
`agree_explicit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AnswerRow:
    """One consulted person or unit, for one question (named collections only)."""

    voter: str  # who answered (the unit's receiver for a unit), or the person/unit consulted if silent
    position: str  # chức vụ of the voter, "" if unknown
    unit: str  # the voter's unit name
    on_behalf_of_unit: str  # the consulted unit this answer speaks for, "" for a personal answer
    option: str  # label of the chosen option; "" when the answer is implied
    other_text: str  # the opinion written under "Ý kiến khác"
    answered_at: datetime | None  # when the counted answer was sent; None when implied
    signature: str  # "signed", "unsigned" (awaiting a signature), "not_required", or "" when implied
    implied: bool  # no answer by the expiry: counted as agreeing


@dataclass(frozen=True)
class QuestionResults:
    number: int  # 1-based
    text: str
    agree_explicit: int
    agree_implied: int
    disagree: int
    other: int
    others: list[tuple[str, str]] = field(default_factory=list)  # (voter name or "" if secret, text)
    rows: list[AnswerRow] = field(default_factory=list)  # empty for a secret collection

    @property
    def agree(self) -> int:
        return self.agree_explicit + self.agree_implied

    @property
    def answered_rows(self) -> list[AnswerRow]:
        """The explicit answers; the silent are counted in `agree_implied` and listed once, in the
        progress, not again under every question."""
        return [r for r in self.rows if not r.implied]


@dataclass(frozen=True)
class CollectionResults:
    id: int
    title: str
    unit: str  # the creating unit
    creator: str
    is_secret: bool
    requires_signature: bool
    release_at: datetime
    expires_at: datetime
    closed: bool  # the expiry has passed (implied consent applies)
    consulted: int  # people + units consulted
    answered: int  # of them, with a counted answer
    questions: list[QuestionResults]
    final_hash: str = ""  # the ballot log's final hash, once closed
    recommendation: str = ""  # "Kiến nghị đề xuất", written by the creator
