"""What the polls app holds about a person, for their data export (core.personal_data).

For every ballot: that the person took part and when. What they chose only in a named poll; in a
secret poll the choices are stored unlinked (polls.models) and nothing here tries to join them."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from polls.models import Participation


def export(user: User) -> dict[str, Any]:
    ballots = []
    participations = (
        Participation.objects.filter(voter=user)
        .select_related("poll", "unit")
        .prefetch_related("choices__question", "choices__option")
        .order_by("cast_at", "id")
    )
    for p in participations:
        ballot: dict[str, Any] = {
            "poll": {"id": p.poll_id, "title": p.poll.title, "kind": p.poll.kind, "secret": p.poll.is_secret},
            "meeting": p.poll.meeting_id,
            "on_behalf_of_unit": p.unit.name if p.unit else None,
            "cast_at": p.cast_at,
            "changed_at": p.changed_at,
        }
        if not p.poll.is_secret:
            choices = p.choices.all()
            ballot["choices"] = [
                {"question": c.question.text, "option": c.option.label, "other_text": c.other_text}
                for c in sorted(choices, key=lambda c: (c.question.order, c.option.order))
            ]
        ballots.append(ballot)
    return {"ballots": ballots}
