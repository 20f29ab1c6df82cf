"""Single sign-on (accounts/sso.py): linking an identity, refusals, and accounts made on first sign-on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest

from accounts.actions.users import check_username
from accounts.models import OrgUnit, User
from audit.log import log_action

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialLogin


def do_link_sso_identity(user: User, sociallogin: SocialLogin, request: HttpRequest) -> None:
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
