"""The pages: the form (prefilled from the page it was opened from, bad input refused with nothing
stored, one item per double click), the lists, the item's page and its files (outsiders 404, the
sender asking to answer 403), the handlers' inbox and its filters, the footer link and menu entry."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from conftest import make_user
from feedback.actions import do_answer_feedback, do_set_feedback_status
from feedback.models import Category, Feedback, FeedbackFile, Status
from feedback.tests.conftest import client_for, png, send

pytestmark = pytest.mark.django_db


# --- the form ----------------------------------------------------------------------------------------


def test_the_form_takes_the_page_address_from_the_referer_of_this_site(snv_member) -> None:  # type: ignore[no-untyped-def]
    client = client_for(snv_member)
    page = client.get(reverse("feedback:create"), HTTP_REFERER="http://testserver/meetings/12/?tab=docs")
    assert page.status_code == 200
    assert 'value="/meetings/12/?tab=docs"' in page.content.decode()
    other = client.get(reverse("feedback:create"), HTTP_REFERER="https://evil.example/meetings/12/")
    assert "evil.example" not in other.content.decode()


def test_sending_through_the_form_with_a_file(snv_member, snv_admin) -> None:  # type: ignore[no-untyped-def]
    client = client_for(snv_member)
    response = client.post(
        reverse("feedback:create"),
        {
            "category": Category.INCIDENT,
            "text": "Không đăng nhập được",
            "page_address": "http://testserver/auth/login/",
            "submission_key": str(uuid.uuid4()),
            "files": [png()],
        },
    )
    item = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("feedback:detail", args=[item.pk])
    assert item.page_address == "/auth/login/" and item.category == Category.INCIDENT
    stored = FeedbackFile.objects.get()
    assert client.get(reverse("feedback:file", args=[stored.pk])).status_code == 200
    assert client_for(snv_admin).get(reverse("feedback:file", args=[stored.pk])).status_code == 200


def test_a_double_click_on_send_makes_one_item(snv_member) -> None:  # type: ignore[no-untyped-def]
    client = client_for(snv_member)
    data = {"category": Category.BUG, "text": "Lỗi", "submission_key": str(uuid.uuid4())}
    first = client.post(reverse("feedback:create"), data)
    second = client.post(reverse("feedback:create"), data)
    assert Feedback.objects.count() == 1 and first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"text": ""}, "Vui lòng"),
        ({"text": "x" * 5001}, "5000"),
        ({"category": ""}, "Vui lòng"),
        ({"page_address": "https://evil.example/x"}, "eCabinet"),
        ({"page_address": "javascript:alert(1)"}, "eCabinet"),
    ],
)
def test_bad_input_in_the_form_is_shown_and_nothing_is_stored(snv_member, values, message) -> None:  # type: ignore[no-untyped-def]
    data = {"category": Category.BUG, "text": "Lỗi trang", **values}
    page = client_for(snv_member).post(reverse("feedback:create"), data)
    assert page.status_code == 200
    assert message in page.content.decode() and "invalid-feedback" in page.content.decode()
    assert not Feedback.objects.exists()


def test_a_malformed_file_in_the_form_is_named_and_nothing_is_stored(snv_member) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("bao-cao.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    page = client_for(snv_member).post(
        reverse("feedback:create"), {"category": Category.BUG, "text": "Lỗi", "files": [fake]}
    )
    assert page.status_code == 200 and "bao-cao.pdf" in page.content.decode()
    assert not Feedback.objects.exists() and not FeedbackFile.objects.exists()


# --- who sees an item ----------------------------------------------------------------------------------


def test_the_sender_and_the_handlers_open_the_item(snv_member, snv_admin, sysadmin, incident) -> None:  # type: ignore[no-untyped-def]
    for user in (snv_member, snv_admin, sysadmin):
        assert client_for(user).get(reverse("feedback:detail", args=[incident.pk])).status_code == 200


def test_outsiders_get_404(province, stc_admin, stc_member, snv_admin, incident, suggestion) -> None:  # type: ignore[no-untyped-def]
    colleague = make_user("snv.dongnghiep", province["snv"])
    guest = make_user("khach.dn", province["snv"], is_external=True)
    file_id = FeedbackFile.objects.get(feedback=incident).pk
    for user in (stc_admin, stc_member, colleague, guest):
        client = client_for(user)
        assert client.get(reverse("feedback:detail", args=[incident.pk])).status_code == 404
        assert client.get(reverse("feedback:file", args=[file_id])).status_code == 404
        assert client.post(reverse("feedback:answer", args=[incident.pk]), {"text": "x"}).status_code == 404
        assert client.post(reverse("feedback:status", args=[incident.pk]), {"status": "closed"}).status_code == 404
    # A suggestion is the system administrators': the sender's unit administrator is an outsider.
    assert client_for(snv_admin).get(reverse("feedback:detail", args=[suggestion.pk])).status_code == 404


def test_a_malformed_or_unknown_id_is_404(snv_member) -> None:  # type: ignore[no-untyped-def]
    client = client_for(snv_member)
    assert client.get("/feedback/999999/").status_code == 404
    assert client.get("/feedback/99999999999999999999/").status_code == 404


def test_the_sender_asking_to_answer_or_change_the_status_gets_403(snv_member, incident) -> None:  # type: ignore[no-untyped-def]
    client = client_for(snv_member)
    assert client.post(reverse("feedback:answer", args=[incident.pk]), {"text": "Tự trả lời"}).status_code == 403
    assert client.post(reverse("feedback:status", args=[incident.pk]), {"status": "closed"}).status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.NEW and not incident.answers.exists()


def test_the_page_address_is_shown_as_a_link_of_this_site_only(snv_member, sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    page = client_for(sysadmin).get(reverse("feedback:detail", args=[suggestion.pk])).content.decode()
    assert '<a href="/calendar/"' in page
    # Stored before any check (an old row, a direct database edit): shown as text, never as a link.
    Feedback.objects.filter(pk=suggestion.pk).update(page_address="javascript:alert(1)", text="<script>x</script>")
    page = client_for(sysadmin).get(reverse("feedback:detail", args=[suggestion.pk])).content.decode()
    assert 'href="javascript' not in page and "<script>x</script>" not in page and "&lt;script&gt;" in page


# --- answering through the page ---------------------------------------------------------------------


def test_the_handler_answers_and_the_sender_sees_the_answer(snv_member, sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    response = client_for(sysadmin).post(
        reverse("feedback:answer", args=[suggestion.pk]),
        {"text": "Đã ghi nhận", "then": Status.ANSWERED, "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    mine = client_for(snv_member).get(reverse("feedback:mine")).content.decode()
    assert "Đã ghi nhận" in mine
    detail = client_for(snv_member).get(reverse("feedback:detail", args=[suggestion.pk])).content.decode()
    assert "Đã ghi nhận" in detail and 'data-testid="answer-form"' not in detail


def test_answering_a_closed_item_through_the_page_is_refused(sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    do_set_feedback_status(sysadmin, suggestion, Status.CLOSED)
    page = client_for(sysadmin).post(
        reverse("feedback:answer", args=[suggestion.pk]), {"text": "Muộn", "then": Status.ANSWERED}, follow=True
    )
    assert "mở lại" in page.content.decode()
    assert not suggestion.answers.exists()


def test_a_status_change_through_the_page(sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    client_for(sysadmin).post(reverse("feedback:status", args=[suggestion.pk]), {"status": Status.IN_PROGRESS})
    suggestion.refresh_from_db()
    assert suggestion.status == Status.IN_PROGRESS
    page = client_for(sysadmin).post(reverse("feedback:status", args=[suggestion.pk]), {"status": "bogus"}, follow=True)
    suggestion.refresh_from_db()
    assert suggestion.status == Status.IN_PROGRESS and "alert-danger" in page.content.decode()


# --- lists -----------------------------------------------------------------------------------------------


def test_my_list_holds_only_my_items(snv_member, stc_member, suggestion) -> None:  # type: ignore[no-untyped-def]
    assert "Đề nghị in lịch họp tuần" in client_for(snv_member).get(reverse("feedback:mine")).content.decode()
    assert "Đề nghị in lịch họp tuần" not in client_for(stc_member).get(reverse("feedback:mine")).content.decode()


def test_the_inbox_is_for_administrators_each_with_their_scope(
    snv_member, stc_member, snv_admin, stc_admin, sysadmin, incident, suggestion
) -> None:  # type: ignore[no-untyped-def]
    other = send(stc_member, Category.INCIDENT, "Sự cố của Sở Tài chính")
    assert client_for(snv_member).get(reverse("feedback:inbox")).status_code == 404
    snv_page = client_for(snv_admin).get(reverse("feedback:inbox")).content.decode()
    assert incident.text in snv_page and suggestion.text not in snv_page and other.text not in snv_page
    stc_page = client_for(stc_admin).get(reverse("feedback:inbox")).content.decode()
    assert other.text in stc_page and incident.text not in stc_page
    all_page = client_for(sysadmin).get(reverse("feedback:inbox")).content.decode()
    assert all(t in all_page for t in (incident.text, suggestion.text, other.text))


def test_the_inbox_filters_by_status_and_category(sysadmin, snv_member, incident, suggestion) -> None:  # type: ignore[no-untyped-def]
    do_answer_feedback(sysadmin, suggestion, "Đã ghi nhận", then=Status.CLOSED)
    client = client_for(sysadmin)
    by_category = client.get(reverse("feedback:inbox"), {"category": Category.INCIDENT}).content.decode()
    assert incident.text in by_category and suggestion.text not in by_category
    open_items = client.get(reverse("feedback:inbox"), {"status": "open"}).content.decode()
    assert incident.text in open_items and suggestion.text not in open_items
    closed = client.get(reverse("feedback:inbox"), {"status": Status.CLOSED}).content.decode()
    assert suggestion.text in closed and incident.text not in closed
    # An unknown filter value is ignored, not an error.
    assert client.get(reverse("feedback:inbox"), {"status": "x", "category": "y"}).status_code == 200


def test_the_htmx_filter_returns_only_the_table(sysadmin, incident) -> None:  # type: ignore[no-untyped-def]
    page = client_for(sysadmin).get(reverse("feedback:inbox"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="feedback-row"' in page and "<html" not in page


def test_the_inbox_needs_few_queries(sysadmin, snv_member, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(8):
        send(snv_member, Category.BUG, f"Lỗi số {n}", files=[png(f"{n}.png")])
    client = client_for(sysadmin)
    with django_assert_max_num_queries(12):
        client.get(reverse("feedback:inbox"))


# --- footer, menu, home ------------------------------------------------------------------------------------


def test_every_user_has_the_footer_link_and_admins_the_inbox_entry(snv_member, snv_admin) -> None:  # type: ignore[no-untyped-def]
    page = client_for(snv_member).get(reverse("home")).content.decode()
    assert 'data-testid="footer-feedback"' in page and reverse("feedback:inbox") not in page
    admin_page = client_for(snv_admin).get(reverse("home")).content.decode()
    assert reverse("feedback:inbox") in admin_page


def test_the_home_panel_shows_the_handler_what_waits(snv_admin, snv_member, incident) -> None:  # type: ignore[no-untyped-def]
    page = client_for(snv_admin).get(reverse("home")).content.decode()
    assert 'data-testid="home-feedback"' in page and incident.text in page
    assert 'data-testid="home-feedback"' not in client_for(snv_member).get(reverse("home")).content.decode()
