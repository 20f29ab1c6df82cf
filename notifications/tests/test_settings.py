"""Notification settings come from the environment; a bad value stops start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "EMAIL_", "NOTIFY_"))}
    clean.update({"DEBUG": "1", **env})
    code = "from django.conf import settings; print(settings.SMS_BACKEND, settings.EMAIL_HOST_PASSWORD)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ecabinet.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND='carrier-pigeon' is not known"),
        ({"SMS_BACKEND": "http"}, "SMS_BACKEND=http needs SMS_GATEWAY_URL"),
        (
            {"SMS_BACKEND": "http", "SMS_GATEWAY_URL": "https://sms.example/api", "SMS_MESSAGE_TEMPLATE": "to={phone}"},
            "SMS_MESSAGE_TEMPLATE is not a JSON template",
        ),
        ({"NOTIFY_MAX_ATTEMPTS": "0"}, "NOTIFY_MAX_ATTEMPTS=0 is below the minimum 1"),
        ({"EMAIL_USE_TLS": "perhaps"}, "EMAIL_USE_TLS='perhaps' is not a boolean"),
    ],
)
def test_bad_notification_settings_stop_start_up(env: dict[str, str], message: str) -> None:
    result = load_settings(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_notification_settings_load(tmp_path: Path) -> None:
    password = tmp_path / "smtp-password"
    password.write_text("mat-khau-smtp\n", encoding="utf-8")
    result = load_settings(
        {"SMS_BACKEND": "HTTP", "SMS_GATEWAY_URL": "https://sms.example/api", "EMAIL_HOST_PASSWORD_FILE": str(password)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http", "mat-khau-smtp"]
