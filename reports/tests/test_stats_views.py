"""The statistics page and its .xlsx: who sees which unit (404 outside one's reach, 403 inside it
without the right), bad periods refused with a message, the workbook's cells, the menu entry, and
a number of queries that does not grow with the rows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.actions.units import do_create_unit
from accounts.models import OrgUnit, Right, UnitKind, User
from conftest import login, make_user
from core.menu import main_entries_for
from reports.statistics import PeriodKind
from reports.tests.test_stats import Cast, at, build, make_cast, meeting

URL = "/reports/statistics/"
EXPORT = "/reports/statistics/export.xlsx"
MARCH: dict[str, str] = {"period": PeriodKind.MONTH, "date": "2025-03-15"}


def client_for(user: User) -> Client:
    return login(Client(), user)


@pytest.fixture
def cast(province: dict[str, OrgUnit]) -> Cast:
    return make_cast(province)


@pytest.fixture
def commune(province: dict[str, OrgUnit]) -> OrgUnit:
    return do_create_unit(None, code="XA01", name="Xã Gia Viễn", kind=UnitKind.COMMUNE, parent=province["root"])


# --- who sees what ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "unit", "rights"),
    [
        ("system admin", "office", (Right.SYSTEM_ADMIN,)),
        ("PPC Office leader", "office", (Right.LEADER,)),
        ("PPC Office unit administrator", "office", (Right.UNIT_ADMIN,)),
        ("PPC leader", "root", (Right.LEADER,)),
    ],
)
def test_province_viewers_see_every_unit_and_any_unit(
    province: dict[str, OrgUnit], who: str, unit: str, rights: tuple[Right, ...]
) -> None:
    client = client_for(make_user("xem.tinh", province[unit], *rights))
    response = client.get(URL, MARCH)
    assert response.status_code == 200, who
    assert response.context["unit"] is None
    assert client.get(URL, {**MARCH, "unit": str(province["stc"].pk)}).context["unit"] == province["stc"]


def test_a_unit_administrator_sees_their_unit_and_the_units_below_it(
    province: dict[str, OrgUnit], snv_admin: User
) -> None:
    client = client_for(snv_admin)
    response = client.get(URL)
    assert response.status_code == 200 and response.context["unit"] == province["snv"]
    assert set(response.context["units"]) == {province["snv"], province["snv_sub"]}
    assert '<option value="">' not in response.content.decode()  # no "every unit of the province"
    assert client.get(URL, {"unit": province["snv_sub"].pk}).status_code == 200


def test_a_leader_sees_their_unit(province: dict[str, OrgUnit]) -> None:
    leader = make_user("snv.giamdoc2", province["snv"], Right.LEADER)
    assert client_for(leader).get(URL).context["unit"] == province["snv"]


def test_a_commune_administrator_sees_the_commune_only(province: dict[str, OrgUnit], commune: OrgUnit) -> None:
    client = client_for(make_user("xa.quantri", commune, Right.UNIT_ADMIN))
    assert client.get(URL).context["unit"] == commune
    assert client.get(URL, {"unit": province["snv"].pk}).status_code == 404
    assert client.get(EXPORT, {"unit": province["snv"].pk}).status_code == 404


def test_another_units_statistics_are_not_found(province: dict[str, OrgUnit], snv_admin: User) -> None:
    client = client_for(snv_admin)
    assert client.get(URL, {"unit": province["stc"].pk}).status_code == 404
    # The province's root holds their unit: they know it exists, and may not see its numbers.
    assert client.get(URL, {"unit": province["root"].pk}).status_code == 403
    assert client.get(EXPORT, {"unit": province["stc"].pk}).status_code == 404


@pytest.mark.parametrize("raw", ["999999", "abc", "-1", "99999999999999999999999"])
def test_an_unknown_or_malformed_unit_id_is_not_found(sysadmin: User, raw: str) -> None:
    assert client_for(sysadmin).get(URL, {"unit": raw}).status_code == 404


def test_a_plain_official_is_refused(province: dict[str, OrgUnit], snv_member: User) -> None:
    client = client_for(snv_member)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"unit": province["snv"].pk}).status_code == 403  # their unit, no right
    assert client.get(URL, {"unit": province["stc"].pk}).status_code == 404  # not their unit
    assert client.get(EXPORT).status_code == 403


def test_an_organiser_without_leader_or_admin_rights_is_refused(province: dict[str, OrgUnit]) -> None:
    organiser = make_user("snv.daumoi2", province["snv"], Right.ORGANISER)
    assert client_for(organiser).get(URL).status_code == 403


def test_a_plain_official_of_the_ppc_office_is_refused(province: dict[str, OrgUnit]) -> None:
    official = make_user("vp.chuyenvien", province["office"])
    assert client_for(official).get(URL).status_code == 403


def test_the_administrator_of_a_unit_below_is_refused_the_unit_above(province: dict[str, OrgUnit]) -> None:
    client = client_for(make_user("snvvp.quantri", province["snv_sub"], Right.UNIT_ADMIN))
    assert client.get(URL).context["unit"] == province["snv_sub"]
    assert client.get(URL, {"unit": province["snv"].pk}).status_code == 403


def test_an_outside_guest_is_refused(province: dict[str, OrgUnit]) -> None:
    guest = make_user("khach", province["office"], is_external=True)
    client = client_for(guest)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"unit": province["office"].pk}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/auth/login/" in response["Location"]


def test_the_menu_entry_is_shown_to_who_may_see_statistics(
    province: dict[str, OrgUnit], snv_admin: User, snv_member: User
) -> None:
    def keys(user: User) -> list[str]:
        return [entry["key"] for entry in main_entries_for(user)]

    assert "statistics" in keys(snv_admin)
    assert "statistics" in keys(make_user("vp.lanhdao", province["office"], Right.LEADER))
    assert "statistics" not in keys(snv_member)
    assert "statistics" not in keys(make_user("snv.daumoi3", province["snv"], Right.ORGANISER))


# --- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "month", "date": "31/02/2025"}, "date"),
        ({"period": "month", "date": "hôm qua"}, "date"),
        ({"period": "decade", "date": "2025-03-01"}, "period"),
        ({"period": "year", "date": "9999-12-31"}, "date"),
        ({"period": "range", "date_from": "2025-03-10", "date_to": "2025-03-01"}, "__all__"),
        ({"period": "range", "date_from": "2025-03-10"}, "__all__"),
        ({"period": "range", "date_from": "2019-01-01", "date_to": "2024-01-01"}, "__all__"),
    ],
)
def test_a_bad_period_is_refused_with_a_message(sysadmin: User, params: dict[str, str], field: str) -> None:
    client = client_for(sysadmin)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response.context["stats"] is None
    assert field in response.context["form"].errors
    export = client.get(EXPORT, params)
    assert export.status_code == 302 and export["Location"].startswith(URL)


def test_a_range_of_five_years_is_shown(sysadmin: User) -> None:
    response = client_for(sysadmin).get(URL, {"period": "range", "date_from": "2020-01-01", "date_to": "2024-12-31"})
    assert response.status_code == 200
    assert [label for label, _n, _held in response.context["stats"].series] == ["2020", "2021", "2022", "2023", "2024"]


def test_dates_may_be_typed_day_first(sysadmin: User) -> None:
    response = client_for(sysadmin).get(URL, {"period": "quarter", "date": "15/05/2025"})
    period = response.context["stats"].period
    assert (period.first.isoformat(), period.last.isoformat()) == ("2025-04-01", "2025-06-30")


# --- the page and the workbook ------------------------------------------------------------------------


def test_the_page_shows_each_chart_with_its_table(cast: Cast, sysadmin: User) -> None:
    build(cast)
    response = client_for(sysadmin).get(URL, {**MARCH, "unit": str(cast.snv.pk)})
    html = response.content.decode()
    assert html.count('role="img"') == html.count("<svg") >= 8
    assert html.count("<title id=") == html.count("<svg")
    for key in ("meetings_status", "attendance", "opinions", "tasks", "approval", "incidents", "units", "series"):
        assert f'data-testid="stats-table-{key}"' in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing from elsewhere


def test_a_unit_name_is_escaped_in_the_charts(province: dict[str, OrgUnit], cast: Cast, sysadmin: User) -> None:
    evil = do_create_unit(
        None, code="EVIL", name='<script>alert("x")</script>', kind=UnitKind.DEPARTMENT, parent=province["root"]
    )
    meeting(cast, evil, at(10))
    html = client_for(sysadmin).get(URL, MARCH).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_workbook_has_the_same_numbers(cast: Cast, sysadmin: User) -> None:
    build(cast)
    response = client_for(sysadmin).get(EXPORT, {**MARCH, "unit": str(cast.snv.pk)})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="thong-ke-don-vi-{cast.snv.pk}-20250301-20250331.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Thống kê", "Theo đơn vị", "Theo thời gian"]
    ws = workbook["Thống kê"]
    assert ws["A1"].value == "THỐNG KÊ HOẠT ĐỘNG TRÊN HỆ THỐNG ECABINET"
    assert ws["A2"].value == "Đơn vị: Sở Nội vụ"
    assert ws["A3"].value == "Thời gian: từ ngày 01/03/2025 đến ngày 31/03/2025"
    assert [ws.cell(row=6, column=c).value for c in range(1, 5)] == ["STT", "Chỉ tiêu", "Số lượng", "Tỷ lệ (%)"]
    rows = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=3).value for r in range(7, ws.max_row + 1)}
    assert rows["Tỷ lệ tham dự"] == "60,0 %"
    assert rows["Tài liệu"] == 3  # a number, not a text
    units = workbook["Theo đơn vị"]
    assert [units.cell(row=6, column=c).value for c in range(1, 4)] == ["STT", "Đơn vị", "Số cuộc họp"]
    assert {units.cell(row=r, column=2).value: units.cell(row=r, column=3).value for r in (7, 8)} == {
        "Sở Nội vụ": 3,
        "Văn phòng Sở Nội vụ": 1,
    }
    series = workbook["Theo thời gian"]
    assert [series.cell(row=6, column=c).value for c in range(1, 5)] == [
        "STT",
        "Thời gian",
        "Số cuộc họp",
        "Cuộc họp đã diễn ra",
    ]


def test_a_formula_like_unit_name_stays_text_in_the_workbook(
    province: dict[str, OrgUnit],
    cast: Cast,
    sysadmin: User,
) -> None:
    evil = do_create_unit(
        None, code="EVIL", name='=HYPERLINK("http://x","y")', kind=UnitKind.DEPARTMENT, parent=province["root"]
    )
    meeting(cast, evil, at(10))
    workbook = load_workbook(io.BytesIO(client_for(sysadmin).get(EXPORT, MARCH).content))
    cell = next(c for row in workbook["Theo đơn vị"].iter_rows() for c in row if c.value == evil.name)
    assert cell.data_type == "s"


# --- queries --------------------------------------------------------------------------------------------

MAX_QUERIES = 30


@pytest.mark.parametrize("copies", [1, 3])
@pytest.mark.parametrize("scope", ["province", "unit"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    cast: Cast,
    sysadmin: User,
    django_assert_max_num_queries: Any,
    copies: int,
    scope: str,
) -> None:
    build(cast, copies=copies)
    client = client_for(sysadmin)
    params = {**MARCH, **({"unit": str(cast.snv.pk)} if scope == "unit" else {})}
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["stats"].section("documents").rows[0].value == 3 * copies
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(EXPORT, params).status_code == 200
