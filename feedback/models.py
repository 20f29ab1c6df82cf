"""Feedback to the operator (góp ý, phản ánh, Điều 8.4) and incidents outside meetings (Điều 9.3đ):
the item a user sends, its attached files, and the handlers' answers (docs/feedback.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgUnit
from opinions.models import CheckedFileRecord


class Category(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion for improvement")
    BUG = "bug", _("System error")
    INCIDENT = "incident", _("Incident outside a meeting")
    OTHER = "other", _("Other")


# The one category the sender's unit administrators handle; every other goes to the system
# administrators (who see every item whatever its category).
UNIT_CATEGORIES = (Category.INCIDENT,)


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("Being handled")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("feedback status", "Closed")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.ANSWERED)


class Feedback(models.Model):
    """One feedback item or incident report, from its sender to its handlers."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT, related_name="feedback_sent"
    )
    # The sender's unit when it was sent: whose administrators handle an incident.
    sender_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    text = models.TextField(_("content"))
    # A path of this site (never an outside address): feedback.rules.clean_page_address.
    page_address = models.CharField(_("page address"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    # The form's one-time key: the same form sent twice (a double click) makes one item.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self) -> str:
        return f"feedback:{self.pk}:{self.category}"

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def for_unit(self) -> bool:
        """Handled by the sender unit's administrators (an incident), not only the system's."""
        return self.category in UNIT_CATEGORIES and self.sender_unit_id is not None


def feedback_file_path(instance: FeedbackFile, filename: str) -> str:
    return f"feedback/{instance.feedback_id}/{instance.sha256[:2]}/{instance.sha256}-{filename}"


class FeedbackFile(CheckedFileRecord):
    """A file the sender attached, checked by content like every upload."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=feedback_file_path, max_length=300)

    class Meta:
        ordering = ["pk"]


class Answer(models.Model):
    """A handler's answer to the sender."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("answer"))
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "submission_key"], name="feedback_answer_sent_once"),
        ]

    def __str__(self) -> str:
        return f"answer:{self.feedback_id}:{self.pk}"
