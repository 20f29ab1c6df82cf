"""An in-meeting vote counts only the ballots cast: a delegate present who does not vote is "did
not vote" (eligible minus voted), never an implied agreement. Implied consent is Điều 7.2b's rule
for an opinion collection at its expiry (docs/opinions.md), not for a vote in the room."""

from __future__ import annotations

import pytest

from live.actions import voting as vote_actions
from live.tests.test_vote_export import ppc_leader, voted
from live.voting import poll_data
from polls.models import Poll

__all__ = ["ppc_leader", "voted"]

pytestmark = pytest.mark.django_db


def test_present_delegates_who_did_not_vote_are_not_counted_as_agreeing(voted, leader, attendee) -> None:
    running = Poll.objects.get(meeting=voted, title="Bổ sung dự toán?")
    vote_actions.do_close_vote(leader, running)
    data = poll_data(Poll.objects.get(pk=running.pk))
    assert (data["eligible"], data["voted"]) == (2, 1)  # both present, one voted
    counts = {o["label"]: o["count"] for o in data["questions_results"][0]["options"]}
    assert counts == {"Tán thành": 0, "Không tán thành": 0, "Không biểu quyết": 1}
    assert sum(counts.values()) == data["voted"]  # the silent delegate is in no option
