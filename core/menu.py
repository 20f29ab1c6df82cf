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


class _Entries:
    """One registry of menu entries: the functions the apps registered, asked in that order."""

    def __init__(self) -> None:
        self.functions: list[EntryFn] = []

    def register(self, entry_for: EntryFn) -> None:
        if entry_for not in self.functions:
            self.functions.append(entry_for)

    def for_user(self, user: AnyUser) -> list[MenuEntry]:
        """The entries `user` sees, in the order they were registered."""
        return [entry for entry in (entry_for(user) for entry_for in self.functions) if entry is not None]


_APPROVALS = _Entries()
# Entries of the menu bar itself (after the shell's own), for an app with a page of its own that
# is neither an approval nor an administration screen ("Việc được giao").
_MAIN = _Entries()
# Entries of the administration dropdown (after the shell's own screens), for an app with a screen
# of the administrators ("Góp ý, phản ánh" to handle).
_ADMIN = _Entries()
# Links of the page footer, beside the privacy notice, for pages every signed-in user may need
# wherever they are ("Góp ý, phản ánh": the feedback form picks up the page it was opened from).
_FOOTER = _Entries()

register_approval_entry = _APPROVALS.register
approval_entries_for = _APPROVALS.for_user
register_main_entry = _MAIN.register
main_entries_for = _MAIN.for_user
register_admin_entry = _ADMIN.register
admin_entries_for = _ADMIN.for_user
register_footer_entry = _FOOTER.register
footer_entries_for = _FOOTER.for_user
