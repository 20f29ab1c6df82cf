"""Links in email and SMS point at the server that was started: `make run PORT=8080` gives
http://127.0.0.1:8080 unless SITE_URL is set; a fontTools flood is kept out of the console."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecabinet.env import local_site_url

ROOT = Path(__file__).resolve().parents[2]


def settings_value(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT", "DATABASE_URL"}}
    clean.update({"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "ecabinet.settings", **env})
    code = f"from django.conf import settings; print(settings.{name})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    "host, port, expected",
    [
        ("127.0.0.1", 8080, "http://127.0.0.1:8080"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),  # noqa: S104
        ("::", 9000, "http://127.0.0.1:9000"),
        ("::1", 8001, "http://[::1]:8001"),
        ("ecabinet.local", 80, "http://ecabinet.local:80"),
        ("", 8000, "http://127.0.0.1:8000"),
    ],
)
def test_local_site_url_names_an_address_a_reader_can_open(host: str, port: int, expected: str) -> None:
    assert local_site_url(host, port) == expected


def test_site_url_follows_the_port_the_server_was_started_on() -> None:
    result = settings_value("SITE_URL", {"HOST": "127.0.0.1", "PORT": "8080"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8080"


def test_default_site_url_is_the_default_port() -> None:
    result = settings_value("SITE_URL", {})
    assert result.stdout.strip() == "http://127.0.0.1:8000", result.stderr


def test_an_explicit_site_url_wins_over_the_port() -> None:
    result = settings_value("SITE_URL", {"PORT": "8080", "SITE_URL": "https://ecabinet.ninhbinh.gov.vn/"})
    assert result.stdout.strip() == "https://ecabinet.ninhbinh.gov.vn", result.stderr


def test_a_bad_port_stops_start_up() -> None:
    result = settings_value("SITE_URL", {"PORT": "80a"})
    assert result.returncode != 0
    assert "PORT='80a' is not a whole number" in result.stderr


def test_fonttools_subsetting_does_not_flood_the_console() -> None:
    """fontTools logs each subsetting step at INFO; the settings raise its loggers to WARNING."""
    for name in ("fontTools", "fontTools.subset", "fontTools.subset.timer", "fontTools.ttLib.ttFont"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    assert logging.getLogger("fontTools.subset").isEnabledFor(logging.WARNING)
