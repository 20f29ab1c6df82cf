"""Minutes (biên bản) of a meeting and its conclusion notice (thông báo kết luận), Điều 3.1d, 6.5.

Both are administrative documents of Nghị định 30/2020 with a number and symbol ("số/BB-VPUBND"),
written in numbered versions of sanitised HTML: a draft is generated from the meeting's data when
it ends, the secretary or organiser edits it, the chair approves it; after approval only a new
version with a reason corrects it. The notice is drafted from the approved minutes' conclusions,
approved, then issued to the attendees and the concerned units.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgUnit

MINUTES_TYPE_CODE = "BB"  # biên bản, NĐ 30 Phụ lục III
NOTICE_TYPE_CODE = "TB"  # thông báo


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")


class NumberedDocument(models.Model):
    """What the minutes and the notice share: `number` is the register number within the issuing
    unit and year (empty until it is given); `symbol` the rest of the "số và ký hiệu" (BB-VPUBND);
    the chair's approval; numbered `versions` of the body."""

    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    versions: Any
    meeting_id: int

    class Meta:
        abstract = True

    @property
    def number_and_symbol(self) -> str:
        number = f"{self.number}" if self.number else "     "
        return f"{number}/{self.symbol}" if self.symbol else number

    @property
    def current_version(self) -> Any:
        return self.versions.order_by("-number").first()


class BodyVersion(models.Model):
    """A numbered version of a body (sanitised HTML). `reason` is required for a correction after
    approval; `generated`: drafted by the system from the meeting's data."""

    number = models.PositiveIntegerField()
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    generated = models.BooleanField(default=False)

    class Meta:
        abstract = True


class Minutes(NumberedDocument):
    """One per meeting, numbered when the chair approves it."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(_("status"), max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    issuing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = pgettext_lazy("meeting record", "minutes")
        verbose_name_plural = pgettext_lazy("meeting record", "minutes")

    def __str__(self) -> str:
        return f"minutes:{self.meeting_id}"

    @property
    def is_approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED

    @property
    def file_stem(self) -> str:
        """The start of every file name of these minutes (exports, signed copies)."""
        return f"bien-ban-{self.meeting_id}"


class MinutesVersion(BodyVersion):
    """A numbered version of the minutes' body."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")

    class Meta:
        ordering = ["minutes", "number"]
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        constraints = [models.UniqueConstraint(fields=["minutes", "number"], name="minutes_version_unique")]

    def __str__(self) -> str:
        return f"minutes:{self.minutes_id} v{self.number}"


class ConclusionNotice(NumberedDocument):
    """The thông báo kết luận of a meeting: issued by the PPC Office for PPC meetings, by the
    chair's unit otherwise, to the attendees and `concerned_units`."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="conclusion_notice")
    issuing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="issued_conclusion_notices"
    )
    status = models.CharField(_("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    concerned_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("concerned units"), blank=True, related_name="conclusion_notices"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-created_at"]
        verbose_name = _("conclusion notice")
        verbose_name_plural = _("conclusion notices")

    def __str__(self) -> str:
        return f"notice:{self.meeting_id}"

    @property
    def is_approved(self) -> bool:
        return self.status in (NoticeStatus.APPROVED, NoticeStatus.ISSUED)

    @property
    def file_stem(self) -> str:
        return f"thong-bao-ket-luan-{self.meeting_id}"


class NoticeVersion(BodyVersion):
    """A numbered version of the notice's body."""

    notice = models.ForeignKey(ConclusionNotice, on_delete=models.CASCADE, related_name="versions")

    class Meta:
        ordering = ["notice", "number"]
        verbose_name = _("conclusion notice version")
        verbose_name_plural = _("conclusion notice versions")
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="notice_version_unique")]

    def __str__(self) -> str:
        return f"notice:{self.notice_id} v{self.number}"


class SignedCopy(models.Model):
    """The PDF of an approved version handed to the chair for a PAdES signature (`original`), and
    the signed file once it came back verified (`file`, `signed_at`): from the chair's own signing
    tool or their remote-signing service (the signing app)."""

    minutes = models.ForeignKey(Minutes, null=True, blank=True, on_delete=models.CASCADE, related_name="signed_copies")
    notice = models.ForeignKey(
        ConclusionNotice, null=True, blank=True, on_delete=models.CASCADE, related_name="signed_copies"
    )
    version_number = models.PositiveIntegerField()
    original = models.FileField(upload_to="minutes/to-sign/%Y/%m/", blank=True)
    file = models.FileField(upload_to="minutes/signed/%Y/%m/", blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signed copy")
        verbose_name_plural = _("signed copies")

    def __str__(self) -> str:
        return f"signed:{self.pk}"
