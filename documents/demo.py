"""Demo documents for `seed_demo` (core.demo), on the approved monthly meeting of Sở Nội vụ.

Three small files made here (a DOCX with python-docx, an XLSX with openpyxl, a PDF with fpdf2),
each sent through the real upload (`documents.upload`: start, receive, finish with the checks by
content) and processed at once by the real task (conversion by LibreOffice, page count, text for
search, thumbnail), as the worker would:

- the monthly report (DOCX) in two versions, the second approved: attendees read it;
- the budget table (XLSX) waiting for the chair's approval;
- the draft decision (PDF), approved and restricted to the chair and one official.

An official has opened the report and written a private note on it. Idempotent: by title.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from accounts.models import User
from documents import upload
from documents.actions.approval import do_approve_documents
from documents.actions.notes import do_add_note
from documents.actions.reading import do_record_open
from documents.actions.uploads import do_finish_upload, do_receive_whole, do_start_upload
from documents.models import Document, DocumentKind, DocumentVersion, ProcessingState, Security
from documents.tasks import process_version
from meetings.demo import DEMO_TITLES
from meetings.models import Meeting

REPORT = "Báo cáo kết quả công tác tháng 11 năm 2026"
BUDGET = "Bảng tổng hợp kinh phí hoạt động quý IV năm 2026"
DECISION = "Dự thảo Quyết định phê duyệt Kế hoạch tuyển dụng công chức năm 2027"
DEMO_DOCUMENTS = (REPORT, BUDGET, DECISION)


def report_docx(*, revised: bool) -> bytes:
    import docx  # python-docx: installed with the project's development tools, which `make run` syncs

    document = docx.Document()
    document.add_paragraph("SỞ NỘI VỤ TỈNH NINH BÌNH")
    document.add_heading("BÁO CÁO", level=1)
    document.add_paragraph("Kết quả thực hiện nhiệm vụ tháng 11 và phương hướng nhiệm vụ tháng 12 năm 2026")
    document.add_heading("I. Kết quả thực hiện nhiệm vụ tháng 11", level=2)
    for line in (
        "1. Hoàn thành thẩm định đề án vị trí việc làm của 12 cơ quan, đơn vị.",
        "2. Tổ chức 02 lớp bồi dưỡng kiến thức quản lý nhà nước cho 180 công chức cấp xã.",
        "3. Tiếp nhận và giải quyết đúng hạn 245/245 hồ sơ thủ tục hành chính.",
    ):
        document.add_paragraph(line)
    if revised:
        document.add_paragraph("4. Bổ sung: rà soát, cập nhật cơ sở dữ liệu cán bộ, công chức toàn tỉnh đạt 98%.")
    document.add_page_break()
    document.add_heading("II. Phương hướng nhiệm vụ tháng 12", level=2)
    document.add_paragraph("Tổng kết công tác năm 2026, xây dựng chương trình công tác năm 2027.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def budget_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "Quý IV"
    sheet.append(["STT", "Nội dung chi", "Dự toán (đồng)", "Đã thực hiện (đồng)"])
    for row in (
        (1, "Hội nghị, tập huấn", 185_000_000, 142_500_000),
        (2, "Công tác phí", 96_000_000, 71_200_000),
        (3, "Văn phòng phẩm, in ấn tài liệu", 48_000_000, 39_850_000),
    ):
        sheet.append(list(row))
    sheet.append(["", "Cộng", "=SUM(C2:C4)", "=SUM(D2:D4)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def administrative_pdf(issuer: str, heading: str, lines: Iterable[str]) -> bytes:
    """A one-page PDF in the layout of an administrative document (Liberation Serif, which
    `make run` installs, for the Vietnamese letters)."""
    from fpdf import FPDF

    from core.nd30 import FONT_FILES, font_dir

    pdf = FPDF(format="A4")
    pdf.add_font("Serif", "", str(font_dir() / FONT_FILES[""]))
    pdf.add_font("Serif", "B", str(font_dir() / FONT_FILES["B"]))
    pdf.set_margins(25, 20, 20)
    pdf.add_page()
    pdf.set_font("Serif", "B", 13)
    pdf.multi_cell(0, 7, issuer, align="C")
    pdf.ln(4)
    pdf.multi_cell(0, 7, heading, align="C")
    pdf.ln(4)
    pdf.set_font("Serif", "", 12)
    for line in lines:
        pdf.multi_cell(0, 7, line)
        pdf.ln(1)
    return bytes(pdf.output())


def decision_pdf() -> bytes:
    return administrative_pdf(
        "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
        "QUYẾT ĐỊNH\nPhê duyệt Kế hoạch tuyển dụng công chức năm 2027 (dự thảo)",
        (
            "Căn cứ Luật Cán bộ, công chức;",
            "Căn cứ Nghị định số 170/2025/NĐ-CP của Chính phủ quy định về tuyển dụng, sử dụng và quản lý công chức;",
            "Theo đề nghị của Giám đốc Sở Nội vụ.",
            "Điều 1. Phê duyệt Kế hoạch tuyển dụng công chức năm 2027 với tổng chỉ tiêu 86 người.",
            "Điều 2. Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị tổ chức thực hiện.",
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
        ),
    )


def _upload(actor: User, meeting: Meeting, filename: str, content: bytes, **fields: object) -> DocumentVersion:
    """Through the upload protocol, as the browser's form without JavaScript sends a file."""
    started = do_start_upload(actor, meeting, filename=filename, size=len(content))
    do_receive_whole(started, [content])
    replace = fields.pop("replace", None)
    if isinstance(replace, Document):
        return do_finish_upload(actor, started, replace=replace)
    return do_finish_upload(actor, started, fields=upload.DocumentFields(**fields))  # type: ignore[arg-type]


def _process(versions: Iterable[DocumentVersion]) -> None:
    """What the task worker does after the commit, done now so the demo opens ready documents.
    (The tasks queued on commit then find nothing left to do.)"""
    for version in versions:
        if DocumentVersion.objects.filter(pk=version.pk, state=ProcessingState.QUEUED).exists():
            process_version.call(version.pk)


def seed_documents() -> list[str]:
    meeting = Meeting.objects.filter(title=DEMO_TITLES[0]).first()
    if meeting is None or Document.objects.filter(meeting=meeting, title__in=DEMO_DOCUMENTS).exists():
        return []
    organiser = User.objects.get(username="snv.daumoi")
    chair = User.objects.get(username="snv.giamdoc")
    official = User.objects.get(username="snv.chuyenvien")
    items = list(meeting.agenda_items.order_by("order"))
    first = _upload(
        organiser,
        meeting,
        "Bao cao thang 11.docx",
        report_docx(revised=False),
        title=REPORT,
        kind=DocumentKind.REPORT,
        agenda_item=items[0] if items else None,
    )
    report = first.document
    second = _upload(organiser, meeting, "Bao cao thang 11 (bo sung).docx", report_docx(revised=True), replace=report)
    budget = _upload(
        organiser,
        meeting,
        "Tong hop kinh phi quy IV.xlsx",
        budget_xlsx(),
        title=BUDGET,
        kind=DocumentKind.REFERENCE,
        agenda_item=items[1] if len(items) > 1 else None,
    )
    decision = _upload(
        organiser,
        meeting,
        "Du thao Quyet dinh tuyen dung 2027.pdf",
        decision_pdf(),
        title=DECISION,
        kind=DocumentKind.DRAFT,
        agenda_item=items[-1] if items else None,
        security=Security.RESTRICTED,
        readers=[chair, official],
        allow_download=False,
    )
    _process([first, second, budget, decision])
    do_approve_documents(chair, meeting, [report.pk, decision.document_id])
    report.refresh_from_db()
    do_record_open(official, report, report.current_version)
    do_add_note(official, report, 1, "Đề nghị bổ sung số liệu so sánh với cùng kỳ năm 2025.")
    return [f"Demo documents added to “{meeting.title}”: {len(DEMO_DOCUMENTS)}"]
