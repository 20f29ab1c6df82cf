"""Key material written in settings: one reader for the settings and for the apps that take a key
at run time (the backup archive key), so every key is written and checked the same way."""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured


def parse_key(raw: str, *, name: str, length: int = 32) -> bytes:
    """Random key bytes written as hex (2 * length characters) or base64 (standard or URL-safe).

    The error names the variable, never the value.
    """
    text = raw.strip()
    key: bytes | None = None
    if len(text) == 2 * length:
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = None
    if key is None:
        padded = text + "=" * (-len(text) % 4)
        for altchars in (b"+/", b"-_"):
            try:
                key = base64.b64decode(padded, altchars=altchars, validate=True)
                break
            except (ValueError, binascii.Error):
                continue
    if key is None or len(key) != length:
        raise ImproperlyConfigured(
            f"{name} must be {length} random bytes written as base64 or as {2 * length} hex digits; "
            f"make one with `openssl rand -base64 {length}`."
        )
    return key
