"""A certificate binding is confirmed or revoked by an administrator of the user's unit (a system
administrator anywhere); the user may revoke their own."""

from __future__ import annotations

from typing import Any

from accounts.permissions import Perm, administers, register_rule


@register_rule(Perm.CONFIRM_CERTIFICATE)
def confirm_certificate(user: Any, binding: Any) -> bool:
    return binding.user_id != user.pk and administers(user, binding.user.unit)
