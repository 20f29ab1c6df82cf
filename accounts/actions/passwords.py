"""Passwords (Điều 4.5): an administrator's reset, the user's own change, and a forced change."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.db import transaction

from accounts.access import require
from accounts.actions.sessions import end_sessions
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action


def do_reset_password(actor: User, user: User, *, new_password: str) -> None:
    """Admin reset: the user must choose a new password at next sign-in; sessions end now."""
    require(actor, Perm.MANAGE_USER, user)
    password_validation.validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = True
        user.failed_login_count = 0
        user.locked_until = None
        user.save()
        ended = end_sessions(user)
        log_action("user.password_reset", actor=actor, target=user, unit=user.unit, data={"sessions_ended": ended})


def do_change_own_password(user: User, new_password: str) -> None:
    """The user's own change (allauth's change view goes through the account adapter)."""
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save()
        log_action("user.password_changed", actor=user, target=user)


def do_force_password_change(actor: User, users: Iterable[User]) -> int:
    """Điều 4.5: the users must choose a new password at their next request (PasswordPolicyMiddleware).

    All or nothing: one account outside the actor's reach (or rank) refuses the whole request.
    Returns how many accounts were flagged.
    """
    targets = list(users)
    for user in targets:
        require(actor, Perm.MANAGE_USER, user)
    if not targets:
        return 0
    with transaction.atomic():
        User.objects.filter(pk__in=[u.pk for u in targets]).update(must_change_password=True)
        for user in targets:
            user.must_change_password = True
        single = targets[0] if len(targets) == 1 else None
        log_action(
            "user.password_change_forced",
            actor=actor,
            target=single,
            unit=single.unit if single else None,
            data={"count": len(targets), "usernames": sorted(u.username for u in targets)},
        )
    return len(targets)
