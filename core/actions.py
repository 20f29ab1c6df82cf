"""Writes of the kernel: the export of a person's data (audited)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from core.personal_data import build_archive, collect_personal_data


def do_export_personal_data(actor: User | None, user: User, *, command_line: bool = False) -> bytes:
    """The ZIP of everything eCabinet holds about `user`, for a system administrator to hand to the
    person on their request (Luật 91/2025). Audited as `privacy.data_exported` in the same
    transaction as the reads, so an export nobody logged cannot happen. `command_line`: run by
    `manage.py export_personal_data` (actor None, recorded as "manage.py")."""
    if not (command_line and actor is None) and not can(actor, Perm.EXPORT_PERSONAL_DATA, user):
        raise PermissionDenied
    with transaction.atomic():
        data = collect_personal_data(user)
        readme = _(
            "A copy of the personal data eCabinet holds about %(name)s (%(username)s), made on %(at)s "
            "at their request (Law No. 91/2025/QH15 on Personal Data Protection).\n\n"
            "personal-data.json holds everything; sections/ holds the same data one file per part "
            "of the system. Times are in UTC (ISO 8601). For secret votes only the fact of voting is "
            "recorded: what was chosen cannot be linked to anyone and is not included.\n"
        ) % {"name": user.full_name or user.username, "username": user.username, "at": data["generated_at"]}
        archive = build_archive(data, readme)
        log_action(
            "privacy.data_exported",
            actor=actor,
            actor_name="manage.py" if actor is None else "",
            target=user,
            unit=user.unit,
            data={
                "username": user.username,
                "sections": sorted(data["sections"]),
                "bytes": len(archive),
                "sha256": hashlib.sha256(archive).hexdigest(),
            },
        )
    return archive
