"""The statistics page in a real browser, on a phone (390x844) and on a desktop.

Sở Nội vụ's March 2025 (reports/tests/test_stats.py's data set). Its unit administrator opens
"Thống kê" from the menu, picks a date range backwards (refused, in Vietnamese, with no numbers
shown), then March 2025: the numbers, a chart with its table for each part, nothing wider than the
screen; downloads the .xlsx. A system administrator picks Sở Tài chính in the unit list.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import OrgUnit, Right
from conftest import TEST_PASSWORD, make_user
from reports.tests.test_stats import build, make_cast
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser


def test_a_unit_administrator_reads_the_statistics_and_exports_them(ui: UI, province: dict[str, OrgUnit]) -> None:
    page = ui.page
    cast = make_cast(province)
    build(cast)
    make_user("snv.quantri", province["snv"], Right.UNIT_ADMIN, full_name="Đỗ Minh Tuấn")

    ui.sign_in("snv.quantri", TEST_PASSWORD)
    ui.go_via_menu("/reports/statistics/")
    expect(page.get_by_role("heading", name="Thống kê", exact=True)).to_be_visible()
    unit = page.get_by_test_id("stats-unit")
    expect(unit.locator("option:checked")).to_have_text("Sở Nội vụ")
    expect(unit.locator('option[value=""]')).to_have_count(0)  # no "every unit" for a unit

    filters = page.get_by_test_id("stats-filters")
    filters.locator("#s-period").select_option("range")
    filters.locator("#s-from").fill("2025-03-31")
    filters.locator("#s-to").fill("2025-03-01")
    ui.click_and_wait(page.get_by_test_id("stats-apply"))
    expect(page.get_by_test_id("stats-errors")).to_contain_text("Ngày đầu của khoảng thời gian ở sau ngày cuối.")
    expect(page.get_by_test_id("stats-headline")).to_have_count(0)

    filters.locator("#s-period").select_option("month")
    filters.locator("#s-date").fill("2025-03-15")
    ui.click_and_wait(page.get_by_test_id("stats-apply"))
    expect(page.get_by_test_id("stats-scope")).to_contain_text("01/03/2025")
    expect(page.get_by_test_id("stats-headline")).to_contain_text("Tỷ lệ tham dự")
    expect(page.get_by_test_id("stats-headline")).to_contain_text("60,0 %")
    attendance = page.get_by_test_id("stats-section-attendance")
    expect(attendance.locator("svg[role=img] title")).to_have_text("Tham dự các cuộc họp đã kết thúc")
    expect(attendance.locator('tr[data-key="absent"] [data-testid=stats-value]')).to_have_text("2")
    opinions = page.get_by_test_id("stats-section-opinions")
    # Both collections have expired by now: every consulted person without an answer agreed.
    expect(opinions.locator('tr[data-key="implied"] [data-testid=stats-value]')).to_have_text("4")
    tasks = page.get_by_test_id("stats-section-tasks")
    expect(tasks.locator('tr[data-key="overdue"] [data-testid=stats-value]')).to_have_text("2")  # as of today

    # Every chart fits the screen, and so does the page (wide tables scroll inside their box).
    width = page.viewport_size["width"] if page.viewport_size else 0
    for box in [chart.bounding_box() for chart in page.get_by_test_id("stats-chart").all()]:
        assert box is not None and box["width"] <= width and box["height"] > 40
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if ui.is_phone:  # the labels stay readable: a chart is at least 300 pixels wide on a phone
        assert all(
            b and b["width"] >= 300 for b in [c.bounding_box() for c in page.get_by_test_id("stats-chart").all()]
        )

    with page.expect_download() as download_info:
        ui.press(page.get_by_test_id("stats-export"))
    download = download_info.value
    assert download.suggested_filename.startswith("thong-ke-don-vi-")
    path = download.path()
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    assert workbook["Thống kê"]["A2"].value == "Đơn vị: Sở Nội vụ"
    ui.assert_no_page_problems()


def test_a_system_administrator_picks_another_unit(ui: UI, province: dict[str, OrgUnit]) -> None:
    page = ui.page
    build(make_cast(province))
    make_user("quantri.ht", province["office"], Right.SYSTEM_ADMIN, full_name="Trần Quốc Huy")
    ui.sign_in("quantri.ht", TEST_PASSWORD)
    page.goto("/reports/statistics/?period=month&date=2025-03-15")
    expect(page.get_by_test_id("stats-scope")).to_contain_text("Tất cả các đơn vị trong tỉnh")
    expect(page.get_by_test_id("stats-table-units").locator("tbody tr")).to_have_count(2)  # SNV and STC
    page.get_by_test_id("stats-unit").select_option(str(province["stc"].pk))
    ui.click_and_wait(page.get_by_test_id("stats-apply"))
    expect(page.get_by_test_id("stats-scope")).to_contain_text("Sở Tài chính")
    expect(page.get_by_test_id("stats-section-meetings_status").locator('tr[data-key="ended"] td').nth(1)).to_have_text(
        "1"
    )
    ui.assert_no_page_problems()
