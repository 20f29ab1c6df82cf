"""The Phiếu lấy ý kiến of one answer, in the layout of Nghị định 30/2020/NĐ-CP.

The same page geometry, fonts and header as the invitation letter (`meetings.invitation_pdf`):
A4, margins 20/20/30/15 mm, Liberation Serif (metric-compatible with Times New Roman), issuing
authority top left, Quốc hiệu and Tiêu ngữ top right, body justified with a first-line indent.
The ballot lists the questions with the voter's answers and ends with the SHA-256 of its
content, which is also in the PDF's metadata; the voter signs this file.

The output is deterministic for the same content (fixed creation date, no random ids): the
server regenerates nothing, it keeps the bytes it handed out and checks that the signed file
starts with exactly those bytes (`signing.verify`). A legal form: always Vietnamese.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from django.utils import timezone
from fpdf.enums import Align

from core.nd30 import (
    FONT_FAMILY,
    MARGIN_LEFT,
    TEXT_WIDTH,
    authority_header,
    centred,
    new_document,
    paragraph,
)


@dataclass(frozen=True)
class BallotQuestion:
    number: int
    text: str
    answer: str  # the chosen option's label
    other_text: str  # "" unless "Ý kiến khác"


@dataclass(frozen=True)
class BallotContent:
    collection_id: int
    revision: str  # unique per answer submission
    title: str
    issuing_unit: str
    parent_unit: str
    place: str
    issued_on: date
    voter_name: str
    voter_position: str
    voter_unit: str
    on_behalf_of_unit: str  # "" for a personal answer
    expires_at: datetime
    questions: tuple[BallotQuestion, ...]

    def canonical_json(self) -> bytes:
        data = asdict(self)
        data["issued_on"] = self.issued_on.isoformat()
        data["expires_at"] = self.expires_at.isoformat()
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def content_hash(self) -> str:
        return hashlib.sha256(self.canonical_json()).hexdigest()


def render_ballot_pdf(content: BallotContent) -> bytes:
    pdf = new_document(compress=True)
    digest = content.content_hash()
    created = timezone.make_aware(datetime.combine(content.issued_on, time(0, 0)), timezone.get_fixed_timezone(420))
    pdf.set_creation_date(created)
    pdf.set_title(f"Phiếu lấy ý kiến: {content.title}")
    pdf.set_subject(f"eCabinet ballot {content.collection_id}/{content.revision} sha256:{digest}")
    pdf.set_keywords(f"sha256:{digest}")
    pdf.set_author(content.voter_name)
    pdf.add_page()
    authority_header(
        pdf, parent=content.parent_unit, unit=content.issuing_unit, issued=content.issued_on, place=content.place
    )
    centred(pdf, MARGIN_LEFT, TEXT_WIDTH, "PHIẾU LẤY Ý KIẾN", "B", 14)
    centred(pdf, MARGIN_LEFT, TEXT_WIDTH, f"Về việc: {content.title}", "B", 14)
    pdf.ln(4)
    voter = content.voter_name + (f", {content.voter_position}" if content.voter_position else "")
    paragraph(pdf, [("B", "Người cho ý kiến: "), ("", f"{voter}, {content.voter_unit}.")])
    if content.on_behalf_of_unit:
        paragraph(pdf, [("B", "Thay mặt đơn vị: "), ("", f"{content.on_behalf_of_unit}.")])
    for q in content.questions:
        paragraph(pdf, [("B", f"{q.number}. {q.text}")])
        answer = q.answer + (f": {q.other_text}" if q.other_text else "")
        paragraph(pdf, [("", "Ý kiến: "), ("B", f"{answer}.")])
    expires = timezone.localtime(content.expires_at)
    paragraph(pdf, [("I", f"Hạn gửi ý kiến: {expires:%H:%M} ngày {expires:%d/%m/%Y}.")])
    pdf.ln(2)
    pdf.set_font(FONT_FAMILY, "", 10)
    pdf.set_x(MARGIN_LEFT)
    pdf.multi_cell(TEXT_WIDTH, 5, f"Mã nội dung (SHA-256): {digest}", align=Align.L)
    pdf.ln(6)
    x_sign = MARGIN_LEFT + TEXT_WIDTH / 2
    centred(pdf, x_sign, TEXT_WIDTH / 2, "NGƯỜI CHO Ý KIẾN", "B", 13)
    centred(pdf, x_sign, TEXT_WIDTH / 2, "(Ký số)", "I", 13)
    pdf.ln(18)
    centred(pdf, x_sign, TEXT_WIDTH / 2, content.voter_name, "B", 13)
    return bytes(pdf.output())
