"""Fixtures for core tests: compiled translation catalogues."""

from __future__ import annotations

import contextlib
import gettext
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import setting_changed


def _stale_catalogues() -> list[Path]:
    """The .po files of LOCALE_PATHS whose .mo is missing or older than the .po."""
    stale = []
    for locale_dir in settings.LOCALE_PATHS:
        for po in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                stale.append(po)
    return stale


@pytest.fixture(scope="session", autouse=True)
def compiled_messages() -> Iterator[None]:
    """Compile the catalogues (.mo files are git-ignored) when missing or older than the .po files."""
    if _stale_catalogues():
        with contextlib.chdir(settings.BASE_DIR):
            call_command("compilemessages", ignore_patterns=[".venv", ".tools", "var", "test-artifacts"], verbosity=0)
        # Forget catalogues loaded before compiling: Django's own reset for a LOCALE_PATHS change, and
        # gettext's per-file cache (a stale .mo may already have been read).
        gettext._translations.clear()  # type: ignore[attr-defined]
        setting_changed.send(sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)
    yield
