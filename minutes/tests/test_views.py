"""The pages: readers see the minutes, outsiders get 404, a reader without the right gets 403;
the editor stores sanitised HTML; the diff highlights changes; downloads; the notice's pages and a
unit's list; the hook of the apps above next to each conclusion."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import format_html
from docx import Document

from conftest import make_user
from minutes import hooks
from minutes.actions import do_approve_minutes, do_approve_notice, do_issue_notice, do_save_minutes
from minutes.models import MinutesStatus

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def url(name: str, meeting) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"minutes:{name}", args=[meeting.pk])


def test_readers_see_the_minutes(minutes, leader, secretary, substitute, ppc_leader) -> None:
    do_save_minutes(secretary, minutes, "<p>Hai</p>")
    do_approve_minutes(leader, minutes)
    for user in (leader, secretary, substitute, ppc_leader):
        response = client_for(user).get(url("detail", minutes.meeting))
        assert response.status_code == 200, user
        assert "Biên bản" in response.content.decode() or "BIÊN BẢN" in response.content.decode()
    page = client_for(leader).get(url("detail", minutes.meeting)).content.decode()
    assert 'data-testid="minutes-approve"' not in page and 'data-testid="minutes-edit"' not in page  # approved


def test_only_the_chair_is_offered_the_approval(minutes, leader, secretary) -> None:
    page = client_for(secretary).get(url("detail", minutes.meeting)).content.decode()
    assert 'data-testid="minutes-edit"' in page and 'data-testid="minutes-approve"' not in page
    page = client_for(leader).get(url("detail", minutes.meeting)).content.decode()
    assert 'data-testid="minutes-approve"' in page and 'data-testid="minutes-edit"' not in page


def test_outsiders_get_404_everywhere(minutes, outsider, secretary, leader) -> None:
    do_save_minutes(secretary, minutes, "<p>Hai</p>")
    client = client_for(outsider)
    for name in ("detail", "edit", "diff", "docx", "pdf", "notice", "notice_edit"):
        assert client.get(url(name, minutes.meeting)).status_code == 404, name
    for name in ("generate", "approve", "notice_draft", "notice_approve", "notice_issue"):
        assert client.post(url(name, minutes.meeting)).status_code == 404, name
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT


def test_a_reader_without_the_right_gets_403(minutes, substitute, leader) -> None:
    assert client_for(substitute).get(url("edit", minutes.meeting)).status_code == 403
    assert client_for(substitute).post(url("approve", minutes.meeting)).status_code == 403
    assert client_for(leader).get(url("edit", minutes.meeting)).status_code == 403


def test_minutes_of_a_meeting_not_ended_are_404(planned, organiser) -> None:
    assert client_for(organiser).get(url("detail", planned)).status_code == 404


def test_the_editor_stores_sanitised_html(minutes, secretary) -> None:
    client = client_for(secretary)
    page = client.get(url("edit", minutes.meeting)).content.decode()
    assert 'contenteditable="true"' in page and "minutes/editor.js" in page
    response = client.post(
        url("edit", minutes.meeting),
        {"body": "<h2>Mục</h2><p onclick='x'>Đoạn<script>alert(1)</script></p>", "base_version": 1, "reason": ""},
    )
    assert response.status_code == 302
    body = minutes.current_version.body
    assert body == "<h2>Mục</h2><p>Đoạn</p>"


def test_an_empty_body_shows_the_error_and_stores_nothing(minutes, secretary) -> None:
    response = client_for(secretary).post(url("edit", minutes.meeting), {"body": "<p> </p>", "base_version": 1})
    assert response.status_code == 200
    assert "Nội dung trống" in response.content.decode()
    assert minutes.versions.count() == 1


def test_a_correction_without_a_reason_shows_the_error(minutes, secretary, leader) -> None:
    do_save_minutes(secretary, minutes, "<p>Hai</p>")
    do_approve_minutes(leader, minutes)
    response = client_for(secretary).post(url("edit", minutes.meeting), {"body": "<p>Ba</p>", "base_version": 2})
    assert response.status_code == 200
    assert "lý do" in response.content.decode()
    assert minutes.versions.count() == 2


def test_approval_through_the_page_and_a_double_approval(minutes, leader) -> None:
    client = client_for(leader)
    assert client.post(url("approve", minutes.meeting), {"version": 1}).status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED
    response = client.post(url("approve", minutes.meeting), {"version": 1}, follow=True)
    assert "đã được phê duyệt" in response.content.decode()


def test_the_diff_highlights_what_changed(minutes, secretary, leader) -> None:
    old = minutes.current_version.body
    do_save_minutes(secretary, minutes, old.replace("Hội trường Sở Nội vụ", "Phòng họp số 5"))
    response = client_for(leader).get(url("diff", minutes.meeting) + "?a=1&b=2")
    assert response.status_code == 200
    page = response.content.decode()
    dels = re.findall(r"<del>(.*?)</del>", page)
    inss = re.findall(r"<ins>(.*?)</ins>", page)
    assert any("Hội trường" in d for d in dels) and any("Phòng họp số 5" in i for i in inss)
    assert len(dels) == 1 and len(inss) == 1  # nothing else is marked


def test_the_docx_download(minutes, substitute, leader) -> None:
    do_approve_minutes(leader, minutes)
    response = client_for(substitute).get(url("docx", minutes.meeting))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "BIÊN BẢN" in text


def test_the_conclusion_hook_renders_next_to_each_conclusion(minutes, secretary, leader) -> None:
    seen = []

    def action(request, meeting, item, notice):  # type: ignore[no-untyped-def]
        seen.append((meeting.pk, item.pk if item else None, notice))
        return format_html('<a class="assign" href="#{}">Giao việc</a>', item.pk)

    def broken(request, meeting, item, notice):  # type: ignore[no-untyped-def]
        raise RuntimeError("broken plug-in")

    hooks.register_conclusion_action(action)
    hooks.register_conclusion_action(broken)
    try:
        page = client_for(leader).get(url("detail", minutes.meeting)).content.decode()
    finally:
        hooks.forget_conclusion_action(action)
        hooks.forget_conclusion_action(broken)
    assert page.count('class="assign"') == 2
    assert len(seen) == 2 and all(notice is None for _m, _i, notice in seen)


def test_the_notice_pages_and_the_units_list(minutes, secretary, leader, outsider, province, stc_receiver) -> None:
    do_save_minutes(secretary, minutes, "<p>Hai</p>")
    do_approve_minutes(leader, minutes)
    client = client_for(secretary)
    assert client.post(url("notice_draft", minutes.meeting)).status_code == 302
    notice = minutes.meeting.conclusion_notice
    response = client.post(
        url("notice_edit", minutes.meeting),
        {
            "body": notice.current_version.body,
            "base_version": 1,
            "concerned_units": [province["snv"].pk, province["stc"].pk],
        },
    )
    assert response.status_code == 302
    # Before it is issued, Sở Tài chính's receiver does not see it.
    assert client_for(stc_receiver).get(url("notice", minutes.meeting)).status_code == 404
    do_approve_notice(leader, notice)
    do_issue_notice(secretary, notice)
    assert client_for(stc_receiver).get(url("notice", minutes.meeting)).status_code == 200
    listing = client_for(stc_receiver).get(reverse("minutes:unit_notices")).content.decode()
    assert minutes.meeting.title in listing and "1/TB-SNV" in listing
    office_user = make_user("vp.canbo", province["office"], full_name="Vũ Văn Khoa")  # a unit it was not sent to
    assert minutes.meeting.title not in client_for(office_user).get(reverse("minutes:unit_notices")).content.decode()
    assert client_for(office_user).get(url("notice", minutes.meeting)).status_code == 404
    # Sở Tài chính's people read the notice but not the minutes.
    assert client_for(stc_receiver).get(url("detail", minutes.meeting)).status_code == 404
    assert client_for(stc_receiver).get(url("notice_docx", minutes.meeting)).status_code == 200
    # An issued notice is not edited any more.
    assert client.get(url("notice_edit", minutes.meeting)).status_code == 302


def test_the_meeting_page_links_to_the_minutes(minutes, substitute, outsider) -> None:
    page = client_for(substitute).get(reverse("meetings:detail", args=[minutes.meeting_id])).content.decode()
    assert url("detail", minutes.meeting) in page


def test_attendees_read_the_minutes_only_once_approved(minutes, secretary, leader, substitute, ppc_leader) -> None:
    """The draft quotes the recording's transcript (Điều 6.4a): before approval it is for the
    editors, the chair and those who may hear the recording."""
    attendee_client = client_for(substitute)
    page = attendee_client.get(url("detail", minutes.meeting)).content.decode()
    assert 'data-testid="minutes-pending"' in page and "Lời phát biểu số 1" not in page
    assert attendee_client.get(url("docx", minutes.meeting)).status_code == 404
    assert attendee_client.get(url("diff", minutes.meeting)).status_code == 403
    for user in (secretary, leader, ppc_leader):
        assert "Lời phát biểu số 1" in client_for(user).get(url("detail", minutes.meeting)).content.decode()
    do_approve_minutes(leader, minutes)
    page = attendee_client.get(url("detail", minutes.meeting)).content.decode()
    assert "Lời phát biểu số 1" in page and 'data-testid="versions"' not in page
    assert attendee_client.get(url("docx", minutes.meeting)).status_code == 200
    # A correction in progress is not shown to them until the chair approves it again.
    do_save_minutes(secretary, minutes, "<p>Bản sửa</p>", reason="Sửa lỗi chính tả")
    page = attendee_client.get(url("detail", minutes.meeting)).content.decode()
    assert 'data-testid="minutes-pending"' in page and "Bản sửa" not in page
