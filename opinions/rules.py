"""Rules of an opinion collection decided by the clock and by the settings (Điều 7.1–7.2)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from core.http import AnyUser
from opinions.models import Collection


class Phase(TextChoices):
    SCHEDULED = "scheduled", _("Not released yet")
    OPEN = "open", _("Open for answers")
    EXPIRED = "expired", _("Expired")


def phase(collection: Collection, now: datetime | None = None) -> Phase:
    """Release ≤ now < expiry: open. Decided by time only, whatever the tasks have done."""
    now = now or timezone.now()
    if now < collection.release_at:
        return Phase.SCHEDULED
    expires_at = collection.poll.closes_at
    if expires_at is not None and now >= expires_at:
        return Phase.EXPIRED
    return Phase.OPEN


def ballot_owners(user: AnyUser, collection: Collection) -> list[OrgUnit | None]:
    """What `user` answers for: None (themself, a consulted person) and/or consulted units whose
    document receiver they are (Điều 7.1g). Empty for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    owners: list[OrgUnit | None] = []
    if collection.people.filter(user=user).exists():
        owners.append(None)
    owners.extend(
        row.unit for row in collection.units.select_related("unit").filter(unit__document_receiver=user).order_by("pk")
    )
    return owners


def is_follower(user: AnyUser, collection: Collection) -> bool:
    return bool(user.is_authenticated and collection.followers.filter(user=user).exists())
