"""The choices of an opinion collection are in the poll's ballot chain (`polls.ballot_chain`): a
changed named answer withdraws the old choices in the chain, the closing seals the tally, and a
choice changed or deleted in the database is named by `manage.py verify_audit_chain`. A secret
collection's chain names no voter; its ballot log records only who answered."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from opinions.actions.lifecycle import ensure_closed
from opinions.models import Collection
from opinions.tests.conftest import answer, expired, fresh, make, opened
from polls.ballot_chain import verify_poll
from polls.models import BallotEntry, Choice

pytestmark = pytest.mark.django_db


def answered(team, *, secret: bool = False) -> Collection:  # type: ignore[no-untyped-def]
    """The voter answers, then changes their answer (named only); the unit answers; closed."""
    collection = make(team, is_secret=secret)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        if not secret:
            answer(team["voter"], collection, "disagree", "agree")
        answer(team["receiver"], collection, "disagree", "other", other="Lùi thời điểm", unit=team["stc"])
    with expired(collection):
        ensure_closed(fresh(collection))
    return fresh(collection)


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_answers_and_changed_answers_verify(team, secret) -> None:
    collection = answered(team, secret=secret)
    assert verify_poll(collection.poll)[1] == []
    actions_in_chain = list(BallotEntry.objects.filter(poll=collection.poll).values_list("action", flat=True))
    assert actions_in_chain.count("withdrawn") == (0 if secret else 2)
    assert actions_in_chain[-1] == "closed"
    call_command("verify_audit_chain")


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_changed_opinion_choice_is_named(team, secret) -> None:
    collection = answered(team, secret=secret)
    victim = Choice.objects.filter(poll=collection.poll, option__code="agree").first()
    assert victim is not None
    disagree = victim.question.options.get(code="disagree")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE polls_choice SET option_id = %s WHERE id = %s", [disagree.pk, victim.pk.hex])
    with pytest.raises(CommandError, match=rf"Ballot {victim.pk} of opinion poll {collection.pk} does not match"):
        call_command("verify_audit_chain")


def test_a_deleted_opinion_choice_is_named(team) -> None:
    collection = answered(team)
    victim = Choice.objects.filter(poll=collection.poll, participation__unit=team["stc"]).first()
    assert victim is not None
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM polls_choice WHERE id = %s", [victim.pk.hex])
    with pytest.raises(CommandError, match=rf"Ballot {victim.pk} .* is missing: it was deleted"):
        call_command("verify_audit_chain")


def test_a_secret_collection_chain_names_no_voter(team) -> None:
    collection = answered(team, secret=True)
    cast = BallotEntry.objects.filter(poll=collection.poll, action="cast")
    assert cast.count() == 4
    assert all(set(entry.data) == {"ballot", "question", "option", "other"} for entry in cast)
