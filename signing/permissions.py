"""A certificate binding is confirmed or revoked by an administrator of the user's unit (a system
administrator anywhere); the user may revoke their own. Whoever may revoke a binding may also
reach it (`signing.access.access_binding`); everyone else gets 404."""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import Perm, administers, register_rule
from signing.models import CertificateBinding


@register_rule(Perm.CONFIRM_CERTIFICATE)
def confirm_certificate(user: User, binding: CertificateBinding) -> bool:
    return binding.user_id != user.pk and administers(user, binding.user.unit)


@register_rule(Perm.REVOKE_CERTIFICATE)
def revoke_certificate(user: User, binding: CertificateBinding) -> bool:
    return binding.user_id == user.pk or confirm_certificate(user, binding)
