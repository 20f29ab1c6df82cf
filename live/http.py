"""How the room's POST endpoints answer, and the form values they share.

The room's script asks for JSON (Accept or HX-Request) and gets `{"ok": true, ...}` or
`{"error": "..."}` with status 400; a plain form (the console also works without the script) gets
core.http's "action -> message -> redirect". A ValidationError (wrong input, wrong moment)
changes nothing and is reported; a PermissionDenied goes through unchanged (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from core.http import perform_and_redirect
from meetings.models import AgendaItem, Meeting

T = TypeVar("T")


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.headers.get("HX-Request") == "true"


def answer(
    request: HttpRequest,
    write: Callable[[], T],
    *,
    success: str,
    back: str,
    data: Callable[[T], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Run one action and answer: JSON for the script (with `data(result)` added on success), a
    redirect to `back` with a flash message for plain forms."""
    if not wants_json(request):
        return perform_and_redirect(request, write, back, success=success)
    try:
        result = write()
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"ok": True, **(data(result) if data is not None else {})})


def whole_number(value: Any, message: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(message) from None


def agenda_item(meeting: Meeting, value: Any) -> AgendaItem:
    """The meeting's agenda item a form names, or a ValidationError."""
    item_id = whole_number(value, _("Choose an agenda item of this meeting."))
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise ValidationError(_("Choose an agenda item of this meeting."))
    return item
