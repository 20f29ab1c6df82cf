"""The poll family's rules: transitions, time decides, one ballot per voter (single and batch
paths, also under concurrency on PostgreSQL), secrecy leaves no link, validation, tallies."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import Right
from audit.models import AuditEntry
from conftest import make_user
from polls import actions, kinds
from polls.actions import DuplicateBallot, PollInput, QuestionInput
from polls.models import Choice, Participation, Poll, PollKind, PollState
from polls.queries import tally

pytestmark = pytest.mark.django_db

TEST_KIND = PollKind.OPINION  # the opinion collection registers its own rules later; tests stand in


@pytest.fixture
def people(province):  # type: ignore[no-untyped-def]
    creator = make_user("tc.chutri", province["snv"], Right.OPINION_COLLECTOR, full_name="Lê Văn Chủ")
    voters = [make_user(f"tc.cutri{n}", province["snv"], full_name=f"Cử tri {n}") for n in range(5)]
    outsider = make_user("stc.ngoai", province["stc"], full_name="Người Ngoài")
    return {"creator": creator, "voters": voters, "outsider": outsider, "unit": province["snv"]}


@pytest.fixture
def rules(people):  # type: ignore[no-untyped-def]
    voter_ids = {v.pk for v in people["voters"]}
    with kinds.registered(
        TEST_KIND,
        may_manage=lambda user, poll: user.pk == people["creator"].pk,
        may_view_results=lambda user, poll: user.pk == people["creator"].pk or user.pk in voter_ids,
        may_vote=lambda user, poll: user.pk in voter_ids,
    ):
        yield


def make_poll(people: dict[str, Any], *, secret: bool = False, allow_other: bool = False, open_: bool = True) -> Poll:
    data = PollInput(
        title="Ý kiến về dự thảo quy chế",
        questions=[
            QuestionInput("Thông qua dự thảo?", allow_other=allow_other),
            QuestionInput("Chọn phương án", ["A", "B"]),
        ],
        is_secret=secret,
    )
    poll = actions.do_create_poll(people["creator"], kind=TEST_KIND, unit=people["unit"], data=data)
    return actions.do_open_poll(people["creator"], poll) if open_ else poll


def answer(poll: Poll, first: int = 0, second: int = 0) -> dict[int, int]:
    questions = list(poll.questions.order_by("order"))
    return {
        questions[0].pk: list(questions[0].options.order_by("order"))[first].pk,
        questions[1].pk: list(questions[1].options.order_by("order"))[second].pk,
    }


def test_transitions_go_draft_open_closed_only(people, rules) -> None:
    poll = make_poll(people, open_=False)
    with pytest.raises(ValidationError):
        actions.do_close_poll(people["creator"], poll)
    poll = actions.do_open_poll(people["creator"], poll)
    with pytest.raises(ValidationError):
        actions.do_open_poll(people["creator"], poll)
    poll = actions.do_close_poll(people["creator"], poll)
    assert poll.state == PollState.CLOSED and poll.closed_at is not None
    with pytest.raises(ValidationError):
        actions.do_close_poll(people["creator"], poll)


def test_only_the_kinds_manager_creates_and_an_unregistered_kind_allows_nothing(people, rules) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_create_poll(
            people["outsider"], kind=TEST_KIND, unit=people["unit"], data=PollInput("X", [QuestionInput("Q")])
        )
    with kinds.registered(
        PollKind.MEETING_VOTE,
        may_manage=lambda u, p: True,
        may_view_results=lambda u, p: True,
        may_vote=lambda u, p: True,
    ):
        pass
    poll = make_poll(people)
    kinds.REGISTRY.pop(TEST_KIND)
    with pytest.raises(PermissionDenied):
        actions.do_cast_ballot(people["voters"][0], poll, answer(poll))


def test_a_vote_past_its_closing_time_takes_no_ballot_without_any_job(people, rules) -> None:
    poll = make_poll(people)
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        actions.do_cast_ballot(people["voters"][0], poll, answer(poll))
    outcomes = actions.do_cast_ballots(poll, [(people["voters"][1], answer(poll), None)])
    assert outcomes[0].status == "refused"
    assert not Participation.objects.exists() and not Choice.objects.exists()


def test_a_second_ballot_by_the_same_voter_changes_nothing(people, rules) -> None:
    poll = make_poll(people)
    voter = people["voters"][0]
    actions.do_cast_ballot(voter, poll, answer(poll, 0))
    with pytest.raises(DuplicateBallot):
        actions.do_cast_ballot(voter, poll, answer(poll, 1))
    assert Participation.objects.filter(poll=poll).count() == 1
    assert Choice.objects.filter(poll=poll).count() == 2
    assert tally(poll).questions[0].options[0].count == 1


def test_batch_reports_duplicates_inside_the_batch_and_against_the_database(people, rules) -> None:
    poll = make_poll(people)
    v = people["voters"]
    actions.do_cast_ballot(v[0], poll, answer(poll))
    outcomes = actions.do_cast_ballots(
        poll,
        [
            (v[0], answer(poll), None),
            (v[1], answer(poll, 1), None),
            (v[1], answer(poll, 2), None),
            (people["outsider"], answer(poll), None),
        ],
    )
    assert [o.status for o in outcomes] == ["duplicate", "accepted", "duplicate", "refused"]
    assert Participation.objects.filter(poll=poll).count() == 2
    assert AuditEntry.objects.filter(action="poll.ballots.cast").count() == 1


def test_single_and_batch_paths_give_the_same_tally(people, rules) -> None:
    one, two = make_poll(people), make_poll(people)
    picks = [(0, 0), (1, 1), (1, 0), (2, 1), (0, 0)]
    for voter, (a, b) in zip(people["voters"], picks, strict=True):
        actions.do_cast_ballot(voter, one, answer(one, a, b))
    actions.do_cast_ballots(
        two, [(voter, answer(two, a, b), None) for voter, (a, b) in zip(people["voters"], picks, strict=True)]
    )
    counts = lambda poll: [[o.count for o in q.options] for q in tally(poll).questions]  # noqa: E731
    assert counts(one) == counts(two) == [[2, 2, 1], [3, 2]]


def test_secret_poll_stores_no_link_between_voter_and_choice(people, rules) -> None:
    poll = make_poll(people, secret=True, allow_other=True)
    questions = list(poll.questions.order_by("order"))
    other = questions[0].options.get(code="other")
    choices = answer(poll)
    choices[questions[0].pk] = other.pk
    actions.do_cast_ballot(people["voters"][0], poll, choices, other_texts={questions[0].pk: "Cần bổ sung điều 5"})
    assert Choice.objects.filter(poll=poll).exists()
    assert not Choice.objects.filter(poll=poll, participation__isnull=False).exists()
    assert not [
        f for f in Choice._meta.get_fields() if f.get_internal_type() in ("DateTimeField", "AutoField", "BigAutoField")
    ]
    result = tally(poll)
    assert result.questions[0].others == [{"text": "Cần bổ sung điều 5", "voter": ""}]
    assert result.questions[0].named == []
    entry = AuditEntry.objects.get(action="poll.ballot.cast")
    assert str(other.pk) not in str(entry.data) and "Cần bổ sung" not in str(entry.data)


def test_named_poll_lists_each_voters_choice(people, rules) -> None:
    poll = make_poll(people)
    actions.do_cast_ballot(people["voters"][0], poll, answer(poll, 1))
    label = poll.questions.order_by("order")[0].options.order_by("order")[1].label
    named = tally(poll).questions[0].named
    assert named == [{"voter": "Cử tri 0", "voter_id": people["voters"][0].pk, "option": label}]


@pytest.mark.parametrize(
    "bad",
    [
        "not a dict",
        {},
        {"x": "y"},
    ],
)
def test_malformed_ballots_are_refused_and_change_nothing(people, rules, bad) -> None:
    poll = make_poll(people)
    with pytest.raises(ValidationError):
        actions.do_cast_ballot(people["voters"][0], poll, bad)
    assert not Participation.objects.exists()


def test_an_option_of_another_question_or_poll_is_refused(people, rules) -> None:
    poll, other_poll = make_poll(people), make_poll(people)
    questions = list(poll.questions.order_by("order"))
    option_of_second = questions[1].options.order_by("order")[0].pk
    swapped = {questions[0].pk: option_of_second, questions[1].pk: option_of_second}
    with pytest.raises(ValidationError):
        actions.do_cast_ballot(people["voters"][0], poll, swapped)
    foreign = answer(poll)
    foreign[questions[0].pk] = other_poll.questions.order_by("order")[0].options.order_by("order")[0].pk
    with pytest.raises(ValidationError):
        actions.do_cast_ballot(people["voters"][0], poll, foreign)
    assert not Participation.objects.exists()


def test_other_text_only_where_offered_and_not_too_long(people, rules) -> None:
    poll = make_poll(people, allow_other=True)
    questions = list(poll.questions.order_by("order"))
    other = questions[0].options.get(code="other")
    choices = answer(poll)
    with pytest.raises(ValidationError):
        actions.do_cast_ballot(people["voters"][0], poll, choices, other_texts={questions[0].pk: "thừa"})
    choices[questions[0].pk] = other.pk
    with pytest.raises(ValidationError):
        actions.do_cast_ballot(people["voters"][0], poll, choices, other_texts={questions[0].pk: "x" * 2001})
    with pytest.raises(ValidationError):
        actions.do_cast_ballot(people["voters"][0], poll, choices)
    assert not Participation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PollInput("", [QuestionInput("Q")]), "Enter the question"),
        (PollInput("T", []), "between 1 and 20"),
        (PollInput("T", [QuestionInput("Q", ["Một"])]), "between 2 and 10"),
        (PollInput("T", [QuestionInput("Q", ["A", "a"])]), "same option twice"),
        (PollInput("T", [QuestionInput("Q")], closes_at=timezone.now() - timedelta(minutes=1)), "future"),
    ],
)
def test_bad_settings_are_refused_with_a_message(people, rules, data, message, settings) -> None:
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match=message):
        actions.do_create_poll(people["creator"], kind=TEST_KIND, unit=people["unit"], data=data)
    assert not Poll.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_ballots_keep_one_per_voter_on_postgresql(people, rules) -> None:
    poll = make_poll(people)
    errors: list[BaseException] = []
    barrier = threading.Barrier(16)

    def cast(voter: Any) -> None:
        from django.db import connections

        try:
            barrier.wait()
            try:
                actions.do_cast_ballot(voter, poll, answer(poll))
            except DuplicateBallot:
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    same = people["voters"][0]
    threads = [threading.Thread(target=cast, args=(same if n < 8 else people["voters"][1 + n % 4],)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Participation.objects.filter(poll=poll).count() == 5
    assert Participation.objects.filter(poll=poll, voter=same).count() == 1
    assert Choice.objects.filter(poll=poll).count() == 10
