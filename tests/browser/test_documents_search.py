"""Searching documents in a real browser, on a phone and a desktop: an attendee types a phrase
without accents, the document with the whole phrase comes first with the phrase marked, the page it
is on and that the page was read by OCR; the result opens the viewer at that page. Signs typed by
mistake only bring a message; a restricted document never shows."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import TEST_PASSWORD
from documents.models import Document, DocumentVersion
from documents.search import fold
from documents.tests.test_viewer import add_document
from meetings.tests.conftest import approved
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def with_pages(document: Document, pages: list[str], ocr_pages: list[int]) -> None:
    text = "\n".join(pages)
    DocumentVersion.objects.filter(document=document).update(text=text, page_texts=pages, ocr_pages=ocr_pages)
    Document.objects.filter(pk=document.pk).update(search_text=fold(f"{document.title} {text}"))


def test_attendee_finds_the_phrase_and_opens_its_page(ui: UI, organiser, leader, attendee) -> None:  # type: ignore[no-untyped-def]
    meeting = approved(organiser, leader, [attendee])
    letter = add_document(meeting, organiser, title="Công văn về Tết Nguyên đán", text="", pages=2)
    with_pages(letter, ["Lịch trực Tết.", "Tăng cường quản lý an toàn thực phẩm dịp Tết Nguyên đán."], [2])
    report = add_document(meeting, organiser, title="Báo cáo năm", text="", pages=1)
    with_pages(report, ["Thực phẩm sạch; an toàn giao thông; quản lý thị trường."], [])
    secret = add_document(meeting, organiser, title="An toàn thực phẩm: danh sách cơ sở vi phạm", readers=(leader,))
    page = ui.page

    ui.sign_in(attendee.username, TEST_PASSWORD)
    ui.go_via_menu("/documents/search/")
    page.get_by_role("searchbox").fill("an toan thuc pham")
    ui.click_and_wait(page.get_by_role("button", name="Tìm"))

    results = page.get_by_test_id("search-results").locator("> li")
    expect(results).to_have_count(2)  # not the restricted one
    expect(page.get_by_test_id(f"hit-{secret.pk}")).to_have_count(0)
    first = results.first
    expect(first).to_have_attribute("data-testid", f"hit-{letter.pk}")
    expect(first.get_by_test_id("why")).to_contain_text("Cụm từ ở trang 2")
    expect(first.get_by_test_id("snippet")).to_contain_text("Trang 2 (văn bản nhận dạng OCR):")
    expect(first.locator("mark")).to_have_text(["an toàn thực phẩm"])
    expect(results.nth(1).get_by_test_id("why")).to_contain_text("Các từ tìm thấy: an, toan, thuc, pham")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    ui.click_and_wait(first.get_by_role("link"))
    assert page.url.endswith(f"/documents/{letter.pk}/#page-2")

    page.goto("/documents/search/?q=" + "%22%28%2A%29%22")  # "(*)"
    expect(page.get_by_test_id("search-notices")).to_contain_text("Hãy gõ ít nhất một từ hoặc một số để tìm.")
    expect(page.get_by_test_id("search-results")).to_have_count(0)
    ui.assert_no_page_problems()
