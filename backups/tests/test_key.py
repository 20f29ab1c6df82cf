"""The key: 32 bytes as base64 or hex from BACKUP_KEY or BACKUP_KEY_FILE; a bad or missing key
stops start-up or the command with a message naming the variable (never the value)."""

from __future__ import annotations

import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from ecabinet.env import env_key

RAW = bytes(range(32))


@pytest.mark.parametrize(
    "written",
    [
        base64.b64encode(RAW).decode(),
        base64.urlsafe_b64encode(RAW).decode().rstrip("="),
        RAW.hex(),
        f"  {RAW.hex().upper()}\n",
    ],
)
def test_key_is_read_as_base64_or_hex(monkeypatch, written):
    monkeypatch.setenv("BACKUP_KEY", written)

    assert env_key("BACKUP_KEY") == RAW


def test_key_is_read_from_the_file_named_by_key_file(monkeypatch, tmp_path):
    secret = tmp_path / "backup.key"
    secret.write_text(base64.b64encode(RAW).decode() + "\n")
    monkeypatch.setenv("BACKUP_KEY_FILE", str(secret))

    assert env_key("BACKUP_KEY") == RAW


@pytest.mark.parametrize("written", ["hunter2", base64.b64encode(os.urandom(16)).decode(), "zz" * 32])
def test_a_bad_key_stops_start_up_naming_the_variable_not_the_value(monkeypatch, written):
    monkeypatch.setenv("BACKUP_KEY", written)

    with pytest.raises(ImproperlyConfigured, match="^BACKUP_KEY must be 32 random bytes") as caught:
        env_key("BACKUP_KEY")
    assert written not in str(caught.value)


def test_a_bad_key_file_is_named_as_the_file_variable(monkeypatch, tmp_path):
    secret = tmp_path / "backup.key"
    secret.write_text("not a key")
    monkeypatch.setenv("BACKUP_KEY_FILE", str(secret))

    with pytest.raises(ImproperlyConfigured, match="^BACKUP_KEY_FILE must be"):
        env_key("BACKUP_KEY")


def test_no_key_means_none(monkeypatch):
    monkeypatch.delenv("BACKUP_KEY", raising=False)
    monkeypatch.delenv("BACKUP_KEY_FILE", raising=False)

    assert env_key("BACKUP_KEY") is None


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_commands_refuse_to_run_without_a_key(settings, tmp_path, db, command):
    settings.BACKUP_KEY = None
    target = tmp_path / "x.backup"

    with pytest.raises(CommandError, match=r"BACKUP_KEY \(or BACKUP_KEY_FILE\) is not set"):
        call_command(command, str(target))
    assert not target.exists()


def test_commands_refuse_a_bad_key_in_settings(settings, tmp_path, db):
    settings.BACKUP_KEY = "short"

    with pytest.raises(CommandError, match="BACKUP_KEY must be 32 random bytes"):
        call_command("backup", str(tmp_path / "x.backup"))
