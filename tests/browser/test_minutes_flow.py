"""Điều 6.5 in a real browser, at a phone and a desktop size: the chair ends the meeting from the
console (live's hook drafts the minutes from the meeting's data); the organiser, who is the
secretary here, opens the minutes from the meeting's page and edits them in the browser's editor
(a heading and a list from the toolbar); the chair approves them and downloads the .docx, which is
read back. The room's websockets need the ASGI server of test_live_room.py."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import expect

from accounts.models import User
from conftest import TEST_PASSWORD
from live import hooks
from live.actions import checkin
from live.actions import room as room_actions
from meetings.models import Meeting
from minutes.actions import on_meeting_ended
from minutes.models import Minutes, MinutesStatus
from tests.browser.test_live_room import asgi_server, expect_live, meeting, screens  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _minutes_hooked() -> None:
    hooks.on_meeting_ended(on_meeting_ended)


def _wait_for_minutes(ended: Meeting) -> Minutes:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = Minutes.objects.filter(meeting=ended).first()
        if found is not None:
            return found
        time.sleep(0.1)
    pytest.fail("ending the meeting wrote no minutes")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_end_the_meeting_edit_the_minutes_approve_and_download(
    screens: Any,  # noqa: F811
    meeting: Meeting,  # noqa: F811
    leader: User,
    organiser: User,
    attendee: User,
    device: str,
    tmp_path: Path,
) -> None:
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(attendee, meeting)
    first = meeting.agenda_items.order_by("order").first()
    assert first is not None
    room_actions.do_conclude_item(leader, meeting, first, text="Giao Văn phòng Sở tổng hợp báo cáo.")

    chair = screens("chair", device)
    chair.sign_in(leader.username, TEST_PASSWORD)
    chair.page.goto(f"/live/{meeting.pk}/console/")
    expect_live(chair.page)
    chair.page.once("dialog", lambda dialog: dialog.accept())
    chair.press(chair.page.get_by_test_id("end-meeting"))
    expect(chair.page.get_by_test_id("ended-notice")).to_be_visible()
    minutes = _wait_for_minutes(meeting)
    assert minutes.versions.count() == 1

    # The secretary (the organiser) finds the minutes from the meeting's page and edits them.
    secretary = screens("secretary", device)
    secretary.sign_in(organiser.username, TEST_PASSWORD)
    secretary.page.goto(f"/meetings/{meeting.pk}/")
    secretary.click_and_wait(secretary.page.get_by_test_id("minutes-link"))
    body = secretary.page.get_by_test_id("minutes-body")
    expect(body).to_contain_text("THÀNH PHẦN THAM DỰ")
    expect(body).to_contain_text("Giao Văn phòng Sở tổng hợp báo cáo.")
    expect(secretary.page.get_by_test_id("minutes-approve")).to_have_count(0)
    secretary.click_and_wait(secretary.page.get_by_test_id("minutes-edit"))
    area = secretary.page.get_by_test_id("editor-area")
    secretary.press(area)
    area.press("Control+End")
    area.press("Enter")
    secretary.page.keyboard.type("Ý kiến bổ sung")
    secretary.press(secretary.page.locator('[data-command="formatBlock"][data-value="h2"]'))
    area.press("End")
    area.press("Enter")
    secretary.press(secretary.page.locator('[data-command="insertUnorderedList"]'))
    secretary.page.keyboard.type("Đề nghị bổ sung kinh phí")
    secretary.click_and_wait(secretary.page.get_by_test_id("editor-save"))
    expect(secretary.page.get_by_test_id("minutes-status")).to_have_text("Bản nháp")
    expect(secretary.page.get_by_test_id("minutes-body").locator("h2", has_text="Ý kiến bổ sung")).to_be_visible()
    expect(
        secretary.page.get_by_test_id("minutes-body").locator("li", has_text="Đề nghị bổ sung kinh phí")
    ).to_be_visible()
    expect(secretary.page.get_by_test_id("version-row")).to_have_count(2)

    # The chair approves the latest version and downloads the Word file.
    chair.page.goto(f"/minutes/{meeting.pk}/")
    expect(chair.page.get_by_test_id("minutes-edit")).to_have_count(0)
    chair.click_and_wait(chair.page.get_by_test_id("minutes-approve"))
    expect(chair.page.get_by_test_id("minutes-status")).to_have_text("Đã duyệt")
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED and minutes.number == 1
    with chair.page.expect_download() as download:
        chair.press(chair.page.get_by_test_id("minutes-docx"))
    path = tmp_path / "bien-ban.docx"
    download.value.save_as(path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "BIÊN BẢN" in text and "Ý kiến bổ sung" in text and "- Đề nghị bổ sung kinh phí" in text

    # Approved minutes: the secretary is offered only a correction with a reason.
    secretary.page.reload()
    expect(secretary.page.get_by_test_id("minutes-edit")).to_have_text("Sửa (phiên bản mới, có lý do)")
    secretary.click_and_wait(secretary.page.get_by_test_id("minutes-edit"))
    expect(secretary.page.get_by_test_id("correction-warning")).to_be_visible()
    for screen in (chair, secretary):
        screen.assert_no_page_problems()
        assert screen.csp_violations == []
