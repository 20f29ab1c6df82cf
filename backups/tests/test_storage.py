"""Media kept by a storage other than files on this machine (e.g. S3) is not in the archive, and
the command says so."""

from __future__ import annotations

import json

from django.core.management import call_command

from backups.tests.conftest import read_members


def test_backup_without_filesystem_storage_says_media_is_not_included(populated, key, settings, tmp_path, capsys):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    archive = tmp_path / "db-only.backup"

    call_command("backup", str(archive))

    assert "they are NOT in this archive" in capsys.readouterr().err
    members = dict(read_members(archive, key))
    assert not [name for name in members if name.startswith("media/")]
    media = json.loads(members["manifest.json"])["media"]
    assert media["included"] is False and media["storage"].endswith("InMemoryStorage")
