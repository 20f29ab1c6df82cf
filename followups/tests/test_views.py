"""The pages: who sees what (outsiders 404, a wrong role 403), each step through its form, bad
input refused with nothing changed, the lists' filters and the new-task form from a conclusion."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from followups.actions.progress import do_report_progress
from followups.actions.tasks import do_accept_task
from followups.models import ProgressFile, ProgressReport, Task, TaskStatus
from followups.tests.conftest import today

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def png_bytes(size: int = 40) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


# --- who sees a task -----------------------------------------------------------------------------


def test_the_people_of_a_task_open_its_page(task, leader, organiser, stc_leader, overseer, stc_admin) -> None:
    for user in (leader, organiser, stc_leader, overseer, stc_admin):
        assert client_for(user).get(reverse("followups:detail", args=[task.pk])).status_code == 200, user


def test_outsiders_get_404(task, outsider, attendee, stc_official) -> None:
    """Another unit's official, the meeting's attendee with no part in the task, and an official of
    the assignee unit who is not in charge of it."""
    for user in (outsider, attendee, stc_official):
        client = client_for(user)
        assert client.get(reverse("followups:detail", args=[task.pk])).status_code == 404, user
        assert client.post(reverse("followups:accept", args=[task.pk])).status_code == 404, user
        assert client.post(reverse("followups:confirm", args=[task.pk])).status_code == 404, user


def test_a_person_put_in_charge_sees_the_task(task, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    assert client_for(stc_official).get(reverse("followups:detail", args=[task.pk])).status_code == 200


def test_a_wrong_role_gets_403_on_a_step_it_may_not_take(task, leader, stc_leader) -> None:
    assert client_for(leader).post(reverse("followups:accept", args=[task.pk])).status_code == 403
    assert client_for(stc_leader).post(reverse("followups:confirm", args=[task.pk])).status_code == 403
    assert client_for(stc_leader).post(reverse("followups:cancel", args=[task.pk])).status_code == 403


def test_a_malformed_or_unknown_id_is_404(task, leader) -> None:
    client = client_for(leader)
    assert client.get(f"/followups/{task.pk + 1000}/").status_code == 404
    assert client.get("/followups/99999999999999999999/").status_code == 404
    assert client.get("/followups/files/424242/").status_code == 404


def test_the_unit_page_is_for_who_answers_for_it(task, province, stc_leader, stc_admin, stc_official, outsider) -> None:
    url = reverse("followups:unit", args=[province["stc"].pk])
    assert client_for(stc_leader).get(url).status_code == 200
    assert client_for(stc_admin).get(url).status_code == 200
    assert client_for(stc_official).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_the_every_unit_page_is_the_ppc_offices(task, overseer, leader, outsider) -> None:
    url = reverse("followups:all")
    page = client_for(overseer).get(url)
    assert page.status_code == 200 and task.title in page.content.decode()
    assert client_for(leader).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_my_list_holds_nothing_of_others(task, outsider) -> None:
    page = client_for(outsider).get(reverse("followups:mine"))
    assert page.status_code == 200 and task.title not in page.content.decode()


# --- creating --------------------------------------------------------------------------------------


def test_the_form_from_a_conclusion_is_prefilled(ended, leader) -> None:
    item = ended.agenda_items.order_by("order").first()
    page = client_for(leader).get(reverse("followups:create", args=[ended.pk]) + f"?item={item.pk}")
    assert page.status_code == 200
    assert "Giao Sở Tài chính rà soát kinh phí số hóa hồ sơ." in page.content.decode()


def test_an_attendee_may_not_open_the_form(ended, attendee, outsider) -> None:
    url = reverse("followups:create", args=[ended.pk])
    assert client_for(attendee).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_creating_through_the_form_twice_makes_one_task(ended, leader, province) -> None:
    key = str(uuid.uuid4())
    data = {
        "title": "Báo cáo kinh phí",
        "assignee_unit": province["stc"].pk,
        "deadline": (today() + timedelta(days=5)).isoformat(),
        "submission_key": key,
    }
    client = client_for(leader)
    first = client.post(reverse("followups:create", args=[ended.pk]), data)
    second = client.post(reverse("followups:create", args=[ended.pk]), data)
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Task.objects.count() == 1


def test_a_past_deadline_in_the_form_is_refused_and_nothing_is_created(ended, leader, province) -> None:
    page = client_for(leader).post(
        reverse("followups:create", args=[ended.pk]),
        {"title": "Việc", "assignee_unit": province["stc"].pk, "deadline": (today() - timedelta(days=2)).isoformat()},
    )
    assert page.status_code == 200
    assert "Hạn xử lý không được ở trong quá khứ." in page.content.decode()
    assert not Task.objects.exists()


# --- steps through the pages ------------------------------------------------------------------------


def test_progress_with_a_checked_file_and_its_download(task, stc_leader, stc_official, outsider) -> None:
    do_accept_task(stc_leader, task, stc_official)
    client = client_for(stc_official)
    response = client.post(
        reverse("followups:progress", args=[task.pk]),
        {"text": "Đã rà soát", "percent": "35", "files": [upload("bang.png", png_bytes(), "image/png")]},
    )
    assert response.status_code == 302
    stored = ProgressFile.objects.get()
    assert stored.file_type == "png"
    assert client.get(reverse("followups:file", args=[stored.pk])).status_code == 200
    assert client_for(outsider).get(reverse("followups:file", args=[stored.pk])).status_code == 404


def test_a_malformed_file_refuses_the_report(task, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    response = client_for(stc_official).post(
        reverse("followups:progress", args=[task.pk]),
        {
            "text": "Đã rà soát",
            "percent": "35",
            "files": [upload("bao-cao.pdf", b"not a pdf at all", "application/pdf")],
        },
        follow=True,
    )
    assert "bao-cao.pdf" in response.content.decode()
    task.refresh_from_db()
    assert task.progress == 0 and not ProgressReport.objects.exists() and not ProgressFile.objects.exists()


def test_an_oversized_file_refuses_the_report(task, stc_leader, stc_official, settings) -> None:
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    do_accept_task(stc_leader, task, stc_official)
    client_for(stc_official).post(
        reverse("followups:progress", args=[task.pk]),
        {"text": "Đã rà soát", "percent": "35", "files": [upload("lon.png", png_bytes(200), "image/png")]},
    )
    assert not ProgressReport.objects.exists()


def test_a_percentage_over_100_through_the_page_changes_nothing(task, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    response = client_for(stc_official).post(
        reverse("followups:progress", args=[task.pk]), {"text": "Xong", "percent": "150"}, follow=True
    )
    assert "từ 0 đến 100" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_the_whole_flow_through_the_pages(task, leader, stc_leader, stc_official) -> None:
    assert (
        client_for(stc_leader)
        .post(reverse("followups:accept", args=[task.pk]), {"person": stc_official.pk})
        .status_code
        == 302
    )
    official = client_for(stc_official)
    official.post(reverse("followups:progress", args=[task.pk]), {"text": "Một nửa", "percent": "50"})
    official.post(reverse("followups:complete", args=[task.pk]), {"note": "Đã xong"})
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETION_REQUESTED
    client_for(leader).post(reverse("followups:confirm", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    page = client_for(leader).get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert page.count("<li>") >= 4  # the history


def test_extension_through_the_pages(task, leader, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    new = task.deadline + timedelta(days=5)
    client_for(stc_official).post(
        reverse("followups:extension", args=[task.pk]), {"new_deadline": new.isoformat(), "reason": "Chờ số liệu"}
    )
    extension = task.extensions.get()
    client_for(leader).post(
        reverse("followups:decide_extension", args=[task.pk]), {"extension": extension.pk, "decision": "approve"}
    )
    task.refresh_from_db()
    assert task.deadline == new


# --- lists ----------------------------------------------------------------------------------------


def test_overdue_tasks_are_highlighted_and_filtered(task, overseer, stc_leader) -> None:
    Task.objects.filter(pk=task.pk).update(deadline=today() - timedelta(days=2))
    client = client_for(overseer)
    page = client.get(reverse("followups:all")).content.decode()
    assert 'data-testid="followup-overdue"' in page and "table-danger" in page
    assert task.title in client.get(reverse("followups:all"), {"status": "overdue"}).content.decode()
    assert task.title not in client.get(reverse("followups:all"), {"status": "done"}).content.decode()


def test_filters_by_deadline_range_meeting_and_unit(task, overseer, province) -> None:
    client = client_for(overseer)
    url = reverse("followups:all")
    d = task.deadline
    assert (
        task.title in client.get(url, {"deadline_from": d.isoformat(), "deadline_to": d.isoformat()}).content.decode()
    )
    assert task.title not in client.get(url, {"deadline_from": (d + timedelta(days=1)).isoformat()}).content.decode()
    assert task.title in client.get(url, {"meeting": task.meeting_id}).content.decode()
    assert task.title not in client.get(url, {"unit": province["snv"].pk}).content.decode()
    assert client.get(url, {"deadline_from": "khong-phai-ngay", "meeting": "x"}).status_code == 200


def test_the_htmx_filter_returns_only_the_table(task, overseer) -> None:
    page = client_for(overseer).get(reverse("followups:all"), {"status": "new"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert task.title in body and "<html" not in body


def test_the_list_page_needs_few_queries(
    task, ended, leader, province, overseer, django_assert_max_num_queries
) -> None:
    from followups.actions.tasks import do_create_task
    from followups.tests.conftest import task_input

    for n in range(8):
        do_create_task(leader, ended, task_input(province["stc"], title=f"Việc {n}"))
    client = client_for(overseer)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("followups:all")).status_code == 200


# --- the meeting page, the minutes' conclusions and the home page ----------------------------------


def test_the_meeting_page_lists_its_tasks_and_offers_to_assign(task, ended, leader, attendee) -> None:
    page = client_for(leader).get(reverse("meetings:detail", args=[ended.pk])).content.decode()
    assert 'data-testid="meeting-assign-task"' in page and task.title in page
    page = client_for(attendee).get(reverse("meetings:detail", args=[ended.pk])).content.decode()
    assert 'data-testid="meeting-assign-task"' not in page and task.title not in page


def test_the_conclusion_action_offers_assigning_to_the_chair_only(ended, leader, attendee) -> None:
    from django.test import RequestFactory

    from followups.hooks import conclusion_action

    item = ended.agenda_items.order_by("order").first()
    request = RequestFactory().get("/")
    request.user = leader
    html = conclusion_action(request, ended, item, None)
    assert 'data-testid="conclusion-assign"' in html and f"item={item.pk}" in html
    request.user = attendee
    assert conclusion_action(request, ended, item, None) == ""


def test_the_home_panel_shows_the_task_to_accept(task, stc_leader, outsider) -> None:
    assert 'data-testid="home-followups"' in client_for(stc_leader).get("/").content.decode()
    assert 'data-testid="home-followups"' not in client_for(outsider).get("/").content.decode()


def test_a_report_written_by_the_actions_appears_on_the_page(task, leader, stc_leader, stc_official) -> None:
    do_accept_task(stc_leader, task, stc_official)
    do_report_progress(stc_official, task, text="Đã đối chiếu với Kho bạc", percent=45)
    page = client_for(leader).get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert "Đã đối chiếu với Kho bạc" in page and "45%" in page
