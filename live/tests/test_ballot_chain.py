"""In-meeting ballots written by the websocket's batch writer and by the HTTP form are in the
poll's ballot chain: a vote changed in the database after the meeting is named by
`manage.py verify_audit_chain`, also for a secret vote, whose chain names nobody."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from live.actions import checkin
from live.actions import voting as vote_actions
from live.batching import BallotWriter
from live.tests.test_voting import vote_choices
from polls.actions import ACCEPTED
from polls.models import BallotEntry, Choice, Poll

pytestmark = pytest.mark.django_db


def held(started, leader, attendee, colleague, *, secret: bool) -> Poll:  # type: ignore[no-untyped-def]
    checkin.do_check_in(attendee, started)
    checkin.do_check_in(colleague, started)
    poll = vote_actions.do_create_vote(leader, started, question="Thông qua nghị quyết?", secret=secret, open_now=True)
    outcomes, _notes = BallotWriter().write((started.pk, poll.pk), [(attendee, vote_choices(poll, 0), None)])
    assert [o.status for o in outcomes] == [ACCEPTED]
    vote_actions.do_vote(colleague, poll, vote_choices(poll, 1))
    return vote_actions.do_close_vote(leader, poll)


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_vote_changed_after_the_meeting_is_named(started, leader, attendee, colleague, secret) -> None:
    poll = held(started, leader, attendee, colleague, secret=secret)
    call_command("verify_audit_chain")
    victim = Choice.objects.get(poll=poll, option__order=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE polls_choice SET option_id = %s WHERE id = %s",
            [vote_choices(poll, 1)[victim.question_id], victim.pk.hex],
        )
    with pytest.raises(
        CommandError, match=rf"Ballot {victim.pk} of meeting_vote poll {poll.pk} does not match"
    ) as raised:
        call_command("verify_audit_chain")
    assert f"Tally of meeting_vote poll {poll.pk} does not match" in str(raised.value)


def test_a_secret_vote_chain_names_nobody(started, leader, attendee, colleague) -> None:
    poll = held(started, leader, attendee, colleague, secret=True)
    cast = list(BallotEntry.objects.filter(poll=poll, action="cast"))
    assert len(cast) == 2
    assert all(set(entry.data) == {"ballot", "question", "option", "other"} for entry in cast)
