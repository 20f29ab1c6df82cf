"""Remote-signing access tokens encrypted at rest (AES-256-GCM).

A stored token reads `v1$<key id>$<base64url(nonce || ciphertext || tag)>`. The key id (the first
16 hex digits of the SHA-256 of the key) says which key encrypted it, so keys can rotate: the new
key goes in `SIGNING_TOKEN_KEY`, the old one in `SIGNING_TOKEN_PREVIOUS_KEYS` until
`manage.py reencrypt_signing_tokens` has re-encrypted every token with the new key. The account's
user id is the associated data, so a ciphertext copied onto another person's row does not decrypt.

Without `SIGNING_TOKEN_KEY`, development and test machines (DEBUG or the test run) use a key
derived from SECRET_KEY; production refuses to store or read tokens until a key is configured.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"
NONCE_BYTES = 12


class TokenKeyMissing(ImproperlyConfigured):
    pass


class TokenUnreadable(ValueError):
    """The stored token was encrypted with a key that is no longer configured, or was altered."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def _development_key() -> bytes:
    return hashlib.sha256(b"ecabinet signing-token key|" + settings.SECRET_KEY.encode()).digest()


def keyring() -> Keyring:
    current: bytes | None = settings.SIGNING_TOKEN_KEY
    if current is None:
        if not (settings.DEBUG or getattr(settings, "TESTING", False)):
            raise TokenKeyMissing(
                "SIGNING_TOKEN_KEY (or SIGNING_TOKEN_KEY_FILE) is not set: remote-signing access tokens "
                "cannot be stored or read. Make one with `openssl rand -base64 32`."
            )
        current = _development_key()
    keys = {key_id(k): k for k in settings.SIGNING_TOKEN_PREVIOUS_KEYS}
    if settings.DEBUG or getattr(settings, "TESTING", False):
        # Tokens saved on a development machine before a key was configured stay readable.
        keys.setdefault(key_id(_development_key()), _development_key())
    keys[key_id(current)] = current
    return Keyring(key_id(current), keys)


def _aad(user_id: int) -> bytes:
    return f"ecabinet remote-signing token|user {user_id}".encode()


def encrypt_token(token: str, *, user_id: int) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(nonce, token.encode(), _aad(user_id))
    return f"{VERSION}${ring.current_id}${base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def stored_key_id(stored: str) -> str | None:
    parts = stored.split("$")
    return parts[1] if len(parts) == 3 and parts[0] == VERSION else None


def decrypt_token(stored: str, *, user_id: int) -> str:
    kid = stored_key_id(stored)
    if kid is None:
        raise TokenUnreadable("not an encrypted token")
    key = keyring().keys.get(kid)
    if key is None:
        raise TokenUnreadable(f"encrypted with key {kid}, which is not configured")
    try:
        blob = base64.urlsafe_b64decode(stored.split("$")[2])
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(user_id)).decode()
    except (InvalidTag, ValueError) as exc:
        raise TokenUnreadable("the encrypted token does not decrypt") from exc
