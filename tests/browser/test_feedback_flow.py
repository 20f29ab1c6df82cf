"""Feedback ("Góp ý, phản ánh") in a real browser, on a phone and on a desktop.

An official of Sở Nội vụ on the meetings page follows the footer link "Góp ý, phản ánh": the form
knows the page it was opened from. Sent without any text it is refused, in Vietnamese, with nothing
stored; then a suggestion with a screenshot is sent. The system administrator finds it in the
inbox under "Quản trị", opens it, sees the file and the page concerned, and answers. The official
finds the answer in their list and on the item's page, whose history shows both steps.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation
from PIL import Image
from playwright.sync_api import FilePayload, expect

from accounts.models import User
from conftest import TEST_PASSWORD
from feedback.models import Category, Feedback, FeedbackFile, Status
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

TEXT = "Đề nghị cho phép lọc danh sách cuộc họp theo phòng họp."
ANSWER = "Cảm ơn đồng chí, chức năng sẽ có trong bản cập nhật tháng tới."


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAMAV_SOCKET = ""


def vi(text: object) -> str:
    with translation.override("vi"):
        return str(text)


def png() -> FilePayload:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (20, 120, 60)).save(buffer, format="PNG")
    return {"name": "man-hinh.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_a_user_sends_feedback_and_sees_the_administrator_s_answer(ui: UI, snv_member: User, sysadmin: User) -> None:
    page = ui.page

    # The official sends a suggestion from the meetings page, through the footer link.
    ui.sign_in(snv_member.username, TEST_PASSWORD)
    page.goto("/meetings/")
    ui.click_and_wait(page.get_by_test_id("footer-feedback"))
    form = page.get_by_test_id("feedback-form")
    expect(form.locator('input[name="page_address"]')).to_have_value("/meetings/")
    form.locator('select[name="category"]').select_option(Category.SUGGESTION.value)
    ui.click_and_wait(form.get_by_test_id("feedback-send"))
    expect(page.locator(".invalid-feedback")).to_contain_text("Vui lòng nhập nội dung góp ý, phản ánh.")
    assert not Feedback.objects.exists()
    form = page.get_by_test_id("feedback-form")
    form.locator('textarea[name="text"]').fill(TEXT)
    form.locator('input[name="files"]').set_input_files([png()])
    ui.click_and_wait(form.get_by_test_id("feedback-send"))
    expect(page.get_by_test_id("feedback-status")).to_have_text(vi(Status.NEW.label))
    expect(page.get_by_test_id("feedback-files")).to_contain_text("man-hinh.png")
    item = Feedback.objects.get()
    assert item.page_address == "/meetings/" and FeedbackFile.objects.filter(feedback=item).count() == 1
    ui.sign_out()

    # The system administrator answers it from the inbox.
    ui.sign_in(sysadmin.username, TEST_PASSWORD)
    ui.go_via_menu("/feedback/inbox/")
    row = page.get_by_test_id("feedback-row").first
    expect(row).to_contain_text(TEXT[:40])
    ui.click_and_wait(row.get_by_role("link"))
    expect(page.get_by_test_id("feedback-page")).to_contain_text("/meetings/")
    expect(page.get_by_test_id("feedback-files")).to_contain_text("man-hinh.png")
    answer = page.get_by_test_id("answer-form")
    answer.locator('textarea[name="text"]').fill(ANSWER)
    ui.click_and_wait(answer.get_by_test_id("answer-send"))
    expect(page.get_by_test_id("feedback-status")).to_have_text(vi(Status.ANSWERED.label))
    ui.sign_out()

    # The official sees the answer in their list and on the item's page.
    ui.sign_in(snv_member.username, TEST_PASSWORD)
    page.goto("/feedback/")
    listed = page.get_by_test_id("feedback-item").first
    expect(listed.get_by_test_id("feedback-item-status")).to_have_text(vi(Status.ANSWERED.label))
    expect(listed.get_by_test_id("feedback-item-answer")).to_contain_text(ANSWER[:40])
    ui.click_and_wait(listed.get_by_role("link").first)
    expect(page.get_by_test_id("feedback-answer")).to_contain_text(ANSWER)
    expect(page.get_by_test_id("history").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("answer-form")).to_have_count(0)
    ui.assert_no_page_problems()
