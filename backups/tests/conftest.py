"""Backup fixtures: a key, a populated system (a meeting with documents whose files are on disk),
and a fresh empty target (database and MEDIA_ROOT) to restore into.

The fresh database is a new SQLite file, or on PostgreSQL a database created here with psycopg
and dropped afterwards. Django's default connection is pointed at it while the test runs and
pointed back before the test database is flushed.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from backups import database
from backups.crypto import DecryptingReader, EncryptingWriter
from backups.media import iter_files, media_root
from documents.models import DocumentVersion
from documents.tests.conftest import make_version, pdf_bytes
from meetings.tests.conftest import approved, attendee, leader, organiser

__all__ = ["attendee", "leader", "organiser"]


@pytest.fixture
def key(settings) -> bytes:  # type: ignore[no-untyped-def]
    settings.BACKUP_KEY = os.urandom(32)
    return settings.BACKUP_KEY


@pytest.fixture
def media_dir(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(transactional_db, media_dir, organiser, leader, attendee) -> list[DocumentVersion]:  # type: ignore[no-untyped-def]
    """A meeting with three documents: a PDF, a 3 MiB file (several frames) and one with a
    Vietnamese file name; their files are real files under MEDIA_ROOT."""
    meeting = approved(organiser, leader, [attendee])
    versions = [
        make_version(meeting, organiser, pdf_bytes(3), "pdf", title="Báo cáo kinh tế - xã hội"),
        make_version(meeting, organiser, os.urandom(3 * 1024 * 1024 + 123), "pdf", title="Phụ lục"),
    ]
    named = make_version(meeting, organiser, b"%PDF-1.4 to trinh", "pdf", title="Tờ trình")
    storage_path = Path(named.file.path)
    renamed = storage_path.with_name("Tờ trình số 12.pdf")
    storage_path.rename(renamed)
    DocumentVersion.objects.filter(pk=named.pk).update(file=str(renamed.relative_to(media_dir)))
    versions.append(DocumentVersion.objects.get(pk=named.pk))
    return versions


def media_digests() -> dict[str, str]:
    root = media_root()
    assert root is not None
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in iter_files(root)}


def state() -> dict[str, Any]:
    """Everything a refused restore must leave as it was: rows per table, media files, and no
    staging directory left behind."""
    root = media_root()
    assert root is not None
    return {
        "rows": database.row_counts(connections["default"]),
        "media": media_digests(),
        "entries": sorted(os.listdir(root)) if root.exists() else [],
    }


@pytest.fixture
def fresh_target(transactional_db, settings, tmp_path) -> Iterator[Callable[[], None]]:  # type: ignore[no-untyped-def]
    """Call it to point the default database and MEDIA_ROOT at new, empty ones."""
    connection = connections["default"]
    original = connection.settings_dict["NAME"]
    created: list[str] = []

    def switch() -> None:
        connection.close()
        if connection.vendor == "sqlite":
            new_name = str(tmp_path / "restored.sqlite3")
        else:
            new_name = f"{original}_restored"
            with database.pg_connect(connection.settings_dict) as admin:
                admin.autocommit = True
                admin.execute(f'DROP DATABASE IF EXISTS "{new_name}"')
                admin.execute(f'CREATE DATABASE "{new_name}"')
            created.append(new_name)
        connection.settings_dict["NAME"] = new_name
        settings.MEDIA_ROOT = tmp_path / "media-restored"

    yield switch
    connection.close()
    connection.settings_dict["NAME"] = original
    for name in created:
        with database.pg_connect(connection.settings_dict) as admin:
            admin.autocommit = True
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Archive surgery, for archives that are well encrypted but wrong inside ------------------------


def read_members(archive: Path, key: bytes) -> list[tuple[str, bytes]]:
    with open(archive, "rb") as fh:
        reader = DecryptingReader(fh, key)
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
            members = []
            for member in tar:
                source = tar.extractfile(member)
                assert source is not None
                members.append((member.name, source.read()))
        reader.finish()
    return members


def write_members(archive: Path, key: bytes, members: list[tuple[str, bytes]]) -> None:
    with open(archive, "wb") as fh:
        writer = EncryptingWriter(fh, key)
        with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
            for name, data in members:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        writer.close()
