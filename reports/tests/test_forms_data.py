"""The numbers of Mẫu số 01 and 02 against the hand-built data set of conftest.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from live.queries import attendance_counts
from live.voting import poll_data
from opinions.queries import counts_many, results
from reports.forms_data import Period, mau01_rows, mau02_rows
from reports.tests.forms_fixtures import at, dataset, people

__all__ = ["dataset", "people"]

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))

pytestmark = pytest.mark.django_db


def period(province: Any, unit: str | None = "snv", start: dt.date = OCTOBER[0], end: dt.date = OCTOBER[1]) -> Period:
    return Period(start, end, province[unit] if unit else None)


def test_mau01_lists_the_units_ended_meetings_of_the_period(province, dataset) -> None:
    rows = mau01_rows(period(province))
    assert [r["content"] for r in rows] == ["Họp giao ban tháng 10", "Họp chuyên đề"]


def test_mau01_counts_present_late_substitutes_and_guests_not_absentees_or_support(province, dataset) -> None:
    row = mau01_rows(period(province))[0]
    assert row["attendees"] == 4
    assert mau01_rows(period(province))[1]["attendees"] == 0


def test_mau01_attendance_is_what_the_room_counts_as_present(province, dataset) -> None:
    a = dataset["a"]
    assert mau01_rows(period(province))[0]["attendees"] == attendance_counts(a, a.live)["present"]


def test_mau01_shows_the_chair_incident_and_recommendation(province, dataset) -> None:
    row = mau01_rows(period(province))[0]
    assert row["chair"] == "Giám đốc Sở Vũ Thị Hồng"
    assert row["incidents"] == "Âm thanh: Mất tiếng (đã khắc phục: Thay micro)"
    assert row["recommendation"] == "Bổ sung màn hình"
    assert row["time"] == "08:00–10:00 ngày 05/10/2026"


def test_mau01_of_the_province_includes_every_unit(province, dataset) -> None:
    assert len(mau01_rows(period(province, None))) == 3


def test_mau01_period_bounds_are_inclusive_days(province, dataset) -> None:
    assert len(mau01_rows(period(province, start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 5)))) == 1
    assert mau01_rows(period(province, start=dt.date(2026, 10, 6), end=dt.date(2026, 10, 19))) == []


def test_mau02_collection_counts_implied_consent_under_agree(province, dataset) -> None:
    rows = [r for r in mau02_rows(period(province), now=at(1, month=12)) if r["source"] == "opinion"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["consulted"], row["answered"]) == (4, 3)
    assert (row["agree"], row["agree_implied"], row["disagree"], row["other"]) == (2, 1, 1, 1)
    assert row["recommendation"] == "Ban hành sớm"


def test_mau02_collection_counts_are_those_of_the_results_page(dataset) -> None:
    collection = dataset["collection"]
    now = at(1, month=12)
    counts = counts_many([collection], now)[collection.pk]
    full = results(collection, now)
    assert (counts.consulted, counts.answered) == (full.consulted, full.answered)
    assert [(q.agree_explicit, q.agree_implied, q.disagree, q.other) for q in counts.questions] == [
        (q.agree_explicit, q.agree_implied, q.disagree, q.other) for q in full.questions
    ]


def test_mau02_vote_counts_present_voters_and_abstain_as_other(province, dataset) -> None:
    """Consulted: the delegates with an account present in the room, as its "3/4 voted" (present,
    late, the substitute and the support staff; not the guest, not the replaced official)."""
    row = next(r for r in mau02_rows(period(province), now=at(1, month=12)) if r["source"] == "vote")
    assert (row["consulted"], row["answered"]) == (4, 3)
    assert (row["agree"], row["agree_implied"], row["disagree"], row["other"]) == (2, 0, 0, 1)
    assert row["consulted"] == poll_data(dataset["vote"])["eligible"]


def test_mau02_leaves_out_a_collection_not_expired_yet(province, dataset) -> None:
    rows = mau02_rows(period(province), now=at(14))
    assert [r["source"] for r in rows] == ["vote"]


def test_mau02_of_another_unit_is_empty(province, dataset) -> None:
    assert mau02_rows(period(province, "stc"), now=at(1, month=12)) == []
