"""Demo feedback for `seed_demo` (core.demo, after the follow-ups' seeder): an incident outside a
meeting of Sở Nội vụ with a screenshot, being handled by its unit administrator (the first item:
the pages' walkers open it); a suggestion answered by the system administrator; a system error
still new; and an item answered and closed. Written through the actions. Idempotent: nothing is
added once any feedback exists."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from feedback.actions import FeedbackInput, do_answer_feedback, do_send_feedback, do_set_feedback_status
from feedback.models import Category, Feedback, Status


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), (180, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("man-hinh-loi.png", buffer.getvalue(), content_type="image/png")


def seed_feedback() -> list[str]:
    if Feedback.objects.exists():
        return []
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["admin", "snv.quantri", "snv.chuyenvien", "snv.giamdoc", "snv.daumoi", "stc.chuyenvien"]
        )
    }
    admin, unit_admin, official = people.get("admin"), people.get("snv.quantri"), people.get("snv.chuyenvien")
    if admin is None or unit_admin is None or official is None:
        return ["Feedback: the demo accounts are missing, none created."]
    incident = do_send_feedback(
        official,
        FeedbackInput(
            category=Category.INCIDENT,
            text="Máy tính bảng của phòng Tổ chức cán bộ không đăng nhập được từ sáng nay "
            "(báo sai mật khẩu dù đã đổi). Cần hỗ trợ trước cuộc họp chiều thứ Năm.",
            page_address="/",
            files=[_png()],
        ),
    )
    do_set_feedback_status(unit_admin, incident, Status.IN_PROGRESS)
    if "snv.giamdoc" in people:
        suggestion = do_send_feedback(
            people["snv.giamdoc"],
            FeedbackInput(
                category=Category.SUGGESTION,
                text="Đề nghị bổ sung chức năng in lịch họp tuần của đơn vị ra một trang A4 để niêm yết.",
                page_address="/calendar/",
            ),
        )
        do_answer_feedback(
            admin,
            suggestion,
            "Cảm ơn đồng chí. Văn phòng UBND tỉnh đã ghi nhận và sẽ bổ sung trong đợt nâng cấp quý tới.",
        )
    if "snv.daumoi" in people:
        do_send_feedback(
            people["snv.daumoi"],
            FeedbackInput(
                category=Category.BUG,
                text="Danh sách cuộc họp hiển thị chậm khi lọc theo tháng trước.",
                page_address="/meetings/",
            ),
        )
    if "stc.chuyenvien" in people:
        other = do_send_feedback(
            people["stc.chuyenvien"],
            FeedbackInput(category=Category.OTHER, text="Xin hướng dẫn cách đổi số điện thoại nhận tin nhắn."),
        )
        do_answer_feedback(
            admin,
            other,
            "Đồng chí đề nghị quản trị đơn vị cập nhật số điện thoại trong trang quản lý người dùng.",
            then=Status.CLOSED,
        )
    return [f"Feedback: {Feedback.objects.count()} items (one incident outside meetings, one answered)."]
