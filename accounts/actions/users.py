"""Accounts: creating them, their details, deactivation, and the first system administrator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.actions.sessions import end_sessions
from accounts.models import OrgUnit, Right, RightGrant, TransferRequest, TransferStatus, User
from accounts.permissions import Perm
from audit.log import log_action

# The details an administrator edits (the user form, `do_create_user`, `do_update_user`).
USER_FIELDS = (
    "full_name",
    "position",
    "email",
    "phone",
    "receive_email",
    "receive_sms",
    "is_external",
    "organisation",
)


def check_username(username: str) -> str:
    username = username.strip().lower()
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
    if not username or any(c not in allowed for c in username):
        raise ValidationError(
            _("The username may contain only unaccented letters, digits and . _ - (for example: nguyen.van.an)."),
            code="invalid_username",
        )
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("The username %(username)s is already taken.") % {"username": username}, code="taken")
    return username


def do_create_user(
    actor: User,
    *,
    username: str,
    unit: OrgUnit,
    password: str,
    full_name: str,
    **fields: Any,
) -> User:
    """Create an account that must change its password at first sign-in."""
    require(actor, Perm.MANAGE_USERS_OF_UNIT, unit)
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"unknown user fields: {sorted(unknown)}")
    user = User(username=username, unit=unit, full_name=full_name, **fields)
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        try:
            user.save()
        except IntegrityError:
            raise ValidationError(
                _("The username %(username)s is already taken.") % {"username": username}, code="taken"
            ) from None
        log_action(
            "user.created",
            actor=actor,
            target=user,
            unit=unit,
            data={"username": username, "full_name": full_name, "is_external": user.is_external},
        )
    return user


def do_update_user(actor: User, user: User, **changes: Any) -> list[str]:
    require(actor, Perm.MANAGE_USER, user)
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"unknown user fields: {sorted(unknown)}")
    changed = {k: v for k, v in changes.items() if getattr(user, k) != v}
    if not changed:
        return []
    with transaction.atomic():
        before = {k: getattr(user, k) for k in changed}
        for key, value in changed.items():
            setattr(user, key, value)
        user.save(update_fields=list(changed))
        if user.is_external:
            RightGrant.objects.filter(user=user).delete()
        log_action("user.updated", actor=actor, target=user, unit=user.unit, data={"before": before, "after": changed})
    return list(changed)


def do_update_own_profile(user: User, **changes: Any) -> list[str]:
    allowed = {"email", "phone", "receive_email", "receive_sms"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"not editable by the user: {sorted(unknown)}")
    changed = {k: v for k, v in changes.items() if getattr(user, k) != v}
    if not changed:
        return []
    with transaction.atomic():
        for key, value in changed.items():
            setattr(user, key, value)
        user.save(update_fields=list(changed))
        log_action("user.profile_updated", actor=user, target=user, data={"changed": changed})
    return list(changed)


def do_set_user_active(actor: User, user: User, *, active: bool) -> None:
    """Deactivate (Điều 4.3b: retirement, leaving) or reactivate; deactivation signs out at once."""
    require(actor, Perm.MANAGE_USER, user)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."), code="self")
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        ended = 0
        if not active:
            ended = end_sessions(user)
            TransferRequest.objects.filter(user=user, status=TransferStatus.PENDING).update(
                status=TransferStatus.CANCELLED, decided_by=actor, decided_at=timezone.now()
            )
        log_action(
            "user.reactivated" if active else "user.deactivated",
            actor=actor,
            target=user,
            unit=user.unit,
            data={"sessions_ended": ended},
        )


def do_bootstrap_system_admin(*, username: str, full_name: str, unit: OrgUnit, password: str, **fields: Any) -> User:
    """The first system administrator, made from the command line (no actor exists yet)."""
    password_validation.validate_password(password, User(username=username, full_name=full_name))
    with transaction.atomic():
        user = User(username=username, full_name=full_name, unit=unit, **fields)
        user.set_password(password)
        user.must_change_password = True
        user.save()
        RightGrant.objects.create(user=user, right=Right.SYSTEM_ADMIN)
        log_action(
            "user.bootstrap_admin",
            actor=None,
            actor_name="manage.py",
            target=user,
            unit=unit,
            data={"username": username},
        )
    return user
