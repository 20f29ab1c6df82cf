"""Meetings: registration (Điều 6.1), approval (6.2), invitations and answers (6.3), rooms."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit


class Room(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("name"), max_length=150)
    location = models.CharField(_("location"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=20)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["unit__name", "name"]
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="room_name_unique_in_unit")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit.short_name or self.unit.name})"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular (weekly schedule)")
    URGENT = "urgent", _("Urgent")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    POSTPONED = "postponed", _("Postponed (new time)")
    CANCELLED = "cancelled", _("Cancelled")
    IN_PROGRESS = "in_progress", _("In progress")
    ENDED = "ended", _("Ended")


# Statuses in which a meeting holds its room and its people's time.
BOOKED_STATUSES = (
    MeetingStatus.SUBMITTED,
    MeetingStatus.APPROVED,
    MeetingStatus.POSTPONED,
    MeetingStatus.IN_PROGRESS,
)
SCHEDULED_STATUSES = (MeetingStatus.APPROVED, MeetingStatus.POSTPONED)


class Meeting(models.Model):
    # Điều 6.1b fields
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="meetings"
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_meetings",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.ForeignKey(
        Room, verbose_name=_("meeting room"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    format = models.CharField(
        _("format"), max_length=16, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    online_link = models.URLField(_("online meeting link"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    is_ppc_meeting = models.BooleanField(_("meeting of the Provincial People's Committee"), default=False)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    document_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader who approves the documents"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_preparer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official who prepares the documents"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    preparing_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit that prepares the documents"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    invitation_file = models.FileField(_("uploaded invitation letter"), upload_to="invitations/%Y/%m/", blank=True)

    # Workflow (Điều 6.2)
    status = models.CharField(_("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Set at submission; empty means any leader of the organising unit."),
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_late = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_comment = models.TextField(blank=True)
    approved_late = models.BooleanField(default=False)
    late_justification = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    postpone_count = models.PositiveIntegerField(default=0)
    # "Kiến nghị đề xuất" of report Mẫu số 01 (Điều 6.5, Phụ lục): written by the organiser once
    # the meeting has ended (meetings.actions.reporting.do_set_recommendation).
    recommendation = models.TextField(_("recommendations and proposals"), blank=True)
    # iCalendar SEQUENCE: bumped whenever the time or status changes, so calendars update.
    sequence = models.PositiveIntegerField(default=0)
    uid = models.CharField(max_length=64, unique=True, default=secrets.token_hex, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["status", "start"]), models.Index(fields=["room", "start"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="meeting_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def place_label(self) -> str:
        if self.room is not None:
            location = f" – {self.room.location}" if self.room.location else ""
            return f"{self.room.name}{location}"
        return self.place

    @property
    def is_scheduled(self) -> bool:
        return self.status in SCHEDULED_STATUSES


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("agenda item"), max_length=300)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("planned minutes"), default=15)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="agenda_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class InvitationKind(models.TextChoices):
    USER = "user", _("Official")
    UNIT = "unit", _("Whole unit")
    GUEST = "guest", _("Outside guest")


class InvitationRole(models.TextChoices):
    ATTENDEE = "attendee", _("Attendee")
    SUPPORT = "support", _("Support staff")


class Answer(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    CONFIRMED = "confirmed", _("Will attend")
    DECLINED = "declined", _("Will not attend")
    DELEGATED = "delegated", _("Sends a substitute")
    NAMED = "named", _("Attendees named")  # a unit invitation after its receiver named people


class Invitation(models.Model):
    """One invitee of a meeting: an official, a whole unit, or an outside guest (Điều 2.3)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=8, choices=InvitationKind.choices)
    role = models.CharField(max_length=10, choices=InvitationRole.choices, default=InvitationRole.ATTENDEE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations"
    )
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations")
    guest_name = models.CharField(_("guest name"), max_length=200, blank=True)
    guest_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    guest_email = models.EmailField(_("email"), blank=True)
    guest_phone = models.CharField(_("phone"), max_length=20, blank=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    substitute_for = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="substitute"
    )
    named_by_unit = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="named_attendees"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "kind", "id"]
        indexes = [
            # Unit invitations are about 1% of the rows: who answers for a unit (visible_meetings_q,
            # involved_q) reads them without scanning every invitation (bench/pages.py).
            models.Index(fields=["unit"], condition=Q(kind="unit"), name="invitation_unit_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="one_invitation_per_user"
            ),
            models.UniqueConstraint(
                fields=["meeting", "unit"], condition=Q(kind="unit"), name="one_invitation_per_unit"
            ),
            models.CheckConstraint(
                condition=(Q(kind="user", user__isnull=False) | Q(kind="unit", unit__isnull=False) | Q(kind="guest")),
                name="invitation_kind_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == InvitationKind.USER and self.user is not None:
            return self.user.display_name
        if self.kind == InvitationKind.UNIT and self.unit is not None:
            return self.unit.name
        return f"{self.guest_name} ({self.guest_organisation})" if self.guest_organisation else self.guest_name

    @property
    def has_attendee_rights(self) -> bool:
        """A person who sent a substitute loses the rights; the substitute holds them."""
        return self.kind == InvitationKind.USER and self.answer != Answer.DELEGATED


class SupportKind(models.TextChoices):
    NO_DEVICE = "no_device", _("I have no device to use")
    NO_ACCOUNT = "no_account", _("I have no account / cannot sign in")
    OTHER = "other", _("Other help")


class SupportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class SupportRequest(models.Model):
    """Điều 6.3b-c: an attendee without a device or account tells the host unit in advance."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="support_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=SupportKind.choices)
    note = models.TextField(_("details"), blank=True)
    status = models.CharField(max_length=10, choices=SupportStatus.choices, default=SupportStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.requester}"


class CalendarFeed(models.Model):
    """A personal iCal feed URL; revoking replaces the token."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
