"""The encrypted container of a backup: AES-256-GCM in frames of at most 1 MiB.

Layout (integers big-endian):

    header  = MAGIC (8) | version (1) | key id (8) | salt (16) | nonce prefix (8)
    frame   = final flag (1) | ciphertext length (4) | ciphertext with its 16-byte tag

Each archive encrypts with its own key, derived by HKDF-SHA256 from the configured key and the
random salt. Frame i uses the nonce `nonce prefix | i` (4-byte counter) and authenticates the
whole header, i and its final flag as associated data, so a frame that is changed, moved,
dropped, or taken from another archive fails to decrypt, and an archive cut short is caught
because its last frame does not carry the final flag. The key id (a hash of the key, not the
key) lets a wrong key be told apart from a damaged archive before anything is decrypted.
"""

from __future__ import annotations

import hashlib
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"ECABBKUP"
VERSION = 1
FRAME_SIZE = 1024 * 1024
TAG_SIZE = 16
HEADER = struct.Struct(">8sB8s16s8s")
FRAME_HEAD = struct.Struct(">BI")
MAX_FRAMES = 2**32


class ArchiveError(Exception):
    """The archive cannot be used; the message says why, in words for the operator."""


class WrongKeyError(ArchiveError):
    pass


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"ecabinet-backup-key-id\x00" + key).digest()[:8]


def _frame_cipher(key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"ecabinet-backup/1 frames")
    return AESGCM(hkdf.derive(key))


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


def _nonce(prefix: bytes, index: int) -> bytes:
    if index >= MAX_FRAMES:
        raise ArchiveError("The archive has more frames than the format allows.")
    return prefix + struct.pack(">I", index)


class EncryptingWriter:
    """A write-only file object: what is written goes to `out` encrypted. `close()` writes the
    final frame (and must be called, or the archive reads as truncated); it does not close `out`."""

    def __init__(self, out: BinaryIO, key: bytes, *, frame_size: int = FRAME_SIZE) -> None:
        self._out = out
        self._frame_size = frame_size
        salt, self._prefix = os.urandom(16), os.urandom(8)
        self._header = HEADER.pack(MAGIC, VERSION, key_id(key), salt, self._prefix)
        self._cipher = _frame_cipher(key, salt)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        self.bytes_in = 0
        out.write(self._header)

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed archive")
        self._buffer += data
        self.bytes_in += len(data)
        # A full frame goes out only once at least one more byte follows it: then it is surely
        # not the last one. The last frame (full, short or empty) is written by close().
        while len(self._buffer) > self._frame_size:
            self._emit(bytes(self._buffer[: self._frame_size]), final=False)
            del self._buffer[: self._frame_size]
        return len(data)

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        sealed = self._cipher.encrypt(
            _nonce(self._prefix, self._index), plaintext, _aad(self._header, self._index, final)
        )
        self._out.write(FRAME_HEAD.pack(1 if final else 0, len(sealed)))
        self._out.write(sealed)
        self._index += 1

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer = bytearray()
            self._closed = True

    @property
    def frames(self) -> int:
        return self._index


def read_header(source: BinaryIO, key: bytes) -> bytes:
    """Read and check the header; raise WrongKeyError when the archive was made with another key."""
    raw = source.read(HEADER.size)
    if len(raw) < HEADER.size:
        raise ArchiveError("The file is too short to be an eCabinet backup.")
    magic, version, archive_key_id, _salt, _prefix = HEADER.unpack(raw)
    if magic != MAGIC:
        raise ArchiveError("The file is not an eCabinet backup (unknown file signature).")
    if version != VERSION:
        raise ArchiveError(f"The archive uses format version {version}; this eCabinet reads version {VERSION}.")
    if archive_key_id != key_id(key):
        raise WrongKeyError(
            "The archive was encrypted with a different key than BACKUP_KEY (or BACKUP_KEY_FILE): "
            "use the key that was configured when the backup was made."
        )
    return raw


class DecryptingReader:
    """A read-only file object over an encrypted archive. Every frame is authenticated before a
    byte of it is returned; `finish()` checks that the final frame was reached with nothing after it."""

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        self._source = source
        self._header = read_header(source, key)
        _magic, _version, _key_id, salt, self._prefix = HEADER.unpack(self._header)
        self._cipher = _frame_cipher(key, salt)
        self._index = 0
        self._plain = b""
        self._offset = 0
        self._done = False
        self.bytes_out = 0

    def _next_frame(self) -> None:
        head = self._source.read(FRAME_HEAD.size)
        if len(head) < FRAME_HEAD.size:
            raise ArchiveError(f"The archive is truncated: it ends after frame {self._index} without its final frame.")
        flag, length = FRAME_HEAD.unpack(head)
        if flag not in (0, 1) or not TAG_SIZE <= length <= FRAME_SIZE + TAG_SIZE:
            raise ArchiveError(f"The archive is damaged: frame {self._index} has an impossible header.")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise ArchiveError(f"The archive is truncated inside frame {self._index}.")
        final = flag == 1
        try:
            self._plain = self._cipher.decrypt(
                _nonce(self._prefix, self._index), sealed, _aad(self._header, self._index, final)
            )
        except InvalidTag:
            raise ArchiveError(
                f"The archive is damaged or was altered: frame {self._index} fails authentication."
            ) from None
        self._offset = 0
        self._index += 1
        if final:
            if self._source.read(1):
                raise ArchiveError("The archive is damaged: there is data after its final frame.")
            self._done = True

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            if self._offset >= len(self._plain):
                if self._done:
                    break
                self._next_frame()
                continue
            end = len(self._plain) if wanted is None else min(len(self._plain), self._offset + wanted)
            chunk = self._plain[self._offset : end]
            self._offset = end
            parts.append(chunk)
            if wanted is not None:
                wanted -= len(chunk)
        data = b"".join(parts)
        self.bytes_out += len(data)
        return data

    def finish(self) -> None:
        """Read (and authenticate) whatever is left, up to the final frame."""
        while not self._done:
            self._next_frame()
        self._plain, self._offset = b"", 0
