"""Every counted choice is committed to its poll's ballot chain (`polls.ballot_chain`):
`manage.py verify_audit_chain` finds a choice changed, added or deleted in the database, a secret
choice changed, a tally that no longer matches the one sealed at closing, and a broken chain, and
names each; the entries of a secret poll name no voter."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from polls import actions
from polls.ballot_chain import verify_poll
from polls.models import BallotEntry, Choice, Participation, Poll
from polls.tests.test_ballots import answer, make_poll, people, rules

__all__ = ["people", "rules"]

pytestmark = pytest.mark.django_db


def voted(people, *, secret: bool = False, close: bool = True) -> Poll:  # type: ignore[no-untyped-def]
    """Three voters: two by the batch path (the websocket writer's), one by the single path."""
    poll = make_poll(people, secret=secret)
    v = people["voters"]
    outcomes = actions.do_cast_ballots(poll, [(v[0], answer(poll, 0, 0), None), (v[1], answer(poll, 1, 1), None)])
    assert [o.status for o in outcomes] == [actions.ACCEPTED, actions.ACCEPTED]
    actions.do_cast_ballot(v[2], poll, answer(poll, 0, 1))
    if close:
        actions.do_close_poll(people["creator"], poll)
    return Poll.objects.get(pk=poll.pk)


def sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def other_option(choice: Choice) -> int:
    return choice.question.options.exclude(pk=choice.option_id).values_list("pk", flat=True)[0]


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_untouched_ballots_verify(people, rules, secret, capsys) -> None:
    poll = voted(people, secret=secret)
    checked, problems = verify_poll(poll)
    assert problems == [] and checked == 6 + 1  # 3 voters × 2 questions, and the closing entry
    call_command("verify_audit_chain")
    assert "Ballot chains: " in capsys.readouterr().out


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_changed_choice_is_detected_and_named(people, rules, secret) -> None:
    poll = voted(people, secret=secret)
    victim = Choice.objects.filter(poll=poll).order_by("pk").first()
    assert victim is not None
    sql("UPDATE polls_choice SET option_id = %s WHERE id = %s", [other_option(victim), victim.pk.hex])
    with pytest.raises(CommandError, match=rf"Ballot {victim.pk} of \w+ poll {poll.pk} does not match .* option"):
        call_command("verify_audit_chain")


def test_a_changed_choice_is_detected_while_the_poll_is_still_open(people, rules) -> None:
    poll = voted(people, secret=True, close=False)
    victim = Choice.objects.filter(poll=poll).order_by("pk").first()
    assert victim is not None
    sql("UPDATE polls_choice SET option_id = %s WHERE id = %s", [other_option(victim), victim.pk.hex])
    _checked, problems = verify_poll(poll)
    assert len(problems) == 1 and str(victim.pk) in problems[0]


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_deleted_choice_is_detected_and_named(people, rules, secret) -> None:
    poll = voted(people, secret=secret)
    victim = Choice.objects.filter(poll=poll).order_by("pk").last()
    assert victim is not None
    sql("DELETE FROM polls_choice WHERE id = %s", [victim.pk.hex])
    with pytest.raises(CommandError, match=rf"Ballot {victim.pk} .* is missing: it was deleted") as raised:
        call_command("verify_audit_chain")
    assert f"Tally of {poll.kind} poll {poll.pk} does not match" in str(raised.value)


def test_an_added_ballot_is_detected_and_named(people, rules) -> None:
    poll = voted(people, secret=True)
    existing = Choice.objects.filter(poll=poll).first()
    assert existing is not None
    stuffed = uuid.uuid4()
    sql(
        "INSERT INTO polls_choice (id, poll_id, question_id, option_id, other_text) VALUES (%s, %s, %s, %s, '')",
        [stuffed.hex, poll.pk, existing.question_id, existing.option_id],
    )
    with pytest.raises(CommandError, match=rf"Ballot {stuffed} .* is not in its ballot chain"):
        call_command("verify_audit_chain")


def test_a_named_choice_moved_to_another_voter_is_detected(people, rules) -> None:
    poll = voted(people)
    first, second = Participation.objects.filter(poll=poll).order_by("pk")[:2]
    victim = Choice.objects.filter(participation=first).first()
    assert victim is not None
    sql("UPDATE polls_choice SET participation_id = %s WHERE id = %s", [second.pk, victim.pk.hex])
    with pytest.raises(CommandError, match=rf"Ballot {victim.pk} .* participation"):
        call_command("verify_audit_chain")


def test_a_rewritten_chain_entry_is_detected(people, rules) -> None:
    poll = voted(people)
    entry = BallotEntry.objects.get(poll=poll, seq=2)
    sql("UPDATE polls_ballotentry SET data = %s WHERE id = %s", [json.dumps({**entry.data, "option": 0}), entry.pk])
    with pytest.raises(CommandError, match=rf"Ballot chain of \w+ poll {poll.pk} broken at entry #2"):
        call_command("verify_audit_chain")


def test_deleting_the_last_chain_entries_is_detected(people, rules) -> None:
    poll = voted(people)
    sql("DELETE FROM polls_ballotentry WHERE poll_id = %s AND seq >= %s", [poll.pk, 6])
    with pytest.raises(CommandError, match=r"entries after #5 were deleted"):
        call_command("verify_audit_chain")


def test_a_deleted_participation_changes_the_sealed_number_of_voters(people, rules) -> None:
    poll = voted(people, secret=True)
    victim = Participation.objects.filter(poll=poll).first()
    assert victim is not None
    sql("DELETE FROM polls_participation WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match=r"Voters of .* 2 stored, 3 sealed"):
        call_command("verify_audit_chain")


def test_secret_chain_entries_name_no_voter(people, rules) -> None:
    poll = voted(people, secret=True)
    cast = list(BallotEntry.objects.filter(poll=poll, action="cast"))
    assert len(cast) == 6
    assert all(set(entry.data) == {"ballot", "question", "option", "other"} for entry in cast)
    # One batch's entries follow the random ids, not the order in which the voters came.
    first_batch = [entry.data["ballot"] for entry in sorted(cast, key=lambda e: e.seq)[:4]]
    assert first_batch == sorted(first_batch)


def test_named_chain_entries_name_the_voter(people, rules) -> None:
    poll = voted(people)
    voters = {v.pk for v in people["voters"][:3]}
    assert {e.data["voter"] for e in BallotEntry.objects.filter(poll=poll, action="cast")} == voters


def test_the_closing_entry_seals_the_tally(people, rules) -> None:
    poll = voted(people)
    closing = BallotEntry.objects.get(poll=poll, seq=poll.ballot_seq)
    assert closing.action == "closed" and closing.data["voters"] == 3
    assert sum(closing.data["tally"].values()) == 6


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_ballots_cast_before_the_chain_existed(people, rules) -> None:
    named, secret = voted(people), voted(people, secret=True, close=False)
    executor = MigrationExecutor(connection)
    executor.migrate([("polls", "0002_participation_unit")])  # back to before the chain: it is gone
    executor = MigrationExecutor(connection)
    executor.migrate([("polls", "0003_ballot_chain")])
    for poll, entries in ((named, 7), (secret, 6)):
        poll = Poll.objects.get(pk=poll.pk)
        assert poll.ballot_seq == entries
        assert verify_poll(poll) == (entries, [])
    call_command("verify_audit_chain")
