"""Two organisers submitting clashing bookings of one room at the same moment: exactly one wins.

The room row is locked (SELECT ... FOR UPDATE) for the check-and-book; on PostgreSQL the two
transactions really run in parallel, so this is where the lock matters (CI's PostgreSQL run).
SQLite serialises writers with IMMEDIATE transactions, which the same test exercises there."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from meetings.actions.registration import do_submit_meeting
from meetings.models import MeetingStatus
from meetings.tests.conftest import create


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need a server database")
def test_concurrent_submissions_cannot_double_book_a_room(
    organiser, leader, attendee, colleague, room, province
) -> None:
    # Two units book the same hall, so nothing else (such as a shared unit row) serialises them.
    from accounts.models import Right
    from conftest import make_user

    stc_organiser = make_user("stc.daumoi", province["stc"], Right.ORGANISER)
    first = create(organiser, leader, [attendee], room=room, place="")
    second = create(stc_organiser, leader, [colleague], room=room, place="")
    submitter = {first.pk: organiser, second.pk: stc_organiser}
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(meeting) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            do_submit_meeting(submitter[meeting.pk], meeting, acknowledge_conflicts=True)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(m,)) for m in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["booked", "refused"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted([first.status, second.status]) == sorted([MeetingStatus.SUBMITTED, MeetingStatus.DRAFT])
