"""Work a meeting assigns (việc được giao) and its follow-up: the task, its progress reports and
their files, extension requests, and the reminders already sent (docs/followups.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgUnit
from opinions.models import CheckedFileRecord


class TaskStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted by the unit")
    ASSIGNED = "assigned", _("Assigned to a person")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
    COMPLETION_REQUESTED = "completion_requested", _("Completion requested")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which the work is still owed (reminders, overdue).
OPEN_STATUSES = (
    TaskStatus.NEW,
    TaskStatus.ACCEPTED,
    TaskStatus.ASSIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.COMPLETION_REQUESTED,
)
# Statuses in which the assignee works on it (progress, completion and extension requests).
WORKING_STATUSES = (TaskStatus.ACCEPTED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)


class Task(models.Model):
    """One piece of work a meeting assigned to a unit (and optionally one of its people)."""

    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="followup_tasks"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followup_tasks",
    )
    notice = models.ForeignKey(
        "minutes.ConclusionNotice",
        verbose_name=_("conclusion notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followup_tasks",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("assigning unit"), on_delete=models.PROTECT, related_name="+"
    )
    assignee_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("assignee unit"), on_delete=models.PROTECT, related_name="followup_tasks"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followup_tasks",
    )
    deadline = models.DateField(_("deadline"))
    original_deadline = models.DateField(_("first deadline"))
    status = models.CharField(_("status"), max_length=24, choices=TaskStatus.choices, default=TaskStatus.NEW)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    completion_requested_at = models.DateTimeField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    returned_reason = models.TextField(blank=True)  # the last time completion was sent back
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The creation form's one-time key: the same form sent twice creates one task.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("assigned task")
        verbose_name_plural = _("assigned tasks")
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="followup_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def progress_file_path(instance: ProgressFile, filename: str) -> str:
    return f"followups/{instance.report.task_id}/{instance.sha256[:2]}/{instance.sha256}-{filename}"


class ProgressReport(models.Model):
    """A progress report of the assignee: text, a percentage that never goes down without a reason."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("progress report"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    decrease_reason = models.TextField(_("reason for the lower percentage"), blank=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "submission_key"], name="followup_report_sent_once"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="followup_report_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"report:{self.task_id}:{self.percent}"


class ProgressFile(CheckedFileRecord):
    """A file attached to a progress report, checked by content like every upload."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=progress_file_path, max_length=300)

    class Meta:
        ordering = ["pk"]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """The assignee asks for a later deadline; the assigner approves or refuses."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    current_deadline = models.DateField()
    new_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="pending"), name="followup_one_pending_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"extension:{self.task_id}:{self.new_deadline}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Deadline reminder")
    OVERDUE = "overdue", _("Overdue warning")


class ReminderSent(models.Model):
    """A reminder already sent: one per task, kind, days before and deadline, whatever runs twice.
    A new deadline (an approved extension) gets its own reminders."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    days_before = models.SmallIntegerField(default=0)
    deadline = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "days_before", "deadline"], name="followup_reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder:{self.task_id}:{self.kind}:{self.days_before}:{self.deadline}"
