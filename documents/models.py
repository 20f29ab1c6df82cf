"""Meeting documents (Điều 3.1b, 6.1b-c): versions, approval before publishing, per-person
restriction, conversion to PDF with page counts, read receipts and private notes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem, Meeting


class DocumentKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    AGENDA = "agenda", _("Agenda")
    DRAFT = "draft", _("Draft for comment")
    REPORT = "report", _("Report")
    REFERENCE = "reference", _("Reference")


class Security(models.TextChoices):
    ALL_ATTENDEES = "all", _("Visible to all attendees")
    RESTRICTED = "restricted", _("Restricted to chosen people")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved and published")
    RETURNED = "returned", _("Returned for changes")


class Document(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.REFERENCE)
    security = models.CharField(_("security"), max_length=12, choices=Security.choices, default=Security.ALL_ATTENDEES)
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people who may open it"), blank=True, related_name="+"
    )
    allow_download = models.BooleanField(_("allow download"), default=True)
    status = models.CharField(max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    current_version = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Accent-free, lower-case title + extracted text of the current version, for search.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_deleted = models.BooleanField(default=False)

    class Meta:
        ordering = ["meeting", "agenda_item__order", "created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    @property
    def is_restricted(self) -> bool:
        return self.security == Security.RESTRICTED


class ProcessingState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be processed")
    PROCESSING = "processing", _("Converting")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Conversion failed")


def _version_path(instance: DocumentVersion, filename: str) -> str:
    # Never the uploaded name: a random name under the meeting, the extension from the detected type.
    return f"documents/{instance.document.meeting_id}/{secrets.token_hex(16)}{instance.extension}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=_version_path, max_length=255)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=8)  # detected from the bytes: pdf, docx, xlsx, pptx, doc, xls, jpg, png
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Conversion (background task)
    state = models.CharField(max_length=12, choices=ProcessingState.choices, default=ProcessingState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to="documents/pdf/", max_length=255, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    # The text of each page of the PDF, in page order (page 1 first), for search snippets that name
    # the page; `text` is their concatenation plus any text that has no page (sheet names, ...).
    page_texts = models.JSONField(default=list, blank=True)
    # Numbers (1-based) of the pages whose text was read by OCR from an image, not from the file.
    ocr_pages = models.JSONField(default=list, blank=True)
    thumbnail = models.FileField(upload_to="documents/thumbs/", max_length=255, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_version_number_per_document")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class ReadReceipt(models.Model):
    """Who opened or downloaded which document, when, and how many pages they viewed."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_opened_at = models.DateTimeField(default=timezone.now)
    last_opened_at = models.DateTimeField(default=timezone.now)
    open_count = models.PositiveIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    pages_viewed = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "user"], name="one_receipt_per_reader")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.document_id}"


class PrivateNote(models.Model):
    """A user's own note on a page of a document; nobody else ever sees it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.PositiveIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["page", "created_at"]
        indexes = [models.Index(fields=["document", "user"])]

    def __str__(self) -> str:
        return f"note p.{self.page}"


class Upload(models.Model):
    """A resumable upload in progress: chunks are appended to a temporary file on disk."""

    # secrets.token_hex() gives 64 hex characters.
    id = models.CharField(primary_key=True, max_length=64, default=secrets.token_hex, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    received = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    completed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(received__lte=models.F("size")), name="upload_not_past_size")]

    def __str__(self) -> str:
        return f"upload {self.id} {self.received}/{self.size}"
