"""Personal data in the audit trail and sign-in records is erased after its retention period, and the
hash chain still verifies (Luật 91/2025; audit/personal.py)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from accounts.actions.privacy import do_purge_personal_data
from accounts.models import LoginFailure, User, UserSession
from audit.context import RequestInfo, reset_request_info, set_request_info
from audit.log import log_action
from audit.models import AuditEntry
from audit.personal import personal_digest
from audit.verify import verify_chain


def _entries(actor: User, count: int, *, ip: str = "10.20.30.40", days_ago: int = 0) -> list[AuditEntry]:
    """Entries written `days_ago` days ago (the time is part of the hash: set it while writing)."""
    token = set_request_info(RequestInfo(ip=ip, user_agent="Mozilla/5.0 (Linux; Android 14)"))
    then = timezone.now() - timedelta(days=days_ago)
    try:
        with mock.patch("audit.log.timezone.now", return_value=then):
            return [log_action("test.event", actor=actor, data={"n": n}) for n in range(count)]
    finally:
        reset_request_info(token)


def test_new_entries_hash_a_salted_digest_of_address_and_browser(snv_member: User) -> None:
    (entry,) = _entries(snv_member, 1)
    entry.refresh_from_db()
    assert entry.hash_version == 2
    assert len(entry.personal_salt) == 32
    assert entry.personal_digest == personal_digest(entry.personal_salt, "10.20.30.40", entry.user_agent)
    assert verify_chain()[1] is None


def test_changing_a_kept_address_breaks_the_chain(snv_member: User) -> None:
    entries = _entries(snv_member, 3)
    AuditEntry.objects.filter(pk=entries[1].pk).update(ip="192.168.1.1")
    checked, problem = verify_chain()
    assert problem is not None and problem.seq == entries[1].seq


def test_entries_past_retention_lose_address_and_chain_still_verifies(snv_member: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AUDIT_PERSONAL_DATA_DAYS = 365
    old = _entries(snv_member, 3, days_ago=400)
    recent = _entries(snv_member, 2, ip="10.9.9.9")
    counts = do_purge_personal_data()
    assert counts["audit_entries_erased"] >= 3
    for entry in AuditEntry.objects.filter(pk__in=[e.pk for e in old]):
        assert entry.ip is None and entry.user_agent == "" and entry.personal_salt == ""
        assert entry.pseudonymised_at is not None and entry.personal_digest
    for entry in AuditEntry.objects.filter(pk__in=[e.pk for e in recent]):
        assert entry.ip == "10.9.9.9" and entry.pseudonymised_at is None
    checked, problem = verify_chain()
    assert problem is None
    assert checked == AuditEntry.objects.count()
    # The purge itself is on the record.
    assert AuditEntry.objects.filter(action="privacy.personal_data_purged").count() == 1


def test_erased_entry_cannot_be_given_another_address(snv_member: User) -> None:
    old = _entries(snv_member, 2, days_ago=400)
    do_purge_personal_data()
    AuditEntry.objects.filter(pk=old[0].pk).update(ip="203.0.113.7")
    checked, problem = verify_chain()
    assert problem is not None and problem.seq == old[0].seq


def test_purge_is_idempotent(snv_member: User) -> None:
    _entries(snv_member, 2, days_ago=400)
    first = do_purge_personal_data()
    second = do_purge_personal_data()
    assert first["audit_entries_erased"] >= 2
    assert second == {"login_failures_deleted": 0, "sessions_deleted": 0, "audit_entries_erased": 0}
    assert AuditEntry.objects.filter(action="privacy.personal_data_purged").count() == 1


def test_old_sign_in_records_are_deleted(snv_member: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIGN_IN_RECORDS_DAYS = 90
    old = LoginFailure.objects.create(ip="10.0.0.1", username="ai.do")
    LoginFailure.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=91))
    fresh = LoginFailure.objects.create(ip="10.0.0.2", username="ai.khac")
    stale = UserSession.objects.create(user=snv_member, session_key="k" * 40, ip="10.0.0.3")
    UserSession.objects.filter(pk=stale.pk).update(last_seen=timezone.now() - timedelta(days=91))
    counts = do_purge_personal_data()
    assert counts["login_failures_deleted"] == 1 and counts["sessions_deleted"] == 1
    assert list(LoginFailure.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not UserSession.objects.exists()


def test_command_reports_counts(snv_member: User, capsys) -> None:  # type: ignore[no-untyped-def]
    _entries(snv_member, 1, days_ago=400)
    call_command("purge_personal_data")
    assert "audit entries erased: 1" in capsys.readouterr().out
