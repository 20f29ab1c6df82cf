"""Điều 6.2: the statistics count as late exactly the meetings meetings.rules.approval_is_late
decided were approved late (stored once, at approval, by meetings.actions.approval)."""

from __future__ import annotations

from datetime import timedelta

from meetings import rules
from meetings.models import Meeting
from meetings.tests.conftest import approved, attendee, leader, organiser
from reports.statistics import meeting_sections

__all__ = ["attendee", "leader", "organiser"]


def test_statistics_count_a_late_approval_as_late_by_the_meetings_rule(organiser, leader, attendee) -> None:
    late = approved(organiser, leader, [attendee], start_in=timedelta(days=1))
    on_time = approved(organiser, leader, [attendee], start_in=timedelta(days=6))
    assert rules.approval_is_late(late, late.decided_at) and late.approved_late
    assert not rules.approval_is_late(on_time, on_time.decided_at) and not on_time.approved_late
    sections = {s.key: s for s in meeting_sections(Meeting.objects.all())[2]}
    assert sections["approval"].value("late") == 1
    assert sections["approval"].value("on_time") == 1
