"""Fixtures for the shell's tests: the pages are checked in Vietnamese, so the catalogues must be
compiled (the same session fixture as core's tests)."""

from __future__ import annotations

from core.tests.conftest import compiled_messages

__all__ = ["compiled_messages"]
