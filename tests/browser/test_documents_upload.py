"""Uploading meeting documents in a real browser (static/js/document-upload.js), on a phone and a
desktop: several files at once with a progress bar each, a chunk lost on the way and resumed, a
password-protected PDF refused with its message; then the chair approves from the meeting page
and the attendee sees the document.
"""

from __future__ import annotations

import io
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
