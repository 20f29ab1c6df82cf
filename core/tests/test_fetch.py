"""An id too large for the database is "not found" (404), never a server error, on every app."""

from __future__ import annotations

import pytest
from django.http import Http404

from conftest import login
from core.fetch import MAX_ID, parse_id

HUGE = str(2**64)


@pytest.mark.parametrize("raw", ["abc", "", None, "-1", "0", str(MAX_ID + 1), HUGE, "1e5"])
def test_ids_the_database_cannot_hold_are_not_found(raw) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        parse_id(raw)


def test_largest_id_is_accepted() -> None:
    assert parse_id(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize(
    "url",
    [
        f"/opinions/{HUGE}/",
        f"/meetings/{HUGE}/",
        f"/documents/{HUGE}/",
        f"/admin-units/users/{HUGE}/",
        f"/admin-units/units/{HUGE}/",
        f"/calendar/?scope=room&room={HUGE}",
        f"/admin-units/users/?unit={HUGE}",
    ],
)
def test_huge_ids_in_urls_are_404_not_500(client, sysadmin, url: str) -> None:  # type: ignore[no-untyped-def]
    login(client, sysadmin)
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
