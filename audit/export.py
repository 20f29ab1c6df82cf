"""CSV and XLSX exports of a filtered audit view, streamed so a large range stays flat in memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from audit.models import AuditEntry
from core.exports import csv_row, xlsx_row


def headers() -> list[str]:
    return [
        _("No."),
        _("Time"),
        _("User"),
        _("Unit"),
        _("Action"),
        _("Target type"),
        _("Target id"),
        _("IP address"),
        _("User agent"),
        _("Details"),
        _("Hash"),
    ]


def rows(entries: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    for e in entries.iterator(chunk_size=2000):
        yield [
            str(e.seq),
            timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"),
            e.actor_name,
            e.unit.name if e.unit else "",
            e.action,
            e.target_type,
            e.target_id,
            e.ip or "",
            e.user_agent,
            json.dumps(e.data, ensure_ascii=False),
            e.hash,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV with Vietnamese text correctly only with a BOM
    yield writer.writerow(csv_row(headers()))
    for row in rows(entries):
        # A username typed at a failed sign-in is anyone's text: never a formula.
        yield writer.writerow(csv_row(row))


def xlsx_bytes(entries: QuerySet[AuditEntry]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    sheet.append(xlsx_row(sheet, headers()))
    for row in rows(entries):
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
