"""The Phiếu lấy ý kiến: A4, the answers and the content hash in the text and the metadata, and
the same bytes for the same content (the signed file is compared with them byte for byte)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from opinions.ballot_pdf import BallotContent, render_ballot_pdf
from opinions.tests.samples import sample_ballot


def content(answer: str = "Đồng ý") -> BallotContent:
    return sample_ballot(answer)


def test_the_ballot_is_the_same_bytes_for_the_same_content_and_differs_for_another_answer() -> None:
    assert render_ballot_pdf(content()) == render_ballot_pdf(content())
    assert render_ballot_pdf(content()) != render_ballot_pdf(content("Không đồng ý"))
    assert content().content_hash() != content("Không đồng ý").content_hash()


def test_the_ballot_is_a4_and_shows_the_answers_and_its_content_hash() -> None:
    reader = PdfReader(io.BytesIO(render_ballot_pdf(content())))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = " ".join(p.extract_text() for p in reader.pages)
    for fragment in (
        "PHIẾU LẤY Ý KIẾN",
        "Phan Thị Một",
        "Đồng ý thông qua dự thảo?",
        "Từ 01/7/2027",
        content().content_hash(),
    ):
        assert fragment in text
    assert reader.metadata is not None and content().content_hash() in (reader.metadata.subject or "")
