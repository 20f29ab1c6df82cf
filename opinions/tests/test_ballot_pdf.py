"""The Phiếu lấy ý kiến: A4 in the NĐ 30/2020 layout, the collection's title, the voter, the answers
and the content hash in the text and the metadata, and the same bytes for the same content (the
signed file is compared with them byte for byte)."""

from __future__ import annotations

import dataclasses
import io

from pypdf import PdfReader

from opinions.ballot_pdf import BallotContent, render_ballot_pdf
from opinions.tests.samples import sample_ballot


def content(answer: str = "Đồng ý") -> BallotContent:
    return sample_ballot(answer)


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_ballot_is_the_same_bytes_for_the_same_content_and_differs_for_another_answer() -> None:
    assert render_ballot_pdf(content()) == render_ballot_pdf(content())
    assert render_ballot_pdf(content()) != render_ballot_pdf(content("Không đồng ý"))
    assert content().content_hash() != content("Không đồng ý").content_hash()


def test_the_content_hash_is_the_sha256_of_the_canonical_json() -> None:
    import hashlib
    import json

    canonical = content().canonical_json()
    data = json.loads(canonical)
    assert data["issued_on"] == "2026-11-22" and data["expires_at"].startswith("2026-11-30T10:00:00")
    assert data["questions"][1]["other_text"] == "Từ 01/7/2027"
    assert "Từ".encode() in canonical  # ensure_ascii=False: Vietnamese as UTF-8
    assert canonical == json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert content().content_hash() == hashlib.sha256(canonical).hexdigest()


def test_the_ballot_is_a4_and_shows_the_title_voter_answers_and_its_content_hash() -> None:
    pdf = render_ballot_pdf(content())
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = text_of(pdf)
    for fragment in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ NỘI VỤ",
        "PHIẾU LẤY Ý KIẾN",
        "Lấy ý kiến dự thảo Quy chế làm việc",
        "Phan Thị Một",
        "Đồng ý thông qua dự thảo?",
        "Ý kiến khác: Từ 01/7/2027",
        "30/11/2026",
        f"Mã nội dung (SHA-256): {content().content_hash()}",
        "NGƯỜI CHO Ý KIẾN",
    ):
        assert fragment in text, fragment
    assert "Thay mặt đơn vị" not in text


def test_an_answer_on_behalf_of_a_unit_names_the_unit() -> None:
    on_behalf = dataclasses.replace(content(), on_behalf_of_unit="Sở Nội vụ tỉnh Ninh Bình")
    assert "Thay mặt đơn vị: Sở Nội vụ tỉnh Ninh Bình" in text_of(render_ballot_pdf(on_behalf))
    assert on_behalf.content_hash() != content().content_hash()


def test_the_content_hash_and_a_fixed_creation_date_are_in_the_metadata() -> None:
    metadata = PdfReader(io.BytesIO(render_ballot_pdf(content()))).metadata
    assert metadata is not None
    digest = content().content_hash()
    assert digest in (metadata.subject or "") and f"sha256:{digest}" in str(metadata.get("/Keywords"))
    assert metadata.creation_date is not None and metadata.creation_date.date().isoformat() == "2026-11-22"
