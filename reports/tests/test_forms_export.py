"""The forms as files: the .xlsx read back with openpyxl, the .docx with python-docx (NĐ 30
header), the management command, and query counts independent of the number of rows."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from live.models import Attendance, AttendanceStatus, Incident
from meetings.models import Invitation, InvitationKind
from reports.export_forms import MAU01_HEADERS, MAU02_HEADERS, FormReport, form_docx, form_xlsx
from reports.forms_data import MAU01, MAU02, Period, mau01_rows, mau02_rows
from reports.tests.forms_fixtures import at, dataset, meeting, people

__all__ = ["dataset", "people"]

pytestmark = pytest.mark.django_db
OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def sheet(content: Any) -> Worksheet:
    ws = load_workbook(content if isinstance(content, Path) else io.BytesIO(content)).active
    assert isinstance(ws, Worksheet)
    return ws


def report(province: Any, form: str, **extra: Any) -> FormReport:
    p = Period(*OCTOBER, province["snv"])
    rows = mau01_rows(p) if form == MAU01 else mau02_rows(p, now=at(1, month=12))
    return FormReport(form, province["snv"], *OCTOBER, rows, **extra)


def test_mau01_workbook_has_the_forms_title_and_header_cells(province, dataset) -> None:
    ws = sheet(form_xlsx(report(province, MAU01)))
    assert ws["A1"].value == "Mẫu số 01"
    assert ws["A3"].value == "THỐNG KÊ SỐ LƯỢNG CUỘC HỌP TRÊN HỆ THỐNG ECABINET"
    assert ws["A4"].value == "Đơn vị: Sở Nội vụ"
    assert ws["A5"].value == "Từ ngày 01/10/2026 đến ngày 31/10/2026"
    assert [c.value for c in ws[7]] == MAU01_HEADERS
    assert [ws.cell(8, c).value for c in (1, 2, 5)] == [1, "Họp giao ban tháng 10", 4]


def test_mau02_workbook_has_the_result_columns_under_one_header(province, dataset) -> None:
    ws = sheet(form_xlsx(report(province, MAU02)))
    assert ws["A1"].value == "Mẫu số 02"
    assert [ws.cell(7, c).value for c in range(1, 5)] == MAU02_HEADERS
    assert ws.cell(7, 5).value == "Kết quả biểu quyết/Lấy ý kiến góp ý"
    assert [ws.cell(8, c).value for c in (5, 6, 7)] == ["Đồng ý", "Không đồng ý", "Ý kiến khác"]
    assert ws.cell(7, 8).value == "Kiến nghị đề xuất (nếu có)"
    first, second = [ws.cell(9, c).value for c in range(2, 8)], [ws.cell(10, c).value for c in range(2, 8)]
    assert first == ["Thông qua kế hoạch", 4, 3, 2, 0, 1]
    assert second == ["Dự thảo quy chế", 4, 3, 2, 1, 1]
    notes = [str(ws.cell(r, 1).value or "") for r in range(11, 16)]
    assert any("STT 2: 2 đồng ý, trong đó 1 mặc nhiên" in n for n in notes)


def test_a_formula_typed_as_a_title_stays_text(province, dataset) -> None:
    dataset["a"].title = '=HYPERLINK("http://evil/","x")'
    dataset["a"].save()
    ws = sheet(form_xlsx(report(province, MAU01)))
    assert ws.cell(8, 2).data_type == "s"
    assert str(ws.cell(8, 2).value).startswith("=HYPERLINK")


def test_docx_has_the_nd30_header_the_title_and_the_table(province, dataset) -> None:
    content = form_docx(report(province, MAU01, day=dt.date(2026, 12, 6), recommendation="Tập huấn thêm"))
    document = docx.Document(io.BytesIO(content))
    header = document.tables[0]
    left, right = header.rows[0].cells[0].text, header.rows[0].cells[1].text
    assert "UBND TỈNH NINH BÌNH" in left and "SỞ NỘI VỤ" in left and "/BC-SNV" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Ninh Bình, ngày 06 tháng 12 năm 2026" in right
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Mẫu số 01" in text and "BÁO CÁO" in text
    assert "Thống kê số lượng cuộc họp trên Hệ thống eCabinet" in text
    assert "Kiến nghị, đề xuất của đơn vị: Tập huấn thêm" in text
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == MAU01_HEADERS
    assert table.rows[1].cells[1].text == "Họp giao ban tháng 10"
    assert "THỦ TRƯỞNG ĐƠN VỊ" in document.tables[2].rows[0].cells[1].text


def test_mau02_docx_merges_the_result_header(province, dataset) -> None:
    document = docx.Document(io.BytesIO(form_docx(report(province, MAU02))))
    table = document.tables[1]
    assert table.rows[0].cells[4].text == "Kết quả biểu quyết/Lấy ý kiến góp ý"
    assert [c.text for c in table.rows[1].cells[4:7]] == ["Đồng ý", "Không đồng ý", "Ý kiến khác"]
    assert [c.text for c in table.rows[3].cells[1:7]] == ["Dự thảo quy chế", "4", "3", "2", "1", "1"]


def test_command_writes_the_same_workbook_for_a_unit_code(province, dataset, tmp_path: Path) -> None:
    out = tmp_path / "mau01.xlsx"
    call_command("report", "mau01", "--from", "2026-10-01", "--to", "2026-10-31", "--unit", "SNV", "--xlsx", str(out))
    ws = sheet(out)
    assert ws["A4"].value == "Đơn vị: Sở Nội vụ"
    assert [ws.cell(r, 2).value for r in (8, 9)] == ["Họp giao ban tháng 10", "Họp chuyên đề"]


def test_command_refuses_an_unknown_unit_and_a_reversed_period(province, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No unit"):
        call_command("report", "mau02", "--from", "2026-10-01", "--to", "2026-10-31", "--unit", "XYZ", "--xlsx", "x")
    with pytest.raises(CommandError, match="before"):
        call_command("report", "mau02", "--from", "2026-10-31", "--to", "2026-10-01", "--xlsx", "x")
    assert not Path("x").exists()


def _many(province: Any, people: Any, n: int) -> None:
    """n ended meetings, each with two attendances and an incident."""
    for i in range(n):
        m = meeting(province["snv"], people["director"], people["organiser"], 1 + i % 28)
        for user in (people["present"], people["late"]):
            inv = Invitation.objects.create(meeting=m, kind=InvitationKind.USER, user=user)
            Attendance.objects.create(
                meeting=m, invitation=inv, user=user, status=AttendanceStatus.PRESENT, method="self"
            )
        Incident.objects.create(meeting=m, reporter=people["present"], kind="network", description="Mất mạng")


@pytest.mark.parametrize("n", [3, 9])
def test_query_count_of_the_forms_does_not_grow_with_the_rows(
    province, people, dataset, n, django_assert_max_num_queries
) -> None:
    _many(province, people, n)
    p = Period(*OCTOBER, province["snv"])
    with django_assert_max_num_queries(14):  # Mẫu 01: 3; Mẫu 02: 6 for collections, 5 for votes
        assert len(mau01_rows(p)) == n + 2
        assert len(mau02_rows(p, now=at(1, month=12))) == 2


def test_the_pdf_is_the_docx_converted_on_a4_with_the_forms_text(province, dataset) -> None:
    from pypdf import PdfReader

    from documents.conversion import get_converter
    from minutes.export import to_pdf

    try:
        pdf = PdfReader(io.BytesIO(to_pdf(form_docx(report(province, MAU01, day=dt.date(2026, 12, 6))))))
    finally:
        get_converter().close()
    box = pdf.pages[0].mediabox
    assert sorted(round(float(side) * 25.4 / 72) for side in (box.width, box.height)) == [210, 297]  # A4
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Mẫu số 01" in text and "Họp giao ban tháng 10" in text
