"""What the apps above minutes (followups) plug in, without minutes importing them (conventions §15):
filled from their AppConfig.ready()."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from meetings.models import AgendaItem, Meeting
    from minutes.models import ConclusionNotice

logger = logging.getLogger(__name__)

ConclusionAction = Callable[[HttpRequest, "Meeting", "AgendaItem | None", "ConclusionNotice | None"], Any]

_ACTIONS: list[ConclusionAction] = []


def register_conclusion_action(func: ConclusionAction) -> ConclusionAction:
    """`func(request, meeting, agenda_item_or_None, notice_or_None)` returns safe HTML shown next
    to each conclusion on the minutes and notice pages (agenda_item None: the meeting's general
    conclusions; notice None: on the minutes page); an empty string shows nothing. Usable as a
    decorator."""
    if func not in _ACTIONS:
        _ACTIONS.append(func)
    return func


def forget_conclusion_action(func: ConclusionAction) -> None:
    if func in _ACTIONS:
        _ACTIONS.remove(func)


def conclusion_actions(
    request: HttpRequest, meeting: Meeting, item: AgendaItem | None, notice: ConclusionNotice | None
) -> SafeString:
    """The registered actions' HTML joined; a failing action is logged and left out."""
    parts: list[str] = []
    for func in _ACTIONS:
        try:
            html = func(request, meeting, item, notice)
        except Exception:  # noqa: BLE001 - a broken plug-in must not break the minutes page
            logger.exception("conclusion action %r failed", func)
            continue
        if html:
            parts.append(str(conditional_escape(html)))
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped unless already safe
