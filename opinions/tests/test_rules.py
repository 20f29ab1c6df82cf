"""Điều 7.1: the settings a–k checked when a collection is created, who may create one, editing
until the release and extending the expiry afterwards, and visibility decided by the clock
(release ≤ now < expiry), with the voters told at the release by the channels chosen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Right
from accounts.permissions import Perm, can
from audit.models import AuditEntry
from conftest import make_user
from meetings.tests.conftest import approved
from notifications.models import Channel, Delivery, Notification
from opinions import queries
from opinions.access import access_collection
from opinions.actions.collections import do_create_collection, do_extend_expiry, do_update_collection
from opinions.actions.lifecycle import ensure_closed, ensure_released
from opinions.models import Collection, ConsultedPerson, ConsultedUnit, Follower, LogEntry
from opinions.tasks import close_collection, release_collection
from opinions.tests.conftest import answer, at, expired, expiry_of, fresh, make, opened, settings_for
from polls.actions import QuestionInput
from polls.models import Option, Participation, Poll, PollState, Question

pytestmark = pytest.mark.django_db


def refused(team: dict[str, Any], **overrides: Any) -> ValidationError:
    """Create with these settings: refused, and nothing at all is stored."""
    with pytest.raises(ValidationError) as info:
        make(team, **overrides)
    assert not Poll.objects.exists()
    assert not Collection.objects.exists()
    assert not Question.objects.exists()
    assert not (Follower.objects.exists() or ConsultedPerson.objects.exists() or ConsultedUnit.objects.exists())
    assert not AuditEntry.objects.filter(action__startswith="opinion.").exists()
    assert not AuditEntry.objects.filter(action="poll.created").exists()
    return info.value


# --- 1. the settings a–k ------------------------------------------------------------------------


def test_secret_collection_cannot_require_a_signature(team) -> None:
    error = refused(team, is_secret=True, requires_signature=True)
    assert error.code == "secret_signed"
    # The explanation says why (a signed ballot names its signer), in Vietnamese.
    assert "ký số" in error.messages[0] and "kín" in error.messages[0]


def test_secret_collection_without_signature_and_signed_named_collection_are_accepted(team) -> None:
    secret = make(team, is_secret=True, requires_signature=False)
    signed = make(team, is_secret=False, requires_signature=True)
    assert secret.poll.is_secret and not secret.requires_signature
    assert signed.requires_signature and not signed.poll.is_secret


def test_release_time_is_required(team) -> None:
    assert refused(team, release_at=None).code == "release_missing"


def test_release_time_must_be_later_than_now(team) -> None:
    assert refused(team, release_at=timezone.now() - timedelta(minutes=1)).code == "release_past"


def test_release_time_equal_to_now_is_refused(team) -> None:
    now = timezone.now()
    with at(now):
        assert refused(team, now=now, release_at=now).code == "release_past"


def test_expiry_time_is_required(team) -> None:
    assert refused(team, expires_at=None).code == "expiry_missing"


@pytest.mark.parametrize("offset", [timedelta(0), -timedelta(minutes=1)], ids=["equal", "before"])
def test_expiry_must_be_after_the_release(team, offset) -> None:
    release = timezone.now() + timedelta(hours=1)
    assert refused(team, release_at=release, expires_at=release + offset).code == "expiry_before_release"


def test_at_least_one_person_or_unit_must_be_consulted(team) -> None:
    assert refused(team, people=[], units=[]).code == "nobody_consulted"


def test_only_followers_do_not_make_a_consultation(team) -> None:
    assert refused(team, people=[], units=[], followers=[team["follower"]]).code == "nobody_consulted"


def test_a_consulted_unit_needs_a_document_receiver(team) -> None:
    assert team["office"].document_receiver is None
    error = refused(team, units=[team["office"]])
    assert error.code == "unit_without_receiver"
    assert team["office"].name in error.messages[0]


def test_a_consulted_unit_whose_receiver_is_inactive_is_refused(team) -> None:
    team["receiver"].is_active = False
    team["receiver"].save(update_fields=["is_active"])
    assert refused(team).code == "unit_without_receiver"


def test_an_inactive_user_cannot_be_consulted(team, province) -> None:
    gone = make_user("snv.nghihuu", province["snv"], full_name="Người Nghỉ Hưu", is_active=False)
    error = refused(team, people=[team["voter"], gone])
    assert error.code == "inactive_user" and "Người Nghỉ Hưu" in error.messages[0]


def test_an_inactive_user_cannot_follow(team, province) -> None:
    gone = make_user("snv.nghihuu", province["snv"], full_name="Người Nghỉ Hưu", is_active=False)
    assert refused(team, followers=[gone]).code == "inactive_user"


def test_an_outside_guest_cannot_be_consulted(team, province) -> None:
    guest = make_user("khach.ngoai", province["snv"], full_name="Khách Mời", is_external=True)
    error = refused(team, people=[guest])
    assert error.code == "external_user" and "Khách Mời" in error.messages[0]


def test_at_least_one_question_is_required(team) -> None:
    assert refused(team, questions=[]).code == "no_question"


@pytest.mark.parametrize("text", ["", "   "])
def test_a_question_needs_text(team, text) -> None:
    error = refused(team, questions=[QuestionInput(text="Đồng ý?"), QuestionInput(text=text)])
    assert "Câu hỏi 2" in error.messages[0]


def test_a_collection_needs_a_title(team) -> None:
    assert refused(team, title="  ").messages


def test_options_are_agree_and_disagree_plus_other_where_offered(team) -> None:
    """(k): no custom options, whatever the input says."""
    collection = make(
        team,
        questions=[
            QuestionInput(text="Đồng ý?", options=["A", "B", "C"]),
            QuestionInput(text="Khác?", allow_other=True),
        ],
    )
    codes = [
        list(Option.objects.filter(question=q).order_by("order").values_list("code", flat=True))
        for q in collection.poll.questions.order_by("order")
    ]
    assert codes == [["agree", "disagree"], ["agree", "disagree", "other"]]


def test_the_settings_are_stored_with_the_poll_of_kind_opinion(team) -> None:
    collection = make(team, notify_email=False, notify_sms=True, people=[team["voter"], team["voter"]])
    poll = collection.poll
    assert poll.kind == "opinion" and poll.state == PollState.DRAFT and poll.unit == team["snv"]
    assert poll.created_by == team["creator"]
    assert (collection.notify_email, collection.notify_sms) == (False, True)
    assert sorted(collection.people.values_list("user_id", flat=True)) == sorted([team["voter"].pk])
    assert list(collection.units.values_list("unit_id", flat=True)) == [team["stc"].pk]
    assert list(collection.followers.values_list("user_id", flat=True)) == [team["follower"].pk]
    assert AuditEntry.objects.filter(action="opinion.created", target_id=str(poll.pk)).count() == 1
    assert not LogEntry.objects.exists()  # the ballot log starts at the release


# --- 2. who may create ----------------------------------------------------------------------------


def test_an_opinion_collector_may_create(team) -> None:
    assert can(team["creator"], Perm.CREATE_COLLECTION, None)
    assert make(team).poll.created_by == team["creator"]


def test_a_plain_official_may_not_create(team) -> None:
    assert not can(team["voter"], Perm.CREATE_COLLECTION, None)
    with pytest.raises(PermissionDenied):
        do_create_collection(team["voter"], settings_for(team))
    assert not Poll.objects.exists()


def test_an_external_guest_may_not_create_even_with_the_right(team, province) -> None:
    guest = make_user("khach.ngoai", province["snv"], Right.OPINION_COLLECTOR, is_external=True)
    assert not can(guest, Perm.CREATE_COLLECTION, None)
    with pytest.raises(PermissionDenied):
        do_create_collection(guest, settings_for(team))
    assert not Poll.objects.exists()


def test_a_meetings_chair_may_create_a_collection_for_that_meeting(team, organiser, leader) -> None:
    meeting = approved(organiser, leader, [team["voter"]])
    assert meeting.chair == leader
    assert not can(leader, Perm.CREATE_COLLECTION, None)  # no opinion-collector right of their own
    assert can(leader, Perm.CREATE_COLLECTION, meeting)
    collection = do_create_collection(leader, settings_for(team), meeting=meeting)
    assert collection.poll.meeting == meeting and collection.poll.unit == meeting.unit
    assert can(leader, Perm.MANAGE_POLL, collection.poll)
    assert can(leader, Perm.VIEW_POLL_RESULTS, collection.poll)


def test_an_attendee_of_a_meeting_may_not_create_a_collection_for_it(team, organiser, leader) -> None:
    meeting = approved(organiser, leader, [team["voter"]])
    assert not can(team["voter"], Perm.CREATE_COLLECTION, meeting)
    with pytest.raises(PermissionDenied):
        do_create_collection(team["voter"], settings_for(team), meeting=meeting)
    assert not Poll.objects.exists()


def test_an_opinion_collector_may_not_attach_a_collection_to_a_meeting_they_do_not_run(team, organiser, leader) -> None:
    meeting = approved(organiser, leader, [team["voter"]])
    with pytest.raises(PermissionDenied):
        do_create_collection(team["creator"], settings_for(team), meeting=meeting)


# --- 3. editable until the release; only the expiry afterwards --------------------------------------


def test_everything_is_editable_before_the_release(team) -> None:
    collection = make(team)
    changed = do_update_collection(
        team["creator"],
        collection,
        settings_for(
            team,
            title="Dự thảo sửa đổi",
            questions=[QuestionInput(text="Câu hỏi mới?", allow_other=True)],
            people=[team["silent"]],
            units=[],
            notify_sms=True,
        ),
    )
    poll = Poll.objects.get(pk=collection.pk)
    assert poll.title == "Dự thảo sửa đổi"
    assert [q.text for q in poll.questions.order_by("order")] == ["Câu hỏi mới?"]
    assert Question.objects.filter(poll=poll).count() == 1  # the old questions are gone
    assert list(changed.people.values_list("user_id", flat=True)) == [team["silent"].pk]
    assert not changed.units.exists() and fresh(collection).notify_sms
    assert AuditEntry.objects.filter(action="opinion.changed").count() == 1


def test_editing_is_refused_after_the_release(team) -> None:
    collection = make(team)
    with opened(collection):
        with pytest.raises(ValidationError) as info:
            do_update_collection(
                team["creator"], collection, settings_for(team, questions=[QuestionInput(text="Câu mới?")])
            )
    assert info.value.code == "released"
    assert [q.text for q in collection.poll.questions.order_by("order")][0] == "Đồng ý thông qua dự thảo?"


def test_editing_after_the_release_with_the_settings_unchanged_says_it_was_released(team) -> None:
    """The edit form sent back as it was: the release time is now past, but the reason for the
    refusal is that the collection was released, not that the release time is past."""
    data = settings_for(team)
    collection = do_create_collection(team["creator"], data)
    with opened(collection), pytest.raises(ValidationError) as info:
        do_update_collection(team["creator"], collection, data)
    assert info.value.code == "released"


def test_only_a_manager_may_edit(team) -> None:
    collection = make(team)
    for user in (team["follower"], team["voter"], team["outsider"]):
        with pytest.raises(PermissionDenied):
            do_update_collection(user, collection, settings_for(team, title="Sửa trộm"))
    assert fresh(collection).poll.title == "Lấy ý kiến dự thảo Quy chế làm việc"


def test_a_later_expiry_is_accepted_after_the_release_audited_and_announced(
    team, django_capture_on_commit_callbacks
) -> None:
    collection = make(team)
    old = expiry_of(collection)
    new = old + timedelta(days=3)
    with opened(collection), django_capture_on_commit_callbacks(execute=True):
        do_extend_expiry(team["creator"], collection, new)
    assert expiry_of(collection) == new
    audit = AuditEntry.objects.get(action="opinion.extended")
    assert audit.actor == team["creator"] and audit.target_id == str(collection.pk)
    assert LogEntry.objects.filter(collection=collection, action="extended").count() == 1
    told = set(Notification.objects.filter(event="opinion.extended").values_list("recipient_id", flat=True))
    expected = {team[k].pk for k in ("voter", "silent", "receiver", "follower", "creator")}
    assert told == expected
    assert team["member"].pk not in told and team["outsider"].pk not in told
    # A close task at the new expiry (the old one finds the collection still open and does nothing).
    assert DBTaskResult.objects.filter(task_path="opinions.tasks.close_collection", run_after=new).exists()


def test_an_answer_is_accepted_after_the_old_expiry_once_extended(team) -> None:
    collection = make(team)
    old = expiry_of(collection)
    with opened(collection):
        do_extend_expiry(team["creator"], collection, old + timedelta(days=1))
    with at(old + timedelta(hours=1)):
        assert answer(team["voter"], fresh(collection), "agree", "agree").counted
        assert not ensure_closed(fresh(collection))


@pytest.mark.parametrize("offset", [timedelta(0), -timedelta(hours=1)], ids=["equal", "earlier"])
def test_an_earlier_or_equal_expiry_is_refused(team, offset) -> None:
    collection = make(team)
    old = expiry_of(collection)
    with opened(collection), pytest.raises(ValidationError) as info:
        do_extend_expiry(team["creator"], collection, old + offset)
    assert info.value.code == "not_later"
    assert expiry_of(collection) == old
    assert not AuditEntry.objects.filter(action="opinion.extended").exists()


def test_an_expired_collection_cannot_be_extended(team) -> None:
    collection = make(team)
    old = expiry_of(collection)
    with expired(collection), pytest.raises(ValidationError) as info:
        do_extend_expiry(team["creator"], collection, old + timedelta(days=5))
    assert info.value.code == "expired"
    assert expiry_of(collection) == old


def test_the_expiry_cannot_be_extended_before_the_release(team) -> None:
    collection = make(team)
    old = expiry_of(collection)
    with pytest.raises(ValidationError) as info:
        do_extend_expiry(team["creator"], collection, old + timedelta(days=1))
    assert info.value.code == "not_released"
    assert expiry_of(collection) == old


def test_only_a_manager_may_extend_the_expiry(team) -> None:
    collection = make(team)
    old = expiry_of(collection)
    with opened(collection):
        for user in (team["follower"], team["voter"], team["outsider"]):
            with pytest.raises(PermissionDenied):
                do_extend_expiry(user, collection, old + timedelta(days=1))
    assert expiry_of(collection) == old


# --- 4. visibility decided by the clock ---------------------------------------------------------


def test_a_consulted_person_cannot_see_a_collection_before_its_release(team) -> None:
    collection = make(team)
    for user in (team["voter"], team["receiver"]):
        assert not can(user, Perm.VIEW_COLLECTION, collection)
        assert not can(user, Perm.ANSWER_COLLECTION, collection)
        assert not queries.open_for_voter(user).exists()
        with pytest.raises(Http404):
            access_collection(user, collection.pk)
    with pytest.raises(PermissionDenied):
        answer(team["voter"], collection, "agree", "agree")
    assert not Participation.objects.exists() and not LogEntry.objects.exists()


def test_at_the_release_the_collection_is_listed_for_its_voters(team) -> None:
    collection = make(team)
    with opened(collection):
        for user in (team["voter"], team["silent"], team["receiver"]):
            assert list(queries.open_for_voter(user)) == [collection]
            assert can(user, Perm.VIEW_COLLECTION, collection)
            assert can(user, Perm.ANSWER_COLLECTION, collection)
            assert access_collection(user, collection.pk) == collection
        for user in (team["member"], team["outsider"], team["follower"], team["creator"]):
            assert not queries.open_for_voter(user).exists()
    with at(collection.release_at):  # exactly at the release time: open
        assert list(queries.open_for_voter(team["voter"])) == [collection]


def test_the_release_notifies_the_voters_in_the_app(team) -> None:
    collection = make(team)
    assert not ensure_released(collection)  # not yet
    assert not Notification.objects.exists()
    with opened(collection):
        assert ensure_released(collection)
        assert not ensure_released(collection)
        assert not ensure_released(fresh(collection))  # idempotent, also from a fresh copy
    told = list(Notification.objects.filter(event="opinion.released").values_list("recipient_id", flat=True))
    assert sorted(told) == sorted(team[k].pk for k in ("voter", "silent", "receiver"))
    poll = Poll.objects.get(pk=collection.pk)
    assert poll.state == PollState.OPEN and poll.opened_at == collection.release_at
    assert list(LogEntry.objects.filter(collection=collection).values_list("action", flat=True)) == ["released"]
    assert AuditEntry.objects.filter(action="opinion.released").count() == 1


def test_the_release_emails_only_if_the_creator_chose_email_and_the_user_enabled_it(team, province) -> None:
    no_email_wanted = make_user(
        "snv.khongmail", province["snv"], full_name="Không Nhận Mail", email="khong@snv.example", receive_email=False
    )
    people = [team["voter"], team["silent"], no_email_wanted]
    with_email = make(team, people=people, notify_email=True)
    with opened(with_email):
        ensure_released(with_email)
    emails = set(Delivery.objects.filter(channel=Channel.EMAIL).values_list("address", flat=True))
    # voter and receiver enabled email and have an address; silent has none; one declined email.
    assert emails == {"mot@snv.example", "thu@stc.example"}
    Delivery.objects.all().delete()
    without_email = make(team, people=people, notify_email=False)
    with opened(without_email):
        ensure_released(without_email)
    in_app = Notification.objects.filter(event="opinion.released", target_id=str(without_email.pk))
    assert in_app.count() == 4  # in the app all the same: three people and the unit's receiver
    assert not Delivery.objects.filter(channel=Channel.EMAIL).exists()


def test_the_release_sends_sms_only_if_chosen_and_the_user_enabled_it_with_a_phone(team, province) -> None:
    declined = make_user("snv.khongsms", province["snv"], phone="0912000002", receive_sms=False)
    no_phone = make_user("snv.khongso", province["snv"], receive_sms=True)
    people = [team["voter"], declined, no_phone]
    without_sms = make(team, people=people, notify_sms=False)
    with opened(without_sms):
        ensure_released(without_sms)
    assert not Delivery.objects.filter(channel=Channel.SMS).exists()
    with_sms = make(team, people=people, notify_sms=True)
    with opened(with_sms):
        ensure_released(with_sms)
    assert list(Delivery.objects.filter(channel=Channel.SMS).values_list("address", flat=True)) == ["0912000001"]


def test_the_release_and_close_tasks_are_scheduled_at_their_times(team, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        collection = make(team)
    release = DBTaskResult.objects.get(task_path="opinions.tasks.release_collection")
    close = DBTaskResult.objects.get(task_path="opinions.tasks.close_collection")
    assert release.run_after == collection.release_at
    assert close.run_after == expiry_of(collection)


def test_the_tasks_do_nothing_before_their_time(team) -> None:
    collection = make(team)
    assert release_collection.call(collection.pk) is False
    assert close_collection.call(collection.pk) is False
    with opened(collection):
        assert close_collection.call(collection.pk) is False
        assert release_collection.call(collection.pk) is True
        assert release_collection.call(collection.pk) is False
    with expired(collection):
        assert close_collection.call(collection.pk) is True
        assert close_collection.call(collection.pk) is False
    assert fresh(collection).final_hash


def test_after_the_expiry_the_collection_is_no_longer_listed_for_voters(team) -> None:
    collection = make(team)
    with expired(collection):
        for user in (team["voter"], team["receiver"]):
            assert not queries.open_for_voter(user).exists()
            assert not can(user, Perm.ANSWER_COLLECTION, collection)
    with at(expiry_of(collection)):  # exactly at the expiry: locked
        assert not queries.open_for_voter(team["voter"]).exists()


def test_after_the_expiry_answers_are_refused_even_though_no_task_ran(team) -> None:
    collection = make(team)
    with expired(collection):
        for voter, unit in ((team["voter"], None), (team["receiver"], team["stc"])):
            with pytest.raises(ValidationError) as info:
                answer(voter, collection, "agree", "agree", unit=unit)
            assert info.value.code == "expired"
    assert not Participation.objects.exists()
    assert not LogEntry.objects.exists()
    stored = fresh(collection)
    assert not stored.final_hash and stored.released_notified_at is None
    assert stored.poll.state == PollState.DRAFT  # nothing ran; the clock alone refused


def test_closing_a_collection_never_released_does_not_ask_for_opinions_after_the_expiry(team) -> None:
    """If no release task ever ran, the close must not send "your opinion is requested, answer by
    <a time already past>" to the voters."""
    collection = make(team)
    with expired(collection):
        assert ensure_closed(collection)
    assert not Notification.objects.filter(event="opinion.released").exists()
