"""The approval pages of the apps above core, for the shell's menu (docs/conventions.md §15).

core stands on floor 0 and knows nothing of documents or opinions. An app with an approval page
registers, from its AppConfig.ready(), a function that returns its menu entry for a user
(`{"label": ..., "url": ..., "key": ...}`), or None when the user approves nothing there. The
shell's `navigation` context processor (shell/context_processors.py) puts the entries in the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.http import AnyUser

MenuEntry = dict[str, Any]
EntryFn = Callable[[AnyUser], "MenuEntry | None"]

_APPROVAL_ENTRIES: list[EntryFn] = []


def register_approval_entry(entry_for: EntryFn) -> None:
    if entry_for not in _APPROVAL_ENTRIES:
        _APPROVAL_ENTRIES.append(entry_for)


def approval_entries_for(user: AnyUser) -> list[MenuEntry]:
    """The registered approval entries `user` sees, in the order they were registered."""
    return [entry for entry in (entry_for(user) for entry_for in _APPROVAL_ENTRIES) if entry is not None]
