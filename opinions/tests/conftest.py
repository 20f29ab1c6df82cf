"""Fixtures of the opinion collection tests: a creator holding the opinion-collector right, the
people and units consulted, a follower, an outsider, and helpers to build a collection, move the
clock to its release or past its expiry, and fill in a ballot.

Time is moved by patching `django.utils.timezone.now` (every module calls it through the
`timezone` module), as the meetings and live tests do; model defaults bound at import keep the
real clock, which does not matter here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import Right
from conftest import make_user
from meetings.tests.conftest import leader, organiser
from opinions.actions.answers import do_answer
from opinions.actions.collections import CollectionInput, do_create_collection
from opinions.models import Collection
from polls.actions import QuestionInput

__all__ = ["leader", "organiser"]


@pytest.fixture
def team(province):  # type: ignore[no-untyped-def]
    """creator (opinion collector, Sở Nội vụ); voter and silent (consulted people); receiver (the
    document receiver of Sở Tài chính, a consulted unit); member (another official of Sở Tài
    chính); follower; outsider (Văn phòng UBND, consulted in nothing)."""
    creator = make_user("snv.tonghop", province["snv"], Right.OPINION_COLLECTOR, full_name="Lê Văn Tổng")
    voter = make_user(
        "snv.ykien",
        province["snv"],
        full_name="Phan Thị Một",
        position="Chuyên viên",
        email="mot@snv.example",
        receive_email=True,
        phone="0912000001",
        receive_sms=True,
    )
    silent = make_user("snv.lang", province["snv"], full_name="Hà Văn Lặng")
    receiver = make_user(
        "stc.vanthu", province["stc"], full_name="Đào Văn Thư", email="thu@stc.example", receive_email=True
    )
    province["stc"].document_receiver = receiver
    province["stc"].save(update_fields=["document_receiver"])
    member = make_user("stc.canbo", province["stc"], full_name="Ngô Thị Cán")
    follower = make_user("snv.theodoi", province["snv"], full_name="Vũ Theo Dõi", email="theodoi@snv.example")
    outsider = make_user("vp.ngoai", province["office"], full_name="Tạ Người Ngoài")
    return {
        "creator": creator,
        "voter": voter,
        "silent": silent,
        "receiver": receiver,
        "member": member,
        "follower": follower,
        "outsider": outsider,
        "snv": province["snv"],
        "stc": province["stc"],
        "office": province["office"],
    }


def settings_for(team: dict[str, Any], *, now: datetime | None = None, **overrides: Any) -> CollectionInput:
    """Valid settings: released in an hour, expiring in two days; two people and Sở Tài chính
    consulted; question 1 agree/disagree, question 2 with "other"."""
    now = now or timezone.now()
    values: dict[str, Any] = {
        "title": "Lấy ý kiến dự thảo Quy chế làm việc",
        "description": "Xin ý kiến các đơn vị về dự thảo.",
        "questions": [
            QuestionInput(text="Đồng ý thông qua dự thảo?"),
            QuestionInput(text="Áp dụng từ 01/01/2027?", allow_other=True),
        ],
        "release_at": now + timedelta(hours=1),
        "expires_at": now + timedelta(days=2),
        "people": [team["voter"], team["silent"]],
        "units": [team["stc"]],
        "followers": [team["follower"]],
    }
    values.update(overrides)
    return CollectionInput(**values)


def make(team: dict[str, Any], **overrides: Any) -> Collection:
    return do_create_collection(team["creator"], settings_for(team, **overrides))


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def opened(collection: Collection) -> Any:
    """A minute after the release."""
    return at(collection.release_at + timedelta(minutes=1))


def expiry_of(collection: Collection) -> datetime:
    collection.poll.refresh_from_db(fields=["closes_at"])
    expires = collection.poll.closes_at
    assert expires is not None
    return expires


def expired(collection: Collection) -> Any:
    """A second after the (current) expiry."""
    return at(expiry_of(collection) + timedelta(seconds=1))


def ballot(collection: Collection, *codes: str, other: str = "") -> tuple[dict[str, int], dict[str, str]]:
    """(choices, other_texts) choosing the option with each code, question by question."""
    choices: dict[str, int] = {}
    others: dict[str, str] = {}
    for question, code in zip(collection.poll.questions.order_by("order"), codes, strict=True):
        choices[str(question.pk)] = question.options.get(code=code).pk
        if code == "other":
            others[str(question.pk)] = other
    return choices, others


def answer(voter: Any, collection: Collection, *codes: str, other: str = "", unit: Any = None) -> Any:
    choices, others = ballot(collection, *codes, other=other)
    return do_answer(voter, collection, choices, others, unit=unit)


def fresh(collection: Collection) -> Collection:
    return Collection.objects.select_related("poll", "poll__unit", "poll__created_by").get(pk=collection.pk)
