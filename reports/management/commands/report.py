"""`manage.py report mau01|mau02 --from YYYY-MM-DD --to YYYY-MM-DD [--unit CODE] --xlsx OUT.xlsx
[--docx OUT.docx]`: the appendix form of a period, for one unit (its code, accounts.OrgUnit.code,
with the units below it) or the whole province, as the page writes it. No permission check: a
shell account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import OrgUnit
from reports.export_forms import FormReport, form_docx, form_xlsx
from reports.forms_data import FORMS, Period, rows_of


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Write report Mẫu số 01 or 02 of a period (and a unit) as .xlsx and/or .docx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("form", choices=FORMS)
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--unit", help="the unit's code (default: the whole province)")
        parser.add_argument("--xlsx", type=Path, help="write the workbook here")
        parser.add_argument("--docx", type=Path, help="write the Word document here")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("--to is before --from.")
        if not options["xlsx"] and not options["docx"]:
            raise CommandError("Give --xlsx OUT.xlsx and/or --docx OUT.docx.")
        unit = None
        if options["unit"]:
            unit = OrgUnit.objects.select_related("parent").filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"No unit with the code {options['unit']}.")
        period = Period(start, end, unit)
        report = FormReport(options["form"], unit, start, end, rows_of(options["form"], period))
        if options["xlsx"]:
            options["xlsx"].write_bytes(form_xlsx(report))
            self.stdout.write(f"Wrote {len(report.rows)} row(s) to {options['xlsx']}")
        if options["docx"]:
            options["docx"].write_bytes(form_docx(report))
            self.stdout.write(f"Wrote {len(report.rows)} row(s) to {options['docx']}")
