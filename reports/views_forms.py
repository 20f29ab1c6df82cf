"""The appendix forms' pages: Mẫu 01 and 02 of a period and a unit (with their .xlsx, .docx and
.pdf), a unit's quarterly reports and the submission to the PPC Office, a submitted report, and
the PPC Office's overview of a quarter. Every page fetches through reports.access (404 outside
one's reach) and writes through reports.actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.forms import BootstrapMixin
from accounts.models import OrgUnit, Right
from accounts.permissions import Perm, can, has_right
from core.http import AuthedRequest, flash_form_errors, perform
from minutes.export import to_pdf
from reports import quarters
from reports.access import access_report, access_unit, scope_unit, sees_all, visible_units
from reports.actions import RECOMMENDATION_MAX_LENGTH, do_submit_report, latest_revision, reporting_units
from reports.export_forms import FORM_NAMES, FormReport, form_docx, form_xlsx
from reports.forms_data import FORMS, MAU01, MAU02, Period, mau01_rows, mau02_rows, rows_of
from reports.models import QuarterlyReport
from reports.quarters import Quarter

MAX_PERIOD_DAYS = 3 * 366
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
FILE_NAMES = {MAU01: "mau-01-cuoc-hop", MAU02: "mau-02-bieu-quyet-lay-y-kien"}


class PeriodForm(forms.Form):
    unit = forms.CharField(required=False)
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data


class SubmitForm(BootstrapMixin, forms.Form):
    recommendation = forms.CharField(
        label=gettext_lazy("Recommendations and proposals of the unit (if any)"),
        required=False,
        max_length=RECOMMENDATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


@dataclass
class Scope:
    unit: OrgUnit | None
    start: dt.date
    end: dt.date
    errors: list[str]

    @property
    def period(self) -> Period:
        return Period(self.start, self.end, self.unit)

    def query(self) -> str:
        unit = f"unit={self.unit.pk}&" if self.unit is not None else ""
        return f"?{unit}start={self.start:%Y-%m-%d}&end={self.end:%Y-%m-%d}"


def admin_entry(user: Any) -> dict[str, Any] | None:
    """ "Báo cáo Mẫu 01, 02" in the administration menu: unit administrators (who submit the
    quarterly report) and whoever sees every unit's reports."""
    if not user.is_authenticated or user.is_external:
        return None
    submits = has_right(user, Right.UNIT_ADMIN) and user.unit_id is not None  # rights first: no unit query
    if not (sees_all(user) or (submits and can(user, Perm.SUBMIT_REPORT, user.unit))):
        return None
    return {"label": gettext_lazy("Report forms 01 and 02"), "url": reverse("reports:forms"), "key": "reports_forms"}


def _scope(request: AuthedRequest) -> Scope:
    """The unit and period of the page: the current quarter up to today unless asked otherwise."""
    form = PeriodForm(request.GET)
    today = quarters.today()
    quarter = Quarter.of(today)
    start, end, errors = quarter.start, today, []
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or max(end, start)
    else:
        errors = [str(e) for messages in form.errors.values() for e in messages]
    unit = scope_unit(request.user, request.GET.get("unit"))
    return Scope(unit, start, end, errors)


def _download(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _render_file(report: FormReport, fmt: str) -> bytes:
    if fmt == "xlsx":
        return form_xlsx(report)
    content = form_docx(report)
    return to_pdf(content) if fmt == "pdf" else content


def _check_format(form: str, fmt: str) -> None:
    if form not in FORMS or fmt not in CONTENT_TYPES:
        raise Http404


@login_required
def forms_page(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    period = scope.period
    context = {
        "scope": scope,
        "units": visible_units(request.user),
        "sees_all": sees_all(request.user),
        "mau01": mau01_rows(period),
        "mau02": mau02_rows(period),
        "query": scope.query(),
        "forms": [(form, FORM_NAMES[form]) for form in FORMS],
        "formats": list(CONTENT_TYPES),
        "nav_active": "reports",
    }
    return render(request, "reports/forms.html", context)


@login_required
def form_export(request: AuthedRequest, form: str, fmt: str) -> HttpResponse:
    _check_format(form, fmt)
    scope = _scope(request)
    if scope.errors:
        raise Http404
    report = FormReport(form, scope.unit, scope.start, scope.end, rows_of(form, scope.period))
    code = scope.unit.code if scope.unit is not None else "toan-tinh"
    name = f"{FILE_NAMES[form]}-{code}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"
    return _download(_render_file(report, fmt), name, fmt)


# --- the quarterly report ----------------------------------------------------------------------------


def _quarter(request: AuthedRequest) -> Quarter:
    return quarters.parse(request.GET.get("year"), request.GET.get("quarter")) or quarters.current()


@login_required
def submissions(request: AuthedRequest) -> HttpResponse:
    """A unit's quarterly reports, and the submission of the chosen quarter's."""
    unit = scope_unit(request.user, request.GET.get("unit") or getattr(request.user, "unit_id", None) or "")
    if unit is None:  # the whole province has no report of its own: the overview lists every unit
        return redirect("reports:overview")
    quarter = _quarter(request)
    reports = list(QuarterlyReport.objects.filter(unit=unit).select_related("submitted_by"))
    latest = latest_revision(unit, quarter)
    may_submit = can(request.user, Perm.SUBMIT_REPORT, unit) and quarter.start <= quarters.today()
    context = {
        "unit": unit,
        "quarter": quarter,
        "quarters": [quarters.current(), quarters.current().previous(), quarters.current().previous().previous()],
        "reports": reports,
        "latest": latest,
        "may_submit": may_submit,
        "submit_form": SubmitForm(initial={"expected_revision": latest}) if may_submit else None,
        "late_now": quarter.is_late(timezone.now()),
        "sees_all": sees_all(request.user),
        "nav_active": "reports",
    }
    return render(request, "reports/submissions.html", context)


@login_required
@require_POST
def submit(request: AuthedRequest) -> HttpResponse:
    unit = access_unit(request.user, request.POST.get("unit"), perm=Perm.SUBMIT_REPORT)
    target = quarters.parse(request.POST.get("year"), request.POST.get("quarter"))
    if target is None:
        raise Http404
    form = SubmitForm(request.POST)
    back = reverse("reports:submissions") + f"?unit={unit.pk}&year={target.year}&quarter={target.quarter}"
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back)
    outcome = perform(
        request,
        lambda: do_submit_report(
            request.user,
            unit,
            target,
            recommendation=form.cleaned_data["recommendation"],
            expected_revision=form.cleaned_data["expected_revision"],
        ),
        success=_("The report was submitted to the PPC Office."),
    )
    if outcome.ok and outcome.value is not None:
        return redirect("reports:submission", report_id=outcome.value.pk)
    return redirect(back)


@login_required
def submission(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = access_report(request.user, report_id)
    quarter = Quarter(report.year, report.quarter)
    context = {
        "report": report,
        "quarter": quarter,
        "mau01": report.mau01_rows,
        "mau02": report.mau02_rows,
        "forms": [(form, FORM_NAMES[form]) for form in FORMS],
        "formats": list(CONTENT_TYPES),
        "nav_active": "reports",
    }
    return render(request, "reports/submission.html", context)


def submitted_form(report: QuarterlyReport, form: str) -> FormReport:
    return FormReport(
        form,
        report.unit,
        report.period_start,
        report.period_end,
        report.mau01_rows if form == MAU01 else report.mau02_rows,
        recommendation=report.recommendation,
        day=timezone.localdate(report.submitted_at),
        notes=[f"Báo cáo {Quarter(report.year, report.quarter)}, lần nộp thứ {report.revision}."],
    )


@login_required
def submission_export(request: AuthedRequest, report_id: int, form: str, fmt: str) -> HttpResponse:
    _check_format(form, fmt)
    report = access_report(request.user, report_id)
    name = f"{FILE_NAMES[form]}-{report.unit.code}-{report.year}-q{report.quarter}-lan-{report.revision}"
    return _download(_render_file(submitted_form(report, form), fmt), name, fmt)


@dataclass
class UnitStatus:
    unit: OrgUnit
    first: QuarterlyReport | None
    latest: QuarterlyReport | None
    revisions: int

    @property
    def status(self) -> str:
        if self.first is None:
            return "missing"
        return "late" if self.first.late else "on_time"


@login_required
def overview(request: AuthedRequest) -> HttpResponse:
    """The PPC Office's view of a quarter: every reporting unit, on time, late or missing. A unit
    counts as on time when its first revision was; later revisions are corrections."""
    if not sees_all(request.user):
        raise Http404
    quarter = _quarter(request)
    by_unit: dict[int, list[QuarterlyReport]] = {}
    for report in QuarterlyReport.objects.filter(year=quarter.year, quarter=quarter.quarter).order_by("revision"):
        by_unit.setdefault(report.unit_id, []).append(report)
    rows = []
    for unit in reporting_units():
        revisions = by_unit.get(unit.pk, [])
        rows.append(
            UnitStatus(unit, revisions[0] if revisions else None, revisions[-1] if revisions else None, len(revisions))
        )
    wanted = request.GET.get("status", "")
    counts = {key: sum(1 for r in rows if r.status == key) for key in ("on_time", "late", "missing")}
    if wanted in counts:
        rows = [r for r in rows if r.status == wanted]
    context = {
        "quarter": quarter,
        "quarters": [quarters.current(), quarters.current().previous(), quarters.current().previous().previous()],
        "rows": rows,
        "counts": counts,
        "total": sum(counts.values()),
        "wanted": wanted,
        "nav_active": "reports",
    }
    return render(request, "reports/overview.html", context)
