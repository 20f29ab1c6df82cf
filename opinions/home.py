"""The home page's "opinions requested" panel (registered in OpinionsConfig.ready through
core.home): open collections still waiting for the user's answer, for themself or for a unit
whose document receiver they are (Điều 7.1g)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from core.home import register_panel
from opinions.models import Collection, ConsultedPerson, ConsultedUnit
from polls.models import Participation, PollKind

TEMPLATE = "opinions/_home_panel.html"
LIMIT = 5


def waiting_for_answer(user: User, now: datetime | None = None) -> QuerySet[Collection]:
    """Released, not expired, and a ballot the user owes is still missing: their own (consulted
    in person, no participation of theirs) or a unit's (they receive for it, no participation
    for that unit)."""
    now = now or timezone.now()
    own_owed = Exists(ConsultedPerson.objects.filter(collection=OuterRef("pk"), user=user)) & ~Exists(
        Participation.objects.filter(poll=OuterRef("poll"), voter=user, unit__isnull=True)
    )
    unit_owed = Exists(
        ConsultedUnit.objects.filter(collection=OuterRef("pk"), unit__document_receiver=user).exclude(
            Exists(Participation.objects.filter(poll=OuterRef(OuterRef("poll")), unit=OuterRef("unit")))
        )
    )
    return (
        Collection.objects.select_related("poll")
        .filter(release_at__lte=now, poll__closes_at__gt=now, poll__kind=PollKind.OPINION)
        .filter(own_owed | unit_owed)
        .order_by("poll__closes_at", "pk")
    )


def panel_context(user: User) -> dict[str, Any] | None:
    waiting = list(waiting_for_answer(user)[: LIMIT + 1])
    if not waiting:
        return None
    return {"collections": waiting[:LIMIT], "more": len(waiting) > LIMIT}


def register() -> None:
    register_panel(40, TEMPLATE, panel_context)
