"""Điều 6.2 and 6.3 deadlines at their edges."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from meetings import rules
from meetings.models import Meeting, MeetingKind

START = datetime(2026, 12, 10, 8, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
MICRO = timedelta(microseconds=1)


def meeting(kind: str) -> Meeting:
    return Meeting(kind=kind, start=START, end=START + timedelta(hours=2))


def test_regular_meeting_must_be_approved_two_days_before() -> None:
    m = meeting(MeetingKind.REGULAR)
    assert rules.approval_deadline(m) == START - timedelta(days=2)
    assert not rules.approval_is_late(m, now=START - timedelta(days=2))
    assert rules.approval_is_late(m, now=START - timedelta(days=2) + MICRO)


@pytest.mark.parametrize("kind", [MeetingKind.URGENT, MeetingKind.EXTRAORDINARY])
def test_urgent_meeting_must_be_approved_three_hours_before(kind: str) -> None:
    m = meeting(kind)
    assert rules.approval_deadline(m) == START - timedelta(hours=3)
    assert not rules.approval_is_late(m, now=START - timedelta(hours=3))
    assert rules.approval_is_late(m, now=START - timedelta(hours=3) + MICRO)


def test_regular_answer_deadline_is_one_day_before() -> None:
    m = meeting(MeetingKind.REGULAR)
    assert not rules.answer_is_late(m, now=START - timedelta(days=1))
    assert rules.answer_is_late(m, now=START - timedelta(days=1) + MICRO)


def test_urgent_answers_are_open_until_the_start() -> None:
    m = meeting(MeetingKind.URGENT)
    assert not rules.answer_is_late(m, now=START)
    assert rules.answer_is_late(m, now=START + MICRO)


def test_support_requests_close_one_day_before_a_regular_meeting() -> None:
    m = meeting(MeetingKind.REGULAR)
    assert rules.support_request_deadline(m) == START - timedelta(days=1)
    assert not rules.support_request_is_late(m, now=START - timedelta(days=1))
    assert rules.support_request_is_late(m, now=START - timedelta(days=1) + MICRO)


@pytest.mark.parametrize("kind", [MeetingKind.URGENT, MeetingKind.EXTRAORDINARY])
def test_support_requests_for_urgent_meetings_are_open_until_the_start(kind: str) -> None:
    """Điều 6.3b-c: an urgent meeting approved 3 hours ahead must still accept requests."""
    m = meeting(kind)
    assert rules.support_request_deadline(m) == START
    assert not rules.support_request_is_late(m, now=START - timedelta(hours=1))
    assert rules.support_request_is_late(m, now=START + MICRO)


def test_approver_reminder_comes_before_the_deadline_and_never_in_the_past() -> None:
    m = meeting(MeetingKind.REGULAR)
    now = START - timedelta(days=6)
    at = rules.approver_reminder_time(m, now=now)
    assert now < at < rules.approval_deadline(m)
    late_now = START - timedelta(days=1)
    assert rules.approver_reminder_time(m, now=late_now) == late_now


def test_answer_reminder_is_a_day_before_the_answer_deadline() -> None:
    m = meeting(MeetingKind.REGULAR)
    now = START - timedelta(days=7)
    assert rules.answer_reminder_time(m, now=now) == START - timedelta(days=2)
    urgent = meeting(MeetingKind.URGENT)
    now = START - timedelta(hours=4)
    assert rules.answer_reminder_time(urgent, now=now) == START - timedelta(hours=2)
