"""Fetch-and-authorize for certificate bindings: 404 for anyone who may not act on them, so nobody
learns which certificates other officials hold."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import Perm, administered_units_q, can, is_admin
from core.fetch import get_or_404
from core.http import AnyUser
from signing.models import CertificateBinding


def access_binding(user: AnyUser, binding_id: object) -> CertificateBinding:
    """A binding of the user's own, or one an administrator of the holder's unit may decide
    (`Perm.REVOKE_CERTIFICATE`); 404 for everyone else."""
    binding = get_or_404(CertificateBinding.objects.select_related("user__unit"), binding_id)
    if not can(user, Perm.REVOKE_CERTIFICATE, binding):
        raise Http404
    return binding


def administered_bindings(user: User) -> QuerySet[CertificateBinding]:
    """Bindings of the officials in the units `user` administers (never their own); 404 for
    everyone else, since the confirmation queue is a page for administrators only."""
    if not is_admin(user):
        raise Http404
    rows = CertificateBinding.objects.select_related("user__unit").exclude(user=user)
    scope = administered_units_q(user, prefix="user__unit__")
    return rows if scope is None else rows.filter(scope)
