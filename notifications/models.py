"""In-app notifications and the record of every email or SMS sent for them.

A `Notification` is what the user sees in the notification centre. Each outside channel
(email, SMS) gets its own `Delivery`, which is also the attempt log the organiser reads
("was my invitation delivered?"). Guests without an account get deliveries only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One message on one outside channel, with its attempts.

    Written only by notifications.actions and notifications.tasks. While automatic retries
    remain, a failed delivery has `next_attempt_at` set; the task scheduled for that time
    claims it. `next_attempt_at` empty on a failed delivery means it gave up.
    """

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    event = models.CharField(_("event"), max_length=80, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("message"))
    # Attachments are built when sending (notifications.attachments), so the newest
    # version of a document goes out and nothing large is stored twice.
    attachments_key = models.CharField(_("attachments"), max_length=64, blank=True)
    attachments_args = models.JSONField(_("attachment arguments"), default=dict, blank=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.address} ({self.status})"

    @property
    def retry_pending(self) -> bool:
        return self.status == DeliveryStatus.FAILED and self.next_attempt_at is not None

    @property
    def failure_reason(self) -> str:
        """Why the last attempt failed, in words for the organiser; `last_error` keeps the
        technical text (exception and gateway answer) for the administrator and the logs."""
        if not self.last_error:
            return ""
        error = self.last_error
        if "RecipientsRefused" in error:
            return str(_("The mail server refused the recipient's address."))
        if "AuthenticationError" in error:
            return str(_("The mail server refused the system's sign-in. Tell the administrator."))
        unreachable = ("ConnectionRefused", "could not be reached", "Timeout", "timed out", "gaierror", "Disconnected")
        if any(marker in error for marker in unreachable):
            if self.channel == Channel.SMS:
                return str(_("The SMS gateway could not be reached."))
            return str(_("The mail server could not be reached."))
        if self.channel == Channel.SMS and "answered HTTP" in error:
            return str(_("The SMS gateway refused the message."))
        return str(_("The message could not be sent."))
