"""Every write of the appendix forms: a unit's quarterly report to the PPC Office ("Nộp báo cáo cho
Văn phòng UBND tỉnh") and the reminder before its deadline.

Submitting freezes the rows of both forms (reports/forms_data.py) into a new QuarterlyReport: the
numbers of a submitted report never change afterwards. A unit may submit the same quarter again
(a correction, or the rest of the quarter after its end): each submission is a new numbered
revision, the earlier ones kept. The form carries the revision the person saw
(`expected_revision`); when someone else submitted in between, or the same form is posted twice,
the submission is refused and nothing is stored.

The reminder: once per unit and quarter, from REPORTS_REMINDER_DAYS days before the deadline until
it, to the administrators of each reporting unit that has not submitted; the ReportReminderSent row
is inserted first under its unique constraint (as followups' reminders), so the daily command and
the task never send it twice.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Right, RightGrant, UnitKind, User
from accounts.permissions import Perm, can
from audit.log import log_action
from notifications.actions import do_notify
from reports import quarters
from reports.forms_data import Period, mau01_rows, mau02_rows
from reports.models import QuarterlyReport, ReportReminderSent
from reports.quarters import Quarter

RECOMMENDATION_MAX_LENGTH = 8000


def reporting_units() -> QuerySet[OrgUnit]:
    """The units that report to the PPC Office: every active unit directly under the province's
    root (its Office, the departments and agencies, the communes and wards)."""
    return (
        OrgUnit.objects.filter(is_active=True, parent__kind=UnitKind.PROVINCE, parent__parent__isnull=True)
        .exclude(kind=UnitKind.PROVINCE)
        .order_by("sort_order", "name")
    )


def check_submission(quarter: Quarter, recommendation: str, *, on: dt.date) -> str:
    if quarter.start > on:
        raise ValidationError(_("This quarter has not begun: there is nothing to report yet."), code="future")
    recommendation = recommendation.strip()
    if len(recommendation) > RECOMMENDATION_MAX_LENGTH:
        raise ValidationError(
            {
                "recommendation": [
                    _("Keep the recommendations under %(max)s characters.") % {"max": RECOMMENDATION_MAX_LENGTH}
                ]
            },
            code="too_long",
        )
    return recommendation


def latest_revision(unit: OrgUnit, quarter: Quarter) -> int:
    latest = (
        QuarterlyReport.objects.filter(unit=unit, year=quarter.year, quarter=quarter.quarter)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    return latest or 0


def do_submit_report(
    actor: User,
    unit: OrgUnit,
    quarter: Quarter,
    *,
    recommendation: str = "",
    expected_revision: int,
    now: dt.datetime | None = None,
) -> QuarterlyReport:
    """Freeze Mẫu 01 and Mẫu 02 of `unit` for `quarter` (its first day to today, or its last day
    once it has ended) as a new revision sent to the PPC Office."""
    if not can(actor, Perm.SUBMIT_REPORT, unit):
        raise PermissionDenied
    now = now or timezone.now()
    today = timezone.localdate(now)
    recommendation = check_submission(quarter, recommendation, on=today)
    with transaction.atomic():
        OrgUnit.objects.select_for_update().get(pk=unit.pk)  # one submission of a unit at a time
        latest = latest_revision(unit, quarter)
        if latest != expected_revision:
            raise ValidationError(
                _(
                    "This quarter's report was submitted meanwhile (revision %(revision)s). "
                    "Open the page again to see it before submitting a new revision."
                )
                % {"revision": latest},
                code="stale",
            )
        period = Period(quarter.start, min(today, quarter.end), unit)
        report = QuarterlyReport.objects.create(
            unit=unit,
            year=quarter.year,
            quarter=quarter.quarter,
            revision=latest + 1,
            period_start=period.start,
            period_end=period.end,
            submitted_by=actor,
            submitted_at=now,
            late=quarter.is_late(now),
            mau01_rows=mau01_rows(period),
            mau02_rows=mau02_rows(period, now),
            recommendation=recommendation,
        )
        log_action(
            "report.submitted",
            actor=actor,
            target=report,
            unit=unit,
            data={
                "year": quarter.year,
                "quarter": quarter.quarter,
                "revision": report.revision,
                "late": report.late,
                "mau01_rows": len(report.mau01_rows),
                "mau02_rows": len(report.mau02_rows),
            },
        )
    return report


# --- the reminder ----------------------------------------------------------------------------------


def unit_admins(unit: OrgUnit) -> list[User]:
    admins = RightGrant.objects.filter(right=Right.UNIT_ADMIN).values("user_id")
    return list(User.objects.filter(unit=unit, pk__in=admins, is_active=True, is_external=False).order_by("pk"))


def reminder_due(quarter: Quarter, on: dt.date) -> bool:
    return quarter.reminder_day() <= on < quarter.deadline


def _claim(unit: OrgUnit, quarter: Quarter) -> bool:
    """Insert the row that says this unit's reminder is sent; False when it already was."""
    try:
        with transaction.atomic():
            ReportReminderSent.objects.create(unit=unit, year=quarter.year, quarter=quarter.quarter)
    except IntegrityError:
        return False
    return True


def send_unit_reminder(unit_id: int, quarter: Quarter, on: dt.date) -> bool:
    """The reminder of one unit, when due, not submitted yet and not sent before."""
    if not reminder_due(quarter, on):
        return False
    with transaction.atomic():
        unit = OrgUnit.objects.select_for_update().filter(pk=unit_id, is_active=True).first()
        if unit is None or latest_revision(unit, quarter):
            return False
        if not _claim(unit, quarter):
            return False
        people = unit_admins(unit)
        if people:
            do_notify(
                people,
                event="report.reminder",
                title=_("Quarterly report due: %(quarter)s") % {"quarter": str(quarter)},
                body=_("Submit the report Mẫu số 01 and Mẫu số 02 of %(unit)s to the PPC Office before %(deadline)s.")
                % {"unit": unit.name, "deadline": f"{quarter.deadline:%d/%m/%Y}"},
                url=reverse("reports:submissions") + f"?unit={unit.pk}&year={quarter.year}&quarter={quarter.quarter}",
                target=unit,
            )
        log_action(
            "report.reminded",
            actor=None,
            target=unit,
            unit=unit,
            data={"year": quarter.year, "quarter": quarter.quarter, "recipients": len(people)},
        )
    return True


def do_send_report_reminders(on: dt.date | None = None) -> int:
    """Every reporting unit's reminder of the current quarter, when due. Returns how many units
    were reminded."""
    on = on or quarters.today()
    quarter = Quarter.of(on)
    if not reminder_due(quarter, on):
        return 0
    submitted = QuarterlyReport.objects.filter(year=quarter.year, quarter=quarter.quarter).values("unit_id")
    reminded = ReportReminderSent.objects.filter(year=quarter.year, quarter=quarter.quarter).values("unit_id")
    ids = list(reporting_units().exclude(pk__in=submitted).exclude(pk__in=reminded).values_list("pk", flat=True))
    return sum(1 for unit_id in ids if send_unit_reminder(unit_id, quarter, on))
