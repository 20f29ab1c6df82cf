"""A person's data export holds their tasks, reports and extension requests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from followups.actions.extensions import do_request_extension
from followups.actions.progress import do_report_progress
from followups.actions.tasks import do_accept_task
from followups.personal_data import export

pytestmark = pytest.mark.django_db


def test_the_export_holds_what_the_person_did(task, leader, stc_leader, stc_official, outsider) -> None:
    do_accept_task(stc_leader, task, stc_official)
    do_report_progress(stc_official, task, text="Đã làm một phần", percent=20)
    do_request_extension(stc_official, task, task.deadline + timedelta(days=3), "Chờ số liệu")
    section = export(stc_official)
    assert section["tasks"][0]["in_charge"] is True
    assert section["progress_reports"][0]["text"] == "Đã làm một phần"
    assert section["extension_requests"][0]["reason"] == "Chờ số liệu"
    assert export(leader)["tasks"][0]["assigned_by_me"] is True
    assert export(outsider) == {
        "tasks": [],
        "progress_reports": [],
        "extension_requests": [],
    }
