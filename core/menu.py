"""The approval pages and other pages of the apps above core, for the shell's menu (docs/conventions.md §15).

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


# Entries of the menu bar itself (after the shell's own), for an app with a page of its own that
# is neither an approval nor an administration screen ("Việc được giao").
_MAIN_ENTRIES: list[EntryFn] = []


def register_main_entry(entry_for: EntryFn) -> None:
    if entry_for not in _MAIN_ENTRIES:
        _MAIN_ENTRIES.append(entry_for)


def main_entries_for(user: AnyUser) -> list[MenuEntry]:
    """The registered menu-bar entries `user` sees, in the order they were registered."""
    return [entry for entry in (entry_for(user) for entry_for in _MAIN_ENTRIES) if entry is not None]
