"""Checking an uploaded file by its content before it becomes a document (issue 4, "Upload").

`check_file` decides the type from the bytes (magic numbers, then the container's structure),
never from the name; the name's extension, and the type the browser declared, must agree with
what the bytes are. Password-protected, malformed and oversized files, and OOXML zip bombs, are
refused with a message that says what to do. With CLAMAV_SOCKET set, clamd scans the file too.

Nothing here loads the whole file into memory: PDFs are parsed from an open file, zip members
are never extracted (only the small [Content_Types].xml is read), CFB files are read sector by
sector, and images are only verified.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import struct
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

import pypdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

logger = logging.getLogger("documents.validation")


@dataclass(frozen=True)
class Detected:
    file_type: str  # pdf, docx, xlsx, pptx, doc, xls, jpg, png
    extension: str  # with the dot, as stored: ".pdf"
    mime: str


MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
}
ACCEPTED_TYPES = tuple(MIME_TYPES)
# File name endings → the type they announce.
EXTENSIONS = {f".{t}": t for t in ACCEPTED_TYPES} | {".jpeg": "jpg"}
# MIME types browsers send, beyond the canonical ones above. Anything else they send is ignored:
# browsers derive it from the name, and some report office files as generic zips.
_DECLARED = {mime: t for t, mime in MIME_TYPES.items()} | {
    "image/jpg": "jpg",
    "image/pjpeg": "jpg",
    "image/x-png": "png",
    "application/x-pdf": "pdf",
}
TYPE_LABELS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "pptx": "PowerPoint (PPTX)",
    "doc": "Word 97-2003 (DOC)",
    "xls": "Excel 97-2003 (XLS)",
    "jpg": "JPG",
    "png": "PNG",
}

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# The main part of each OOXML package, as named in [Content_Types].xml.
OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
OOXML_MACRO_TYPES = {
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
}
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
# Members smaller than this cannot expand into anything dangerous, whatever their ratio
# (a few KB of repetitive XML legitimately compresses more than 100:1).
RATIO_CHECK_MIN_BYTES = 1024 * 1024

CLAMAV_CHUNK = 256 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def accepted_types_text() -> str:
    return "PDF, DOCX, XLSX, PPTX, DOC, XLS, JPG, PNG"


# --- names ------------------------------------------------------------------------------------


def clean_filename(name: str) -> str:
    """The name as the user gave it, safe to display and to send back in a download.

    A browser sends the bare file name; anything with a folder path or control characters
    comes from a hostile client and is refused, so no such name ever gets near a path.
    """
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name or "/" in name or "\\" in name or _CONTROL.search(name) or name.strip(". ") == "":
        raise refuse(
            _(
                "The file name must not contain a folder path (/ or \\) or control characters. "
                "Rename the file and upload it again."
            ),
            "bad_name",
        )
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name


def type_from_name(name: str) -> str:
    extension = os.path.splitext(name)[1].lower()
    file_type = EXTENSIONS.get(extension)
    if file_type is None:
        raise refuse(
            _("Files ending in “%(extension)s” are not accepted. Accepted types: %(types)s.")
            % {"extension": extension or name, "types": accepted_types_text()},
            "bad_extension",
        )
    return file_type


def check_size(size: int) -> None:
    if size <= 0:
        raise refuse(_("The file is empty. Choose the file again."), "empty")
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if size > limit:
        raise refuse(
            _(
                "The file is %(size)s; the largest file accepted is %(limit)s. Make it smaller "
                "(for example split it or compress its pictures) and upload it again."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            "too_big",
        )


def check_name_and_size(original_name: str, size: int) -> tuple[str, str]:
    """What can be refused before any byte is sent: (clean name, type the name announces)."""
    name = clean_filename(original_name)
    file_type = type_from_name(name)
    check_size(size)
    return name, file_type


# --- the file ---------------------------------------------------------------------------------


def check_file(path: str | Path, original_name: str, *, declared_type: str | None = None) -> Detected:
    """The detected type of the file at `path`, or ValidationError with a message for the user.

    `declared_type` is what the browser said (a MIME type or one of ACCEPTED_TYPES); unknown or
    generic values are ignored.
    """
    path = Path(path)
    name, named_type = check_name_and_size(original_name, path.stat().st_size)
    with path.open("rb") as handle:
        head = handle.read(16)
        if head.startswith(PDF_MAGIC):
            file_type = "pdf"
        elif head.startswith(ZIP_MAGIC):
            file_type = _ooxml_type(handle)
        elif head.startswith(CFB_MAGIC):
            file_type = _cfb_type(handle)
        elif head.startswith(JPEG_MAGIC):
            file_type = "jpg"
        elif head.startswith(PNG_MAGIC):
            file_type = "png"
        else:
            raise refuse(
                _(
                    "The content of “%(name)s” is not a PDF, Word, Excel, PowerPoint or image file, whatever "
                    "its name says. Open it on your computer, save it as one of the accepted types (%(types)s) "
                    "and upload it again."
                )
                % {"name": name, "types": accepted_types_text()},
                "unknown_content",
            )
        _check_matches(file_type, named_type, declared_type)
        if file_type == "pdf":
            _check_pdf(handle)
        elif file_type in ("jpg", "png"):
            _check_image(handle, file_type)
    scan_for_viruses(path)
    return Detected(file_type=file_type, extension=f".{file_type}", mime=MIME_TYPES[file_type])


def _check_matches(file_type: str, named_type: str, declared_type: str | None) -> None:
    declared = None
    if declared_type:
        key = declared_type.split(";")[0].strip().lower()
        declared = key if key in MIME_TYPES else _DECLARED.get(key)
    for announced in (named_type, declared):
        if announced is not None and announced != file_type:
            raise refuse(
                _(
                    "The file is named as %(named)s but its content is %(actual)s. Give it the right "
                    "extension or upload the right file."
                )
                % {"named": TYPE_LABELS[announced], "actual": TYPE_LABELS[file_type]},
                "type_mismatch",
            )


def _check_pdf(handle: BinaryIO) -> None:
    damaged = refuse(
        _(
            "This PDF is damaged or incomplete (it may have been cut off while copying). Save or "
            "export it again and upload the new file."
        ),
        "malformed",
    )
    # The spec puts %%EOF within the last 1024 bytes; a cut-off file has none there.
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - 1024))
    if b"%%EOF" not in handle.read():
        raise damaged
    handle.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # An open file, not a path: given a path pypdf reads the whole file into memory.
            reader = pypdf.PdfReader(handle, strict=True)
            encrypted = reader.is_encrypted
            pages = 0 if encrypted else len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds on hostile input
        logger.info("PDF refused as malformed: %s: %s", type(exc).__name__, exc)
        raise damaged from None
    if encrypted:
        raise refuse(_("This PDF is password-protected. Remove the password and upload it again."), "encrypted")
    if pages == 0:
        raise damaged


def _check_image(handle: BinaryIO, file_type: str) -> None:
    handle.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle) as image:
                actual = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png"}.get(image.format or "")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refuse(
            _("This image has too many pixels to be shown safely. Reduce its resolution and upload it again."),
            "too_many_pixels",
        ) from None
    except Exception:  # Pillow raises many kinds on damaged input
        actual = None
    if actual != file_type:
        raise refuse(_("This image is damaged or incomplete. Save it again and upload the new file."), "malformed")


# --- OOXML (zip) ------------------------------------------------------------------------------


def _office_damaged(label: str) -> ValidationError:
    return refuse(
        _(
            "This file is damaged or is not a real %(type)s file. Open it on your computer, save it "
            "again and upload the new file."
        )
        % {"type": label},
        "malformed",
    )


def _zip_bomb() -> ValidationError:
    return refuse(
        _(
            "This file unpacks into far more data than a normal document (more than %(limit)s, or parts "
            "compressed more than %(ratio)s to 1, or more than %(members)s parts). It was refused to protect "
            "the server. Save it again from Word, Excel or PowerPoint, without large embedded media."
        )
        % {
            "limit": filesizeformat(settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES),
            "ratio": settings.DOCUMENT_MAX_COMPRESSION_RATIO,
            "members": settings.DOCUMENT_MAX_ZIP_MEMBERS,
        },
        "zip_bomb",
    )


def _office_encrypted() -> ValidationError:
    return refuse(
        _(
            "This file is password-protected. Remove the password (in Word, Excel or PowerPoint: File › "
            "Info › Protect) and upload it again."
        ),
        "encrypted",
    )


def _ooxml_type(handle: BinaryIO) -> str:
    """docx, xlsx or pptx from the package's main part; zip bombs refused from the directory alone."""
    handle.seek(0)
    office = "Word/Excel/PowerPoint"
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _office_damaged(office) from None
    with archive:
        members = archive.infolist()
        if len(members) > settings.DOCUMENT_MAX_ZIP_MEMBERS:
            raise _zip_bomb()
        total = 0
        for member in members:
            total += member.file_size
            if total > settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES:
                raise _zip_bomb()
            if (
                member.file_size >= RATIO_CHECK_MIN_BYTES
                and member.file_size > settings.DOCUMENT_MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
            ):
                raise _zip_bomb()
            if member.flag_bits & 0x1:  # a zip-encrypted member
                raise _office_encrypted()
        names = {m.filename for m in members}
        content_types = next((m for m in members if m.filename == "[Content_Types].xml"), None)
        if content_types is None or content_types.file_size > CONTENT_TYPES_MAX_BYTES:
            raise _office_damaged(office)
        try:
            xml = archive.read(content_types)
            # Unpack every member once, in pieces, to check the CRCs: a damaged or cut-off package
            # is refused now rather than failing in LibreOffice. zipfile stops each member at its
            # declared size, so the limits above bound the work.
            for member in members:
                with archive.open(member) as stream:
                    while stream.read(1024 * 1024):
                        pass
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error):
            raise _office_damaged(office) from None
    main = _main_part(xml)
    if main is None:
        raise _office_damaged(office)
    part, content_type = main
    if content_type in OOXML_MACRO_TYPES:
        raise refuse(
            _(
                "Files with macros (DOCM, XLSM, PPTM) are not accepted. Save it as DOCX, XLSX or PPTX "
                "(without macros) or as PDF and upload it again."
            ),
            "macros",
        )
    file_type = OOXML_MAIN_TYPES.get(content_type)
    if file_type is None:
        raise refuse(
            _("This kind of file is not accepted. Accepted types: %(types)s.") % {"types": accepted_types_text()},
            "unknown_content",
        )
    if part.lstrip("/") not in names:
        raise _office_damaged(TYPE_LABELS[file_type])
    return file_type


def _main_part(xml: bytes) -> tuple[str, str] | None:
    """(part name, content type) of the first Override that is a known main document part."""
    # No DTDs at all: that rules out entity expansion before the parser sees anything.
    if b"<!DOCTYPE" in xml.upper() or b"<!ENTITY" in xml.upper():
        return None
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 - no DTD (checked above), size-limited
    except ElementTree.ParseError:
        return None
    known = set(OOXML_MAIN_TYPES) | OOXML_MACRO_TYPES
    for element in root:
        if element.tag.rsplit("}", 1)[-1] != "Override":
            continue
        content_type = (element.get("ContentType") or "").strip().lower()
        if content_type in known:
            return element.get("PartName") or "", content_type
    return None


# --- CFB / OLE2 (DOC, XLS, and encrypted OOXML) -----------------------------------------------


class _CfbError(Exception):
    pass


_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_MAX_REGULAR_SECTOR = 0xFFFFFFFA
_NO_STREAM = 0xFFFFFFFF


class _Cfb:
    """Just enough of [MS-CFB] to list the top-level streams and read their first bytes."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        handle.seek(0, os.SEEK_END)
        self.file_size = handle.tell()
        handle.seek(0)
        header = handle.read(512)
        if len(header) < 512 or not header.startswith(CFB_MAGIC):
            raise _CfbError("short header")
        (major, byte_order, sector_shift, mini_shift) = struct.unpack_from("<HHHH", header, 0x1A)
        if byte_order != 0xFFFE or (major, sector_shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
            raise _CfbError("bad header")
        self.sector_size = 1 << sector_shift
        # Sectors after the header; a short last sector (some writers cut it) is padded.
        self.sector_count = max(0, -(-self.file_size // self.sector_size) - 1)
        (fat_sectors, first_dir, _sig, self.mini_cutoff, first_minifat, minifat_sectors, first_difat, difat_count) = (
            struct.unpack_from("<IIIIIIII", header, 0x2C)
        )
        if fat_sectors > self.sector_count:
            raise _CfbError("too many FAT sectors")
        difat = list(struct.unpack_from("<109I", header, 0x4C))
        per_sector = self.sector_size // 4
        sector, seen = first_difat, 0
        while sector <= _MAX_REGULAR_SECTOR and seen < difat_count:
            values = struct.unpack(f"<{per_sector}I", self._sector(sector))
            difat.extend(values[:-1])
            sector, seen = values[-1], seen + 1
        fat_locations = [s for s in difat if s <= _MAX_REGULAR_SECTOR][:fat_sectors]
        self.fat: list[int] = []
        for location in fat_locations:
            self.fat.extend(struct.unpack(f"<{per_sector}I", self._sector(location)))
        self.directory = self._read_chain(first_dir, limit=self.sector_size * 100_000)
        self.entries = len(self.directory) // 128
        root = self._entry(0)
        if root is None or root[1] != 5:
            raise _CfbError("no root entry")
        self.root = root
        self.minifat_start, self.minifat_sectors = first_minifat, minifat_sectors

    def _sector(self, number: int) -> bytes:
        if number >= self.sector_count:
            raise _CfbError("sector out of range")
        self.handle.seek((number + 1) * self.sector_size)
        return self.handle.read(self.sector_size).ljust(self.sector_size, b"\0")

    def _chain(self, start: int, fat: list[int]) -> list[int]:
        chain: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector != _END_OF_CHAIN:
            if sector > _MAX_REGULAR_SECTOR or sector >= len(fat) or sector in seen:
                raise _CfbError("broken chain")
            seen.add(sector)
            chain.append(sector)
            sector = fat[sector]
        return chain

    def _read_chain(self, start: int, *, limit: int) -> bytes:
        parts: list[bytes] = []
        size = 0
        for sector in self._chain(start, self.fat):
            parts.append(self._sector(sector))
            size += self.sector_size
            if size >= limit:
                break
        return b"".join(parts)[:limit]

    def _entry(self, index: int) -> tuple[str, int, int, int, int, int, int] | None:
        """(name, type, left, right, child, start sector, size) of directory entry `index`."""
        if index >= self.entries:
            return None
        raw = self.directory[index * 128 : (index + 1) * 128]
        name_length = struct.unpack_from("<H", raw, 64)[0]
        name = raw[: max(0, min(name_length, 64) - 2)].decode("utf-16-le", errors="replace")
        kind = raw[66]
        left, right, child = struct.unpack_from("<III", raw, 68)
        start, size = struct.unpack_from("<IQ", raw, 116)
        if self.sector_size == 512:
            size &= 0xFFFFFFFF  # version 3: the high half is not used (and not always zero)
        return name, kind, left, right, child, start, size

    def top_level(self) -> dict[str, tuple[int, int]]:
        """Streams and storages directly under the root: name → (start sector, size)."""
        found: dict[str, tuple[int, int]] = {}
        pending = [self.root[4]]
        seen: set[int] = set()
        while pending:
            index = pending.pop()
            if index == _NO_STREAM or index in seen:
                continue
            seen.add(index)
            entry = self._entry(index)
            if entry is None:
                raise _CfbError("bad directory link")
            name, kind, left, right, _child, start, size = entry
            if kind in (1, 2):
                found[name] = (start, size)
            pending += [left, right]
        return found

    def read_start(self, start: int, size: int, length: int) -> bytes:
        """The first `length` bytes of a stream."""
        length = min(length, size)
        if size >= self.mini_cutoff:
            return self._read_chain(start, limit=length)
        # Small streams live in the mini stream (the root's data), in 64-byte mini sectors.
        minifat_bytes = self._read_chain(self.minifat_start, limit=self.minifat_sectors * self.sector_size)
        minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes))
        mini_stream = self._read_chain(self.root[5], limit=self.root[6])
        data = b"".join(mini_stream[s * 64 : (s + 1) * 64] for s in self._chain(start, minifat))
        return data[:length]


def _cfb_type(handle: BinaryIO) -> str:
    try:
        cfb = _Cfb(handle)
        streams = cfb.top_level()
        if "EncryptedPackage" in streams:
            raise _office_encrypted()
        if "WordDocument" in streams:
            fib = cfb.read_start(*streams["WordDocument"], 12)
            if len(fib) < 12 or struct.unpack_from("<H", fib, 0)[0] != 0xA5EC:
                raise _office_damaged(TYPE_LABELS["doc"])
            if struct.unpack_from("<H", fib, 10)[0] & 0x0100:  # FIB fEncrypted
                raise _office_encrypted()
            return "doc"
        workbook = streams.get("Workbook") or streams.get("Book")
        if workbook is not None:
            if _biff_encrypted(cfb.read_start(*workbook, 64 * 1024)):
                raise _office_encrypted()
            return "xls"
        if "PowerPoint Document" in streams:
            raise refuse(
                _(
                    "PowerPoint 97-2003 (PPT) files are not accepted. Save the presentation as PPTX or PDF "
                    "and upload it again."
                ),
                "unknown_content",
            )
    except (_CfbError, struct.error):
        raise _office_damaged("Word/Excel 97-2003") from None
    raise refuse(
        _("This kind of file is not accepted. Accepted types: %(types)s.") % {"types": accepted_types_text()},
        "unknown_content",
    )


def _biff_encrypted(data: bytes) -> bool:
    """A FILEPASS record in the workbook globals (before their EOF) means a password."""
    if len(data) < 4 or struct.unpack_from("<H", data, 0)[0] not in (0x0809, 0x0409, 0x0209, 0x0009):
        raise _CfbError("workbook does not start with BOF")
    offset = 0
    while offset + 4 <= len(data):
        record, length = struct.unpack_from("<HH", data, offset)
        if record == 0x002F:
            return True
        if record == 0x000A:
            return False
        offset += 4 + length
    return False


# --- virus scan -------------------------------------------------------------------------------


def scan_for_viruses(path: Path) -> None:
    """clamd's INSTREAM over its unix socket, when CLAMAV_SOCKET is set."""
    socket_path = settings.CLAMAV_SOCKET
    if not socket_path:
        return
    unavailable = refuse(
        _("The virus scanner is unavailable, so the file cannot be checked. Try again later."),
        "scanner_unavailable",
    )
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(settings.CLAMAV_TIMEOUT)
            connection.connect(socket_path)
            connection.sendall(b"zINSTREAM\0")
            with path.open("rb") as handle:
                while chunk := handle.read(CLAMAV_CHUNK):
                    connection.sendall(struct.pack(">I", len(chunk)) + chunk)
            connection.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = connection.recv(4096)
                if not part:
                    break
                reply += part
                if len(reply) > 64 * 1024:
                    break
    except OSError as exc:
        logger.error("clamd at %s cannot be used: %s", socket_path, exc)
        raise unavailable from None
    text = reply.rstrip(b"\0").decode("utf-8", errors="replace").strip()
    if text.endswith("FOUND"):
        signature = text.removeprefix("stream:").removesuffix("FOUND").strip()
        logger.warning("clamd found %s in an upload", signature)
        raise refuse(
            _("The virus scanner found %(signature)s in this file. It was refused; tell your unit's IT staff.")
            % {"signature": signature or "?"},
            "virus",
        )
    if not text.endswith("OK"):
        logger.error("clamd replied %r", text[:200])
        raise unavailable
