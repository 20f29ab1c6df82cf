"""The audit viewer makes the same number of queries whatever the number of entries: a page with
2 entries sets the bound that a page with 12 (of more actors and units) must keep, for the first
page and for each filter (bench/pages.py measures it over a million entries)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.log import log_action
from conftest import login, make_user

FILTERS: list[dict[str, str]] = [
    {},
    {"user": "nguoi"},
    {"action": "bench."},
    {"date_from": "01/01/2020", "date_to": "31/12/2099"},
]


def entries(province: dict[str, Any], first: int, count: int) -> None:
    units = [province["snv"], province["stc"], province["office"]]
    for n in range(first, first + count):
        actor = make_user(f"nguoi.{n}", units[n % len(units)])
        log_action("bench.entry", actor=actor, target=actor, data={"n": n})


def queries(client: Any, params: dict[str, str]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/audit/", params)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_audit_viewer_queries_do_not_grow_with_entries(
    client, province, sysadmin, snv_admin, django_assert_max_num_queries
) -> None:
    filters = [*FILTERS, {"unit": str(province["snv"].pk)}]
    entries(province, 0, 2)
    bounds = {}
    for user in (sysadmin, snv_admin):
        login(client, user)
        for n, params in enumerate(filters):
            bounds[user.pk, n], _ = queries(client, params)
    entries(province, 2, 10)
    for user in (sysadmin, snv_admin):
        login(client, user)
        for n, params in enumerate(filters):
            with django_assert_max_num_queries(bounds[user.pk, n]):
                response = client.get("/audit/", params)
            assert response.status_code == 200
    login(client, sysadmin)
    shown = client.get("/audit/", {"action": "bench."}).context["page"]
    assert len(shown.object_list) == 12


def test_the_viewer_counts_entries_only_a_window_of_pages_ahead(province) -> None:
    from audit.models import AuditEntry
    from audit.queries import WindowPaginator

    entries(province, 0, 12)
    everything = AuditEntry.objects.filter(action="bench.entry")
    first = WindowPaginator(everything, 2, number=1, window=2)
    assert first.count == 6 and first.more and first.num_pages == 3
    assert first.get_page(1).has_next()
    assert WindowPaginator(everything, 2, number=3, window=2).get_page(3).has_next()  # Next goes on
    far = WindowPaginator(everything, 2, number=6, window=2)
    assert far.count == 12 and not far.more
    assert not far.get_page(6).has_next() and far.get_page(99).number == 6
