"""Uploading meeting documents in a real browser (static/js/document-upload.js), on a phone and a
desktop: several files at once with a progress bar each, a chunk lost on the way and resumed, a
password-protected PDF refused with its message; then the chair approves from the meeting page
and the attendee sees the document. And: one readable title per chosen file, the approver's
"approve all" in the queue, and the lists with the first pages' thumbnails.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pypdf
import pytest
from django.utils import translation
from playwright.sync_api import FilePayload, Route, expect

from conftest import TEST_PASSWORD
from documents import upload
from documents.models import ApprovalStatus, Document, Upload
from documents.tests.conftest import docx_bytes, pdf_bytes
from meetings.tests.conftest import approved
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _small_chunks(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.CLAMAV_SOCKET = ""
    # Several chunks per file, so the resume path runs (the live server shares this process).
    monkeypatch.setattr(upload, "CLIENT_CHUNK_BYTES", 8 * 1024)


def encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes(1))))
    writer.encrypt("matkhau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_upload_resume_refusal_and_approval(ui: UI, organiser, leader, attendee) -> None:  # type: ignore[no-untyped-def]
    meeting = approved(organiser, leader, [attendee])
    page = ui.page
    report = docx_bytes(6)
    assert len(report) > 3 * 8 * 1024

    dropped: list[str] = []

    def drop_second_chunk_once(route: Route) -> None:
        request = route.request
        content_range = request.headers.get("content-range", "")
        if request.method == "PUT" and content_range.startswith("bytes 8192-") and not dropped:
            dropped.append(content_range)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/documents/uploads/**", drop_second_chunk_once)

    ui.sign_in(organiser.username, TEST_PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/")
    form = page.get_by_test_id("upload-form")
    form.get_by_test_id("file-input").set_input_files(
        [
            FilePayload(name="Báo cáo tổng kết.docx", mimeType="application/octet-stream", buffer=report),
            FilePayload(name="Có mật khẩu.pdf", mimeType="application/pdf", buffer=encrypted_pdf()),
        ]
    )
    rows = form.get_by_test_id("upload-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("input")).to_have_value("Báo cáo tổng kết")
    rows.nth(0).locator("input").fill("Báo cáo tổng kết năm 2026")
    ui.press(form.get_by_test_id("upload-submit"))

    expect(rows.nth(0).locator(".progress-bar.bg-success")).to_be_visible(timeout=30_000)
    with translation.override("vi"):
        refusal = translation.gettext("This PDF is password-protected. Remove the password and upload it again.")
    expect(rows.nth(1).locator(".text-danger")).to_have_text(refusal)
    assert dropped, "the second chunk was never sent"

    document = Document.objects.get()
    assert document.title == "Báo cáo tổng kết năm 2026"
    assert document.current_version is not None
    assert document.current_version.file.read() == report
    assert not Upload.objects.exists()
    # The list refreshed without a reload and shows the document waiting for approval.
    row = page.locator(f'[data-testid="document-row"][data-document="{document.pk}"]')
    expect(row).to_have_attribute("data-status", "pending")
    ui.assert_no_page_problems()

    ui.sign_out()
    ui.sign_in(leader.username, TEST_PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/")
    ui.click_and_wait(page.locator(f'[data-document="{document.pk}"]').get_by_test_id("approve-document"))
    document.refresh_from_db()
    assert document.status == ApprovalStatus.APPROVED

    ui.sign_out()
    ui.sign_in(attendee.username, TEST_PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/")
    expect(page.locator(f'[data-testid="document-row"][data-document="{document.pk}"]')).to_contain_text(
        "Báo cáo tổng kết năm 2026"
    )
    expect(page.get_by_test_id("upload-form")).to_have_count(0)
    ui.assert_no_page_problems()


def test_titles_bulk_approval_and_thumbnails(ui: UI, organiser, leader, attendee) -> None:  # type: ignore[no-untyped-def]
    """Three files chosen at once each get a readable title to edit; the approver approves them all
    from the queue, where their first pages show; the attendee gets one notice and sees the three
    documents with their thumbnails, lazy and fixed in size."""
    from documents.tasks import process_version
    from documents.titles import title_from_filename
    from notifications.models import Notification

    meeting = approved(organiser, leader, [attendee])
    page = ui.page
    names = ["bao-cao_tong-ket.pdf", unicodedata.normalize("NFD", "Tờ trình số 12.pdf"), "phu-luc_so-lieu-2026.pdf"]

    ui.sign_in(organiser.username, TEST_PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/")
    form = page.get_by_test_id("upload-form")
    form.get_by_test_id("file-input").set_input_files(
        [FilePayload(name=name, mimeType="application/pdf", buffer=pdf_bytes(2)) for name in names]
    )
    titles = form.get_by_test_id("upload-title")
    expect(titles).to_have_count(3)
    # The browser proposes what the server would: the Vietnamese name, readable, without extension.
    for index, name in enumerate(names):
        expect(titles.nth(index)).to_have_value(title_from_filename(name))
    assert [title_from_filename(n) for n in names] == ["Bao cao tong ket", "Tờ trình số 12", "Phu luc so lieu 2026"]
    titles.nth(0).fill("Báo cáo tổng kết năm 2026")
    ui.press(form.get_by_test_id("upload-submit"))
    expect(form.locator(".progress-bar.bg-success")).to_have_count(3, timeout=30_000)
    expected = ["Báo cáo tổng kết năm 2026", "Tờ trình số 12", "Phu luc so lieu 2026"]
    assert sorted(Document.objects.values_list("title", flat=True)) == sorted(expected)
    for document in Document.objects.all():
        assert document.current_version is not None
        process_version.call(document.current_version.pk)  # the worker's job: pages, text, thumbnail
    ui.assert_no_page_problems()

    ui.sign_out()
    ui.sign_in(leader.username, TEST_PASSWORD)
    page.goto("/documents/approvals/")
    section = page.locator(f'[data-testid="queue-meeting"][data-meeting="{meeting.pk}"]')
    expect(section.get_by_test_id("queue-row")).to_have_count(3)
    expect(section.locator('[data-has-thumbnail="1"] img')).to_have_count(3)
    page.once("dialog", lambda dialog: dialog.accept())
    ui.click_and_wait(section.get_by_test_id("approve-all-documents"))
    expect(page.locator(".alert-success")).to_contain_text("3")
    assert set(Document.objects.values_list("status", flat=True)) == {ApprovalStatus.APPROVED}
    expect(page.get_by_test_id("queue-empty")).to_be_visible()

    ui.sign_out()
    ui.sign_in(attendee.username, TEST_PASSWORD)
    notices = Notification.objects.filter(recipient=attendee, event__in=["document.published"])
    assert notices.count() == 1
    assert notices.get().title.startswith("3 ")
    page.goto(f"/meetings/{meeting.pk}/")
    rows = page.get_by_test_id("document-row")
    expect(rows).to_have_count(3)
    for title in expected:
        expect(page.get_by_test_id("documents-panel")).to_contain_text(title)
    boxes = page.get_by_test_id("document-thumbnail")
    expect(boxes.locator('img[loading="lazy"]')).to_have_count(3)
    for index in range(3):
        box = boxes.nth(index)
        box.scroll_into_view_if_needed()
        image = box.locator("img")
        expect(image).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        size = box.bounding_box()  # the box the thumbnail loads into: fixed, so nothing moves
        assert size is not None and (round(size["width"]), round(size["height"])) == (48, 64)
    # Nothing of a row runs off the side of a phone screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ui.assert_no_page_problems()
