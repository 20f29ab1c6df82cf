"""Sign-in bookkeeping (called from the allauth adapter and the auth signals), the lockout after
failed sign-ins (Điều 8.2), and ending an account's sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.access import require
from accounts.models import LoginFailure, User, UserSession
from accounts.permissions import Perm
from audit.log import log_action


def end_sessions(user: User, *, except_session_key: str | None = None) -> int:
    """Delete the user's server-side sessions so every browser is signed out at once. Caller is atomic."""
    tracked = UserSession.objects.filter(user=user)
    if except_session_key:
        tracked = tracked.exclude(session_key=except_session_key)
    keys = list(tracked.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    tracked.delete()
    return len(keys)


def do_end_other_sessions(user: User, *, current_session_key: str | None) -> int:
    with transaction.atomic():
        count = end_sessions(user, except_session_key=current_session_key)
        log_action("auth.sessions_ended", actor=user, target=user, data={"count": count, "by": "self"})
    return count


def lockout_until(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def do_record_login_failure(username: str, user: User | None, ip: str | None, *, stage: str = "password") -> bool:
    """Count one failed sign-in (a wrong password, or a wrong two-factor code: `stage="mfa"`);
    returns True when this failure locked the account."""

    with transaction.atomic():
        LoginFailure.objects.create(ip=ip, username=username[:150])
        locked = False
        if user is not None:
            User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
            user.refresh_from_db(fields=["failed_login_count", "locked_until"])
            if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=lockout_until())
                locked = True
        log_action(
            "auth.login_failed",
            actor=user,
            actor_name=username[:150] if user is None else "",
            unit=user.unit if user is not None else None,
            data={"username": username[:150], **({"stage": stage} if stage != "password" else {})},
        )
        if locked and user is not None:
            log_action(
                "auth.locked",
                actor=user,
                target=user,
                data={"minutes": settings.LOGIN_LOCKOUT_MINUTES, "failures": settings.LOGIN_MAX_FAILURES},
            )
    return locked


def do_unlock_user(actor: User, user: User) -> None:
    require(actor, Perm.MANAGE_USER, user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count, user.locked_until = 0, None
        log_action("user.unlocked", actor=actor, target=user, unit=user.unit)


def do_record_login_success(
    user: User, *, session_key: str | None, ip: str | None, user_agent: str, method: str = "password"
) -> None:
    with transaction.atomic():
        if user.failed_login_count or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        if session_key:
            UserSession.objects.update_or_create(
                session_key=session_key, defaults={"user": user, "ip": ip, "user_agent": user_agent}
            )
        log_action("auth.login", actor=user, target=user, data={"method": method})


def do_record_logout(user: User, *, session_key: str | None) -> None:
    with transaction.atomic():
        if session_key:
            UserSession.objects.filter(session_key=session_key).delete()
        log_action("auth.logout", actor=user, target=user)
