"""Retention of personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import LoginFailure, UserSession
from audit.log import log_action
from audit.personal import pseudonymise_audit_entries


def do_purge_personal_data(*, now: datetime | None = None) -> dict[str, int]:
    """Failed sign-ins and stale session records older than SIGN_IN_RECORDS_DAYS are deleted; audit
    entries older than AUDIT_PERSONAL_DATA_DAYS lose their network address and browser (the chain
    still verifies). Idempotent; run daily."""
    now = now or timezone.now()
    records_before = now - timedelta(days=settings.SIGN_IN_RECORDS_DAYS)
    audit_before = now - timedelta(days=settings.AUDIT_PERSONAL_DATA_DAYS)
    with transaction.atomic():
        failures, _rows = LoginFailure.objects.filter(at__lt=records_before).delete()
        sessions, _rows = UserSession.objects.filter(last_seen__lt=records_before).delete()
        erased = pseudonymise_audit_entries(audit_before)
        counts = {"login_failures_deleted": failures, "sessions_deleted": sessions, "audit_entries_erased": erased}
        if any(counts.values()):
            log_action(
                "privacy.personal_data_purged",
                actor=None,
                data={**counts, "records_before": records_before.isoformat(), "audit_before": audit_before.isoformat()},
            )
    return counts
