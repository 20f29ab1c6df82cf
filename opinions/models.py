"""Opinion collection outside meetings (Điều 7): "Quản lý biểu quyết" and "Lấy ý kiến".

A collection is a poll of kind `opinion` (polls/) with the settings a–k of Điều 7.1:

- `Collection` — the settings the poll does not hold: signature required (b), SMS/email (c),
  release time (d; the expiry (đ) is the poll's `closes_at`), the recommendation written at the
  end, and the head of the ballot log.
- `Follower` (e), `ConsultedUnit` (g), `ConsultedPerson` (h). Questions (i) and options (k) are
  the poll's; each question may carry attachments (`QuestionAttachment`).
- `AnswerRevision` — every answer a voter sent in a named collection, kept (the last counted one
  counts). With a signature required, a revision counts only once its ballot PDF comes back
  signed. Secret collections keep no revision: their choices are stored unlinked (polls.Choice
  with no participation) and an answer cannot be changed.
- `LogEntry` — the collection's hash-chained ballot log (release, answers, signatures,
  extensions, close), built with the audit trail's chain (`audit.chain`). Voters get a receipt:
  their entry's sequence number and hash.

Visibility and answering are decided by the clock (release ≤ now < expiry), never by a flag
that a background task has to set.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from audit.chain import AppendOnly, link_hash
from polls.models import Poll, Question


class Collection(models.Model):
    poll = models.OneToOneField(Poll, primary_key=True, on_delete=models.CASCADE, related_name="collection")
    description = models.TextField(_("description"), blank=True)
    requires_signature = models.BooleanField(_("digital signature required"), default=False)
    notify_email = models.BooleanField(_("notify by email"), default=True)
    notify_sms = models.BooleanField(_("notify by SMS"), default=False)
    release_at = models.DateTimeField(_("release time"))
    released_notified_at = models.DateTimeField(null=True, blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    # Head of the ballot log (locked with the row while appending).
    log_seq = models.PositiveIntegerField(default=0)
    log_hash = models.CharField(max_length=64, blank=True)
    final_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("opinion collection")

    def __str__(self) -> str:
        return self.poll.title

    @property
    def expires_at(self) -> Any:
        return self.poll.closes_at


class Follower(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "user"], name="one_follower_row")]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.user_id}"


class ConsultedPerson(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "user"], name="one_consulted_person_row")]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.user_id}"


class ConsultedUnit(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "unit"], name="one_consulted_unit_row")]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.unit_id}"


def attachment_path(instance: QuestionAttachment, filename: str) -> str:
    return f"opinions/{instance.question.poll_id}/{instance.sha256[:2]}/{instance.sha256}-{filename}"


class CheckedFileRecord(models.Model):
    """What every attached file keeps of its check (opinions.actions.attachments.CheckedFile.store):
    a question's attachment, a progress report's file (followups), a feedback item's (feedback).
    Each model adds its owner and its `file` field (where it is stored)."""

    name = models.CharField(_("file name"), max_length=255)
    file_type = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    file: Any

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class QuestionAttachment(CheckedFileRecord):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]


class RevisionState(models.TextChoices):
    COUNTED = "counted", _("Counted")
    AWAITING_SIGNATURE = "awaiting", _("Awaiting signature")
    SUPERSEDED = "superseded", _("Replaced by a later answer")


def ballot_path(instance: AnswerRevision, filename: str) -> str:
    return f"opinions/{instance.collection_id}/ballots/{instance.pk or 'new'}-{filename}"


class AnswerRevision(models.Model):
    """One answer sent in a named collection (kept for the history; the last counted one counts)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="revisions")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()  # 1, 2, ... per (collection, voter, unit)
    answers = models.JSONField()  # [{"question": id, "option": id, "other_text": str}]
    state = models.CharField(max_length=10, choices=RevisionState.choices)
    created_at = models.DateTimeField(default=timezone.now)
    counted_at = models.DateTimeField(null=True, blank=True)
    # With a signature required: the generated ballot, and the signed copy that came back.
    content_hash = models.CharField(max_length=64, blank=True)
    ballot = models.FileField(upload_to=ballot_path, blank=True, max_length=300)
    ballot_sha256 = models.CharField(max_length=64, blank=True)
    signed_ballot = models.FileField(upload_to=ballot_path, blank=True, max_length=300)
    signer = models.JSONField(default=dict, blank=True)  # {"cert_sha256", "subject", "binding"}
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["collection", "voter", "unit", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "voter", "number"], condition=Q(unit__isnull=True), name="revision_number_person"
            ),
            models.UniqueConstraint(
                fields=["collection", "unit", "number"], condition=Q(unit__isnull=False), name="revision_number_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.voter_id}#{self.number}"


class LogEntry(AppendOnly, models.Model):
    """One link of a collection's ballot log (`audit.chain`); append-only."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="log")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    action = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["collection", "seq"]
        constraints = [models.UniqueConstraint(fields=["collection", "seq"], name="one_log_entry_per_seq")]

    def __str__(self) -> str:
        return f"{self.collection_id}#{self.seq} {self.action}"

    def content(self) -> dict[str, Any]:
        return {
            "collection": self.collection_id,
            "seq": self.seq,
            # In UTC whatever zone the value was written in: the database gives it back in UTC.
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "action": self.action,
            "data": self.data,
        }

    def compute_hash(self) -> str:
        return link_hash(self.prev_hash, self.content())
