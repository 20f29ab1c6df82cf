"""What every view shares: the signed-in request type, the user alias, and one way to run an action.

`perform` is the one "form → action → message → redirect" helper: views call a `do_*` action
through it, so a refused action (`ValidationError`) always reaches the official the same way,
as its Vietnamese messages or as the form's field errors, and nothing half-done is reported as
done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

if TYPE_CHECKING:
    from django.forms import BaseForm

    from accounts.models import User

# Whoever a rule is asked about: a signed-in account or the anonymous visitor.
AnyUser: TypeAlias = "User | AnonymousUser"

T = TypeVar("T")


class AuthedRequest(HttpRequest):
    """A request behind `login_required`: `user` is a real account (for type checking)."""

    user: User  # type: ignore[assignment]


def apply_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put an action's refusal on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Show every message of an action's refusal at the top of the next page."""
    for message in exc.messages:
        messages.error(request, message)


def flash_form_errors(request: HttpRequest, form: BaseForm) -> None:
    """Show an invalid form's errors as messages (for forms posted from a page that shows no form)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@dataclass
class Outcome(Generic[T]):
    """What `perform` did: `ok` is False when the action refused; `value` is what it returned."""

    ok: bool
    value: T | None = None


def perform(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    success: str = "",
    form: BaseForm | None = None,
) -> Outcome[T]:
    """Run one action for a view.

    A `ValidationError` goes onto `form` when one is given (the page is shown again with it),
    otherwise into the messages; on success the `success` message (if any) is flashed.
    """
    try:
        value = call()
    except ValidationError as exc:
        if form is not None:
            apply_errors(form, exc)
        else:
            flash_errors(request, exc)
        return Outcome(ok=False)
    if success:
        messages.success(request, success)
    return Outcome(ok=True, value=value)


def perform_and_redirect(
    request: HttpRequest,
    call: Callable[[], Any],
    to: str,
    *args: Any,
    success: str = "",
    **kwargs: Any,
) -> HttpResponse:
    """`perform` for a POST-only button: whatever happened, go back to `to` (a URL name or path)."""
    perform(request, call, success=success)
    return redirect(to, *args, **kwargs)
