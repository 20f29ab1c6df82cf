"""The meeting room while a meeting runs (Điều 3.1c, 5.5, 6.4b-c): its live state, attendance,
requests to speak and the floor timeline, agenda conclusions, comments and incidents."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.models import AgendaItem, Invitation, Meeting


class QuorumRule(models.TextChoices):
    NONE = "none", _("No quorum required")
    HALF = "half", _("More than half")
    TWO_THIRDS = "two_thirds", _("At least two thirds")


class LiveState(models.Model):
    """One row per meeting that has a room: settings, the agenda position and the event counter.

    `seq` is the number of the last event sent to the meeting's screens; every event takes the
    next number inside the transaction that caused it (events.emit), so a client that sees a gap
    knows it missed something and fetches a snapshot.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="live", primary_key=True)
    seq = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    discussion_open = models.BooleanField(default=False)
    quorum_rule = models.CharField(_("quorum"), max_length=12, choices=QuorumRule.choices, default=QuorumRule.HALF)
    speaking_limit_seconds = models.PositiveIntegerField(_("speaking time limit (seconds)"), default=300)
    checkin_opens_minutes = models.PositiveIntegerField(_("check-in opens (minutes before the start)"), default=60)
    checkin_closes_minutes = models.PositiveIntegerField(_("check-in closes (minutes after the start)"), default=120)
    display_token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    qr_secret = models.CharField(max_length=64, default=secrets.token_hex, editable=False)

    def __str__(self) -> str:
        return f"live:{self.meeting_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", pgettext_lazy("attendance", "Present")
    LATE = "late", pgettext_lazy("attendance", "Late")
    ABSENT = "absent", pgettext_lazy("attendance", "Absent")
    EXCUSED = "excused", pgettext_lazy("attendance", "Excused")


PRESENT_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class CheckinMethod(models.TextChoices):
    SELF = "self", _("On their own device")
    QR = "qr", _("Room QR code")
    SECRETARY = "secretary", _("By the secretary")


class Attendance(models.Model):
    """The attendance of one invitation (an official, their substitute, or a guest).

    No row means "not checked in yet". Frozen when the meeting ends (`frozen`)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    method = models.CharField(max_length=10, choices=CheckinMethod.choices)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    frozen = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="one_attendance_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id}:{self.status}"


class SpeakState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("request to speak", "Waiting")
    SPEAKING = "speaking", pgettext_lazy("request to speak", "On the floor")
    DONE = "done", pgettext_lazy("request to speak", "Spoke")
    WITHDRAWN = "withdrawn", pgettext_lazy("request to speak", "Withdrawn")
    REFUSED = "refused", pgettext_lazy("request to speak", "Refused")
    SKIPPED = "skipped", pgettext_lazy("request to speak", "Skipped")


OPEN_SPEAK_STATES = (SpeakState.WAITING, SpeakState.SPEAKING)


class SpeakRequest(models.Model):
    """A request for the floor and, once granted, the turn itself with exact timestamps.

    The rows with `started_at` form the floor timeline (who spoke, when, how long) that later
    attributes the transcript to speakers and feeds the minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speak_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="speak_requests")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=SpeakState.choices, default=SpeakState.WAITING)
    position = models.IntegerField(default=0)  # queue order, lower first; the chair reorders
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "requested_at", "id"]
        constraints = [
            # One open request per person: a double tap never queues them twice.
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(state__in=["waiting", "speaking"]), name="one_open_request"
            ),
            # One person on the floor at a time.
            models.UniqueConstraint(fields=["meeting"], condition=Q(state="speaking"), name="one_speaker"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.state}"

    @property
    def duration_seconds(self) -> int | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return int((self.ended_at - self.started_at).total_seconds())


class ItemConclusion(models.Model):
    """The chair's short conclusion of an agenda item (kết luận)."""

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="conclusion")
    text = models.TextField(_("conclusion"))
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"conclusion:{self.agenda_item_id}"


class Comment(models.Model):
    """An attendee's written contribution on an agenda item or a document (Điều 5.5)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_comments")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment:{self.pk}"


class IncidentKind(models.TextChoices):
    AUDIO = "audio", pgettext_lazy("incident kind", "Audio")
    NETWORK = "network", pgettext_lazy("incident kind", "Network")
    DEVICE = "device", pgettext_lazy("incident kind", "Device")
    ACCESS = "access", pgettext_lazy("incident kind", "Access / sign-in")
    OTHER = "other", pgettext_lazy("incident kind", "Other")


class IncidentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("incident status", "Reported")
    HANDLING = "handling", pgettext_lazy("incident status", "Being handled")
    RESOLVED = "resolved", pgettext_lazy("incident status", "Resolved")


class Incident(models.Model):
    """A technical problem during a meeting (sự cố, Điều 6.4b-c); feeds report Mẫu 01."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="incidents")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(pgettext_lazy("incident", "kind"), max_length=10, choices=IncidentKind.choices)
    description = models.TextField(_("description"))
    status = models.CharField(max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"incident:{self.pk}"
