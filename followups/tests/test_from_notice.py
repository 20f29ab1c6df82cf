"""A task given from the conclusion notice's page keeps the notice as its source, and the form
starts with the notice's first concerned unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from followups.hooks import conclusion_action
from followups.models import Task
from followups.tests.conftest import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(ended, organiser, leader):  # type: ignore[no-untyped-def]
    from minutes.actions import do_approve_minutes, do_draft_notice, do_generate_minutes

    do_approve_minutes(leader, do_generate_minutes(organiser, ended))
    return do_draft_notice(organiser, ended)


def test_the_notice_is_the_tasks_source(ended, leader, notice, province) -> None:
    item = ended.agenda_items.order_by("order").first()
    request = RequestFactory().get("/")
    request.user = leader
    html = str(conclusion_action(request, ended, item, notice))
    assert f"notice={notice.pk}" in html and f"item={item.pk}" in html
    client = Client()
    client.force_login(leader)
    url = reverse("followups:create", args=[ended.pk]) + f"?item={item.pk}&notice={notice.pk}"
    page = client.get(url)
    first = notice.concerned_units.order_by("sort_order", "name").first()
    assert page.context["form"].initial.get("assignee_unit") == (first.pk if first else None)
    client.post(
        url,
        {
            "title": "Rà soát kinh phí",
            "assignee_unit": province["stc"].pk,
            "deadline": (today() + timedelta(days=3)).isoformat(),
            "item": item.pk,
            "notice": notice.pk,
        },
    )
    task = Task.objects.get()
    assert task.notice == notice and task.agenda_item == item


def test_a_notice_of_another_meeting_is_404(ended, leader, notice, organiser, attendee) -> None:
    from live.actions import room as room_actions
    from meetings.tests.conftest import approved

    other = approved(organiser, leader, [attendee], start_in=timedelta(minutes=59))
    room_actions.do_start_meeting(leader, other)
    room_actions.do_end_meeting(leader, other)
    client = Client()
    client.force_login(leader)
    assert client.get(reverse("followups:create", args=[other.pk]) + f"?notice={notice.pk}").status_code == 404
    assert client.get(reverse("followups:create", args=[ended.pk]) + "?item=987654").status_code == 404
