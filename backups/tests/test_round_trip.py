"""A backup restored into a fresh system gives back the same rows, the same files byte for byte
and an intact audit trail, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from audit.models import AuditEntry
from audit.verify import verify_chain
from backups import database
from backups.actions import do_create_backup, do_restore_backup
from backups.tests.conftest import media_digests, read_members
from documents.models import DocumentVersion


def test_restore_into_a_fresh_system_gives_back_rows_files_and_audit_chain(populated, key, fresh_target, tmp_path):
    rows_before = database.row_counts(connections["default"])
    files_before = media_digests()
    versions = {v.pk: v.sha256 for v in DocumentVersion.objects.all()}
    archive = tmp_path / "ecabinet.backup"

    result = do_create_backup(archive, key=key)

    assert result.media_files == len(files_before) >= 3
    assert result.manifest["database"]["row_counts"] == rows_before
    assert result.manifest["database"]["vendor"] == connections["default"].vendor
    assert oct(archive.stat().st_mode & 0o777) == oct(0o600)
    fresh_target()
    assert database.rows_in_use(connections["default"]) == {}

    restored = do_restore_backup(archive, key=key)

    rows_after = database.row_counts(connections["default"])
    assert rows_after.pop("audit_auditentry") == rows_before.pop("audit_auditentry") + 1  # backup.restored
    assert rows_after == rows_before
    assert media_digests() == files_before
    for version in DocumentVersion.objects.all():
        with version.file.open("rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == versions[version.pk]
    assert restored.audit_ok, restored.audit_report
    checked, problem = verify_chain()
    assert problem is None and checked == AuditEntry.objects.count()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == "backup.restored"
    assert restored.pending_migrations == []


def test_manifest_lists_migrations_counts_and_every_member_hash(populated, key, tmp_path):
    archive = tmp_path / "ecabinet.backup"
    do_create_backup(archive, key=key)

    members = dict(read_members(archive, key))
    manifest = json.loads(members.pop("manifest.json"))

    assert manifest["format_version"] == 1
    assert manifest["ecabinet"]["version"] == "0.1.0"
    assert manifest["database"]["migrations"]["audit"].startswith("00")
    assert manifest["database"]["row_counts"]["documents_documentversion"] == 3
    assert set(manifest["members"]) == set(members)
    for name, data in members.items():
        assert manifest["members"][name] == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert any(name.endswith("Tờ trình số 12.pdf") for name in members)


def test_backup_is_audited(populated, key, tmp_path):
    do_create_backup(tmp_path / "a.backup", key=key)

    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "backup.created"
    assert entry.data["media_files"] == 3


def test_backup_refuses_to_overwrite_an_existing_file(populated, key, tmp_path):
    existing = tmp_path / "a.backup"
    existing.write_bytes(b"keep me")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))

    assert existing.read_bytes() == b"keep me"
    assert sorted(os.listdir(tmp_path)) == ["a.backup", "media"]  # no .partial, no work directory


def test_commands_back_up_and_restore_with_force_over_a_used_system(populated, key, tmp_path, capsys, settings):
    archive = tmp_path / "nightly.backup"
    call_command("backup", str(archive))
    first = Path(populated[0].file.path)
    first.write_bytes(b"changed after the backup")
    extra = first.parent / "added-after-backup.pdf"
    extra.write_bytes(b"new")
    digest = populated[0].sha256

    call_command("restore", str(archive), "--force")

    out = capsys.readouterr().out
    assert "Audit chain intact" in out
    assert hashlib.sha256(first.read_bytes()).hexdigest() == digest
    assert not extra.exists()
    assert [name for name in os.listdir(settings.MEDIA_ROOT) if name.startswith(".")] == []  # no staging left


def test_backup_on_postgresql_without_pg_dump_says_so(populated, key, tmp_path, monkeypatch):
    if connections["default"].vendor != "postgresql":
        pytest.skip("pg_dump is only used with PostgreSQL")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))

    with pytest.raises(CommandError, match="pg_dump was not found on PATH"):
        call_command("backup", str(tmp_path / "a.backup"))

    assert sorted(os.listdir(tmp_path)) == ["media"]
