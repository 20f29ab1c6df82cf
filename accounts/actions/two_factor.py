"""Two-factor sign-in (Điều 8.2): an administrator's reset after a lost phone, and the audit
entries for the authenticators allauth.mfa writes itself (its views and flows)."""

from __future__ import annotations

from django.db import transaction

from accounts.access import require
from accounts.actions.sessions import end_sessions
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action

# allauth.mfa's signal and authenticator type -> the audit code it is recorded under.
AUTHENTICATOR_EVENTS = {
    ("added", "totp"): "auth.two_factor_enabled",
    ("removed", "totp"): "auth.two_factor_disabled",
    ("reset", "recovery_codes"): "auth.recovery_codes_regenerated",
}


def do_reset_two_factor(actor: User, user: User) -> int:
    """A lost phone: remove the account's authenticator app and recovery codes and end its sessions;
    at the next sign-in the user sets two-factor up again (when it is required for them)."""
    from allauth.mfa.models import Authenticator

    require(actor, Perm.MANAGE_USER, user)
    with transaction.atomic():
        removed, _rows = Authenticator.objects.filter(user=user).delete()
        ended = end_sessions(user)
        log_action(
            "user.two_factor_reset",
            actor=actor,
            target=user,
            unit=user.unit,
            data={"authenticators_removed": removed, "sessions_ended": ended},
        )
    return removed


def do_record_authenticator_change(user: User, *, event: str, authenticator_type: str) -> bool:
    """The user changed their own authenticators through allauth.mfa (`event`: "added", "removed"
    or "reset"); returns False for a change the audit trail does not record."""
    action = AUTHENTICATOR_EVENTS.get((event, authenticator_type))
    if action is None:
        return False
    with transaction.atomic():
        log_action(action, actor=user, target=user)
    return True
