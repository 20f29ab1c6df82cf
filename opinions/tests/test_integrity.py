"""The ballot log of a collection (`opinions.log`, built on `audit.chain`): every release, answer,
extension and close appended in sequence; receipts that check out until the log is tampered
with; `manage.py verify_audit_chain` covering the ballot logs; and, on PostgreSQL, concurrent
answers that keep one ballot per voter and a gap-free log."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.chain import GENESIS_HASH
from conftest import make_user
from opinions.actions.answers import AnswerOutcome, DuplicateAnswer, do_answer
from opinions.actions.collections import do_extend_expiry
from opinions.actions.lifecycle import ensure_closed
from opinions.log import check_receipt, verify, verify_all
from opinions.models import Collection, LogEntry
from opinions.tests.conftest import answer, ballot, expired, expiry_of, fresh, make, opened
from polls.models import Choice, Participation

pytestmark = pytest.mark.django_db


def actions_of(collection: Collection) -> list[tuple[int, str]]:
    return list(LogEntry.objects.filter(collection=collection).order_by("seq").values_list("seq", "action"))


def lifecycle(team: dict[str, Any], **overrides: Any) -> tuple[Collection, list[AnswerOutcome]]:
    """Released, two answers (one for a unit), an extension, closed."""
    collection = make(team, **overrides)
    with opened(collection):
        outcomes = [
            answer(team["voter"], collection, "agree", "agree"),
            answer(team["receiver"], collection, "disagree", "other", other="Lùi thời điểm", unit=team["stc"]),
        ]
        do_extend_expiry(team["creator"], collection, expiry_of(collection) + timedelta(days=1))
    with expired(collection):
        ensure_closed(fresh(collection))
    return fresh(collection), outcomes


# --- 8. the ballot log ----------------------------------------------------------------------------


def test_every_release_answer_extension_and_close_is_appended_in_sequence(team) -> None:
    collection, outcomes = lifecycle(team)
    assert actions_of(collection) == [(1, "released"), (2, "answered"), (3, "answered"), (4, "extended"), (5, "closed")]
    entries = list(LogEntry.objects.filter(collection=collection).order_by("seq"))
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))
    assert all(entry.compute_hash() == entry.hash for entry in entries)
    assert (collection.log_seq, collection.log_hash, collection.final_hash) == (5, entries[-1].hash, entries[-1].hash)
    assert [(o.receipt.seq, o.receipt.hash) for o in outcomes] == [(e.seq, e.hash) for e in entries[1:3]]
    assert verify(collection) == (5, None)


def test_a_named_answer_entry_holds_the_hash_of_the_answer(team) -> None:
    collection = make(team)
    with opened(collection):
        first = answer(team["voter"], collection, "agree", "agree")
        second = answer(team["voter"], collection, "disagree", "agree")
    assert first.revision is not None and second.revision is not None
    entries = LogEntry.objects.filter(collection=collection, action="answered").order_by("seq")
    assert [(e.data["voter"], e.data["revision"], e.data["answer"]) for e in entries] == [
        (team["voter"].pk, 1, first.revision.content_hash),
        (team["voter"].pk, 2, second.revision.content_hash),
    ]
    assert first.revision.content_hash != second.revision.content_hash


def test_a_refused_answer_appends_nothing(team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        for voter, codes in ((team["outsider"], ("agree", "agree")), (team["silent"], ("agree", "other"))):
            with pytest.raises(Exception):  # noqa: B017 - PermissionDenied, ValidationError
                answer(voter, collection, *codes)
    assert actions_of(collection) == [(1, "released"), (2, "answered")]


def test_log_entries_cannot_be_changed_or_deleted_one_by_one(team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
    entry = LogEntry.objects.get(collection=collection, seq=2)
    entry.data = {"voter": 0}
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert verify(fresh(collection)) == (2, None)


def test_a_receipt_is_found_and_intact_while_open_and_final_once_closed(team) -> None:
    collection = make(team)
    with opened(collection):
        outcome = answer(team["voter"], collection, "agree", "agree")
        open_check = check_receipt(fresh(collection), outcome.receipt.seq, outcome.receipt.hash)
    assert (open_check.found, open_check.intact, open_check.final, open_check.problem) == (True, True, False, "")
    with expired(collection):
        ensure_closed(collection)
    closed_check = check_receipt(fresh(collection), outcome.receipt.seq, outcome.receipt.hash.upper() + " ")
    assert (closed_check.found, closed_check.intact, closed_check.final) == (True, True, True)


def test_a_receipt_with_a_wrong_hash_or_number_is_not_found(team) -> None:
    collection, outcomes = lifecycle(team)
    receipt = outcomes[0].receipt
    assert not check_receipt(collection, receipt.seq, "0" * 64).found
    assert not check_receipt(collection, receipt.seq + 1, receipt.hash).found
    assert not check_receipt(collection, receipt.seq, "").found
    other, _outcomes = lifecycle(team)
    assert not check_receipt(other, receipt.seq, receipt.hash).found  # another collection's log


def test_a_secret_answer_gets_a_receipt_too(team) -> None:
    collection = make(team, is_secret=True)
    with opened(collection):
        outcome = answer(team["voter"], collection, "agree", "agree")
    check = check_receipt(fresh(collection), outcome.receipt.seq, outcome.receipt.hash)
    assert check.found and check.intact


def test_editing_a_log_entry_is_reported_by_verify_and_by_receipts(team) -> None:
    collection, outcomes = lifecycle(team)
    receipt = outcomes[0].receipt
    LogEntry.objects.filter(collection=collection, seq=receipt.seq).update(data={"voter": team["silent"].pk})
    checked, problem = verify(fresh(collection))
    assert problem is not None and problem.seq == receipt.seq and "changed" in problem.reason
    assert checked == receipt.seq - 1
    for seq, entry_hash in [(o.receipt.seq, o.receipt.hash) for o in outcomes]:
        result = check_receipt(fresh(collection), seq, entry_hash)
        assert result.found and not result.intact and not result.final and result.problem


def test_rewriting_an_entry_with_its_own_hash_breaks_the_next_link(team) -> None:
    collection, outcomes = lifecycle(team)
    entry = LogEntry.objects.get(collection=collection, seq=2)
    entry.data = {**entry.data, "voter": team["silent"].pk}
    LogEntry.objects.filter(pk=entry.pk).update(data=entry.data, hash=entry.compute_hash())
    _checked, problem = verify(fresh(collection))
    assert problem is not None and problem.seq == 3 and "previous-hash" in problem.reason


def test_deleting_the_last_entry_is_detected(team) -> None:
    collection = make(team)
    with opened(collection):
        outcome = answer(team["voter"], collection, "agree", "agree")
    LogEntry.objects.filter(collection=collection, seq=outcome.receipt.seq).delete()  # a queryset bypasses .delete()
    _checked, problem = verify(fresh(collection))
    assert problem is not None and "deleted" in problem.reason
    result = check_receipt(fresh(collection), outcome.receipt.seq, outcome.receipt.hash)
    assert not result.found and not result.intact


def test_deleting_the_close_entry_is_detected(team) -> None:
    collection, _outcomes = lifecycle(team)
    LogEntry.objects.filter(collection=collection, action="closed").delete()
    _checked, problem = verify(fresh(collection))
    assert problem is not None


def test_deleting_an_entry_in_the_middle_is_detected(team) -> None:
    collection, _outcomes = lifecycle(team)
    LogEntry.objects.filter(collection=collection, seq=3).delete()
    _checked, problem = verify(fresh(collection))
    assert problem is not None and problem.seq == 3 and "missing" in problem.reason


def test_a_changed_final_hash_is_detected(team) -> None:
    collection, _outcomes = lifecycle(team)
    Collection.objects.filter(pk=collection.pk).update(final_hash="f" * 64)
    _checked, problem = verify(fresh(collection))
    assert problem is not None and "final hash" in problem.reason


def test_verify_all_names_the_tampered_collection_only(team) -> None:
    good, _outcomes = lifecycle(team)
    bad, outcomes = lifecycle(team)
    LogEntry.objects.filter(collection=bad, seq=outcomes[1].receipt.seq).update(data={})
    total, problems = verify_all()
    assert [pk for pk, _problem in problems] == [bad.pk]
    assert total == 5 + outcomes[1].receipt.seq - 1


def test_verify_audit_chain_command_passes_on_intact_ballot_logs(team) -> None:
    collection, _outcomes = lifecycle(team)
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    entries = LogEntry.objects.filter(collection=collection).count()
    assert entries > 0
    assert "Audit chain intact" in out.getvalue()
    assert "intact." in out.getvalue().split("Audit chain intact")[1]


def test_verify_audit_chain_command_detects_a_tampered_ballot_log(team) -> None:
    collection, outcomes = lifecycle(team)
    call_command("verify_audit_chain")
    LogEntry.objects.filter(collection=collection, seq=outcomes[0].receipt.seq).update(data={"voter": 0})
    with pytest.raises(CommandError, match=rf"opinion collection {collection.pk}\b.*#{outcomes[0].receipt.seq}"):
        call_command("verify_audit_chain")


# --- 9. concurrency (PostgreSQL: SQLite runs one writer at a time) ---------------------------------


def _at_once(calls: list[Any]) -> list[BaseException]:
    """Run the calls in threads released together; return what they raised (DuplicateAnswer aside)."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(calls))

    def run(call: Any) -> None:
        from django.db import connections

        try:
            barrier.wait()
            try:
                call()
            except DuplicateAnswer:
                pass
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_secret_answers_of_one_voter_keep_one_participation(team) -> None:
    collection = make(team, is_secret=True)
    choices, others = ballot(collection, "agree", "agree")
    with opened(collection):
        errors = _at_once([lambda: do_answer(team["voter"], fresh(collection), choices, others) for _n in range(8)])
    assert errors == []
    assert Participation.objects.filter(poll=collection.poll).count() == 1
    assert Choice.objects.filter(poll=collection.poll).count() == 2
    assert actions_of(collection) == [(1, "released"), (2, "answered")]
    assert verify(fresh(collection)) == (2, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_secret_answers_of_eight_voters_keep_a_gap_free_log(team, province) -> None:
    voters = [make_user(f"snv.songsong{n}", province["snv"], full_name=f"Cán Bộ {n}") for n in range(8)]
    collection = make(team, is_secret=True, people=voters, units=[])
    choices, others = ballot(collection, "agree", "disagree")

    def answer_as(voter: Any) -> Any:
        return lambda: do_answer(voter, fresh(collection), choices, others)

    with opened(collection):
        errors = _at_once([answer_as(voter) for voter in voters])
    assert errors == []
    assert Participation.objects.filter(poll=collection.poll).count() == 8
    assert Choice.objects.filter(poll=collection.poll).count() == 16
    seqs = [seq for seq, _action in actions_of(collection)]
    assert seqs == list(range(1, 10))  # released + 8 answers, no gap, no repeat
    assert [a for _s, a in actions_of(collection)].count("released") == 1
    stored = fresh(collection)
    assert stored.log_seq == 9 and verify(stored) == (9, None)
