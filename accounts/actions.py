"""Every write to units and accounts. Each `do_*` is atomic and audited; `check_*` validates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    LoginFailure,
    OrgUnit,
    Right,
    RightGrant,
    TransferRequest,
    TransferStatus,
    User,
    UserSession,
)
from accounts.permissions import Perm, can
from audit.log import log_action

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


def _require(actor: User, perm: Perm, obj: Any = None) -> None:
    # Views authorize first; this keeps actions safe when called from elsewhere.
    if not can(actor, perm, obj):
        raise PermissionDenied


# --- sessions ---------------------------------------------------------------------------------


def end_sessions(user: User, *, except_session_key: str | None = None) -> int:
    """Delete the user's server-side sessions so every browser is signed out at once."""
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


# --- users ------------------------------------------------------------------------------------


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
    _require(actor, Perm.MANAGE_USERS_OF_UNIT, unit)
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
    _require(actor, Perm.MANAGE_USER, user)
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
    _require(actor, Perm.MANAGE_USER, user)
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


def do_reset_password(actor: User, user: User, *, new_password: str) -> None:
    """Admin reset: the user must choose a new password at next sign-in; sessions end now."""
    _require(actor, Perm.MANAGE_USER, user)
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
        _require(actor, Perm.MANAGE_USER, user)
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


def do_reset_two_factor(actor: User, user: User) -> int:
    """A lost phone: remove the account's authenticator app and recovery codes and end its sessions;
    at the next sign-in the user sets two-factor up again (when it is required for them)."""
    from allauth.mfa.models import Authenticator

    _require(actor, Perm.MANAGE_USER, user)
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


def do_unlock_user(actor: User, user: User) -> None:
    _require(actor, Perm.MANAGE_USER, user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count, user.locked_until = 0, None
        log_action("user.unlocked", actor=actor, target=user, unit=user.unit)


# --- rights -----------------------------------------------------------------------------------


def do_grant_right(actor: User, user: User, right: Right) -> bool:
    _require(actor, Perm.GRANT_RIGHT, (user, right))
    with transaction.atomic():
        _grant, created = RightGrant.objects.get_or_create(user=user, right=right, defaults={"granted_by": actor})
        if created:
            log_action("user.right_granted", actor=actor, target=user, unit=user.unit, data={"right": str(right)})
    user.forget_rights()
    return created


def do_revoke_right(actor: User, user: User, right: Right) -> bool:
    _require(actor, Perm.GRANT_RIGHT, (user, right))
    if right == Right.SYSTEM_ADMIN and user.pk == actor.pk:
        raise ValidationError(_("You cannot remove your own system administrator right."), code="self")
    with transaction.atomic():
        deleted, _rows = RightGrant.objects.filter(user=user, right=right).delete()
        if deleted:
            log_action("user.right_revoked", actor=actor, target=user, unit=user.unit, data={"right": str(right)})
    user.forget_rights()
    return bool(deleted)


# --- transfers (Điều 4.3a) ----------------------------------------------------------------------


def check_transfer(user: User, to_unit: OrgUnit) -> None:
    if not user.is_active:
        raise ValidationError(_("An inactive account cannot be transferred."), code="inactive")
    if user.unit_id == to_unit.pk:
        raise ValidationError(_("The user already belongs to %(unit)s.") % {"unit": to_unit.name}, code="same_unit")
    if not to_unit.is_active:
        raise ValidationError(_("The receiving unit is no longer active."), code="inactive_unit")


def _move(actor: User, user: User, to_unit: OrgUnit, new_position: str) -> tuple[OrgUnit, list[str]]:
    """Rights are held within a unit, so a move drops them; the receiving admin grants anew."""
    from_unit = user.unit
    if from_unit is None:
        raise ValidationError(_("This account has no unit to transfer from."), code="no_unit")
    user.unit = to_unit
    fields = ["unit"]
    if new_position:
        user.position = new_position
        fields.append("position")
    user.save(update_fields=fields)
    dropped = list(RightGrant.objects.filter(user=user).values_list("right", flat=True))
    RightGrant.objects.filter(user=user).delete()
    OrgUnit.objects.filter(document_receiver=user).update(document_receiver=None)
    OrgUnit.objects.filter(meeting_approver=user).update(meeting_approver=None)
    user.forget_rights()
    return from_unit, dropped


def do_transfer_user(actor: User, user: User, to_unit: OrgUnit, *, new_position: str = "") -> None:
    """Direct transfer by an admin whose reach covers both units (or a system admin)."""
    _require(actor, Perm.TRANSFER_DIRECTLY, (user, to_unit))
    check_transfer(user, to_unit)
    with transaction.atomic():
        from_unit, dropped = _move(actor, user, to_unit, new_position)
        TransferRequest.objects.filter(user=user, status=TransferStatus.PENDING).update(
            status=TransferStatus.CANCELLED, decided_by=actor, decided_at=timezone.now()
        )
        log_action(
            "user.transferred",
            actor=actor,
            target=user,
            unit=to_unit,
            data={"from_unit": from_unit.code, "to_unit": to_unit.code, "direct": True, "rights_dropped": dropped},
        )


def do_request_transfer(
    actor: User, user: User, to_unit: OrgUnit, *, new_position: str = "", note: str = ""
) -> TransferRequest:
    _require(actor, Perm.MANAGE_USER, user)
    check_transfer(user, to_unit)
    if user.unit is None:
        raise ValidationError(_("This account has no unit to transfer from."), code="no_unit")
    with transaction.atomic():
        try:
            with transaction.atomic():
                transfer = TransferRequest.objects.create(
                    user=user,
                    from_unit=user.unit,
                    to_unit=to_unit,
                    new_position=new_position,
                    note=note,
                    requested_by=actor,
                )
        except IntegrityError:
            raise ValidationError(
                _("A transfer of this user is already waiting for the receiving unit."), code="duplicate"
            ) from None
        log_action(
            "user.transfer_requested",
            actor=actor,
            target=user,
            unit=user.unit,
            data={"transfer": transfer.pk, "to_unit": to_unit.code},
        )
    return transfer


def _decide(actor: User, transfer: TransferRequest, status: TransferStatus) -> bool:
    """Claim the pending transfer with a conditional update so two admins cannot both decide."""
    return bool(
        TransferRequest.objects.filter(pk=transfer.pk, status=TransferStatus.PENDING).update(
            status=status, decided_by=actor, decided_at=timezone.now()
        )
    )


def do_accept_transfer(actor: User, transfer: TransferRequest) -> None:
    _require(actor, Perm.DECIDE_TRANSFER, transfer)
    user = transfer.user
    check_transfer(user, transfer.to_unit)
    with transaction.atomic():
        if not _decide(actor, transfer, TransferStatus.ACCEPTED):
            raise ValidationError(_("This transfer has already been decided."), code="decided")
        from_unit, dropped = _move(actor, user, transfer.to_unit, transfer.new_position)
        log_action(
            "user.transferred",
            actor=actor,
            target=user,
            unit=transfer.to_unit,
            data={
                "from_unit": from_unit.code,
                "to_unit": transfer.to_unit.code,
                "transfer": transfer.pk,
                "rights_dropped": dropped,
            },
        )


def do_decline_transfer(actor: User, transfer: TransferRequest) -> None:
    _require(actor, Perm.DECIDE_TRANSFER, transfer)
    with transaction.atomic():
        if not _decide(actor, transfer, TransferStatus.DECLINED):
            raise ValidationError(_("This transfer has already been decided."), code="decided")
        log_action(
            "user.transfer_declined",
            actor=actor,
            target=transfer.user,
            unit=transfer.to_unit,
            data={"transfer": transfer.pk},
        )


def do_cancel_transfer(actor: User, transfer: TransferRequest) -> None:
    _require(actor, Perm.MANAGE_USER, transfer.user)
    with transaction.atomic():
        if not _decide(actor, transfer, TransferStatus.CANCELLED):
            raise ValidationError(_("This transfer has already been decided."), code="decided")
        log_action(
            "user.transfer_cancelled",
            actor=actor,
            target=transfer.user,
            unit=transfer.from_unit,
            data={"transfer": transfer.pk},
        )


# --- units ------------------------------------------------------------------------------------


def _compute_path(unit: OrgUnit) -> str:
    return f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"


def check_unit_parent(unit: OrgUnit | None, parent: OrgUnit | None) -> None:
    if unit is not None and unit.pk and parent is not None and parent.is_within(unit):
        raise ValidationError(_("A unit cannot be placed under itself or one of its sub-units."), code="cycle")


def save_unit_tree(unit: OrgUnit) -> None:
    """Save a unit and refresh the materialised paths of it and its sub-units. Caller is atomic."""
    old_path = unit.path
    if not unit.pk:
        unit.save()
    unit.path = _compute_path(unit)
    unit.save()
    if old_path and old_path != unit.path:
        for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])


def do_create_unit(actor: User | None, **fields: Any) -> OrgUnit:
    """Create a unit. `actor` is None only for the loaders run by management commands."""
    if actor is not None:
        _require(actor, Perm.MANAGE_UNITS)
    with transaction.atomic():
        unit = OrgUnit(**fields)
        save_unit_tree(unit)
        log_action("unit.created", actor=actor, target=unit, unit=unit, data={"code": unit.code, "name": unit.name})
    return unit


def do_update_unit(actor: User, unit: OrgUnit, **changes: Any) -> list[str]:
    _require(actor, Perm.MANAGE_UNITS)
    allowed = {"name", "short_name", "kind", "parent", "sort_order", "is_active", "code"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown unit fields: {sorted(unknown)}")
    if "parent" in changes:
        check_unit_parent(unit, changes["parent"])
    changed = {k: v for k, v in changes.items() if getattr(unit, k) != v}
    if not changed:
        return []
    with transaction.atomic():
        before = {k: getattr(unit, k) for k in changed}
        for key, value in changed.items():
            setattr(unit, key, value)
        save_unit_tree(unit)
        log_action(
            "unit.updated",
            actor=actor,
            target=unit,
            unit=unit,
            data={"before": {k: str(v) for k, v in before.items()}, "after": {k: str(v) for k, v in changed.items()}},
        )
    return list(changed)


def do_set_document_receiver(actor: User, unit: OrgUnit, receiver: User | None) -> None:
    _require(actor, Perm.SET_DOCUMENT_RECEIVER, unit)
    if receiver is not None and (receiver.unit_id != unit.pk or not receiver.is_active):
        raise ValidationError(_("The document receiver must be an active member of the unit."), code="not_member")
    with transaction.atomic():
        unit.document_receiver = receiver
        unit.save(update_fields=["document_receiver"])
        log_action(
            "unit.receiver_set",
            actor=actor,
            target=unit,
            unit=unit,
            data={"receiver": receiver.username if receiver else None},
        )


def do_set_meeting_approver(actor: User, unit: OrgUnit, approver: User | None) -> None:
    """Điều 6.2: who approves the unit's meeting registrations (empty: any leader of the unit)."""
    _require(actor, Perm.SET_DOCUMENT_RECEIVER, unit)
    if approver is not None and (
        approver.unit_id != unit.pk or not approver.is_active or Right.LEADER not in approver.rights()
    ):
        raise ValidationError(_("The meeting approver must be an active leader of the unit."), code="not_leader")
    if unit.meeting_approver_id == (approver.pk if approver else None):
        return
    with transaction.atomic():
        unit.meeting_approver = approver
        unit.save(update_fields=["meeting_approver"])
        log_action(
            "unit.meeting_approver_set",
            actor=actor,
            target=unit,
            unit=unit,
            data={"approver": approver.username if approver else None},
        )


# --- sign-in bookkeeping (called from the allauth adapter and auth signals) ---------------------


def lockout_until(now: Any = None) -> Any:
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


def do_purge_personal_data(*, now: Any = None) -> dict[str, int]:
    """Retention of personal data (Luật 91/2025): failed sign-ins and stale session records older
    than SIGN_IN_RECORDS_DAYS are deleted; audit entries older than AUDIT_PERSONAL_DATA_DAYS lose
    their network address and browser (the chain still verifies). Idempotent; run daily."""
    from audit.personal import pseudonymise_audit_entries

    now = now or timezone.now()
    records_before = now - timedelta(days=settings.SIGN_IN_RECORDS_DAYS)
    audit_before = now - timedelta(days=settings.AUDIT_PERSONAL_DATA_DAYS)
    with transaction.atomic():
        failures, _rows = LoginFailure.objects.filter(at__lt=records_before).delete()
        sessions, _rows = UserSession.objects.filter(last_seen__lt=records_before).delete()
        erased = pseudonymise_audit_entries(audit_before)
        counts = {"login_failures_deleted": failures, "sessions_deleted": sessions, "audit_entries_erased": erased}
        if any(counts.values()):
            log_action(
                "privacy.personal_data_purged",
                actor=None,
                data={**counts, "records_before": records_before.isoformat(), "audit_before": audit_before.isoformat()},
            )
    return counts


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


# --- single sign-on (accounts/sso.py) ------------------------------------------------------------


def do_link_sso_identity(user: User, sociallogin: Any, request: Any) -> None:
    """The first single sign-on of an identity: link it to the account it matched."""
    with transaction.atomic():
        sociallogin.connect(request, user)
        log_action(
            "auth.sso_linked",
            actor=user,
            target=user,
            data={"provider": sociallogin.account.provider, "subject": sociallogin.account.uid},
        )


def do_record_sso_refusal(reason: str, *, user: User | None, claim_value: str, subject: str) -> None:
    """A single sign-on the provider accepted but eCabinet refused (no such account, deactivated, ...)."""
    with transaction.atomic():
        log_action(
            "auth.sso_refused",
            actor=user,
            actor_name=claim_value[:150] if user is None else "",
            target=user,
            unit=user.unit if user is not None else None,
            data={"reason": reason, "claim": claim_value[:254], "subject": subject[:255]},
        )


def do_create_user_from_sso(*, unit: OrgUnit, username: str, full_name: str, email: str) -> User:
    """OIDC_CREATE_ACCOUNTS=1 only: an account for an identity no administrator created, in the
    configured unit, with no rights and an unusable password (it signs in through the provider)."""
    username = check_username(username)
    with transaction.atomic():
        user = User(username=username, unit=unit, full_name=full_name[:150] or username, email=email[:254])
        user.set_unusable_password()
        user.must_change_password = False
        user.save()
        log_action(
            "user.created",
            actor=None,
            actor_name="sso",
            target=user,
            unit=unit,
            data={"username": username, "full_name": user.full_name, "is_external": False, "source": "sso"},
        )
    return user
