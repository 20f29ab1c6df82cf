"""The privacy notice and a person's data export in a real browser, on a phone and a desktop:
anyone reaches the notice from the sign-in page and the footer; the system administrator
downloads a person's data from their user page."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from accounts.models import OrgUnit, Right, User
from audit.models import AuditEntry
from conftest import TEST_PASSWORD, make_user
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser


def test_the_notice_is_reached_from_the_sign_in_page_and_the_footer(ui: UI, snv_official: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIGN_IN_RECORDS_DAYS = 90
    ui.page.goto(ui.url("/auth/login/"))
    ui.click_and_wait(ui.page.get_by_test_id("login-privacy-link"))
    ui.expect_path("/privacy/")
    notice = ui.page.get_by_test_id("privacy-notice")
    expect(notice.locator("h1")).to_have_text("Thông báo xử lý dữ liệu cá nhân")
    expect(ui.page.get_by_test_id("privacy-sign-in")).to_contain_text("90 ngày")
    # The table of data fits the phone's screen (scrolls inside its own box, not the page).
    assert ui.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    ui.sign_in(snv_official.username, TEST_PASSWORD)
    ui.expect_path("/")
    ui.click_and_wait(ui.page.get_by_test_id("privacy-link"))
    ui.expect_path("/privacy/")
    expect(ui.page.get_by_test_id("privacy-export")).to_be_visible()
    ui.assert_no_page_problems()


def test_the_system_administrator_downloads_a_person_s_data(ui: UI, province: dict[str, OrgUnit]) -> None:
    make_user("quantri.he.thong", province["office"], Right.SYSTEM_ADMIN, full_name="Trần Quốc Huy")
    person = make_user("snv.chuyenvien", province["snv"], full_name="Bùi Thị Mai", email="mai@snv.example")
    ui.sign_in("quantri.he.thong", TEST_PASSWORD)
    ui.page.goto(ui.url(f"/admin-units/users/{person.pk}/"))
    button = ui.page.get_by_test_id("export-personal-data")
    button.scroll_into_view_if_needed()
    with ui.page.expect_download() as info:
        ui.press(button)
    download = info.value
    assert download.suggested_filename.startswith("personal-data-snv.chuyenvien-")
    with open(download.path(), "rb") as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))
    data = json.loads(archive.read("personal-data.json"))
    assert data["sections"]["accounts"]["account"]["email"] == "mai@snv.example"
    assert AuditEntry.objects.filter(action="privacy.data_exported", target_id=str(person.pk)).count() == 1
    ui.assert_no_page_problems()
