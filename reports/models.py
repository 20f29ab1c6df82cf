"""The quarterly report a unit sends to the PPC Office (Chương III: "báo cáo định kỳ hằng quý,
trước ngày 25 của tháng cuối quý"): both appendix forms, Mẫu số 01 and Mẫu số 02, frozen when
submitted.

A submission is numbered per unit and quarter (`revision` 1, 2, …): a unit that finds a mistake
submits again and a new revision is kept beside the first, never over it. The rows are stored as
JSON at the moment of submission (reports/forms_data.py's rows), so later changes of meetings,
votes or incidents never alter what was sent. `late` says whether this revision was sent after
the deadline (reports/periods.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit


class QuarterlyReport(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    revision = models.PositiveIntegerField(_("revision"), default=1)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    late = models.BooleanField(default=False)
    mau01_rows = models.JSONField(default=list)  # reports.forms_data.Mau01Row as dicts
    mau02_rows = models.JSONField(default=list)  # reports.forms_data.Mau02Row as dicts
    recommendation = models.TextField(_("recommendations and proposals"), blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "unit__sort_order", "unit__name", "-revision"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter", "revision"], name="one_report_revision"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.year}Q{self.quarter}r{self.revision}"


class ReportReminderSent(models.Model):
    """One reminder per unit and quarter (inserted first, under the unique constraint: a second
    run of the task or the command sends nothing)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    quarter = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="one_report_reminder_per_quarter")
        ]

    def __str__(self) -> str:
        return f"reminder:{self.unit_id}:{self.year}Q{self.quarter}"
