"""What people read on the opinion pages: status icons with text (no emoji), each consulted person
once with one status (after the expiry the silent one is "counted as agreeing", not also "not
answered"), receipts as a short code with the full hash behind "Chi tiết", and form labels
without the regulation's clause letters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from opinions import queries
from opinions.forms import CollectionForm
from opinions.queries import Status
from opinions.tests.conftest import answer, at, expired, expiry_of, make, opened, team

__all__ = ["team"]

pytestmark = pytest.mark.django_db

# Pictographs that need an emoji font (⏳ ✅ ✍️ …): the pages must not rely on them.
EMOJI = re.compile("[\u231a-\u23ff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")


def progress_rows(page: str) -> list[str]:
    return re.findall(r'(?s)<li [^>]*data-testid="opinion-progress-row".*?</li>', page)


def results_page(client, collection) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("opinions:results", args=[collection.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- status markers -------------------------------------------------------------------------------


def test_progress_shows_an_svg_icon_with_a_text_status_and_no_emoji(client, team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        client.force_login(team["creator"])
        page = results_page(client, collection)
    rows = progress_rows(page)
    assert len(rows) == 3  # two people, one unit
    assert not EMOJI.search(page)
    for row in rows:
        assert "<svg" in row and 'aria-hidden="true"' in row and 'data-testid="opinion-status"' in row
    statuses = {re.search(r'data-status="(\w+)"', r).group(1) for r in rows}  # type: ignore[union-attr]
    assert statuses == {"answered", "waiting"}
    assert "đã cho ý kiến" in page and "chưa cho ý kiến" in page


def test_an_answer_awaiting_its_signature_has_its_own_status(team, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    collection = make(team, requires_signature=True)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        open_status = {r.name: r.status for r in queries.progress(collection)}
    with expired(collection):
        closed_status = {r.name: r.status for r in queries.progress(collection)}
    assert open_status["Phan Thị Một"] == Status.AWAITING_SIGNATURE
    assert closed_status["Phan Thị Một"] == Status.IMPLIED  # never signed: it did not count


# --- each person once, with one status ------------------------------------------------------------


def test_after_the_expiry_a_silent_person_is_shown_once_as_counted_as_agreeing(client, team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "other", other="Đề nghị áp dụng từ 01/7/2027.")
        answer(team["receiver"], collection, "disagree", "agree", unit=team["stc"])
    with at(expiry_of(collection) + timedelta(minutes=1)):
        client.force_login(team["creator"])
        page = results_page(client, collection)
        statuses = {r.name: r.status for r in queries.progress(collection)}
    assert statuses == {"Phan Thị Một": "answered", "Hà Văn Lặng": "implied", "Sở Tài chính": "answered"}
    assert page.count("Hà Văn Lặng") == 1
    (silent_row,) = [r for r in progress_rows(page) if "Hà Văn Lặng" in r]
    assert 'data-status="implied"' in silent_row and "được tính là đồng ý" in silent_row
    assert "chưa cho ý kiến" not in page
    # The count still holds them, apart from the explicit agreements.
    assert 'data-testid="agree-implied">1<' in page and 'data-testid="agree-explicit">1<' in page


def test_before_the_expiry_a_silent_person_is_shown_once_as_not_answered_yet(client, team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
        client.force_login(team["creator"])
        page = results_page(client, collection)
    assert page.count("Hà Văn Lặng") == 1 and "được tính là đồng ý" not in page


def test_the_list_of_answers_of_a_question_holds_explicit_answers_only(team) -> None:
    collection = make(team)
    with opened(collection):
        answer(team["voter"], collection, "agree", "agree")
    with expired(collection):
        question = queries.results(collection).questions[0]
    assert [r.voter for r in question.rows if r.implied] == ["Hà Văn Lặng", "Sở Tài chính"]  # for the Excel file
    assert [r.voter for r in question.answered_rows] == ["Phan Thị Một"]


# --- form labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_form_labels_carry_no_clause_letters(language: str) -> None:
    with translation.override(language):
        form = CollectionForm()
        labels = [str(field.label) for field in form.fields.values()]
        expiry_help = str(form.fields["expires_at"].help_text)
    assert not [label for label in labels if re.search(r"\((?:[a-k]|đ)\)", label)]
    assert ("Điều 7" in expiry_help) if language == "vi" else ("Article 7.2" in expiry_help)


def test_the_form_page_shows_no_clause_letters(client, team) -> None:
    client.force_login(team["creator"])
    page = client.get(reverse("opinions:create")).content.decode()
    assert "Thời gian phát hành" in page and "Thời gian hết hạn" in page
    assert not re.search(r"\((?:[a-k]|đ)\)\s*<", page)
    assert "khoản 2 Điều 7" in page
