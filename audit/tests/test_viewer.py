"""Audit viewer: system admins see everything, unit admins their units; filters and exports."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from accounts.actions.rights import do_grant_right
from accounts.models import Right
from conftest import login


def seed_activity(snv_admin, stc_admin, snv_member, stc_member):  # type: ignore[no-untyped-def]
    do_grant_right(snv_admin, snv_member, Right.ORGANISER)
    do_grant_right(stc_admin, stc_member, Right.LEADER)


def test_unit_admin_sees_only_their_units_entries(client, snv_admin, stc_admin, snv_member, stc_member) -> None:
    seed_activity(snv_admin, stc_admin, snv_member, stc_member)
    login(client, snv_admin)
    page = client.get("/audit/?action=user.right").content.decode()
    assert "user.right_granted" in page
    assert snv_admin.full_name in page
    assert stc_admin.full_name not in page


def test_system_admin_sees_every_unit(client, sysadmin, snv_admin, stc_admin, snv_member, stc_member) -> None:
    seed_activity(snv_admin, stc_admin, snv_member, stc_member)
    login(client, sysadmin)
    page = client.get("/audit/?action=user.right").content.decode()
    assert snv_admin.full_name in page and stc_admin.full_name in page


def test_filters_by_user_and_date(client, sysadmin, snv_admin, stc_admin, snv_member, stc_member) -> None:
    seed_activity(snv_admin, stc_admin, snv_member, stc_member)
    login(client, sysadmin)
    page = client.get("/audit/?user=stc.quantri&action=user.").content.decode()
    assert stc_admin.full_name in page and snv_admin.full_name not in page
    assert "user.right_granted" not in client.get("/audit/?date_to=01/01/2020").content.decode()


def test_bad_date_shows_a_message(client, sysadmin) -> None:
    login(client, sysadmin)
    response = client.get("/audit/?date_from=32/13/2026")
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_csv_export_is_scoped_and_complete(client, snv_admin, stc_admin, snv_member, stc_member) -> None:
    seed_activity(snv_admin, stc_admin, snv_member, stc_member)
    login(client, snv_admin)
    response = client.get("/audit/export.csv?action=user.right")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2  # header + snv's grant only
    assert rows[1][2] == snv_admin.full_name and rows[1][4] == "user.right_granted"


def test_xlsx_export_opens_with_vietnamese_text(client, sysadmin, snv_admin, stc_admin, snv_member, stc_member) -> None:
    seed_activity(snv_admin, stc_admin, snv_member, stc_member)
    login(client, sysadmin)
    response = client.get("/audit/export.xlsx?action=user.right")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3
    assert {values[1][2], values[2][2]} == {snv_admin.full_name, stc_admin.full_name}


def test_unknown_export_format_is_404(client, sysadmin) -> None:
    login(client, sysadmin)
    assert client.get("/audit/export.pdf").status_code == 404


def test_member_cannot_export(client, snv_member) -> None:
    login(client, snv_member)
    assert client.get("/audit/export.xlsx").status_code == 404


def test_user_filter_finds_accounts_by_name_and_entries_without_account_by_recorded_name(
    client, sysadmin, snv_admin, stc_admin, snv_member, stc_member
) -> None:
    from audit.log import log_action

    seed_activity(snv_admin, stc_admin, snv_member, stc_member)
    log_action("auth.login_failed", actor=None, actor_name="khach.la", data={})
    login(client, sysadmin)
    by_name = client.get("/audit/", {"user": stc_admin.full_name.split()[-1], "action": "user."})
    assert [e.actor_id for e in by_name.context["page"]] == [stc_admin.pk]
    by_recorded_name = client.get("/audit/", {"user": "KHACH.la"})
    assert [(e.actor_id, e.action) for e in by_recorded_name.context["page"]] == [(None, "auth.login_failed")]
    assert list(client.get("/audit/", {"user": "không-ai-cả"}).context["page"]) == []
