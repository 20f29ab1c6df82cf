"""Follow-up of assigned work in a real browser, on a phone and on a desktop.

A meeting of Sở Nội vụ ran in the room and ended with the chair's conclusion on its first agenda
item (done through the live room's actions: the console's end button speaks over the websocket,
which pytest's live server does not serve), and its minutes were drafted and approved by the chair
(the minutes app's actions). In the browser: the chair opens the approved minutes, presses "Giao
việc" beside the conclusion (the form is prefilled from it), gives the task to Sở Tài chính with a
deadline; a date in the past is refused first, in Vietnamese, with nothing created. The leader of
Sở Tài chính finds it on the home page, accepts it and puts an official in charge; the official
opens "Việc được giao" from the menu, reports progress with a file (a file that is not what its
name says is refused first), and asks for confirmation; the chair confirms it done, and the task's
history shows every step.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import FilePayload, expect

from accounts.models import OrgUnit, Right, User
from conftest import TEST_PASSWORD, make_user
from followups.models import ProgressFile, Task, TaskStatus
from live.actions import room as room_actions
from meetings.models import Meeting
from meetings.tests.conftest import approved
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

CONCLUSION = "Giao Sở Tài chính rà soát kinh phí số hóa hồ sơ, báo cáo trước ngày 20."


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAMAV_SOCKET = ""


@pytest.fixture
def stc(province: dict[str, OrgUnit]) -> dict[str, User]:
    return {
        "leader": make_user("stc.giamdoc", province["stc"], Right.LEADER, full_name="Tạ Văn Cường"),
        "official": make_user("stc.chuyenvien", province["stc"], full_name="Trịnh Thị Thu", position="Chuyên viên"),
    }


@pytest.fixture
def minutes_approved(organiser: User, leader: User, attendee: User, colleague: User) -> Meeting:
    from minutes.actions import do_approve_minutes, do_generate_minutes

    meeting = approved(organiser, leader, [attendee, colleague], start_in=timedelta(minutes=59))
    room_actions.do_start_meeting(leader, meeting)
    item = meeting.agenda_items.order_by("order").first()
    assert item is not None
    room_actions.do_conclude_item(leader, meeting, item, text=CONCLUSION)
    room_actions.do_end_meeting(leader, meeting)
    meeting.refresh_from_db()
    minutes = do_generate_minutes(organiser, meeting)
    do_approve_minutes(leader, minutes)
    return meeting


def vi(text: object) -> str:
    with translation.override("vi"):
        return str(text)


def png() -> FilePayload:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (20, 120, 60)).save(buffer, format="PNG")
    return {"name": "tien-do.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_a_conclusion_becomes_a_task_that_the_unit_carries_out(
    ui: UI, minutes_approved: Meeting, leader: User, stc: dict[str, User]
) -> None:
    page = ui.page
    meeting = minutes_approved
    deadline = timezone.localdate() + timedelta(days=14)

    # The chair assigns the task from the conclusion on the approved minutes.
    ui.sign_in(leader.username, TEST_PASSWORD)
    page.goto(f"/minutes/{meeting.pk}/")
    conclusion = page.get_by_test_id("conclusion").first
    expect(conclusion).to_contain_text(CONCLUSION)
    ui.click_and_wait(conclusion.get_by_test_id("conclusion-assign"))
    form = page.get_by_test_id("task-form")
    expect(form.locator('textarea[name="title"]')).to_have_value(CONCLUSION)
    box = form.locator('[data-searchable-for="assignee_unit"]')
    box.locator("[data-search-input]").fill("tai chinh")
    choice = box.locator(f'input[value="{stc["leader"].unit_id}"]')
    expect(choice).to_be_visible()
    choice.check()
    form.locator('input[name="deadline"]').fill((timezone.localdate() - timedelta(days=1)).isoformat())
    ui.click_and_wait(form.get_by_test_id("task-create"))
    expect(page.locator(".invalid-feedback")).to_contain_text("Hạn xử lý không được ở trong quá khứ.")
    assert not Task.objects.exists()
    form = page.get_by_test_id("task-form")
    form.locator('input[name="deadline"]').fill(deadline.isoformat())
    ui.click_and_wait(form.get_by_test_id("task-create"))
    expect(page.get_by_test_id("task-status")).to_have_text(vi(TaskStatus.NEW.label))
    task = Task.objects.get()
    assert task.agenda_item_id is not None and task.deadline == deadline
    ui.sign_out()

    # The unit's leader accepts it from the home page and puts an official in charge.
    ui.sign_in(stc["leader"].username, TEST_PASSWORD)
    panel = page.get_by_test_id("home-followups")
    expect(panel).to_contain_text(CONCLUSION[:40])
    ui.click_and_wait(panel.get_by_role("link", name=CONCLUSION[:40], exact=False).first)
    page.locator('select[name="person"]').select_option(str(stc["official"].pk))
    ui.click_and_wait(page.get_by_test_id("task-accept"))
    expect(page.get_by_test_id("task-status")).to_have_text(vi(TaskStatus.ASSIGNED.label))
    expect(page.get_by_test_id("task-person")).to_have_text(stc["official"].display_name)
    ui.sign_out()

    # The official reports progress with a file, then asks for confirmation.
    ui.sign_in(stc["official"].username, TEST_PASSWORD)
    ui.go_via_menu("/followups/")
    ui.click_and_wait(page.get_by_test_id("followup-row").first.get_by_role("link"))
    report = page.get_by_test_id("progress-form")
    report.locator('textarea[name="text"]').fill("Đã rà soát 5/9 đơn vị.")
    report.locator('input[name="percent"]').fill("60")
    fake: FilePayload = {"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": b"<html>not a pdf</html>"}
    report.locator('input[name="files"]').set_input_files([fake])
    ui.click_and_wait(report.get_by_test_id("progress-send"))
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("bao-cao.pdf")
    assert not ProgressFile.objects.exists()
    report = page.get_by_test_id("progress-form")
    report.locator('textarea[name="text"]').fill("Đã rà soát 5/9 đơn vị.")
    report.locator('input[name="percent"]').fill("60")
    report.locator('input[name="files"]').set_input_files([png()])
    ui.click_and_wait(report.get_by_test_id("progress-send"))
    expect(page.get_by_test_id("task-progress")).to_have_text("60%")
    expect(page.get_by_test_id("progress-report")).to_contain_text("tien-do.png")
    ui.click_and_wait(page.get_by_test_id("task-complete"))
    expect(page.get_by_test_id("task-status")).to_have_text(vi(TaskStatus.COMPLETION_REQUESTED.label))
    ui.sign_out()

    # The chair confirms it done; the history shows every step.
    ui.sign_in(leader.username, TEST_PASSWORD)
    page.goto(f"/followups/{task.pk}/")
    ui.click_and_wait(page.get_by_test_id("task-confirm"))
    expect(page.get_by_test_id("task-status")).to_have_text(vi(TaskStatus.DONE.label))
    history = page.get_by_test_id("history")
    for step in ("Giao việc", "Đơn vị nhận việc", "Báo cáo tiến độ công việc", "Xác nhận công việc đã hoàn thành"):
        expect(history).to_contain_text(step)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.progress == 100
    ui.assert_no_page_problems()
