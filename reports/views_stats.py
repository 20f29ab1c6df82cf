"""The statistics page (/reports/statistics/) and its .xlsx (Điều 3.1đ).

Who sees which unit (reports/permissions.py): a province viewer (the PPC Office, PPC leaders,
system administrators) any unit or every unit at once (no `unit`); a unit's administrators and
leaders their unit and the units below it, their own unit when none is named. A unit outside
one's reach answers 404 (as if it did not exist), and so does an id that is not a unit; someone
of the unit (or below it) without the right gets 403, like anyone with no statistics at all.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import OrgUnit
from accounts.permissions import Perm, can
from core.http import AnyUser, AuthedRequest
from reports import charts
from reports.access import scope_unit
from reports.permissions import may_see_some_statistics
from reports.statistics import UNIT_CHART_LIMIT, Period, PeriodKind, Statistics, compute, format_percent, range_too_long

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
    )


class StatisticsForm(forms.Form):
    """The period: a week, month, quarter or year around a day, or a range of days (at most 5 years)."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=PeriodKind.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"invalid_choice": _("Choose a week, a month, a quarter, a year or a date range.")},
    )
    date = _date_field(_("Day in the period"))
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for name in ("date", "date_from", "date_to"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Choose a date between 2000 and 2100."))
        if self.errors:
            return data
        kind = data.get("period") or PeriodKind.MONTH
        if kind == PeriodKind.RANGE:
            first, last = data.get("date_from"), data.get("date_to")
            if first is None or last is None:
                raise forms.ValidationError(_("For a date range, give both its first and its last day."))
            if first > last:
                raise forms.ValidationError(_("The first day of the range is after its last day."))
            if range_too_long(first, last):
                raise forms.ValidationError(_("A date range covers at most 5 years; choose a shorter one."))
            data["period_value"] = Period(kind, first, last)
        else:
            data["period_value"] = Period.around(kind, data.get("date") or timezone.localdate())
        return data


def unit_choices(user: AnyUser) -> QuerySet[OrgUnit]:
    """The units of the form's list: every unit for province viewers, else the user's unit and the
    units below it (the rule checks each again when asked)."""
    units = OrgUnit.objects.only("pk", "name", "path", "sort_order").order_by("path")
    if can(user, Perm.VIEW_ALL_REPORTS):
        return units
    own = getattr(user, "unit", None)
    if own is None:
        return units.none()
    return units.filter(path__startswith=own.path)


def form_values(form: StatisticsForm) -> dict[str, str]:
    """What the form's inputs show: what was typed, or the defaults (dates as yyyy-mm-dd)."""
    values = {}
    for name in ("period", "date", "date_from", "date_to"):
        value = form[name].value()
        values[name] = value.isoformat() if isinstance(value, date) else str(value or "")
    values["period"] = values["period"] or PeriodKind.MONTH
    return values


def _query(request: AuthedRequest) -> str:
    keys = ("period", "date", "date_from", "date_to", "unit")
    return urlencode({key: request.GET[key] for key in keys if request.GET.get(key)})


def chart_blocks(stats: Statistics) -> list[dict[str, Any]]:
    """Each section with its chart (when it has one) for the template."""
    blocks = []
    for section in stats.sections:
        svg = None
        if section.chart:
            bars = [
                charts.Bar(str(row.label), row.value, text=_value_text(row.value, row.percent))
                for row in section.rows
                if row.percent is not None or section.key in ("meetings_status", "meetings_kind")
            ]
            svg = charts.bar_chart(f"chart-{section.key}", str(section.title), bars, colourful=True)
        blocks.append({"section": section, "svg": svg})
    return blocks


def _value_text(value: int, share: float | None) -> str:
    return f"{value} ({format_percent(share)})" if share is not None else str(value)


def unit_chart(stats: Statistics) -> Any:
    largest = [row for row in stats.units if row.meetings][:UNIT_CHART_LIMIT]
    return charts.bar_chart(
        "chart-units",
        gettext("Meetings by organising unit"),
        [charts.Bar(row.unit.name, row.meetings, inner=row.held) for row in largest],
        legend=(gettext("Meetings"), gettext("Meetings held")),
    )


def series_chart(stats: Statistics) -> Any:
    return charts.bar_chart(
        "chart-series",
        gettext("Meetings over the period"),
        [charts.Bar(label, n, inner=held) for label, n, held in stats.series],
        legend=(gettext("Meetings"), gettext("Meetings held")),
    )


def _parse(request: AuthedRequest) -> tuple[StatisticsForm, OrgUnit | None]:
    unit = scope_unit(request.user, request.GET.get("unit"))
    form = StatisticsForm(request.GET or None, initial={"period": PeriodKind.MONTH, "date": timezone.localdate()})
    return form, unit


@login_required
@require_GET
def statistics(request: AuthedRequest) -> HttpResponse:
    form, unit = _parse(request)
    stats = None
    if not form.is_bound:
        stats = compute(unit, Period.around(PeriodKind.MONTH, timezone.localdate()))
    elif form.is_valid():
        stats = compute(unit, form.cleaned_data["period_value"])
    context: dict[str, Any] = {
        "form": form,
        "values": form_values(form),
        "unit": unit,
        "stats": stats,
        "province": can(request.user, Perm.VIEW_ALL_REPORTS),
        "units": unit_choices(request.user),
        "query": _query(request),
        "nav_active": "statistics",
    }
    if stats is not None:
        context.update(
            blocks=chart_blocks(stats),
            unit_svg=unit_chart(stats),
            series_svg=series_chart(stats),
            unit_chart_limit=UNIT_CHART_LIMIT,
        )
    return render(request, "reports/stats.html", context, status=200 if stats is not None else 400)


@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    from reports.export_stats import statistics_workbook

    form, unit = _parse(request)
    if form.is_bound and not form.is_valid():
        # The page shows what is wrong with the period.
        return redirect(f"{reverse('reports:statistics')}?{_query(request)}")
    period = (
        form.cleaned_data["period_value"] if form.is_bound else Period.around(PeriodKind.MONTH, timezone.localdate())
    )
    stats = compute(unit, period)
    data = statistics_workbook(stats)
    scope = f"don-vi-{unit.pk}" if unit is not None else "toan-tinh"
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="thong-ke-{scope}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx"'
    )
    return response


def menu_entry(user: AnyUser) -> dict[str, Any] | None:
    """ "Thống kê" in the menu, for whoever may see some statistics."""
    if not user.is_authenticated or not may_see_some_statistics(user):
        return None
    return {"label": _("Statistics"), "url": reverse("reports:statistics"), "key": "statistics"}
