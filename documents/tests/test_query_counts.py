"""The document pages make the same number of queries whatever the number of documents: the
meeting page with 2 documents sets the bound that the page with 12 must keep, and so does search
with 2 and 12 results (bench/pages.py measures them with 100,000 document versions)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Right, User
from conftest import login, make_user
from documents.models import ApprovalStatus
from documents.tests.test_viewer import add_document
from meetings.tests.conftest import approved


def queries(client: Any, path: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def add(meeting: Any, organiser: Any, first: int, count: int, readers: tuple[Any, ...]) -> None:
    for n in range(first, first + count):
        add_document(
            meeting,
            organiser,
            title=f"Kế hoạch đầu tư công số {n}",
            pages=1,
            status=ApprovalStatus.PENDING if n % 4 == 3 else ApprovalStatus.APPROVED,
            readers=readers if n % 3 == 2 else (),
        )


def test_meeting_page_queries_do_not_grow_with_documents(
    client, meeting, organiser, leader, attendee, django_assert_max_num_queries
) -> None:
    people = (organiser, leader, attendee)
    add(meeting, organiser, 0, 2, (attendee,))
    bounds = {}
    for user in people:
        login(client, user)
        bounds[user.pk] = queries(client, f"/meetings/{meeting.pk}/")
    add(meeting, organiser, 4, 10, (attendee,))
    for user in people:
        login(client, user)
        with django_assert_max_num_queries(bounds[user.pk]):
            response = client.get(f"/meetings/{meeting.pk}/")
        assert response.content.decode().count("Kế hoạch đầu tư công số") >= 8, user.username


def test_search_queries_do_not_grow_with_results(
    client, meeting, organiser, leader, attendee, django_assert_max_num_queries
) -> None:
    people = (organiser, leader, attendee)
    add(meeting, organiser, 2, 2, (attendee,))  # one with readers, one pending: every kind of result
    bounds = {}
    for user in people:
        login(client, user)
        bounds[user.pk] = queries(client, "/documents/search/", {"q": "đầu tư công"})
    add(meeting, organiser, 4, 10, (attendee,))
    for user in people:
        login(client, user)
        with django_assert_max_num_queries(bounds[user.pk]):
            response = client.get("/documents/search/", {"q": "đầu tư công"})
        assert len(response.context["hits"]) >= 8, user.username


def ppc_meetings(organiser: Any, leader: Any, office_leader: Any, attendee: Any, first: int, count: int) -> list[Any]:
    ppc_organiser = User.objects.filter(username="vp.daumoi").first() or make_user(
        "vp.daumoi", office_leader.unit, Right.ORGANISER
    )
    return [  # a day apart: the same people cannot attend two meetings at once
        approved(
            ppc_organiser,
            leader,
            [attendee, office_leader],
            approver=office_leader,
            is_ppc_meeting=True,
            preparing_unit=organiser.unit,  # Sở Nội vụ's organiser uploads the documents
            start_in=timedelta(days=5 + n),
        )
        for n in range(first, first + count)
    ]


def test_search_queries_do_not_grow_with_ppc_meetings_for_the_ppc_office_leader(
    client, province, organiser, leader, attendee, django_assert_max_num_queries
) -> None:
    # A PPC Office leader approves the documents of each PPC meeting they attend: the rule asks
    # about their attendance once per meeting; search must ask it once for all of them.
    office_leader = make_user("vp.phochanh", province["office"], Right.LEADER, full_name="Mai Văn Chánh")
    for n, meeting in enumerate(ppc_meetings(organiser, leader, office_leader, attendee, 0, 2)):
        add(meeting, organiser, 2 + n, 1, ())  # the second pending: its meeting's rules are asked
    login(client, office_leader)
    bound = queries(client, "/documents/search/", {"q": "đầu tư công"})
    for n, meeting in enumerate(ppc_meetings(organiser, leader, office_leader, attendee, 2, 10)):
        add(meeting, organiser, 10 + n, 1, ())
    with django_assert_max_num_queries(bound):
        response = client.get("/documents/search/", {"q": "đầu tư công"})
    assert len(response.context["hits"]) == 12
