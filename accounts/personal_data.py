"""What the accounts app holds about a person, for their data export (core.personal_data)."""

from __future__ import annotations

from typing import Any

from accounts.models import LoginFailure, OrgUnit, User, UserSession


def _unit(unit: OrgUnit | None) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name}


def export(user: User) -> dict[str, Any]:
    account = {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "unit": _unit(user.unit),
        "email": user.email,
        "phone": user.phone,
        "receive_email": user.receive_email,
        "receive_sms": user.receive_sms,
        "is_active": user.is_active,
        "is_external": user.is_external,
        "organisation": user.organisation,
        "created": user.date_joined,
        "last_login": user.last_login,
        "must_change_password": user.must_change_password,
        "password_changed_at": user.password_changed_at,
        "failed_login_count": user.failed_login_count,
        "locked_until": user.locked_until,
    }
    rights = [
        {
            "right": grant.right,
            "granted_at": grant.granted_at,
            "granted_by": getattr(grant.granted_by, "username", None),
        }
        for grant in user.grants.select_related("granted_by").order_by("granted_at")
    ]
    sessions = list(
        UserSession.objects.filter(user=user)
        .order_by("created_at")
        .values("ip", "user_agent", "created_at", "last_seen")
    )
    failed = list(LoginFailure.objects.filter(username__iexact=user.username).order_by("at").values("ip", "at"))
    transfers = [
        {
            "from_unit": _unit(t.from_unit),
            "to_unit": _unit(t.to_unit),
            "new_position": t.new_position,
            "note": t.note,
            "status": t.status,
            "requested_at": t.requested_at,
            "decided_at": t.decided_at,
        }
        for t in user.transfers.select_related("from_unit", "to_unit").order_by("requested_at")
    ]
    return {
        "account": account,
        "rights": rights,
        # Hashes of the current and recent passwords are not personal data to hand out: only how many.
        "password_history_entries": user.password_history.count(),
        "signed_in_sessions": sessions,
        "failed_sign_ins": failed,
        "transfers": transfers,
        "document_receiver_of": [_unit(u) for u in OrgUnit.objects.filter(document_receiver=user)],
        "meeting_approver_of": [_unit(u) for u in OrgUnit.objects.filter(meeting_approver=user)],
    }
