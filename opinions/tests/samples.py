"""A ballot's content for the tests of the ballot PDF and of its signatures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from opinions.ballot_pdf import BallotContent, BallotQuestion


def sample_ballot(answer: str = "Đồng ý", *, other_text: str = "Từ 01/7/2027") -> BallotContent:
    return BallotContent(
        collection_id=7,
        revision="7-3-1",
        title="Lấy ý kiến dự thảo Quy chế làm việc",
        issuing_unit="Sở Nội vụ",
        parent_unit="Ủy ban nhân dân tỉnh Ninh Bình",
        place="Ninh Bình",
        issued_on=date(2026, 11, 22),
        voter_name="Phan Thị Một",
        voter_position="Chuyên viên",
        voter_unit="Sở Nội vụ",
        on_behalf_of_unit="",
        expires_at=datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        questions=(
            BallotQuestion(1, "Đồng ý thông qua dự thảo?", answer, ""),
            BallotQuestion(2, "Thời điểm áp dụng?", "Ý kiến khác", other_text),
        ),
    )
