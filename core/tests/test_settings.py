"""Settings come from the environment; a bad value stops start-up with a clear message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ecabinet.env import env_bool, env_int, env_str

ROOT = Path(__file__).resolve().parents[2]


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ECABINET_TESTING"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL must point to PostgreSQL"),
        ({"DEBUG": "1", "REDIS_URL": "http://localhost"}, "REDIS_URL must start with"),
        ({"DEBUG": "1", "PASSWORD_MAX_AGE_DAYS": "ninety"}, "PASSWORD_MAX_AGE_DAYS='ninety' is not a whole number"),
        ({"DEBUG": "1", "PASSWORD_MIN_LENGTH": "4"}, "below the minimum 8"),
    ],
)
def test_bad_configuration_stops_start_up(env: dict[str, str], message: str) -> None:
    result = start(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_configuration_starts() -> None:
    result = start({"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "ecabinet.ninhbinh.gov.vn"})
    assert result.returncode == 0, result.stderr


def test_secret_can_come_from_a_file(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-from-file\n", encoding="utf-8")
    monkeypatch.setenv("TEST_SECRET_FILE", str(secret))
    assert env_str("TEST_SECRET") == "s3cr3t-from-file"


def test_typed_helpers(monkeypatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    monkeypatch.setenv("X_NUM", "42")
    assert env_bool("X_FLAG") is True and env_int("X_NUM", 1) == 42
    monkeypatch.setenv("X_NUM", "420")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1, maximum=100)


def test_database_is_configured_for_concurrent_writers(settings) -> None:
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        # WAL, IMMEDIATE transactions and a busy timeout (docs/architecture.md).
        options = db["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
        assert "journal_mode=WAL" in options["init_command"]
    else:
        assert connection.vendor == "postgresql"
        assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"]


def test_timezone_and_language_defaults(settings) -> None:
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


def test_interface_is_vietnamese_even_when_the_browser_asks_for_english(client, db) -> None:
    response = client.get("/auth/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/auth/login/"})
    assert client.get("/auth/login/")["Content-Language"] == "en"


def test_redis_reads_outlast_the_channel_layers_blocking_pop_on_an_idle_channel() -> None:
    """redis-py 8 reads with a 5 s timeout by default, as long as channels_redis's blocking pop:
    an idle consumer then died with "Timeout reading from ...". Checked on the settings built
    from a REDIS_URL, in a fresh interpreter."""
    from channels_redis.core import RedisChannelLayer

    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "REDIS_SOCKET_TIMEOUT"}}
    clean.update({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3", "DJANGO_SETTINGS_MODULE": "ecabinet.settings"})
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    host = json.loads(result.stdout.strip().splitlines()[-1])
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout
    assert host["max_connections"] >= 1000
    too_short = start({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3", "REDIS_SOCKET_TIMEOUT": "5"})
    assert too_short.returncode != 0 and "REDIS_SOCKET_TIMEOUT" in too_short.stderr
