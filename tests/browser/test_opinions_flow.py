"""Điều 7 in a real browser, on a phone and on a desktop.

An opinion collector of Sở Nội vụ sets up a collection with two questions, a consulted unit (Sở
Tài chính, answered by its document receiver) and two consulted people, and attaches documents to
the first question (a file that is not a PDF whatever its name says is refused first, with
nothing created); once released, one person downloads the attached draft and answers (with "Ý
kiến khác" on the second question), gets a short receipt code and checks it, and the unit's
receiver answers for the unit; the other person stays silent. After the expiry the results page
shows that person once, with an icon and the words "counted as agreeing", and the Excel file
counts them apart from the explicit agreements; the final code is shown.

The clock is moved by patching `django.utils.timezone.now` in this process, which the live
server's thread shares: release and expiry are decided by time, so no task worker is involved.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any
from unittest import mock

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, expect

from accounts.models import OrgUnit, Right, User
from conftest import TEST_PASSWORD, make_user
from documents.tests.conftest import docx_bytes, pdf_bytes
from documents.tests.hostile import html_as_pdf_bytes
from opinions.log import short_code
from opinions.models import Collection, LogEntry, QuestionAttachment
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

LIST_URL = "/opinions/"
TITLE = "Lấy ý kiến dự thảo Quy chế làm việc của UBND tỉnh"
QUESTIONS = ["Đồng ý thông qua dự thảo Quy chế?", "Đồng ý thời điểm áp dụng từ 01/01/2027?"]
DRAFT = pdf_bytes(2)
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHORT_CODE = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{2}$")
EMOJI = re.compile("[\u231a-\u23ff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAMAV_SOCKET = ""


@pytest.fixture
def cast(province: dict[str, OrgUnit]) -> dict[str, User]:
    creator = make_user("snv.tonghop", province["snv"], Right.OPINION_COLLECTOR, full_name="Lê Văn Tổng")
    first = make_user("snv.ykien1", province["snv"], full_name="Phan Thị Một", position="Chuyên viên")
    silent = make_user("snv.ykien2", province["snv"], full_name="Hà Văn Lặng", position="Chuyên viên")
    receiver = make_user("stc.vanthu", province["stc"], full_name="Đào Văn Thư", position="Văn thư")
    province["stc"].document_receiver = receiver
    province["stc"].save(update_fields=["document_receiver"])
    return {"creator": creator, "first": first, "silent": silent, "receiver": receiver}


def at(moment: Any) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=moment)


def answer(ui: UI, options: list[str], other_text: str = "") -> None:
    form = ui.page.get_by_test_id("opinion-answer-form").first
    for index, option in enumerate(options):
        fieldset = form.locator("fieldset").nth(index)
        ui.press(fieldset.get_by_label(option, exact=True))
        if other_text and option == "Ý kiến khác":
            fieldset.locator("textarea").fill(other_text)
    ui.click_and_wait(form.get_by_test_id("opinion-send"))


def test_collection_is_answered_and_silent_people_count_as_agreeing_after_expiry(
    ui: UI, cast: dict[str, User], province: dict[str, OrgUnit]
) -> None:
    now = timezone.localtime()
    release = (now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    expiry = release + timedelta(minutes=10)

    # The opinion collector sets it up.
    ui.sign_in(cast["creator"].username, TEST_PASSWORD)
    ui.go_via_menu(LIST_URL)
    ui.click_and_wait(ui.page.get_by_test_id("opinion-new"))
    form = ui.page.get_by_test_id("opinion-form")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_release_at").fill(release.strftime("%Y-%m-%dT%H:%M"))
    form.locator("#id_expires_at").fill(expiry.strftime("%Y-%m-%dT%H:%M"))
    form.locator("#id_people").select_option([str(cast["first"].pk), str(cast["silent"].pk)])
    form.locator("#id_units").select_option([str(province["stc"].pk)])
    form.locator("#id_question_1").fill(QUESTIONS[0])
    if ui.page.locator("[data-add-question]").is_visible():
        ui.press(ui.page.locator("[data-add-question]"))
    form.locator("#id_question_2").fill(QUESTIONS[1])
    ui.press(form.locator("#id_other_2"))
    # A web page saved as ".pdf" is refused by its bytes; nothing is created.
    form.locator("#id_files_1").set_input_files(
        [FilePayload(name="to-trinh.pdf", mimeType=PDF, buffer=html_as_pdf_bytes())]
    )
    ui.click_and_wait(form.get_by_test_id("opinion-save"))
    expect(ui.page.get_by_test_id("opinion-file-error")).to_contain_text("Nội dung tệp “to-trinh.pdf” không phải")
    assert not Collection.objects.exists() and not QuestionAttachment.objects.exists()
    # The form kept everything but the files: the real draft and its report go to question 1.
    form = ui.page.get_by_test_id("opinion-form")
    expect(form.locator("#id_question_2")).to_have_value(QUESTIONS[1])
    form.locator("#id_files_1").set_input_files(
        [
            FilePayload(name="du-thao-quy-che.pdf", mimeType=PDF, buffer=DRAFT),
            FilePayload(name="to-trinh.docx", mimeType=DOCX, buffer=docx_bytes(1)),
        ]
    )
    ui.click_and_wait(form.get_by_test_id("opinion-save"))
    collection = Collection.objects.get()
    expect(ui.page.get_by_test_id("opinion-phase")).to_have_attribute("data-phase", "scheduled")
    expect(ui.page.get_by_role("link", name="du-thao-quy-che.pdf")).to_be_visible()
    expect(ui.page.get_by_role("link", name="to-trinh.docx")).to_be_visible()
    assert sorted((a.question.order, a.name) for a in QuestionAttachment.objects.all()) == [
        (0, "du-thao-quy-che.pdf"),
        (0, "to-trinh.docx"),
    ]
    ui.assert_no_page_problems()
    ui.sign_out()

    with at(release + timedelta(minutes=1)):
        # A consulted official answers, writing an opinion on the second question.
        ui.sign_in(cast["first"].username, TEST_PASSWORD)
        ui.go_via_menu(LIST_URL)
        ui.click_and_wait(ui.page.get_by_test_id("opinion-open").first)
        with ui.page.expect_download() as attached:
            ui.press(ui.page.get_by_test_id("opinion-answer-form").get_by_role("link", name="du-thao-quy-che.pdf"))
        assert open(attached.value.path(), "rb").read() == DRAFT  # noqa: SIM115
        answer(ui, ["Đồng ý", "Ý kiến khác"], "Đề nghị áp dụng từ 01/7/2027.")
        receipt = ui.page.get_by_test_id("opinion-receipt")
        expect(receipt).to_be_visible()
        expect(ui.page.get_by_test_id("opinion-counted")).to_be_visible()
        # A short code to write down; the full hash only behind "Chi tiết".
        code = ui.page.get_by_test_id("opinion-receipt-code").inner_text()
        entry = LogEntry.objects.get(collection=collection, action="answered")
        assert SHORT_CODE.match(code) and code == short_code(entry.hash)
        full = ui.page.get_by_test_id("opinion-receipt-hash")
        expect(full).to_be_hidden()
        ui.press(receipt.get_by_text("Chi tiết", exact=True))
        expect(full).to_be_visible()
        expect(full).to_have_text(entry.hash)
        # The receipt checks out from its short code alone.
        ui.page.goto(f"/opinions/{collection.pk}/receipt/")
        ui.page.locator("#code").fill(code)
        ui.click_and_wait(ui.page.get_by_role("button", name="Kiểm tra"))
        expect(ui.page.get_by_test_id("receipt-result")).to_contain_text(f"số {entry.seq}")
        ui.assert_no_page_problems()
        ui.sign_out()

        # The receiver of Sở Tài chính answers on the unit's behalf.
        ui.sign_in(cast["receiver"].username, TEST_PASSWORD)
        ui.page.goto(f"/opinions/{collection.pk}/")
        answer(ui, ["Không đồng ý", "Đồng ý"])
        expect(ui.page.get_by_test_id("opinion-receipt")).to_be_visible()
        ui.sign_out()

    with at(expiry + timedelta(minutes=1)):
        # The silent official is counted as agreeing, apart from the explicit agreement.
        ui.sign_in(cast["creator"].username, TEST_PASSWORD)
        ui.page.goto(f"/opinions/{collection.pk}/results/")
        first, second = ui.page.get_by_test_id("opinion-question-result").all()
        expect(first.get_by_test_id("agree-explicit")).to_have_text("1")
        expect(first.get_by_test_id("agree-implied")).to_have_text("1")
        expect(first.get_by_test_id("agree-total")).to_have_text("2")
        expect(first.get_by_test_id("disagree")).to_have_text("1")
        expect(second.get_by_test_id("other")).to_have_text("1")
        expect(second.get_by_test_id("agree-explicit")).to_have_text("1")
        # Each consulted person once, with an icon and words, not an emoji: the silent one is
        # counted as agreeing and not also listed as "not answered".
        expect(ui.page.get_by_text("Hà Văn Lặng")).to_have_count(1)
        silent = ui.page.get_by_test_id("opinion-progress-row").filter(has_text="Hà Văn Lặng")
        expect(silent).to_have_attribute("data-status", "implied")
        expect(silent.get_by_test_id("opinion-status")).to_have_text(
            "không cho ý kiến đến khi hết hạn: được tính là đồng ý"
        )
        expect(silent.locator("svg")).to_be_visible()
        expect(ui.page.get_by_test_id("opinion-progress-row").locator("svg")).to_have_count(3)
        expect(ui.page.get_by_text("chưa cho ý kiến")).to_have_count(0)
        assert not EMOJI.search(ui.page.locator("main").inner_text())
        final_hash = Collection.objects.get().final_hash
        expect(ui.page.get_by_test_id("opinion-final-code")).to_have_text(short_code(final_hash))
        expect(ui.page.get_by_test_id("opinion-final-hash")).to_have_text(final_hash)
        with ui.page.expect_download() as download_info:
            ui.press(ui.page.get_by_test_id("opinion-export"))
        path = download_info.value.path()
        workbook = openpyxl.load_workbook(io.BytesIO(open(path, "rb").read()))  # noqa: SIM115
        cells = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
        assert any("mặc nhiên" in c for c in cells)
        assert "Hà Văn Lặng" in cells and "Đề nghị áp dụng từ 01/7/2027." in cells
        ui.assert_no_page_problems()
