"""Accent-insensitive search text for Vietnamese: "ke hoach" finds "kế hoạch".

Documents store `search_text` already folded (no diacritics, đ→d, lower case, single spaces),
and queries are folded the same way, so a plain substring match works the same on SQLite and
PostgreSQL without database extensions.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()
