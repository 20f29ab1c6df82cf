from __future__ import annotations

from django import template
from django.contrib.auth import password_validation

register = template.Library()


@register.simple_tag
def password_rules() -> list[str]:
    """The password policy in the user's language, from the configured validators."""
    return list(password_validation.password_validators_help_texts())
