"""Audio at rest: every stored file (a chunk, an uploaded recording) is the framed AES-256-GCM
container of backups/crypto.py (1 MiB authenticated frames, a key derived per file from a random
salt). The key id (hex) stored beside each file names the key it was written with, so the key can
rotate: files are read with the current key or one of RECORDINGS_PREVIOUS_KEYS, and
`manage.py reencrypt_recordings` rewrites them under the current one.

Plaintext frames are exactly FRAME_SIZE bytes except the last, so a byte offset maps to a frame
and a file position: `read_range` decrypts only the frames a Range request needs (seeking in the
player of a two-hour upload does not decrypt the whole file).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import default_storage

from backups import crypto as framed

READ_BLOCK = 256 * 1024


class KeyUnavailable(ImproperlyConfigured):
    pass


def key_id(key: bytes) -> str:
    return framed.key_id(key).hex()


def _development_key() -> bytes:
    return hashlib.sha256(b"ecabinet recordings key|" + settings.SECRET_KEY.encode()).digest()


def current_key() -> bytes:
    key = getattr(settings, "RECORDINGS_KEY", None)
    if key:
        return bytes(key)
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return _development_key()
    raise KeyUnavailable("RECORDINGS_KEY (or RECORDINGS_KEY_FILE) is not set: recordings cannot be stored.")


def keyring() -> dict[str, bytes]:
    """Every key a stored file may have been written with, by id; the current one included."""
    keys = [*getattr(settings, "RECORDINGS_PREVIOUS_KEYS", [])]
    if settings.DEBUG or getattr(settings, "TESTING", False):
        keys.append(_development_key())
    try:
        keys.append(current_key())
    except KeyUnavailable:
        pass
    return {key_id(bytes(k)): bytes(k) for k in keys}


def key_for(kid: str) -> bytes:
    key = keyring().get(kid)
    if key is None:
        raise KeyUnavailable(
            f"The recording was encrypted with key {kid}, which is neither RECORDINGS_KEY nor one of "
            "RECORDINGS_PREVIOUS_KEYS."
        )
    return key


@dataclass(frozen=True)
class Stored:
    name: str  # the storage name
    key_id: str
    size: int  # plaintext bytes
    sha256: str  # of the plaintext


def store_encrypted(blocks: Iterable[bytes], *, suffix: str = ".enc") -> Stored:
    """Encrypt `blocks` under the current key into a new file of the default storage (memory stays
    flat: one frame at a time)."""
    key = current_key()
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as handle:
        writer = framed.EncryptingWriter(handle, key)
        for block in blocks:
            digest.update(block)
            writer.write(block)
        writer.close()
        handle.seek(0)
        name = default_storage.save(f"recordings/{secrets.token_hex(16)}{suffix}", File(handle))
    return Stored(name=name, key_id=key_id(key), size=writer.bytes_in, sha256=digest.hexdigest())


def iter_decrypted(name: str, kid: str, *, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The plaintext bytes [start, end) of a stored file (end None: to its end), decrypting only
    the frames that hold them. Raises framed.ArchiveError when the file was altered or cut."""
    key = key_for(kid)
    with default_storage.open(name, "rb") as stored:
        source: BinaryIO = stored  # type: ignore[assignment]
        header = framed.read_header(source, key)
        _magic, _version, _kid, salt, prefix = framed.HEADER.unpack(header)
        cipher = framed._frame_cipher(key, salt)
        frame_bytes = framed.FRAME_HEAD.size + framed.FRAME_SIZE + framed.TAG_SIZE
        index = start // framed.FRAME_SIZE
        source.seek(framed.HEADER.size + index * frame_bytes)
        offset = index * framed.FRAME_SIZE
        while end is None or offset < end:
            head = source.read(framed.FRAME_HEAD.size)
            if len(head) < framed.FRAME_HEAD.size:
                raise framed.ArchiveError("The audio file is truncated.")
            flag, length = framed.FRAME_HEAD.unpack(head)
            sealed = source.read(length)
            if len(sealed) < length:
                raise framed.ArchiveError("The audio file is truncated.")
            final = flag == 1
            try:
                plain = cipher.decrypt(framed._nonce(prefix, index), sealed, framed._aad(header, index, final))
            except InvalidTag:
                raise framed.ArchiveError("The audio file is damaged or was altered.") from None
            lo = max(start - offset, 0)
            hi = len(plain) if end is None else min(len(plain), end - offset)
            if hi > lo:
                yield plain[lo:hi]
            offset += len(plain)
            index += 1
            if final:
                break


def decrypt_all(name: str, kid: str, out: BinaryIO) -> int:
    written = 0
    for block in iter_decrypted(name, kid):
        out.write(block)
        written += len(block)
    return written


def delete_stored(name: str) -> None:
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def read_blocks(handle: BinaryIO, size: int = READ_BLOCK) -> Iterator[bytes]:
    while True:
        block = handle.read(size)
        if not block:
            return
        yield block


def remove_quietly(path: str | os.PathLike[str]) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
