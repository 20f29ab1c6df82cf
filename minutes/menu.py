"""The menu-bar entry of a unit's conclusion notices (core.menu, under the shell's "Công việc")."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core.http import AnyUser


def menu_entry(user: AnyUser) -> dict[str, Any] | None:
    if not user.is_authenticated or user.is_external or user.unit_id is None:
        return None
    return {"label": _("Conclusion notices"), "url": reverse("minutes:unit_notices"), "key": "conclusion_notices"}
