"""The draft written when the meeting ends: every section filled from the meeting's data."""

from __future__ import annotations

import pytest

from minutes.models import Minutes, MinutesStatus
from minutes.sanitize import plain_text

pytestmark = pytest.mark.django_db


def test_ending_the_meeting_writes_the_draft_as_version_one(minutes, secretary) -> None:
    assert minutes.status == MinutesStatus.DRAFT
    version = minutes.current_version
    assert version is not None and version.number == 1 and version.generated
    assert minutes.secretary == secretary
    assert minutes.symbol == "BB-SNV"
    assert minutes.number is None


def test_the_draft_fills_every_section_from_the_data(minutes, leader, secretary, latecomer, substitute) -> None:
    text = plain_text(minutes.current_version.body)
    print(minutes.current_version.body)
    assert "THỜI GIAN, ĐỊA ĐIỂM" in text and "Hội trường Sở Nội vụ" in text
    assert f"Chủ trì: {leader.display_name}" in text
    assert f"Thư ký: {secretary.display_name}" in text
    assert "dự thay cho Phan Văn Hải" in text  # the substitute
    assert "trong đó 1 người đến muộn" in text and "Đến muộn (1 người)" in text and latecomer.display_name in text
    assert "Vắng mặt (1 người)" in text and "lý do: Đi công tác tại Hà Nội" in text
    assert "Khách mời (1 người)" in text and "Ngô Văn Bình" in text
    assert "1. Báo cáo tình hình" in text and "2. Thảo luận" in text
    assert f"{substitute.display_name} (Sở Nội vụ)" in text  # spoke on item 1
    assert "Lời phát biểu số 1" in text and "Lời phát biểu số 2" in text  # transcript excerpts
    assert "KẾT QUẢ BIỂU QUYẾT" in text
    assert "Thông qua kế hoạch tháng 1" in text and "biểu quyết công khai" in text
    assert "Bầu tổ trưởng tổ công tác" in text and "biểu quyết kín" in text
    assert "Giao Văn phòng Sở hoàn thiện báo cáo" in text and "Sở Tài chính bố trí kinh phí" in text


def test_a_named_vote_names_the_voters_a_secret_vote_only_counts(minutes, substitute, latecomer) -> None:
    body = minutes.current_version.body
    named_part, secret_part = body.split("Bầu tổ trưởng tổ công tác", 1)
    named_part = named_part.split("KẾT QUẢ BIỂU QUYẾT", 1)[1]
    assert substitute.display_name in named_part and latecomer.display_name in named_part
    secret_votes = secret_part.split("KẾT LUẬN", 1)[0]
    assert substitute.display_name not in secret_votes and latecomer.display_name not in secret_votes
    assert "<td>1</td>" in secret_votes


def test_a_meeting_ended_twice_by_the_hook_keeps_one_draft(ended, leader) -> None:
    from minutes.actions import on_meeting_ended

    on_meeting_ended(ended, leader)
    assert Minutes.objects.filter(meeting=ended).count() == 1
    assert Minutes.objects.get(meeting=ended).versions.count() == 1
