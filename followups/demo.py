"""Demo assigned tasks for `seed_demo` (core.demo, after the minutes' seeder): on the ended meeting
with approved minutes and an issued conclusion notice, one task in each state a province sees —
in progress (Sở Nội vụ, with a report and a file), new (Sở Tài chính), overdue (Phường Hoa Lư)
and done (Sở Nội vụ). Written through the actions; an overdue task is created on a simulated
clock a month back. Idempotent: nothing is added to a meeting that already has tasks."""

from __future__ import annotations

import io
from datetime import date, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import OrgUnit, User
from followups.actions.progress import do_confirm_done, do_report_progress, do_request_completion
from followups.actions.tasks import TaskInput, do_accept_task, do_create_task
from followups.models import Task
from meetings.models import AgendaItem, Meeting, MeetingStatus

MINUTES_DEMO_TITLE = "Họp UBND tỉnh về tiến độ giải ngân vốn đầu tư công năm 2026"


def _meeting() -> Meeting | None:
    meeting = Meeting.objects.filter(title=MINUTES_DEMO_TITLE, status=MeetingStatus.ENDED).first()
    return meeting or Meeting.objects.filter(status=MeetingStatus.ENDED).order_by("pk").first()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (32, 96, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile("bang-tien-do.png", buffer.getvalue(), content_type="image/png")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def seed_followups() -> list[str]:
    meeting = _meeting()
    if meeting is None:
        return ["Assigned tasks: no ended meeting in the demo data, none created."]
    if Task.objects.filter(meeting=meeting).exists():
        return []
    chair = meeting.chair
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["SNV", "STC"])}
    ward_leader = _user("hoalu.chutich")
    hoalu = ward_leader.unit if ward_leader is not None else None
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order"))
    notice = getattr(meeting, "conclusion_notice", None)
    official, leader = _user("snv.chuyenvien"), _user("snv.giamdoc")
    if chair is None or "SNV" not in units or official is None or leader is None:
        return ["Assigned tasks: the demo accounts are missing, none created."]
    today = timezone.localdate()

    def create(title: str, unit: OrgUnit, deadline: date, person: User | None = None, n: int = 0) -> Task:
        return do_create_task(
            chair,
            meeting,
            TaskInput(
                title=title,
                description="",
                assignee_unit=unit,
                assignee=person,
                deadline=deadline,
                agenda_item=items[n % len(items)] if items else None,
                notice=notice,
            ),
        )

    # In progress (the first task: Sở Nội vụ's official is in charge).
    task = create(
        "Rà soát, tổng hợp danh mục dự án chậm giải ngân, báo cáo UBND tỉnh",
        units["SNV"],
        today + timedelta(days=12),
        official,
    )
    do_accept_task(leader, task)
    do_report_progress(
        official,
        task,
        text="Đã tổng hợp số liệu của 8/12 chủ đầu tư; đang đối chiếu với Kho bạc.",
        percent=40,
        files=[_png()],
    )
    # New, waiting for Sở Tài chính to accept.
    if "STC" in units:
        create("Đề xuất phương án điều chuyển vốn giữa các dự án", units["STC"], today + timedelta(days=20), n=1)
    # Overdue: accepted a month ago, deadline passed.
    if hoalu is not None and ward_leader is not None:
        month_ago = timezone.now() - timedelta(days=30)
        with mock.patch("followups.rules.today", return_value=today - timedelta(days=30)):
            overdue = create(
                "Hoàn thành giải phóng mặt bằng dự án đường ven sông", hoalu, today - timedelta(days=5), n=2
            )
        Task.objects.filter(pk=overdue.pk).update(created_at=month_ago)
        do_accept_task(ward_leader, overdue)
        do_report_progress(
            ward_leader, overdue, text="Đã kiểm đếm xong 70% diện tích; còn 3 hộ chưa đồng ý.", percent=70
        )
    # Done: reported, completion requested, confirmed by the chair.
    done = create("Báo cáo kết quả giải ngân quý III", units["SNV"], today + timedelta(days=3), official, n=3)
    do_accept_task(leader, done)
    do_report_progress(official, done, text="Đã gửi báo cáo số 215/BC-SNV.", percent=100)
    do_request_completion(official, done, "Báo cáo đã gửi UBND tỉnh.")
    do_confirm_done(chair, done)
    return [f"Assigned tasks: {Task.objects.filter(meeting=meeting).count()} on “{meeting.title}”."]
