"""Demo opinion collections for `make run` (core.demo; idempotent, by title).

- The digital-transformation plan: released a minute after seeding, open for a week, two
  questions (the draft plan attached to the first), two consulted officials and one consulted ward.
- The working rules of Sở Nội vụ: signed ballots required, the draft attached, released a moment
  after seeding and answered at once: an official answered, then changed the answer (revision 2, its ballot waiting
  for her signature); the ward's chair answered on the ward's behalf.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import OrgUnit, User
from documents.demo import administrative_pdf
from opinions.actions.answers import do_answer
from opinions.actions.attachments import do_attach_files
from opinions.actions.collections import CollectionInput, do_create_collection
from opinions.models import Collection
from polls.actions import QuestionInput

DEMO_TITLE = "Lấy ý kiến dự thảo Kế hoạch chuyển đổi số năm 2027"
SIGNED_TITLE = "Lấy ý kiến dự thảo Quy chế làm việc của Sở Nội vụ"


def seed_opinions() -> list[str]:
    lines: list[str] = []
    # The signed collection first: the plan is made while it waits for its release.
    signed = None if Collection.objects.filter(poll__title=SIGNED_TITLE).exists() else _create_signed()
    if not Collection.objects.filter(poll__title=DEMO_TITLE).exists():
        _seed_plan()
        lines.append("Demo opinion collection created (open a minute from now): " + DEMO_TITLE)
    if signed is not None:
        _answer_signed(signed)
        lines.append("Demo opinion collection with signed ballots created and answered: " + SIGNED_TITLE)
    return lines


def _ward() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(document_receiver__isnull=False, name="Phường Hoa Lư"))


def _seed_plan() -> None:
    creator = User.objects.get(username="snv.daumoi")
    people = list(User.objects.filter(username__in=["snv.chuyenvien", "stc.chuyenvien"]))
    followers = list(User.objects.filter(username__in=["snv.giamdoc"]))
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
        units=_ward(),
        followers=followers,
    )
    collection = do_create_collection(creator, data)
    plan = administrative_pdf(
        "SỞ NỘI VỤ TỈNH NINH BÌNH",
        "KẾ HOẠCH\nChuyển đổi số năm 2027 (dự thảo)",
        (
            "I. Mục tiêu: 100% hồ sơ công việc của Sở được xử lý trên môi trường mạng.",
            "II. Nhiệm vụ: số hóa hồ sơ cán bộ, công chức; họp không giấy tờ qua hệ thống eCabinet.",
            "III. Lộ trình: quý I triển khai thử nghiệm, quý II triển khai toàn Sở.",
        ),
    )
    do_attach_files(
        creator,
        collection,
        {1: [SimpleUploadedFile("Du thao Ke hoach chuyen doi so 2027.pdf", plan, content_type="application/pdf")]},
    )


def _create_signed() -> Collection:
    creator = User.objects.get(username="snv.daumoi")
    official = User.objects.get(username="snv.chuyenvien")
    rules = administrative_pdf(
        "SỞ NỘI VỤ TỈNH NINH BÌNH",
        "QUY CHẾ LÀM VIỆC (dự thảo)",
        (
            "Chương I. Quy định chung: phạm vi, đối tượng áp dụng và nguyên tắc làm việc.",
            "Chương II. Chế độ họp: họp giao ban hằng tháng vào tuần cuối của tháng.",
        ),
    )
    ward = _ward()
    # Released in a moment: the draft is attached before, the answers come after.
    release = timezone.now() + timedelta(seconds=2)
    collection = do_create_collection(
        creator,
        CollectionInput(
            title=SIGNED_TITLE,
            description="Phiếu lấy ý kiến có chữ ký số; hạn trả lời trong 5 ngày.",
            questions=[
                QuestionInput(text="Đồng ý ban hành Quy chế làm việc theo dự thảo?"),
                QuestionInput(text="Đồng ý với quy định về chế độ họp định kỳ hằng tháng?", allow_other=True),
            ],
            release_at=release,
            expires_at=release + timedelta(days=5),
            requires_signature=True,
            people=[official, User.objects.get(username="stc.chuyenvien")],
            units=ward,
            followers=[User.objects.get(username="snv.giamdoc")],
        ),
    )
    do_attach_files(
        creator,
        collection,
        {1: [SimpleUploadedFile("Du thao Quy che lam viec.pdf", rules, content_type="application/pdf")]},
    )
    return collection


def _answer_signed(collection: Collection) -> None:
    official = User.objects.get(username="snv.chuyenvien")
    ward_chair = User.objects.get(username="hoalu.chutich")
    ward = _ward()
    # Answers are taken from the release on: wait for it (under two seconds).
    time.sleep(max(0.0, (collection.release_at - timezone.now()).total_seconds()) + 0.05)
    questions = list(collection.poll.questions.order_by("order"))

    def choose(*codes: str) -> dict[str, int]:
        return {str(q.pk): q.options.get(code=code).pk for q, code in zip(questions, codes, strict=True)}

    do_answer(official, collection, choose("agree", "agree"))
    do_answer(
        official,
        collection,
        choose("agree", "other"),
        {str(questions[1].pk): "Đề nghị họp định kỳ vào tuần đầu của tháng."},
    )
    if ward:
        do_answer(ward_chair, collection, choose("agree", "agree"), unit=ward[0])
