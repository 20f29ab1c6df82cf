"""The notification list makes the same number of queries whatever the number of notifications:
a page with 2 sets the bound that a page with 12 (and a second page of 30) must keep
(bench/pages.py measures it with thousands per person)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login
from notifications.actions import do_notify


def notify(user, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        do_notify([user], event="meeting.invited", title=f"Giấy mời họp số {n}", body="Nội dung", url=f"/meetings/{n}/")


def test_notification_list_queries_do_not_grow(client, snv_member, django_assert_max_num_queries) -> None:
    notify(snv_member, 2)
    login(client, snv_member)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/notifications/").status_code == 200
    bound = len(captured.captured_queries)
    notify(snv_member, 10)
    with django_assert_max_num_queries(bound):
        response = client.get("/notifications/")
    assert len(response.context["page"].object_list) == 12
    notify(snv_member, 30)
    with django_assert_max_num_queries(bound):
        response = client.get("/notifications/", {"page": "2"})
    assert len(response.context["page"].object_list) == 20
