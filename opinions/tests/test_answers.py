"""Điều 7.2: answering (an option, or "other" with a written opinion), changing a named answer,
unit ballots answered by the unit's document receiver, who sees what, implied consent at the
expiry, secret collections that keep nothing linking a voter to a choice, and answers that wait
for a signature."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from accounts.models import User
from accounts.permissions import Perm, can
from audit.models import AuditEntry
from notifications.models import Notification
from opinions import queries, rules
from opinions.access import access_collection
from opinions.actions.answers import DuplicateAnswer, do_answer
from opinions.actions.collections import do_extend_expiry
from opinions.actions.lifecycle import ensure_closed
from opinions.models import AnswerRevision, LogEntry, RevisionState
from opinions.tests.conftest import answer, ballot, expired, expiry_of, fresh, make, opened
from polls.models import Choice, Participation, PollState

pytestmark = pytest.mark.django_db


# --- 5. answering -------------------------------------------------------------------------------


def test_a_voter_answers_by_choosing_an_option(team) -> None:
    collection = make(team)
    with opened(collection):
        outcome = answer(team["voter"], collection, "agree", "disagree")
        result = queries.results(collection)
    assert outcome.counted and outcome.revision is not None
    assert outcome.revision.state == RevisionState.COUNTED and outcome.revision.number == 1
    participation = Participation.objects.get(poll=collection.poll)
    assert participation.voter == team["voter"] and participation.unit is None
    assert (result.answered, result.consulted) == (1, 3)
    assert (result.questions[0].agree_explicit, result.questions[0].disagree) == (1, 0)
    assert (result.questions[1].agree_explicit, result.questions[1].disagree) == (0, 1)
    row = result.questions[0].rows[0]
    assert (row.voter, row.position, row.unit, row.implied) == ("Phan Thị Một", "Chuyên viên", "Sở Nội vụ", False)
    assert row.signature == "not_required"


def test_other_opinion_with_text_is_recorded(team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "other", other="  Nên áp dụng từ 01/7/2027  ")
        result = queries.results(collection)
    assert result.questions[1].other == 1
    assert result.questions[1].others == [("Phan Thị Một", "Nên áp dụng từ 01/7/2027")]
    assert Choice.objects.get(option__code="other").other_text == "Nên áp dụng từ 01/7/2027"


@pytest.mark.parametrize("text", ["", "   "])
def test_other_opinion_without_text_is_refused(team, text) -> None:
    collection = make(team)
    with opened(collection), pytest.raises(ValidationError) as info:
        answer(team["voter"], collection, "agree", "other", other=text)
    assert "Ý kiến khác" in info.value.messages[0]
    assert not Participation.objects.exists() and not AnswerRevision.objects.exists()
    assert not LogEntry.objects.exists()


def test_a_written_opinion_goes_with_other_only(team) -> None:
    collection = make(team)
    choices, _others = ballot(collection, "agree", "agree")
    question = collection.poll.questions.order_by("order").last()
    assert question is not None
    with opened(collection), pytest.raises(ValidationError):
        do_answer(team["voter"], collection, choices, {str(question.pk): "Thêm ý kiến"})
    assert not Participation.objects.exists()


def test_every_question_must_be_answered_with_its_own_options(team) -> None:
    collection = make(team)
    first, second = collection.poll.questions.order_by("order")
    with opened(collection):
        with pytest.raises(ValidationError):
            do_answer(team["voter"], collection, {str(first.pk): first.options.get(code="agree").pk})
        with pytest.raises(ValidationError):
            do_answer(
                team["voter"],
                collection,
                {
                    str(first.pk): second.options.get(code="agree").pk,
                    str(second.pk): first.options.get(code="disagree").pk,
                },
            )
    assert not Participation.objects.exists()


def test_changing_a_named_answer_counts_the_last_and_keeps_the_earlier_as_superseded(team) -> None:
    collection = make(team)
    with opened(collection):
        first = answer(team["voter"], collection, "agree", "other", other="Ý kiến lần 1")
        second = answer(team["voter"], collection, "disagree", "agree")
        result = queries.results(collection)
    assert first.revision is not None and second.revision is not None
    history = queries.history(collection, team["voter"])
    assert [(r.number, r.state) for r in history] == [(2, RevisionState.COUNTED), (1, RevisionState.SUPERSEDED)]
    assert history[1].answers[1]["other_text"] == "Ý kiến lần 1"  # the earlier answer is kept as it was
    assert (result.questions[0].agree_explicit, result.questions[0].disagree) == (0, 1)
    assert (result.questions[1].agree_explicit, result.questions[1].other, result.questions[1].others) == (1, 0, [])
    assert result.answered == 1
    participation = Participation.objects.get(poll=collection.poll)
    assert participation.changed_at is not None
    assert Choice.objects.filter(poll=collection.poll).count() == 2  # the earlier choices are gone


def test_only_the_units_document_receiver_answers_for_the_unit(team) -> None:
    collection = make(team)
    with opened(collection):
        assert rules.ballot_owners(team["member"], collection) == []
        assert not can(team["member"], Perm.ANSWER_COLLECTION, collection)
        with pytest.raises(PermissionDenied):
            answer(team["member"], collection, "agree", "agree", unit=team["stc"])
        with pytest.raises(PermissionDenied):  # nor for themself: they are not consulted
            answer(team["member"], collection, "agree", "agree")
        with pytest.raises(PermissionDenied):  # the receiver speaks for the unit, not personally
            answer(team["receiver"], collection, "agree", "agree")
        assert not Participation.objects.exists()
        answer(team["receiver"], collection, "disagree", "agree", unit=team["stc"])
    participation = Participation.objects.get(poll=collection.poll)
    assert (participation.unit, participation.voter) == (team["stc"], team["receiver"])


def test_a_unit_is_counted_once_even_when_its_receiver_changes(team) -> None:
    collection = make(team)
    stc = team["stc"]
    with opened(collection):
        answer(team["receiver"], collection, "disagree", "disagree", unit=stc)
        stc.document_receiver = team["member"]
        stc.save(update_fields=["document_receiver"])
        with pytest.raises(PermissionDenied):  # the former receiver no longer answers for it
            answer(team["receiver"], collection, "agree", "agree", unit=stc)
        answer(team["member"], collection, "agree", "agree", unit=stc)
        result = queries.results(collection)
    participation = Participation.objects.get(poll=collection.poll, unit=stc)
    assert participation.voter == team["member"]
    assert Participation.objects.filter(poll=collection.poll).count() == 1
    assert (result.answered, result.questions[0].agree_explicit, result.questions[0].disagree) == (1, 1, 0)
    history = queries.history(collection, team["member"], unit=stc)
    assert [(r.number, r.voter_id, r.state) for r in history] == [
        (2, team["member"].pk, RevisionState.COUNTED),
        (1, team["receiver"].pk, RevisionState.SUPERSEDED),
    ]
    row = result.questions[0].rows[-1]
    assert (row.voter, row.on_behalf_of_unit) == ("Ngô Thị Cán", "Sở Tài chính")


def test_a_person_consulted_personally_and_as_a_units_receiver_answers_twice(team) -> None:
    collection = make(team, people=[team["voter"], team["receiver"]])
    with opened(collection):
        assert rules.ballot_owners(team["receiver"], collection) == [None, team["stc"]]
        answer(team["receiver"], collection, "agree", "agree")
        answer(team["receiver"], collection, "disagree", "disagree", unit=team["stc"])
        result = queries.results(collection)
    owners = set(Participation.objects.filter(poll=collection.poll).values_list("voter_id", "unit_id"))
    assert owners == {(team["receiver"].pk, None), (team["receiver"].pk, team["stc"].pk)}
    assert (result.answered, result.questions[0].agree_explicit, result.questions[0].disagree) == (2, 1, 1)
    assert {r.on_behalf_of_unit for r in result.questions[0].rows} == {"", "Sở Tài chính"}


def test_an_inactive_consulted_person_cannot_answer(team) -> None:
    collection = make(team)
    team["voter"].is_active = False
    team["voter"].save(update_fields=["is_active"])
    with opened(collection), pytest.raises(PermissionDenied):
        answer(team["voter"], collection, "agree", "agree")


@pytest.mark.parametrize("moment", ["scheduled", "open", "expired"])
def test_an_outsider_gets_404_at_any_time(team, moment) -> None:
    collection = make(team)
    clock = {"scheduled": nullcontext(), "open": opened(collection), "expired": expired(collection)}[moment]
    with clock:
        assert not can(team["outsider"], Perm.VIEW_COLLECTION, collection)
        with pytest.raises(Http404):
            access_collection(team["outsider"], collection.pk)


def test_an_outsider_may_not_answer(team) -> None:
    collection = make(team)
    with opened(collection):
        assert not can(team["outsider"], Perm.ANSWER_COLLECTION, collection)
        with pytest.raises(PermissionDenied):
            answer(team["outsider"], collection, "agree", "agree")
        with pytest.raises(PermissionDenied):
            answer(team["outsider"], collection, "agree", "agree", unit=team["stc"])
        with pytest.raises(Http404):
            access_collection(team["outsider"], 987654)
        with pytest.raises(Http404):
            access_collection(team["outsider"], "abc")
    assert not Participation.objects.exists() and not LogEntry.objects.exists()


def test_a_follower_sees_the_content_and_the_results_an_outsider_does_not(team) -> None:
    collection = make(team)
    follower, outsider, voter = team["follower"], team["outsider"], team["voter"]
    # Before the release too: followers see the content and the results.
    assert can(follower, Perm.VIEW_COLLECTION, collection)
    assert can(follower, Perm.VIEW_POLL_RESULTS, collection.poll)
    assert access_collection(follower, collection.pk, perm=Perm.VIEW_POLL_RESULTS) == collection
    assert not can(outsider, Perm.VIEW_POLL_RESULTS, collection.poll)
    with opened(collection):
        answer(voter, collection, "agree", "agree")
        assert access_collection(follower, collection.pk, perm=Perm.VIEW_POLL_RESULTS) == collection
        # A voter sees the content, not the results; a follower neither manages nor answers.
        assert access_collection(voter, collection.pk) == collection
        assert not can(voter, Perm.VIEW_POLL_RESULTS, collection.poll)
        with pytest.raises(PermissionDenied):
            access_collection(voter, collection.pk, perm=Perm.VIEW_POLL_RESULTS)
        assert not can(follower, Perm.MANAGE_POLL, collection.poll)
        assert not can(follower, Perm.ANSWER_COLLECTION, collection)
        with pytest.raises(PermissionDenied):
            answer(follower, collection, "agree", "agree")
        with pytest.raises(Http404):
            access_collection(outsider, collection.pk, perm=Perm.VIEW_POLL_RESULTS)
    assert collection in queries.managed_or_followed(follower)
    assert collection not in queries.managed_or_followed(outsider)


def test_the_creator_manages_and_sees_results_but_another_collector_does_not(team, province) -> None:
    from accounts.models import Right
    from conftest import make_user

    collection = make(team)
    other = make_user("snv.tonghop2", province["snv"], Right.OPINION_COLLECTOR)
    assert can(team["creator"], Perm.MANAGE_POLL, collection.poll)
    assert can(team["creator"], Perm.VIEW_POLL_RESULTS, collection.poll)
    assert not can(other, Perm.MANAGE_POLL, collection.poll)
    assert not can(other, Perm.VIEW_COLLECTION, collection)


# --- 6. implied consent -------------------------------------------------------------------------


def test_no_implied_agreement_before_the_expiry(team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        result = queries.results(collection)
    assert not result.closed
    assert [q.agree_implied for q in result.questions] == [0, 0]
    assert all(not r.implied for q in result.questions for r in q.rows)
    assert len(result.questions[0].rows) == 1  # the silent are not listed yet


def test_after_the_expiry_silent_people_and_units_count_as_implied_agreement(team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "disagree")
    with expired(collection):
        result = queries.results(collection)
    assert result.closed and (result.consulted, result.answered) == (3, 1)
    first, second = result.questions
    assert (first.agree_explicit, first.agree_implied, first.agree, first.disagree) == (1, 2, 3, 0)
    assert (second.agree_explicit, second.agree_implied, second.agree, second.disagree) == (0, 2, 2, 1)
    implied = {(r.voter, r.on_behalf_of_unit) for r in first.rows if r.implied}
    assert implied == {("Hà Văn Lặng", ""), ("Sở Tài chính", "Sở Tài chính")}
    assert all(r.option == "" and r.answered_at is None for r in first.rows if r.implied)


def test_nobody_answering_means_everyone_agrees_implicitly(team) -> None:
    collection = make(team)
    with expired(collection):
        result = queries.results(collection)
    assert [(q.agree_explicit, q.agree_implied) for q in result.questions] == [(0, 3), (0, 3)]


def test_ensure_closed_writes_the_final_hash_and_is_idempotent(team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "other", other="Chậm lại")
        answer(team["receiver"], collection, "disagree", "agree", unit=team["stc"])
        assert not ensure_closed(collection)  # not before the expiry
    with expired(collection):
        assert ensure_closed(collection)
        assert not ensure_closed(collection)
        assert not ensure_closed(fresh(collection))
    stored = fresh(collection)
    closes = LogEntry.objects.filter(collection=collection, action="closed")
    assert closes.count() == 1
    close = closes.get()
    assert stored.final_hash == close.hash == stored.log_hash and close.seq == stored.log_seq
    assert close.data == {
        "consulted": 3,
        "answered": 2,
        "questions": [
            {"agree_explicit": 1, "agree_implied": 1, "disagree": 1, "other": 0},
            {"agree_explicit": 1, "agree_implied": 1, "disagree": 0, "other": 1},
        ],
    }
    assert stored.poll.state == PollState.CLOSED and stored.poll.closed_at == expiry_of(collection)
    assert AuditEntry.objects.filter(action="opinion.closed").count() == 1
    told = set(Notification.objects.filter(event="opinion.closed").values_list("recipient_id", flat=True))
    assert told == {team["creator"].pk, team["follower"].pk}


# --- 7. secret collections ----------------------------------------------------------------------


def test_secret_results_name_nobody(team) -> None:
    collection = make(team, is_secret=True)
    with opened(collection):
        answer(team["voter"], collection, "agree", "other", other="Ý kiến kín")
        answer(team["receiver"], collection, "disagree", "agree", unit=team["stc"])
    with expired(collection):
        result = queries.results(collection)
    assert result.is_secret
    assert all(q.rows == [] for q in result.questions)
    assert result.questions[1].others == [("", "Ý kiến kín")]
    first = result.questions[0]
    assert (first.agree_explicit, first.disagree, first.agree_implied) == (1, 1, 1)


def test_secret_choices_are_not_linked_to_voters(team) -> None:
    collection = make(team, is_secret=True)
    with opened(collection):
        outcome = answer(team["voter"], collection, "agree", "other", other="Ý kiến kín")
    assert outcome.counted and outcome.revision is None
    assert Choice.objects.filter(poll=collection.poll).count() == 2
    assert not Choice.objects.filter(participation__isnull=False).exists()
    assert not AnswerRevision.objects.exists()
    # No column of a choice can join it to a voter or to a moment.
    fields = [f for f in Choice._meta.get_fields() if getattr(f, "concrete", False)]
    assert isinstance(Choice._meta.pk, models.UUIDField)
    assert not [f.name for f in fields if isinstance(f, models.DateField | models.DateTimeField | models.TimeField)]
    assert not [f.name for f in fields if f.is_relation and f.related_model is User]
    assert {f.name for f in fields} == {"id", "poll", "question", "option", "other_text", "participation"}
    # Neither the ballot log nor the audit trail says what was chosen.
    entry = LogEntry.objects.get(collection=collection, action="answered")
    assert set(entry.data) == {"voter", "unit"}
    audit = AuditEntry.objects.get(action="opinion.answered")
    assert "Ý kiến kín" not in str(audit.data) and "option" not in str(audit.data)


def test_a_second_secret_answer_raises_duplicate_answer_and_changes_nothing(team) -> None:
    collection = make(team, is_secret=True)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        before = (
            sorted(Choice.objects.values_list("option_id", flat=True)),
            list(LogEntry.objects.values_list("seq", "hash")),
            AuditEntry.objects.count(),
        )
        with pytest.raises(DuplicateAnswer) as info:
            answer(team["voter"], collection, "disagree", "disagree")
        assert info.value.code == "duplicate"
        after = (
            sorted(Choice.objects.values_list("option_id", flat=True)),
            list(LogEntry.objects.values_list("seq", "hash")),
            AuditEntry.objects.count(),
        )
    assert before == after
    assert Participation.objects.filter(poll=collection.poll).count() == 1
    assert fresh(collection).log_seq == 2  # released, answered


def test_a_secret_unit_ballot_is_counted_once_even_when_its_receiver_changes(team) -> None:
    collection = make(team, is_secret=True)
    with opened(collection):
        answer(team["receiver"], collection, "agree", "agree", unit=team["stc"])
        team["stc"].document_receiver = team["member"]
        team["stc"].save(update_fields=["document_receiver"])
        with pytest.raises(DuplicateAnswer):
            answer(team["member"], collection, "disagree", "disagree", unit=team["stc"])
    assert Participation.objects.filter(poll=collection.poll).count() == 1
    assert Choice.objects.filter(poll=collection.poll).count() == 2


def test_who_has_answered_still_shows_in_a_secret_collection(team) -> None:
    collection = make(team, is_secret=True)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        answer(team["receiver"], collection, "agree", "agree", unit=team["stc"])
    progress = {(r.name, r.is_unit): r for r in queries.progress(collection)}
    assert progress[("Phan Thị Một", False)].answered and progress[("Phan Thị Một", False)].answered_at
    assert not progress[("Hà Văn Lặng", False)].answered
    assert progress[("Sở Tài chính", True)].answered
    assert progress[("Sở Tài chính", True)].unit == "Đào Văn Thư"


# --- signature required (the signing itself is tested with the signing app) -----------------------


def test_an_answer_awaiting_a_signature_does_not_count(team, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    collection = make(team, requires_signature=True)
    with opened(collection):
        outcome = answer(team["voter"], collection, "agree", "agree")
        result = queries.results(collection)
        progress = {r.name: r for r in queries.progress(collection)}
    assert not outcome.counted and outcome.revision is not None
    assert outcome.revision.state == RevisionState.AWAITING_SIGNATURE
    assert AnswerRevision.objects.get().state == RevisionState.AWAITING_SIGNATURE
    assert not Participation.objects.exists() and not Choice.objects.exists()
    assert result.answered == 0 and result.questions[0].agree_explicit == 0 and result.questions[0].rows == []
    assert progress["Phan Thị Một"].awaiting_signature and not progress["Phan Thị Một"].answered
    entry = LogEntry.objects.get(collection=collection, seq=outcome.receipt.seq)
    assert entry.action == "answer.sent" and entry.hash == outcome.receipt.hash


def test_an_unsigned_answer_is_not_explicit_agreement_at_the_expiry(team, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    collection = make(team, requires_signature=True)
    with opened(collection):
        answer(team["voter"], collection, "disagree", "disagree")
    with expired(collection):
        result = queries.results(collection)
    assert (result.answered, result.questions[0].disagree, result.questions[0].agree_explicit) == (0, 0, 0)


def test_after_an_extension_an_awaiting_answer_may_still_be_replaced(team, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    collection = make(team, requires_signature=True)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        do_extend_expiry(team["creator"], collection, expiry_of(collection) + timedelta(days=1))
        answer(team["voter"], fresh(collection), "disagree", "agree")
    assert [r.state for r in queries.history(collection, team["voter"])] == [
        RevisionState.AWAITING_SIGNATURE,
        RevisionState.AWAITING_SIGNATURE,
    ]
