"""The quarterly report: submission freezes the numbers, revisions, the late flag, who may submit
and read, the PPC Office's overview, and the reminder sent once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.actions.units import do_create_unit
from accounts.models import Right, UnitKind
from conftest import make_user
from notifications.models import Notification
from reports.actions import do_send_report_reminders, do_submit_report
from reports.models import QuarterlyReport, ReportReminderSent
from reports.quarters import Quarter
from reports.tests.forms_fixtures import at, dataset, people

__all__ = ["dataset", "people"]

pytestmark = pytest.mark.django_db
Q4 = Quarter(2026, 4)


def submit(people: Any, province: Any, *, expected: int = 0, when: dt.datetime | None = None) -> QuarterlyReport:
    return do_submit_report(
        people["admin"],
        province["snv"],
        Q4,
        recommendation="Tập huấn",
        expected_revision=expected,
        now=when or at(6, 10, 12),
    )


def test_quarter_deadline_is_before_the_25th_of_its_last_month() -> None:
    assert Q4.start == dt.date(2026, 10, 1) and Q4.end == dt.date(2026, 12, 31)
    assert Q4.last_day_on_time == dt.date(2026, 12, 24)
    assert not Q4.is_late(at(24, 23, 12)) and Q4.is_late(at(25, 0, 12))
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)


def test_submission_freezes_both_forms_from_the_quarters_start_to_the_day(people, province, dataset) -> None:
    report = submit(people, province)
    assert (report.revision, report.late) == (1, False)
    assert (report.period_start, report.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 6))
    assert [r["content"] for r in report.mau01_rows] == ["Họp giao ban tháng 10", "Họp chuyên đề"]
    assert {r["source"] for r in report.mau02_rows} == {"vote", "opinion"}


def test_changes_after_submission_do_not_alter_the_submitted_report(people, province, dataset) -> None:
    report = submit(people, province)
    dataset["a"].title = "Đã đổi tên"
    dataset["a"].recommendation = "Khác"
    dataset["a"].save()
    dataset["b"].delete()
    report.refresh_from_db()
    assert [r["content"] for r in report.mau01_rows] == ["Họp giao ban tháng 10", "Họp chuyên đề"]
    assert report.mau01_rows[0]["recommendation"] == "Bổ sung màn hình"


def test_a_second_submission_is_a_new_revision_the_first_kept(people, province, dataset) -> None:
    first = submit(people, province)
    second = submit(people, province, expected=1, when=at(26, 9, 12))
    assert (second.revision, second.late) == (2, True)
    first.refresh_from_db()
    assert (first.revision, first.late) == (1, False)


def test_a_duplicate_submission_of_the_same_page_is_refused(people, province, dataset) -> None:
    submit(people, province)
    with pytest.raises(ValidationError) as refused:
        submit(people, province, expected=0)
    assert refused.value.code == "stale"
    assert QuarterlyReport.objects.count() == 1


def test_a_future_quarter_cannot_be_submitted(people, province) -> None:
    with pytest.raises(ValidationError):
        do_submit_report(people["admin"], province["snv"], Quarter(2027, 1), expected_revision=0, now=at(6, 10, 12))
    assert not QuarterlyReport.objects.exists()


@pytest.mark.parametrize("who", ["member", "director", "stc_admin", "office", "outsider"])
def test_only_the_units_own_administrators_submit(people, province, who) -> None:
    with pytest.raises(PermissionDenied):
        do_submit_report(people[who], province["snv"], Q4, expected_revision=0, now=at(6, 10, 12))


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_of_a_units_report_answer_404_to_outsiders(people, province, dataset) -> None:
    report = submit(people, province)
    for who in ("stc_admin", "outsider", "member"):
        client = client_of(people[who])
        assert client.get(f"/reports/submissions/{report.pk}/").status_code == 404
        assert client.get(f"/reports/submissions/{report.pk}/mau01.xlsx").status_code == 404
        # Another unit's forms: 404; the forms of one's own unit without the right: 403.
        expected = 403 if who == "member" else 404
        assert client.get(f"/reports/forms/?unit={province['snv'].pk}").status_code == expected
    for who in ("admin", "director", "office"):
        assert client_of(people[who]).get(f"/reports/submissions/{report.pk}/").status_code == 200


def test_a_commune_administrator_sees_only_the_commune(people, province, dataset) -> None:
    commune = do_create_unit(None, code="99999", name="Xã Gia Viễn", kind=UnitKind.COMMUNE, parent=province["root"])
    admin = make_user("giavien.quantri", commune, Right.UNIT_ADMIN)
    client = client_of(admin)
    page = client.get("/reports/forms/")
    assert page.status_code == 200
    assert page.context["scope"].unit == commune
    assert [u.pk for u in page.context["units"]] == [commune.pk]
    assert page.context["mau01"] == []
    assert client.get(f"/reports/forms/?unit={province['snv'].pk}").status_code == 404
    assert client.get("/reports/quarterly/").status_code == 404


def test_the_submit_button_freezes_and_opens_the_report(people, province, dataset) -> None:
    client = client_of(people["admin"])
    data = {
        "unit": province["snv"].pk,
        "year": 2026,
        "quarter": 4,
        "recommendation": "Tập huấn",
        "expected_revision": 0,
    }
    response = client.post("/reports/submissions/submit/", data)
    report = QuarterlyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/submissions/{report.pk}/"
    again = client.post("/reports/submissions/submit/", data)  # the same form posted twice
    assert again.status_code == 302 and QuarterlyReport.objects.count() == 1
    assert client_of(people["director"]).post("/reports/submissions/submit/", data).status_code == 403
    assert client_of(people["stc_admin"]).post("/reports/submissions/submit/", data).status_code == 404


def test_overview_lists_on_time_late_and_missing_units(people, province, dataset) -> None:
    do_submit_report(people["admin"], province["snv"], Q4, expected_revision=0, now=at(20, 9, 12))
    do_submit_report(people["stc_admin"], province["stc"], Q4, expected_revision=0, now=at(26, 9, 12))
    page = client_of(people["office"]).get("/reports/quarterly/?year=2026&quarter=4")
    statuses = {row.unit.code: row.status for row in page.context["rows"]}
    assert statuses == {"VPUBND": "missing", "SNV": "on_time", "STC": "late"}
    assert client_of(people["admin"]).get("/reports/quarterly/").status_code == 404


def test_reminder_is_sent_once_to_the_admins_of_units_that_have_not_submitted(people, province, settings) -> None:
    settings.REPORTS_REMINDER_DAYS = 7
    assert do_send_report_reminders(dt.date(2026, 12, 17)) == 0  # 8 days before the 25th: not yet
    do_submit_report(people["stc_admin"], province["stc"], Q4, expected_revision=0, now=at(10, 9, 12))
    assert do_send_report_reminders(dt.date(2026, 12, 18)) == 2  # SNV and VPUBND (no administrator: nobody)
    assert do_send_report_reminders(dt.date(2026, 12, 19)) == 0
    assert ReportReminderSent.objects.filter(year=2026, quarter=4).count() == 2
    notes = Notification.objects.filter(event="report.reminder")
    assert [n.recipient.username for n in notes] == ["snv.quantri"]
    assert do_send_report_reminders(dt.date(2026, 12, 25)) == 0  # the deadline passed


def test_reminder_command_runs(people, province, settings, capsys) -> None:
    from django.core.management import call_command

    call_command("report_reminders")
    assert "reminded" in capsys.readouterr().out
