"""The rules of Điều 7 on the actions: settings a–k, editing until release, extension, the clock
deciding visibility and the lock, unit ballots, changing answers, implied consent, secrecy, and
the ballot log with its receipts."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Perm, can
from conftest import make_user
from notifications.models import Delivery, Notification
from opinions import queries
from opinions.access import access_collection
from opinions.actions.answers import DuplicateAnswer, do_answer
from opinions.actions.collections import do_create_collection, do_extend_expiry, do_update_collection
from opinions.actions.lifecycle import ensure_closed, ensure_released
from opinions.log import check_receipt, verify
from opinions.models import AnswerRevision, Collection, LogEntry, RevisionState
from opinions.tests.conftest import at, ballot, expired, make, opened, settings_for
from polls.actions import QuestionInput
from polls.models import Choice, Participation, Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(team):  # type: ignore[no-untyped-def]
    """The people of opinions/tests/conftest.py."""
    return team


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"is_secret": True, "requires_signature": True}, "secret_signed"),
        ({"release_at": None}, "release_missing"),
        ({"release_at": "past"}, "release_past"),
        ({"expires_at": None}, "expiry_missing"),
        ({"expires_at": "at_release"}, "expiry_before_release"),
        ({"people": [], "units": []}, "nobody_consulted"),
        ({"questions": []}, "no_question"),
    ],
)
def test_each_bad_setting_is_refused_with_its_reason_and_creates_nothing(cast, overrides, code) -> None:
    now = timezone.now()
    if overrides.get("release_at") == "past":
        overrides["release_at"] = now - timedelta(minutes=1)
    if overrides.get("expires_at") == "at_release":
        overrides["release_at"] = now + timedelta(hours=1)
        overrides["expires_at"] = overrides["release_at"]
    with pytest.raises(ValidationError) as info:
        make(cast, **overrides)
    assert info.value.code == code and info.value.messages[0]
    assert not Poll.objects.exists() and not Collection.objects.exists()


def test_a_unit_without_receiver_an_inactive_person_and_an_outside_guest_are_refused(cast, province) -> None:
    for unit_or_user, field, code in (
        (province["office"], "units", "unit_without_receiver"),
        (make_user("snv.nghi", province["snv"], is_active=False), "people", "inactive_user"),
        (make_user("khach.ngoai", province["snv"], is_external=True), "people", "external_user"),
    ):
        with pytest.raises(ValidationError) as info:
            make(cast, **{field: [unit_or_user]})
        assert info.value.code == code
    assert not Collection.objects.exists()


def test_a_secret_collection_requiring_signatures_is_refused_with_the_explanation(cast) -> None:
    with pytest.raises(ValidationError) as info:
        make(cast, is_secret=True, requires_signature=True)
    assert "ký số" in info.value.messages[0] and "kín" in info.value.messages[0]


def test_only_opinion_collectors_and_a_meetings_runners_create(cast, province) -> None:
    with pytest.raises(PermissionDenied):
        do_create_collection(cast["voter"], settings_for(cast))
    assert can(cast["creator"], Perm.CREATE_COLLECTION, None)
    assert not can(make_user("khach", province["snv"], is_external=True), Perm.CREATE_COLLECTION, None)


def test_everything_is_editable_before_release_and_only_the_expiry_after(cast) -> None:
    collection = make(cast)
    collection = do_update_collection(
        cast["creator"], collection, settings_for(cast, questions=[QuestionInput(text="Câu hỏi mới?")])
    )
    assert [q.text for q in collection.poll.questions.all()] == ["Câu hỏi mới?"]
    with opened(collection), pytest.raises(ValidationError) as info:
        do_update_collection(cast["creator"], collection, settings_for(cast))
    assert info.value.code == "released"


def test_extending_the_expiry_is_audited_logged_and_announced(cast) -> None:
    from audit.models import AuditEntry

    collection = make(cast)
    old = collection.poll.closes_at
    assert old is not None
    with pytest.raises(ValidationError) as info:
        do_extend_expiry(cast["creator"], collection, old + timedelta(days=1))
    assert info.value.code == "not_released"
    with opened(collection):
        with pytest.raises(ValidationError) as info:
            do_extend_expiry(cast["creator"], collection, old - timedelta(minutes=1))
        assert info.value.code == "not_later"
        do_extend_expiry(cast["creator"], collection, old + timedelta(days=1))
    collection.refresh_from_db()
    assert collection.poll.closes_at == old + timedelta(days=1)
    assert AuditEntry.objects.filter(action="opinion.extended").exists()
    assert LogEntry.objects.filter(collection=collection, action="extended").exists()
    assert Notification.objects.filter(event="opinion.extended", recipient=cast["follower"]).exists()
    with expired(collection), pytest.raises(ValidationError) as info:
        do_extend_expiry(cast["creator"], collection, old + timedelta(days=5))
    assert info.value.code == "expired"


def test_invisible_before_release_then_listed_and_announced_by_the_channels_chosen(cast) -> None:
    collection = make(cast, notify_email=True, notify_sms=False)
    assert not can(cast["voter"], Perm.VIEW_COLLECTION, collection)
    assert not queries.open_for_voter(cast["voter"]).exists()
    with pytest.raises(Http404):
        access_collection(cast["voter"], collection.pk)
    with opened(collection):
        assert list(queries.open_for_voter(cast["voter"])) == [collection]
        assert ensure_released(collection) and not ensure_released(collection)
    assert Notification.objects.filter(event="opinion.released", recipient=cast["voter"]).exists()
    assert Notification.objects.filter(event="opinion.released", recipient=cast["receiver"]).exists()
    assert Delivery.objects.filter(address="mot@snv.example", channel="email").exists()
    assert not Delivery.objects.filter(channel="sms").exists()


def test_an_answer_after_expiry_is_refused_without_any_task_having_run(cast) -> None:
    collection = make(cast)
    with expired(collection):
        choices, others = ballot(collection, "agree", "agree")
        with pytest.raises(ValidationError) as info:
            do_answer(cast["voter"], collection, choices, others)
        assert info.value.code == "expired"
        assert not queries.open_for_voter(cast["voter"]).exists()
    assert not Participation.objects.exists() and not collection.final_hash


def test_only_the_units_receiver_answers_for_the_unit_once_whoever_the_receiver_is(cast) -> None:
    collection = make(cast)
    with opened(collection):
        choices, others = ballot(collection, "disagree", "agree")
        with pytest.raises(PermissionDenied):
            do_answer(cast["member"], collection, choices, others, unit=cast["stc"])
        do_answer(cast["receiver"], collection, choices, others, unit=cast["stc"])
        cast["stc"].document_receiver = cast["member"]
        cast["stc"].save(update_fields=["document_receiver"])
        choices, others = ballot(collection, "agree", "agree")
        do_answer(cast["member"], collection, choices, others, unit=cast["stc"])
    participation = Participation.objects.get(poll=collection.poll)
    assert participation.unit == cast["stc"] and participation.voter == cast["member"]
    assert queries.results(collection).questions[0].agree_explicit == 1


def test_changing_an_answer_counts_the_last_and_keeps_the_earlier_in_the_history(cast) -> None:
    collection = make(cast)
    with opened(collection):
        do_answer(cast["voter"], collection, *ballot(collection, "agree", "agree"))
        do_answer(cast["voter"], collection, *ballot(collection, "disagree", "other", other="Từ 2028"))
    history = queries.history(collection, cast["voter"])
    assert [r.state for r in history] == [RevisionState.COUNTED, RevisionState.SUPERSEDED]
    result = queries.results(collection)
    assert (result.questions[0].agree_explicit, result.questions[0].disagree) == (0, 1)
    assert result.questions[1].others == [("Phan Thị Một", "Từ 2028")]
    assert Participation.objects.filter(poll=collection.poll).count() == 1


def test_after_expiry_silent_people_and_units_count_as_agreeing_apart_from_explicit_agreement(cast) -> None:
    collection = make(cast)
    with opened(collection):
        do_answer(cast["voter"], collection, *ballot(collection, "agree", "disagree"))
        before = queries.results(collection)
    assert before.questions[0].agree_implied == 0
    with expired(collection):
        after = queries.results(collection)
        assert (after.questions[0].agree_explicit, after.questions[0].agree_implied) == (1, 2)
        assert after.questions[1].agree == 2 and after.questions[1].disagree == 1
        assert ensure_closed(collection) and not ensure_closed(collection)
    collection.refresh_from_db()
    close = LogEntry.objects.get(collection=collection, action="closed")
    assert collection.final_hash == close.hash and close.data["questions"][0]["agree_implied"] == 2


def test_followers_see_results_outsiders_get_404_voters_cannot_see_results(cast) -> None:
    collection = make(cast)
    assert can(cast["follower"], Perm.VIEW_POLL_RESULTS, collection.poll)
    assert access_collection(cast["follower"], collection.pk) == collection
    with opened(collection):
        with pytest.raises(Http404):
            access_collection(cast["outsider"], collection.pk)
        with pytest.raises(PermissionDenied):
            access_collection(cast["voter"], collection.pk, perm=Perm.VIEW_POLL_RESULTS)
        with pytest.raises(PermissionDenied):
            do_answer(cast["outsider"], collection, *ballot(collection, "agree", "agree"))


def test_a_secret_collection_names_nobody_stores_no_link_and_takes_one_answer(cast) -> None:
    collection = make(cast, is_secret=True)
    with opened(collection):
        do_answer(cast["voter"], collection, *ballot(collection, "agree", "other", other="Ý kiến kín"))
        with pytest.raises(DuplicateAnswer):
            do_answer(cast["voter"], collection, *ballot(collection, "disagree", "agree"))
    assert Choice.objects.filter(poll=collection.poll).count() == 2
    assert not Choice.objects.filter(participation__isnull=False).exists()
    assert not AnswerRevision.objects.exists()
    assert {f.name for f in Choice._meta.get_fields()}.isdisjoint({"created_at", "cast_at", "voter", "seq"})
    with expired(collection):
        result = queries.results(collection)
    assert all(q.rows == [] for q in result.questions)
    assert result.questions[1].others == [("", "Ý kiến kín")]
    assert [r.answered for r in queries.progress(collection) if r.name == "Phan Thị Một"] == [True]
    answered = LogEntry.objects.get(collection=collection, action="answered")
    assert set(answered.data) == {"voter", "unit"}


def test_a_receipt_checks_until_the_log_is_tampered_with(cast) -> None:
    collection = make(cast)
    with opened(collection):
        outcome = do_answer(cast["voter"], collection, *ballot(collection, "agree", "agree"))
    with expired(collection):
        ensure_closed(collection)
    collection.refresh_from_db()
    check = check_receipt(collection, outcome.receipt.seq, outcome.receipt.hash)
    assert check.found and check.intact and check.final
    assert not check_receipt(collection, outcome.receipt.seq, "0" * 64).found
    call_command("verify_audit_chain")
    LogEntry.objects.filter(collection=collection, seq=outcome.receipt.seq).update(data={"voter": 0})
    assert verify(collection)[1] is not None
    assert not check_receipt(collection, outcome.receipt.seq, outcome.receipt.hash).intact
    with pytest.raises(CommandError, match="Ballot log"):
        call_command("verify_audit_chain")


def test_deleting_the_last_log_entry_is_detected(cast) -> None:
    collection = make(cast)
    with opened(collection):
        do_answer(cast["voter"], collection, *ballot(collection, "agree", "agree"))
    collection.refresh_from_db()
    LogEntry.objects.filter(collection=collection, seq=collection.log_seq).delete()  # a queryset bypasses .delete()
    assert "deleted" in verify(collection)[1].reason  # type: ignore[union-attr]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_keep_one_per_voter_and_a_gap_free_log_on_postgresql(cast, province) -> None:
    voters = [make_user(f"snv.song{n}", province["snv"], full_name=f"Song Song {n}") for n in range(4)]
    collection = make(cast, is_secret=True, people=[cast["voter"], *voters], units=[])
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)
    choices, others = ballot(collection, "agree", "agree")

    def answer(voter: Any) -> None:
        from django.db import connections

        try:
            barrier.wait()
            try:
                do_answer(voter, collection, choices, others)
            except DuplicateAnswer:
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with opened(collection):
        threads = [
            threading.Thread(target=answer, args=(cast["voter"] if n < 8 else voters[n - 8],)) for n in range(12)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert Participation.objects.filter(poll=collection.poll).count() == 5
    assert Participation.objects.filter(poll=collection.poll, voter=cast["voter"]).count() == 1
    seqs = list(LogEntry.objects.filter(collection=collection).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) == 6  # released + 5 answers
    collection.refresh_from_db()
    assert verify(collection)[1] is None


def test_an_answer_uses_the_expiry_as_stored_not_the_callers_older_copy(cast) -> None:
    collection = make(cast)
    stale = Collection.objects.get(pk=collection.pk)  # loaded before the extension
    old = collection.poll.closes_at
    assert old is not None
    with opened(collection):
        do_extend_expiry(cast["creator"], collection, old + timedelta(days=1))
    with at(old + timedelta(hours=1)):
        outcome = do_answer(cast["voter"], stale, *ballot(stale, "agree", "agree"))
    assert outcome.counted and Participation.objects.filter(voter=cast["voter"]).count() == 1
