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

from accounts.permissions import Perm
from core.http import AnyUser, perform_and_redirect
from live.permissions import require_open
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


def room_closed() -> str:
    """What a runner is told who acts in the room after the meeting has ended."""
    return _("The meeting has ended: the room no longer takes this action.")


def while_open(
    user: AnyUser, perm: Perm, meeting: Meeting, after_the_end: str, write: Callable[[], T]
) -> Callable[[], T]:
    """`write` for an act of the running room: refused first unless `user` may do it (`perm`);
    once the meeting has ended a participant gets `after_the_end` as the message (400 for the
    script, a flash for a form) instead of a bare 403 (live.permissions.require_open)."""

    def guarded() -> T:
        require_open(user, perm, meeting, after_the_end)
        return write()

    return guarded


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
