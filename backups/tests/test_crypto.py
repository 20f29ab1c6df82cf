"""The encrypted container: frames authenticate their content, their place and the end."""

from __future__ import annotations

import io
import os
import struct

import pytest

from backups.crypto import FRAME_HEAD, HEADER, ArchiveError, DecryptingReader, EncryptingWriter, WrongKeyError

KEY = bytes(range(32))


def seal(data: bytes, *, frame_size: int = 1000, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key, frame_size=frame_size)
    for start in range(0, len(data), 333):
        writer.write(data[start : start + 333])
    writer.close()
    return out.getvalue()


def open_all(sealed: bytes, key: bytes = KEY) -> bytes:
    reader = DecryptingReader(io.BytesIO(sealed), key)
    data = reader.read()
    reader.finish()
    return data


def frames(sealed: bytes) -> list[tuple[int, int]]:
    """(start, end) of every frame in the file."""
    spans, offset = [], HEADER.size
    while offset < len(sealed):
        _flag, length = FRAME_HEAD.unpack_from(sealed, offset)
        spans.append((offset, offset + FRAME_HEAD.size + length))
        offset += FRAME_HEAD.size + length
    return spans


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 5432])
def test_what_is_written_reads_back_in_small_reads_and_whole(size: int) -> None:
    data = os.urandom(size)
    sealed = seal(data)
    assert open_all(sealed) == data
    reader = DecryptingReader(io.BytesIO(sealed), KEY)
    pieces = []
    while piece := reader.read(77):
        pieces.append(piece)
    reader.finish()
    assert b"".join(pieces) == data


def test_each_archive_has_its_own_salt_and_nonces() -> None:
    data = b"x" * 3000
    assert seal(data)[HEADER.size :] != seal(data)[HEADER.size :]


def test_a_wrong_key_is_named_before_anything_is_decrypted() -> None:
    with pytest.raises(WrongKeyError, match="BACKUP_KEY"):
        open_all(seal(b"hello"), key=bytes(32))


def test_a_flipped_byte_fails_authentication() -> None:
    sealed = bytearray(seal(os.urandom(4000)))
    sealed[len(sealed) // 2] ^= 0x01
    with pytest.raises(ArchiveError, match="fails authentication"):
        open_all(bytes(sealed))


def test_reordered_frames_are_refused() -> None:
    sealed = seal(os.urandom(4000))
    (a0, a1), (b0, b1) = frames(sealed)[:2]
    swapped = sealed[:a0] + sealed[b0:b1] + sealed[a0:a1] + sealed[b1:]
    with pytest.raises(ArchiveError, match="frame 0 fails authentication"):
        open_all(swapped)


def test_a_dropped_frame_is_refused() -> None:
    sealed = seal(os.urandom(4000))
    start, end = frames(sealed)[1]
    with pytest.raises(ArchiveError, match="frame 1 fails authentication"):
        open_all(sealed[:start] + sealed[end:])


def test_an_archive_cut_at_a_frame_boundary_is_truncated() -> None:
    sealed = seal(os.urandom(4000))
    last_start, _ = frames(sealed)[-1]
    with pytest.raises(ArchiveError, match="truncated"):
        open_all(sealed[:last_start])


def test_a_frame_marked_final_by_an_attacker_fails_authentication() -> None:
    sealed = bytearray(seal(os.urandom(4000)))
    start, _ = frames(bytes(sealed))[1]
    sealed[start] = 1  # the final flag, without the key to re-seal the frame
    with pytest.raises(ArchiveError, match="frame 1 fails authentication"):
        open_all(bytes(sealed))


def test_data_after_the_final_frame_is_refused() -> None:
    with pytest.raises(ArchiveError, match="after its final frame"):
        open_all(seal(b"hello") + b"\x00")


def test_an_impossible_frame_length_is_refused_without_reading_it() -> None:
    sealed = bytearray(seal(b"hello"))
    struct.pack_into(">I", sealed, HEADER.size + 1, 2**31)
    with pytest.raises(ArchiveError, match="impossible header"):
        open_all(bytes(sealed))


def test_a_file_that_is_not_an_archive_is_named_so() -> None:
    with pytest.raises(ArchiveError, match="not an eCabinet backup"):
        open_all(b"PK\x03\x04" + bytes(100))
