"""The demo data of `make run`: tasks in every state a province sees on the ended meeting, seeded
once however often `seed_demo` runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.demo import seed_demo as seed_accounts
from accounts.models import User
from followups.demo import seed_followups
from followups.models import ProgressFile, Task, TaskStatus
from followups.rules import is_overdue
from live.actions import room as room_actions
from meetings.tests.conftest import approved

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_has_a_task_in_every_state_once() -> None:
    seed_accounts()
    people = {u.username: u for u in User.objects.filter(username__in=["snv.daumoi", "snv.giamdoc", "snv.chuyenvien"])}
    meeting = approved(
        people["snv.daumoi"], people["snv.giamdoc"], [people["snv.chuyenvien"]], start_in=timedelta(minutes=59)
    )
    room_actions.do_start_meeting(people["snv.giamdoc"], meeting)
    room_actions.do_end_meeting(people["snv.giamdoc"], meeting)
    assert seed_followups()
    assert seed_followups() == []
    tasks = list(Task.objects.filter(meeting=meeting).order_by("pk"))
    statuses = [t.status for t in tasks]
    assert statuses[0] == TaskStatus.IN_PROGRESS and tasks[0].assignee == people["snv.chuyenvien"]
    assert TaskStatus.NEW in statuses and TaskStatus.DONE in statuses
    assert sum(is_overdue(t) for t in tasks) == 1
    assert ProgressFile.objects.filter(report__task=tasks[0]).count() == 1
