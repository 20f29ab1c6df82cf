"""Two-factor sign-in (Điều 8.2): an authenticator app (TOTP) with recovery codes, by allauth.mfa.

Required for system and unit administrators (MFA_REQUIRED_FOR_ADMINS, on by default) or for
everyone (MFA_REQUIRED_FOR_ALL): such a user who signs in without an authenticator is sent to set
one up before anything else (`TwoFactorSetupMiddleware`), and cannot turn it off. A wrong code at
sign-in counts towards the account's lockout like a wrong password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.actions.sessions import do_record_login_failure
from accounts.permissions import is_admin
from audit.context import current_request_info

if TYPE_CHECKING:
    from accounts.models import User
    from core.http import AnyUser

# Session key: set at sign-in when the user must set up two-factor before doing anything else.
SETUP_REQUIRED_KEY = "mfa_setup_required"


def two_factor_required(user: AnyUser | None) -> bool:
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if settings.MFA_REQUIRED_FOR_ALL:
        return True
    return bool(settings.MFA_REQUIRED_FOR_ADMINS and is_admin(user))


def has_authenticator_app(user: User) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def flag_setup_if_required(request: HttpRequest, user: User) -> None:
    if two_factor_required(user) and not has_authenticator_app(user):
        request.session[SETUP_REQUIRED_KEY] = True


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Two-factor sign-in is required for your account and cannot be turned off. If you lost your phone, "
            "ask your administrator to reset it."
        ),
        "cannot_generate_recovery_codes": _("Turn on two-factor sign-in before making recovery codes."),
        "incorrect_code": _("The code is wrong or has expired. Enter the 6 digits the app shows now."),
    }

    def get_totp_label(self, user: User) -> str:
        return str(user.username)

    def get_totp_issuer(self) -> str:
        return str(settings.MFA_TOTP_ISSUER)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not two_factor_required(authenticator.user)


class AuthenticateForm(AllauthAuthenticateForm):
    """The code asked after the password: a locked account is refused, and wrong codes lock it."""

    def clean_code(self) -> str:
        user = self.user
        if user.locked_until and user.locked_until > timezone.now():
            raise ValidationError(
                _(
                    "This account is locked after too many failed sign-ins. Wait and try again, or ask your unit "
                    "administrator to unlock it."
                ),
                code="locked",
            )
        try:
            return str(super().clean_code())
        except ValidationError:
            locked = do_record_login_failure(user.username, user, current_request_info().ip, stage="mfa")
            if locked:
                raise ValidationError(
                    _(
                        "Wrong code %(failures)d times: the account is locked for %(minutes)d minutes. Wait and try "
                        "again, or ask your unit administrator to unlock it."
                    )
                    % {"failures": settings.LOGIN_MAX_FAILURES, "minutes": settings.LOGIN_LOCKOUT_MINUTES},
                    code="locked",
                ) from None
            raise
