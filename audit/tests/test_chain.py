"""The audit trail is append-only and tamper-evident (Điều 3.1e)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.actions.rights import do_grant_right
from accounts.actions.users import do_update_user
from accounts.models import Right
from audit.log import log_action
from audit.models import AuditEntry
from audit.verify import verify_chain


@pytest.fixture
def some_entries(snv_admin, snv_member):  # type: ignore[no-untyped-def]
    do_grant_right(snv_admin, snv_member, Right.ORGANISER)
    do_update_user(snv_admin, snv_member, position="Trưởng phòng")
    log_action("test.note", actor=snv_member, data={"ghi_chu": "Tiếng Việt có dấu", "n": 3})
    return list(AuditEntry.objects.order_by("seq"))


def test_intact_chain_verifies(some_entries, capsys) -> None:
    call_command("verify_audit_chain")
    assert f"{len(some_entries)} entries" in capsys.readouterr().out


def test_entries_are_numbered_and_linked(some_entries) -> None:
    assert [e.seq for e in some_entries] == list(range(1, len(some_entries) + 1))
    for before, after in zip(some_entries, some_entries[1:], strict=False):
        assert after.prev_hash == before.hash


def test_editing_a_row_in_the_database_is_detected(some_entries) -> None:
    victim = some_entries[-2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["user.harmless", victim.pk])
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("verify_audit_chain")


def test_editing_details_json_is_detected(some_entries) -> None:
    victim = some_entries[-1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET ip = %s WHERE id = %s", ["10.6.6.6", victim.pk])
    _, problem = verify_chain()
    assert problem is not None and problem.seq == victim.seq


def test_deleting_a_row_is_detected(some_entries) -> None:
    victim = some_entries[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    _, problem = verify_chain()
    assert problem is not None and problem.seq == victim.seq


def test_deleting_the_newest_row_is_detected(some_entries) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [some_entries[-1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")


def test_rewriting_a_row_with_a_fresh_hash_breaks_the_next_link(some_entries) -> None:
    victim = some_entries[0]
    victim.action = "user.harmless"
    forged = victim.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET action = %s, hash = %s WHERE id = %s", ["user.harmless", forged, victim.pk]
        )
    _, problem = verify_chain()
    assert problem is not None and problem.seq == victim.seq + 1


def test_the_orm_refuses_updates_and_deletes(some_entries) -> None:
    entry = some_entries[0]
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_entry_records_actor_unit_ip_and_agent(client, snv_member) -> None:
    client.post(
        "/auth/login/",
        {"login": snv_member.username, "password": "Matkhau2026vn"},
        REMOTE_ADDR="192.0.2.7",
        HTTP_USER_AGENT="Chromium test",
    )
    entry = AuditEntry.objects.get(action="auth.login")
    assert (entry.actor, entry.unit, entry.ip, entry.user_agent) == (
        snv_member,
        snv_member.unit,
        "192.0.2.7",
        "Chromium test",
    )
    assert entry.actor_name == "Bùi Thị Mai"


def test_a_rolled_back_action_leaves_no_entry(snv_admin, snv_member) -> None:
    from django.db import transaction

    before = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        do_update_user(snv_admin, snv_member, position="Sẽ bị hoàn tác")
        1 / 0  # noqa: B018
    assert AuditEntry.objects.count() == before
    assert verify_chain()[1] is None
