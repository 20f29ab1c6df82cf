"""Password rules beyond Django's built-ins (Điều 4.5; QĐ 742/QĐ-BTTTT level 3)."""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import User


class LettersAndDigitsValidator:
    def validate(self, password: str, user: User | None = None) -> None:
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError(
                _("The password must contain both letters and digits."), code="password_letters_digits"
            )

    def get_help_text(self) -> str:
        return _("Use both letters and digits.")


class PasswordHistoryValidator:
    """Refuses the last N passwords; records each new one when it is set (password_changed)."""

    def validate(self, password: str, user: User | None = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        count = settings.PASSWORD_HISTORY_COUNT
        if count <= 0:
            return
        for old_hash in user.password_history.values_list("password", flat=True)[:count]:
            if check_password(password, old_hash):
                raise ValidationError(
                    _("You used this password recently. Choose one you have not used in your last %(count)d passwords.")
                    % {"count": count},
                    code="password_reused",
                )

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=make_password(password))
        keep = max(settings.PASSWORD_HISTORY_COUNT, 1)
        stale = list(user.password_history.values_list("pk", flat=True)[keep:])
        if stale:
            PasswordHistory.objects.filter(pk__in=stale).delete()

    def get_help_text(self) -> str:
        return _("You cannot reuse any of your last %(count)d passwords.") % {"count": settings.PASSWORD_HISTORY_COUNT}


def password_expires_at(user: User) -> datetime | None:
    if user.password_changed_at is None:
        return None
    return user.password_changed_at + timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def password_expired(user: User, now: datetime | None = None) -> bool:
    expires = password_expires_at(user)
    if expires is None:
        return True
    return (now or timezone.now()) >= expires


def generate_temporary_password(length: int = 14) -> str:
    """A random password that satisfies the policy (letters and digits, no look-alikes)."""
    letters = "".join(c for c in string.ascii_letters if c not in "lIO")
    digits = "23456789"
    while True:
        candidate = "".join(secrets.choice(letters + digits) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
