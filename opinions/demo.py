"""A demo opinion collection for `make run` (idempotent, by title): released a minute after
seeding, open for a week, two questions, two consulted officials and one consulted ward."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import OrgUnit, User
from opinions.actions import CollectionInput, do_create_collection
from opinions.models import Collection
from polls.actions import QuestionInput

DEMO_TITLE = "Lấy ý kiến dự thảo Kế hoạch chuyển đổi số năm 2027"


def seed_opinions() -> list[Collection]:
    if Collection.objects.filter(poll__title=DEMO_TITLE).exists():
        return []
    creator = User.objects.get(username="snv.daumoi")
    people = list(User.objects.filter(username__in=["snv.chuyenvien", "stc.chuyenvien"]))
    followers = list(User.objects.filter(username__in=["snv.giamdoc"]))
    units = list(OrgUnit.objects.filter(document_receiver__isnull=False, name="Phường Hoa Lư"))
    now = timezone.now()
    data = CollectionInput(
        title=DEMO_TITLE,
        description="Đề nghị các đồng chí cho ý kiến vào dự thảo Kế hoạch trước khi trình UBND tỉnh.",
        questions=[
            QuestionInput(text="Đồng ý với các mục tiêu của dự thảo Kế hoạch?"),
            QuestionInput(text="Đồng ý với lộ trình triển khai trong năm 2027?", allow_other=True),
        ],
        release_at=now + timedelta(minutes=1),
        expires_at=now + timedelta(days=7),
        people=people,
        units=units,
        followers=followers,
    )
    return [do_create_collection(creator, data)]
