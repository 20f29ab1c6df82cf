"""Files for the upload tests, made by the tests: valid DOC/XLS containers and a hostile corpus
(wrong extension, truncated and encrypted PDF, encrypted DOCX, zip bombs, HTML posing as PDF),
plus the settings fixture that keeps uploads and media under the test's own directory."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from documents.tests.conftest import docx_bytes, pdf_bytes, png_bytes

__all__ = ["docx_bytes", "pdf_bytes", "png_bytes"]

_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@pytest.fixture(autouse=True)
def upload_dirs(settings: Any, tmp_path: Path) -> dict[str, Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.CLAMAV_SOCKET = ""
    return {"media": tmp_path / "media", "uploads": tmp_path / "uploads"}


def files_under(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (MS-CFB version 3) with the given top-level streams.

    Each stream is padded to at least the 4096-byte mini-stream cutoff so it lives in regular
    sectors; one FAT sector, one directory sector (so at most three streams)."""
    assert 0 < len(streams) <= 3
    sector = 512
    entries = [("Root Entry", 5, b"")]
    entries += [(name, 2, data.ljust(max(len(data), 4096), b"\0")) for name, data in streams.items()]
    fat = [_FAT_SECTOR, _END]  # sector 0: the FAT, sector 1: the directory
    starts: list[int] = []
    body = b""
    for _name, _kind, data in entries[1:]:
        count = -(-len(data) // sector)
        first = len(fat)
        starts.append(first)
        fat += list(range(first + 1, first + count)) + [_END]
        body += data.ljust(count * sector, b"\0")
    assert len(fat) <= sector // 4
    fat_sector = struct.pack(f"<{sector // 4}I", *(fat + [_FREE] * (sector // 4 - len(fat))))
    directory = b""
    for index, (name, kind, data) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        child = 1 if kind == 5 else _NO_STREAM
        right = index + 1 if 0 < index < len(entries) - 1 else _NO_STREAM
        start = _END if kind == 5 else starts[index - 1]
        size = 0 if kind == 5 else len(data)
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", _NO_STREAM, right, child)
            + b"\0" * 16  # CLSID
            + struct.pack("<I", 0)  # state bits
            + b"\0" * 16  # times
            + struct.pack("<IQ", start, size)
        )
    unused = b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", _NO_STREAM, _NO_STREAM, _NO_STREAM)
    directory += (unused + b"\0" * 48) * (4 - len(entries))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    assert len(header) == 512 and len(directory) == 512
    return header + fat_sector + directory + body


def doc_bytes(*, encrypted: bool = False) -> bytes:
    """A Word 97-2003 container: a WordDocument stream starting with its FIB."""
    flags = 0x0100 if encrypted else 0
    fib = struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags)
    return cfb_bytes({"WordDocument": fib, "1Table": b"\0" * 16})


def xls_bytes(*, encrypted: bool = False) -> bytes:
    """An Excel 97-2003 container: BOF, (FILEPASS,) EOF records in the Workbook stream."""
    records = struct.pack("<HH", 0x0809, 16) + b"\0\x06\x05\0" + b"\0" * 12
    if encrypted:
        records += struct.pack("<HH", 0x002F, 6) + b"\0\0\x01\0\x01\0"
    records += struct.pack("<HH", 0x000A, 0)
    return cfb_bytes({"Workbook": records})


def encrypted_docx_bytes() -> bytes:
    """What Word writes for a password-protected DOCX: a CFB with EncryptionInfo + EncryptedPackage."""
    return cfb_bytes({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x99" * 5000})


def encrypted_pdf_bytes() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes(2))))
    writer.encrypt("matkhau", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated_pdf_bytes() -> bytes:
    data = pdf_bytes(3)
    return data[: len(data) * 2 // 3]


def html_as_pdf_bytes() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>%PDF-1.7</body></html>\n"


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)


def write_docx_bomb(path: Path, *, megabytes: int = 600, members: int = 0) -> Path:
    """A DOCX-shaped zip with one member of `megabytes` MB of zeros (streamed, never held in
    memory) and optionally `members` extra empty members."""
    zeros = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        if megabytes:
            with archive.open("word/media/image1.bin", "w", force_zip64=True) as member:
                for _ in range(megabytes):
                    member.write(zeros)
        for index in range(members):
            archive.writestr(f"word/part{index}.xml", b"")
    return path
