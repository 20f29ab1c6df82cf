"""A collection attached to a meeting (Điều 7.1: "the chair or the secretary"): its chair or
organiser creates it from the meeting page, finds it in "Quản lý biểu quyết", and the meeting page
links to it for those who may open it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.tests.conftest import approved, attendee, leader, organiser  # noqa: F401 - fixtures
from opinions import queries
from opinions.actions.collections import CollectionInput, do_create_collection
from polls.actions import QuestionInput

pytestmark = pytest.mark.django_db


def test_a_meetings_chair_creates_a_collection_and_finds_it_on_the_list_and_the_meeting_page(
    client,
    organiser,  # noqa: F811 - the fixtures imported above
    leader,  # noqa: F811
    attendee,  # noqa: F811
    stc_member,
) -> None:
    meeting = approved(organiser, leader, [attendee])
    now = timezone.now()
    collection = do_create_collection(
        leader,
        CollectionInput(
            title="Ý kiến về dự thảo kết luận cuộc họp",
            questions=[QuestionInput(text="Đồng ý với dự thảo kết luận?")],
            release_at=now + timedelta(minutes=5),
            expires_at=now + timedelta(days=1),
            people=[attendee],
        ),
        meeting=meeting,
    )
    assert collection.poll.meeting == meeting and collection.poll.unit == meeting.unit
    assert list(queries.managed_or_followed(leader)) == [collection]
    assert list(queries.managed_or_followed(organiser)) == [collection]
    client.force_login(organiser)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "meeting-opinion-link" in page and reverse("opinions:detail", args=[collection.pk]) in page
    client.force_login(attendee)  # not released yet: the attendee does not see it
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert reverse("opinions:detail", args=[collection.pk]) not in page and "meeting-opinion-link" not in page
    assert queries.managed_or_followed(stc_member).count() == 0
