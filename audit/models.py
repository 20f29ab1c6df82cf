"""Append-only, hash-chained audit trail (Điều 3.1e — giám sát người dùng).

Every row stores the SHA-256 of its own content together with the previous row's hash, so
editing or deleting any row breaks the chain from that row on (`manage.py verify_audit_chain`).
Rows are numbered by `seq` without gaps; the `AuditChainHead` row is locked while a row is
appended, which serialises writers on PostgreSQL (SQLite serialises IMMEDIATE transactions).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.chain import GENESIS_HASH, AppendOnly, link_hash
from audit.personal import personal_digest

__all__ = ["GENESIS_HASH", "AuditChainHead", "AuditEntry"]


class AuditEntry(AppendOnly, models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too, so the row still says who acted if names change later.
    actor_name = models.CharField(_("actor name"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Version 1 hashed the address and browser themselves. Version 2 (every entry written since)
    # hashes a salted digest of them instead, so they can be erased after the retention period
    # (audit/personal.py) while the chain still verifies: the digest stays, the salt goes with them.
    hash_version = models.PositiveSmallIntegerField(default=1)
    personal_salt = models.CharField(max_length=32, blank=True)
    personal_digest = models.CharField(max_length=64, blank=True)
    pseudonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["unit", "at"]),
            models.Index(fields=["actor", "at"]),
            # object_history (the history panel of a meeting, a document, ...): a scan of the whole
            # trail without it (bench/pages.py).
            models.Index(fields=["target_type", "target_id"], name="audit_entry_target"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def content(self) -> dict[str, Any]:
        content: dict[str, Any] = {
            "seq": self.seq,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "unit": self.unit_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "data": self.data,
        }
        if self.hash_version < 2:
            return {**content, "ip": self.ip, "user_agent": self.user_agent}
        return {**content, "v": 2, "personal": self._personal()}

    def _personal(self) -> str:
        """What version 2 hashes in place of the address and browser."""
        if self.pseudonymised_at is None:
            # While the address and browser are kept, they must still match the digest in the chain.
            return personal_digest(self.personal_salt, self.ip, self.user_agent)
        if self.ip is None and self.user_agent == "" and self.personal_salt == "":
            return self.personal_digest
        return "erased entry still holds personal data"  # not what pseudonymisation leaves

    def compute_hash(self) -> str:
        return link_hash(self.prev_hash, self.content())


class AuditChainHead(models.Model):
    """A single row holding the newest entry's seq and hash; locked while appending."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
