"""What the apps above recordings (transcripts) plug in, without recordings importing them
(conventions §15): filled from their AppConfig.ready()."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from recordings.models import Recording

logger = logging.getLogger(__name__)

ReadyCallback = Callable[["Recording"], None]
Panel = Callable[[HttpRequest, "Recording"], str]

_READY: list[ReadyCallback] = []
_PANELS: list[Panel] = []


def on_recording_ready(callback: ReadyCallback) -> ReadyCallback:
    """Call `callback(recording)` after the commit that makes a recording STOPPED (a console
    recording stopped with its chunks complete, or an upload stored). Usable as a decorator."""
    if callback not in _READY:
        _READY.append(callback)
    return callback


def forget_ready_callback(callback: ReadyCallback) -> None:
    """Undo on_recording_ready for one callback (tests register their own and leave the apps')."""
    if callback in _READY:
        _READY.remove(callback)


def register_panel(func: Panel) -> Panel:
    """`func(request, recording)` returns safe HTML shown under the player on the recording's
    page (the transcript panel); an empty string shows nothing. Usable as a decorator."""
    if func not in _PANELS:
        _PANELS.append(func)
    return func


def recording_ready(recording: Recording) -> None:
    """Run the callbacks (called by the actions from transaction.on_commit). A failing callback
    is logged and does not stop the others: the recording itself is safely stored."""
    for callback in list(_READY):
        try:
            callback(recording)
        except Exception:
            logger.exception("recording-ready callback %r failed for recording %s", callback, recording.pk)


def render_panels(request: HttpRequest, recording: Recording) -> SafeString:
    return format_html_join("", "{}", ((SafeString(func(request, recording)),) for func in _PANELS))
