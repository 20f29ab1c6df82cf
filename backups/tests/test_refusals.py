"""Restore refuses a wrong key, a damaged or altered archive, another vendor's archive, an archive
of newer code and a target in use (without --force), and then nothing has changed."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from backups.actions import do_create_backup
from backups.crypto import FRAME_HEAD, HEADER
from backups.tests.conftest import read_members, state, write_members


@pytest.fixture
def archive(populated, key, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "ecabinet.backup"
    do_create_backup(path, key=key)
    return path


def refused(archive, *args: str) -> str:  # type: ignore[no-untyped-def]
    before = state()
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(archive), *args)
    assert state() == before
    assert "nothing changed" in str(caught.value)
    return str(caught.value)


def test_flipped_byte_in_the_middle_is_refused(archive):
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x40
    archive.write_bytes(bytes(data))

    assert "fails authentication" in refused(archive, "--force")


def test_truncated_last_frame_is_refused(archive):
    archive.write_bytes(archive.read_bytes()[:-100])

    assert "truncated" in refused(archive, "--force")


def test_archive_missing_its_whole_last_frame_is_refused(archive):
    data = archive.read_bytes()
    offset, last = HEADER.size, HEADER.size
    while offset < len(data):
        last = offset
        offset += FRAME_HEAD.size + FRAME_HEAD.unpack_from(data, offset)[1]
    archive.write_bytes(data[:last])

    assert "without its final frame" in refused(archive, "--force")


def test_wrong_key_is_refused(archive, settings):
    settings.BACKUP_KEY = bytes(32)

    assert "different key than BACKUP_KEY" in refused(archive, "--force")


def test_used_target_without_force_is_refused(archive):
    message = refused(archive)

    assert "not empty" in message and "--force" in message


def test_member_not_matching_its_manifest_hash_is_refused(archive, key):
    members = read_members(archive, key)
    members = [
        (name, b"other bytes" if name.startswith("media/") and i == 3 else data)
        for i, (name, data) in enumerate(members)
    ]
    write_members(archive, key, members)

    assert "does not match the SHA-256" in refused(archive, "--force")


def test_archive_of_another_database_vendor_is_refused(archive, key):
    other = "postgresql" if connections["default"].vendor == "sqlite" else "sqlite"
    members = read_members(archive, key)
    header = json.loads(members[0][1])
    header["database_vendor"] = other
    write_members(archive, key, [("archive.json", json.dumps(header).encode()), *members[1:]])

    message = refused(archive, "--force")

    assert f"holds a {other} database" in message


def test_archive_of_newer_code_is_refused(archive, key):
    members = read_members(archive, key)
    manifest = json.loads(members[-1][1])
    manifest["database"]["migrations"]["audit"] = "9999_from_the_future"
    write_members(archive, key, [*members[:-1], ("manifest.json", json.dumps(manifest).encode())])

    assert "audit.9999_from_the_future" in refused(archive, "--force")


def test_member_outside_the_archive_layout_is_refused(archive, key):
    members = read_members(archive, key)
    write_members(archive, key, [members[0], ("media/../../escape.txt", b"x"), *members[1:]])

    assert "unsafe name" in refused(archive, "--force")


def test_file_that_is_not_a_backup_is_refused(tmp_path, populated, key):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("Biên bản họp giao ban tháng 12 của Sở Nội vụ tỉnh Ninh Bình.\n" * 3)

    assert "not an eCabinet backup" in refused(not_a_backup, "--force")
