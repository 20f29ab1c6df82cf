"""The pages of "Quản lý biểu quyết" and "Lấy ý kiến": create through the form, answer, results,
receipt; 404 for outsiders and 403 for people who may see but not manage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Right
from conftest import make_user
from opinions.models import Collection, LogEntry
from polls.models import Participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(province):  # type: ignore[no-untyped-def]
    creator = make_user("snv.tonghop", province["snv"], Right.OPINION_COLLECTOR, full_name="Lê Văn Tổng")
    voter = make_user("snv.canbo1", province["snv"], full_name="Phan Thị Một", position="Chuyên viên")
    receiver = make_user("stc.vanthu", province["stc"], full_name="Đào Văn Thư")
    province["stc"].document_receiver = receiver
    province["stc"].save(update_fields=["document_receiver"])
    follower = make_user("snv.theodoi", province["snv"], full_name="Vũ Theo Dõi")
    outsider = make_user("stc.khac", province["stc"], full_name="Tạ Người Ngoài")
    return {"creator": creator, "voter": voter, "receiver": receiver, "follower": follower, "outsider": outsider}


def form_data(people: dict[str, Any], province: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data = {
        "title": "Lấy ý kiến dự thảo Quy chế làm việc",
        "description": "Xin ý kiến các đơn vị.",
        "release_at": (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "expires_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "notify_email": "on",
        "people": [people["voter"].pk],
        "units": [province["stc"].pk],
        "followers": [people["follower"].pk],
        "question_1": "Đồng ý thông qua dự thảo?",
        "question_2": "Đồng ý áp dụng từ 01/01/2027?",
        "other_2": "on",
    }
    data.update(overrides)
    return data


def created(client: Any, people: dict[str, Any], province: dict[str, Any]) -> Collection:
    client.force_login(people["creator"])
    response = client.post(reverse("opinions:create"), form_data(people, province))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Collection.objects.get()


def released(collection: Collection) -> Any:
    """Move the clock past the release (the pages decide by time)."""
    later = collection.release_at + timedelta(minutes=1)
    return mock.patch("django.utils.timezone.now", return_value=later)


def test_the_form_creates_a_collection_with_two_questions_a_unit_and_a_person(client, people, province) -> None:
    collection = created(client, people, province)
    assert [q.text for q in collection.poll.questions.order_by("order")] == [
        "Đồng ý thông qua dự thảo?",
        "Đồng ý áp dụng từ 01/01/2027?",
    ]
    assert [o.code for o in collection.poll.questions.order_by("order")[1].options.order_by("order")] == [
        "agree",
        "disagree",
        "other",
    ]
    assert collection.people.get().user == people["voter"] and collection.units.get().unit == province["stc"]


def test_a_secret_collection_with_signatures_is_refused_on_the_form_and_nothing_is_created(
    client, people, province
) -> None:
    client.force_login(people["creator"])
    response = client.post(
        reverse("opinions:create"), form_data(people, province, is_secret="on", requires_signature="on")
    )
    page = response.content.decode()
    assert response.status_code == 200 and "form-errors" in page and "không thể yêu cầu ký số" in page
    assert not Collection.objects.exists()


def test_a_plain_official_cannot_open_the_creation_form(client, people) -> None:
    client.force_login(people["voter"])
    assert client.get(reverse("opinions:create")).status_code == 403


def test_before_release_voters_get_404_and_the_creator_sees_it(client, people, province) -> None:
    collection = created(client, people, province)
    url = reverse("opinions:detail", args=[collection.pk])
    assert client.get(url).status_code == 200
    client.force_login(people["voter"])
    assert client.get(url).status_code == 404


def test_voter_answers_through_the_page_and_gets_a_receipt_that_checks(client, people, province) -> None:
    collection = created(client, people, province)
    questions = list(collection.poll.questions.order_by("order"))
    agree = questions[0].options.get(code="agree")
    other = questions[1].options.get(code="other")
    client.force_login(people["voter"])
    with released(collection):
        page = client.get(reverse("opinions:detail", args=[collection.pk]))
        assert page.status_code == 200 and "opinion-answer-form" in page.content.decode()
        response = client.post(
            reverse("opinions:answer", args=[collection.pk]),
            {
                f"option_{questions[0].pk}": agree.pk,
                f"option_{questions[1].pk}": other.pk,
                f"other_{questions[1].pk}": "Đề nghị áp dụng từ 01/7/2027.",
            },
        )
        assert response.status_code == 302
        page = client.get(reverse("opinions:detail", args=[collection.pk])).content.decode()
        assert "opinion-receipt" in page
        entry = LogEntry.objects.filter(collection=collection, action="answered").get()
        check = client.get(reverse("opinions:receipt", args=[collection.pk]), {"seq": entry.seq, "hash": entry.hash})
        assert "receipt-result" in check.content.decode() and "alert-success" in check.content.decode()
    assert Participation.objects.filter(poll=collection.poll, voter=people["voter"]).count() == 1


def test_the_unit_receiver_answers_for_the_unit_on_the_page(client, people, province) -> None:
    collection = created(client, people, province)
    questions = list(collection.poll.questions.order_by("order"))
    client.force_login(people["receiver"])
    with released(collection):
        response = client.post(
            reverse("opinions:answer", args=[collection.pk]),
            {"unit": province["stc"].pk, **{f"option_{q.pk}": q.options.get(code="disagree").pk for q in questions}},
        )
    assert response.status_code == 302
    assert Participation.objects.get(poll=collection.poll).unit == province["stc"]


def test_results_and_excel_for_followers_404_for_outsiders_403_for_voters(client, people, province) -> None:
    collection = created(client, people, province)
    results = reverse("opinions:results", args=[collection.pk])
    client.force_login(people["follower"])
    assert client.get(results).status_code == 200
    export = client.get(reverse("opinions:export", args=[collection.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(people["outsider"])
    assert client.get(results).status_code == 404
    assert client.get(reverse("opinions:detail", args=[collection.pk])).status_code == 404
    client.force_login(people["voter"])
    with released(collection):
        assert client.get(results).status_code == 403
        assert client.post(reverse("opinions:extend", args=[collection.pk]), {}).status_code == 403


def test_after_expiry_the_page_shows_implied_agreement_without_a_worker(client, people, province) -> None:
    client.force_login(people["creator"])
    soon = (timezone.localtime() + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(reverse("opinions:create"), form_data(people, province, expires_at=soon)).status_code == 302
    collection = Collection.objects.get()
    assert collection.poll.closes_at is not None
    after = collection.poll.closes_at + timedelta(minutes=1)
    client.force_login(people["creator"])
    with mock.patch("django.utils.timezone.now", return_value=after):
        page = client.get(reverse("opinions:results", args=[collection.pk])).content.decode()
    collection.refresh_from_db()
    assert collection.final_hash and collection.final_hash in page
    assert 'data-testid="agree-implied">2<' in page
