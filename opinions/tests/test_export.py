"""The Excel workbook of an opinion collection: Mẫu 02 summary cell by cell, a sheet per question
for named collections, none for secret ones, and voters' texts never turned into formulas."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl

from opinions.export import results_workbook
from opinions.results import AnswerRow, CollectionResults, QuestionResults

T = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 09:30 in Ninh Bình


def results(*, secret: bool = False) -> CollectionResults:
    rows = [
        AnswerRow("Phan Thị Một", "Chuyên viên", "Sở Nội vụ", "", "Đồng ý", "", T, "signed", False),
        AnswerRow(
            "Đào Văn Thư",
            "Văn thư",
            "Sở Tài chính",
            "Sở Tài chính",
            "Ý kiến khác",
            '=HYPERLINK("x")',
            T,
            "unsigned",
            False,
        ),
        AnswerRow("Hà Văn Lặng", "Chuyên viên", "Sở Nội vụ", "", "", "", None, "", True),
    ]
    questions = [
        QuestionResults(
            1,
            "Đồng ý thông qua dự thảo?",
            1,
            1,
            0,
            1,
            [("" if secret else "Đào Văn Thư", '=HYPERLINK("x")')],
            [] if secret else rows,
        ),
        QuestionResults(2, "Đồng ý thời điểm áp dụng?", 2, 1, 0, 0, [], [] if secret else rows),
    ]
    return CollectionResults(
        id=1,
        title="Lấy ý kiến dự thảo Quy chế",
        unit="Sở Nội vụ",
        creator="Lê Văn Tổng",
        is_secret=secret,
        requires_signature=not secret,
        release_at=T,
        expires_at=T,
        closed=True,
        consulted=3,
        answered=2,
        questions=questions,
        final_hash="ab" * 32,
        recommendation="Trình UBND tỉnh ban hành.",
    )


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_summary_sheet_has_the_columns_and_counts_of_form_02_with_implied_agreement_apart() -> None:
    ws = load(results_workbook(results()))["Tổng hợp"]
    assert ws["A1"].value.startswith("BÁO CÁO THỐNG KÊ TÌNH HÌNH THỰC HIỆN BIỂU QUYẾT")
    assert [ws.cell(5, c).value for c in range(1, 5)] == [
        "STT",
        "Nội dung xin ý kiến góp ý",
        "Số lượng người được xin ý kiến góp ý trên Hệ thống",
        "Số lượng người gửi ý kiến góp ý trên Hệ thống",
    ]
    assert ws["E5"].value == "Kết quả" and "E5:I5" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(6, c).value for c in range(5, 10)][:2] == ["Đồng ý", "Đồng ý — trả lời"]
    assert [ws.cell(7, c).value for c in range(1, 10)] == [1, "Đồng ý thông qua dự thảo?", 3, 2, 2, 1, 1, 0, 1]
    assert [ws.cell(8, c).value for c in range(5, 8)] == [3, 2, 1]
    assert ws["J7"].value == "Trình UBND tỉnh ban hành."
    assert any(str(c.value).endswith("ab" * 32) for row in ws.iter_rows() for c in row if c.value)


def test_named_collection_lists_every_answer_per_question_with_implied_and_signature_labels() -> None:
    wb = load(results_workbook(results()))
    assert wb.sheetnames == ["Tổng hợp", "Câu 1", "Câu 2"]
    ws = wb["Câu 1"]
    assert [ws.cell(4, c).value for c in (2, 6, 9)] == ["Phan Thị Một", "Đồng ý", "Đã ký"]
    assert ws.cell(5, 5).value == "Sở Tài chính" and ws.cell(5, 9).value == "Chưa ký"
    assert ws.cell(6, 6).value == "Đồng ý (mặc nhiên)" and ws.cell(6, 8).value is None
    assert ws.cell(4, 8).value == datetime(2026, 12, 1, 9, 30)


def test_a_voters_text_that_looks_like_a_formula_stays_text() -> None:
    ws = load(results_workbook(results()))["Câu 1"]
    cell = ws.cell(5, 7)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_secret_collection_has_no_per_person_sheet_and_no_name_anywhere() -> None:
    wb = load(results_workbook(results(secret=True)))
    assert wb.sheetnames == ["Tổng hợp", "Ý kiến khác"]
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    for name in ("Phan Thị Một", "Đào Văn Thư", "Hà Văn Lặng"):
        assert not any(name in t for t in texts)
    assert any("Lấy ý kiến kín" in t for t in texts)
