"""Receipts people can read: the voter is shown a short code ("3F2A-91C0-7B", the first 10 hex
digits of their ballot-log entry's hash) and the full hash behind "Chi tiết"; the check page
takes either, with or without the entry number, and asks for the full hash when a short code is
ambiguous."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from opinions import log as ballot_log
from opinions.actions.lifecycle import ensure_released, locked
from opinions.log import check_receipt, normalize_code, short_code
from opinions.models import LogEntry
from opinions.tests.conftest import answer, at, expired, fresh, make, opened, team

__all__ = ["team"]

pytestmark = pytest.mark.django_db


def check_page(client, collection, **params) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("opinions:receipt", args=[collection.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_short_code_is_the_first_ten_hex_digits_grouped() -> None:
    assert short_code("3f2a91c07b" + "e" * 54) == "3F2A-91C0-7B"
    assert normalize_code(" 3f2a-91C0 7b ") == "3f2a91c07b"
    assert normalize_code("3F2A-91C0-7Z") == ""  # not hex


def test_a_receipt_is_found_by_short_code_or_full_hash_with_or_without_its_number(team) -> None:
    collection = make(team)
    with opened(collection):
        receipt = answer(team["voter"], collection, "agree", "agree").receipt
    code = short_code(receipt.hash)
    for seq, typed in [
        (None, code),
        (None, code.lower().replace("-", " ")),
        (receipt.seq, code),
        (None, receipt.hash.upper()),
        (receipt.seq, receipt.hash),
    ]:
        result = check_receipt(fresh(collection), seq, typed)
        assert (result.found, result.intact, result.seq, result.hash) == (True, True, receipt.seq, receipt.hash)
    assert not check_receipt(fresh(collection), receipt.seq + 1, code).found  # the number must match if given
    assert not check_receipt(fresh(collection), None, receipt.hash[:9]).found  # too short to be a code


def test_a_short_code_shared_by_two_entries_is_ambiguous(team, monkeypatch) -> None:
    """With 17 entries and one-digit codes, two entries must share a code (16 hex digits)."""
    collection = make(team)
    with opened(collection):
        ensure_released(collection)
        from django.db import transaction

        with transaction.atomic():
            row = locked(collection)
            for n in range(17):
                ballot_log.append(row, "test.note", {"n": n})
    monkeypatch.setattr(ballot_log, "SHORT_CODE_LENGTH", 1)
    hashes = list(LogEntry.objects.filter(collection=collection).values_list("hash", flat=True))
    shared = next(h[0] for h in hashes if sum(1 for other in hashes if other[0] == h[0]) > 1)
    result = check_receipt(fresh(collection), None, shared)
    assert result.ambiguous and not result.found
    full = next(h for h in hashes if h[0] == shared)
    assert check_receipt(fresh(collection), None, full).found


def test_the_voter_sees_the_short_code_and_the_full_hash_under_details(client, team) -> None:
    collection = make(team)
    with opened(collection):
        client.force_login(team["voter"])
        questions = list(collection.poll.questions.order_by("order"))
        response = client.post(
            reverse("opinions:answer", args=[collection.pk]),
            {f"option_{q.pk}": q.options.get(code="agree").pk for q in questions},
        )
        assert response.status_code == 302
        page = client.get(reverse("opinions:detail", args=[collection.pk])).content.decode()
    entry = LogEntry.objects.get(collection=collection, action="answered")
    block = re.search(r'(?s)data-testid="opinion-receipt".*?</div>', page).group(0)  # type: ignore[union-attr]
    assert f'data-testid="opinion-receipt-code">{short_code(entry.hash)}<' in block
    details = re.search(r"(?s)<details.*?</details>", block).group(0)  # type: ignore[union-attr]
    assert "Chi tiết" in details and entry.hash in details
    assert block.count(entry.hash) == 2  # in the details and in the check link, never as the headline


def test_the_check_page_takes_the_short_code(client, team) -> None:
    collection = make(team)
    with opened(collection):
        receipt = answer(team["voter"], collection, "agree", "agree").receipt
        client.force_login(team["voter"])
        page = check_page(client, collection, code=short_code(receipt.hash))
    assert 'data-testid="receipt-result"' in page and "alert-success" in page
    assert f"(số {receipt.seq})" in page


def test_once_closed_the_short_code_is_sealed_by_the_final_code(client, team) -> None:
    collection = make(team)
    with opened(collection):
        receipt = answer(team["voter"], collection, "agree", "agree").receipt
    with expired(collection):
        client.force_login(team["voter"])
        page = check_page(client, collection, code=short_code(receipt.hash))
    collection.refresh_from_db()
    assert 'data-testid="receipt-final"' in page
    assert f'data-testid="opinion-final-code">{short_code(collection.final_hash)}<' in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"code": "XYZ"}, "Vui lòng nhập mã biên nhận (10 chữ và số"),
        ({"code": "3F2A-91C0"}, "Vui lòng nhập mã biên nhận (10 chữ và số"),
        ({"code": "3F2A-91C0-7B", "seq": "mười"}, "Số thứ tự là một số nguyên"),
    ],
)
def test_a_malformed_code_or_number_gets_a_clear_message(client, team, params, message) -> None:
    collection = make(team)
    with opened(collection):
        client.force_login(team["voter"])
        page = check_page(client, collection, **params)
    assert 'data-testid="receipt-error"' in page and message in page
    assert 'data-testid="receipt-result"' not in page


def test_an_ambiguous_short_code_asks_for_the_full_hash_on_the_page(client, team, monkeypatch) -> None:
    collection = make(team)
    with opened(collection):
        client.force_login(team["voter"])
        answer(team["voter"], collection, "agree", "agree")
        monkeypatch.setattr(ballot_log, "SHORT_CODE_LENGTH", 0)  # every entry matches the empty prefix
        monkeypatch.setattr("opinions.views.is_receipt_code", lambda code: True)
        page = check_page(client, collection, code="-")
    assert "Có nhiều mục bắt đầu bằng mã này" in page and 'data-testid="receipt-result"' not in page


def test_outsiders_get_404_on_the_check_page(client, team) -> None:
    collection = make(team)
    with opened(collection):
        receipt = answer(team["voter"], collection, "agree", "agree").receipt
        client.force_login(team["outsider"])
        response = client.get(reverse("opinions:receipt", args=[collection.pk]), {"code": short_code(receipt.hash)})
    assert response.status_code == 404


def test_a_log_written_while_the_clock_reads_local_time_still_verifies(team) -> None:
    """The database gives times back in UTC; an entry hashed with a +07:00 time must still match."""
    from django.utils import timezone

    collection = make(team)
    with at(timezone.localtime(collection.release_at + timedelta(minutes=1))):
        receipt = answer(team["voter"], collection, "agree", "agree").receipt
    result = check_receipt(fresh(collection), receipt.seq, receipt.hash)
    assert result.found and result.intact, result.problem
