"""The demo data of `make run`: feedback in every status, the first an incident outside a meeting
with a file (the pages' walkers open it), seeded once however often `seed_demo` runs."""

from __future__ import annotations

import pytest

from accounts.demo import seed_demo as seed_accounts
from accounts.models import User
from feedback.demo import seed_feedback
from feedback.models import Category, Feedback, FeedbackFile, Status

pytestmark = pytest.mark.django_db


def test_the_demo_has_feedback_in_every_status_once() -> None:
    seed_accounts()
    assert seed_feedback()
    assert seed_feedback() == []
    items = list(Feedback.objects.order_by("pk"))
    first = items[0]
    assert first.category == Category.INCIDENT and first.sender == User.objects.get(username="snv.chuyenvien")
    assert first.status == Status.IN_PROGRESS and FeedbackFile.objects.filter(feedback=first).count() == 1
    assert {i.status for i in items} == {Status.NEW, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED}
    assert sum(i.answers.exists() for i in items) == 2
