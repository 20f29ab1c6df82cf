"""Điều 7.1đ: at the expiry the system hides the content from the people consulted (questions,
description, attached documents, the ballot PDF); the creator and followers keep it with the
results (Điều 7.1e, 7.3). Điều 7.1a: a non-secret collection shows its result (the counts) to the
people consulted once it has expired; a secret one does not."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.permissions import Perm, can
from documents.tests.conftest import pdf_bytes
from opinions.models import AnswerRevision, QuestionAttachment
from opinions.tests.conftest import answer, expired, make, opened, settings_for

pytestmark = pytest.mark.django_db

HIDDEN = "Đợt lấy ý kiến đã hết hạn, nội dung đã được ẩn"
QUESTION = "Đồng ý thông qua dự thảo?"
DESCRIPTION = "Xin ý kiến các đơn vị về dự thảo."


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _with_file(team: dict[str, Any], **overrides: Any) -> Any:
    from opinions.actions.collections import do_create_collection

    files = {1: [SimpleUploadedFile("du-thao.pdf", pdf_bytes(), content_type="application/pdf")]}
    return do_create_collection(team["creator"], settings_for(team, **overrides), files=files)


def _client(user: Any) -> Client:
    """Signed in at the (patched) current time, so the session is fresh then."""
    client = Client()
    client.force_login(user)
    return client


def _page(user: Any, collection: Any) -> tuple[int, str]:
    response = _client(user).get(reverse("opinions:detail", args=[collection.pk]))
    return response.status_code, response.content.decode()


def test_content_is_shown_to_the_people_consulted_while_open(team) -> None:
    collection = _with_file(team)
    with opened(collection):
        status, html = _page(team["voter"], collection)
    assert status == 200
    assert QUESTION in html and DESCRIPTION in html and "du-thao.pdf" in html
    assert HIDDEN not in html


@pytest.mark.parametrize("who", ["voter", "silent", "receiver"])
def test_expired_content_is_hidden_from_the_people_consulted_dieu_7_1d(team, who) -> None:
    collection = _with_file(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "disagree")
    with expired(collection):
        status, html = _page(team[who], collection)
        assert not can(team[who], Perm.VIEW_COLLECTION_CONTENT, collection)
    assert status == 200
    assert HIDDEN in html
    assert QUESTION not in html and DESCRIPTION not in html and "du-thao.pdf" not in html


@pytest.mark.parametrize("who", ["creator", "follower"])
def test_creator_and_followers_keep_content_and_results_after_expiry(team, who) -> None:
    collection = _with_file(team)
    with expired(collection):
        status, html = _page(team[who], collection)
        results = _client(team[who]).get(reverse("opinions:results", args=[collection.pk]))
    assert status == 200
    assert QUESTION in html and "du-thao.pdf" in html and HIDDEN not in html
    assert results.status_code == 200 and QUESTION in results.content.decode()


def test_expired_attachment_download_is_refused_to_the_people_consulted_dieu_7_1d(team) -> None:
    collection = _with_file(team)
    item = QuestionAttachment.objects.get(question__poll=collection.poll)
    url = reverse("opinions:attachment", args=[collection.pk, item.pk])
    with opened(collection):
        assert _client(team["voter"]).get(url).status_code == 200
    with expired(collection):
        assert _client(team["voter"]).get(url).status_code == 403
        assert _client(team["creator"]).get(url).status_code == 200
        assert _client(team["outsider"]).get(url).status_code == 404


def test_expired_ballot_pdf_is_hidden_from_its_voter_dieu_7_1d(team) -> None:
    collection = make(team, requires_signature=True)
    with opened(collection):
        outcome = answer(team["voter"], collection, "agree", "agree")
    revision = AnswerRevision.objects.get(collection=collection, voter=team["voter"])
    assert outcome is not None
    url = reverse("opinions:ballot", args=[collection.pk, revision.pk])
    with opened(collection):
        assert _client(team["voter"]).get(url).status_code == 200
    with expired(collection):
        assert _client(team["voter"]).get(url).status_code == 403


def test_non_secret_results_are_open_to_the_people_consulted_after_expiry_dieu_7_1a(team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "disagree", "other", other="Lùi sang 2028")
        status, html = _page(team["voter"], collection)
        assert 'data-testid="opinion-public-counts"' not in html  # not before the expiry
    with expired(collection):
        status, html = _page(team["silent"], collection)
        assert can(team["silent"], Perm.VIEW_COLLECTION_COUNTS, collection)
    assert status == 200
    assert 'data-testid="opinion-public-counts"' in html
    assert "Đã cho ý kiến: 1/3" in html
    # question 1: voter disagrees, the silent person and unit count as agreeing by default
    assert '<td data-testid="agree-total">2</td>' in html
    assert '<td data-testid="disagree">1</td>' in html
    # counts only: neither the other opinion's text, nor who answered what, nor the question
    assert "Lùi sang 2028" not in html and "Phan Thị Một" not in html and QUESTION not in html


def test_secret_results_stay_closed_to_the_people_consulted_after_expiry_dieu_7_1a(team) -> None:
    collection = make(team, is_secret=True)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
    with expired(collection):
        status, html = _page(team["voter"], collection)
        assert not can(team["voter"], Perm.VIEW_COLLECTION_COUNTS, collection)
        assert _client(team["voter"]).get(reverse("opinions:results", args=[collection.pk])).status_code == 403
    assert status == 200
    assert HIDDEN in html and 'data-testid="opinion-public-counts"' not in html


def test_outsiders_see_neither_content_nor_counts_after_expiry(team) -> None:
    collection = make(team)
    with expired(collection):
        assert not can(team["outsider"], Perm.VIEW_COLLECTION_COUNTS, collection)
        assert not can(team["member"], Perm.VIEW_COLLECTION_CONTENT, collection)
        status, _html = _page(team["outsider"], collection)
    assert status == 404


def test_the_receipt_check_stays_available_after_expiry(team) -> None:
    collection = make(team)
    with opened(collection):
        outcome = answer(team["voter"], collection, "agree", "agree")
    with expired(collection):
        response = _client(team["voter"]).get(
            reverse("opinions:receipt", args=[collection.pk]),
            {"seq": outcome.receipt.seq, "code": outcome.receipt.hash},
        )
    assert response.status_code == 200
    assert QUESTION not in response.content.decode()


def test_an_unsigned_answer_at_expiry_counts_as_implied_agreement_dieu_7_1b_7_2b(team, settings, tmp_path) -> None:
    """Điều 7.2a: where a signature is required, signing "completes the sending"; an answer left
    unsigned at the expiry was never sent, so Điều 7.2b counts its author as agreeing, by default
    (never as the unsigned choice)."""
    from opinions import queries

    collection = make(team, requires_signature=True)
    with opened(collection):
        answer(team["voter"], collection, "disagree", "disagree")
    with expired(collection):
        result = queries.results(collection)
        statuses = {r.name: r.status for r in queries.progress(collection)}
    first = result.questions[0]
    assert (first.disagree, first.agree_explicit, first.agree_implied) == (0, 0, result.consulted)
    assert statuses["Phan Thị Một"] == queries.Status.IMPLIED
