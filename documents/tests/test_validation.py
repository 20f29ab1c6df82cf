"""documents.validation.check_file: the bytes decide the type; hostile files are refused with a
message that says what to do."""

from __future__ import annotations

import io
import os
import socket
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from documents.tests.conftest import pptx_bytes, xlsx_bytes
from documents.tests.hostile import (
    doc_bytes,
    docx_bytes,
    encrypted_docx_bytes,
    encrypted_pdf_bytes,
    html_as_pdf_bytes,
    pdf_bytes,
    png_bytes,
    truncated_pdf_bytes,
    upload_dirs,
    write_docx_bomb,
    xls_bytes,
)
from documents.validation import check_file, clean_filename

__all__ = ["upload_dirs"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def jpg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "in" / name.replace("/", "_")
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def refused(path: Path, name: str, **kwargs: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_file(path, name, **kwargs)
    return info.value


@pytest.mark.parametrize(
    "name, make, file_type",
    [
        ("bao-cao.pdf", pdf_bytes, "pdf"),
        ("Kế hoạch.docx", docx_bytes, "docx"),
        ("du-toan.xlsx", xlsx_bytes, "xlsx"),
        ("trinh-chieu.pptx", pptx_bytes, "pptx"),
        ("cu.doc", doc_bytes, "doc"),
        ("cu.xls", xls_bytes, "xls"),
        ("anh.JPG", jpg_bytes, "jpg"),
        ("anh.jpeg", jpg_bytes, "jpg"),
        ("so-do.png", png_bytes, "png"),
    ],
)
def test_accepted_types_are_detected_from_the_bytes(tmp_path, name, make, file_type) -> None:
    detected = check_file(write(tmp_path, name, make()), name)
    assert detected.file_type == file_type
    assert detected.extension == f".{file_type}"


@pytest.mark.parametrize(
    "name, make, code, words",
    [
        ("anh.pdf", png_bytes, "type_mismatch", "named as PDF but its content is PNG"),
        ("bao-cao.docx", pdf_bytes, "type_mismatch", "content is PDF"),
        ("trang.pdf", html_as_pdf_bytes, "unknown_content", "not a PDF, Word, Excel"),
        ("cat-doi.pdf", truncated_pdf_bytes, "malformed", "damaged or incomplete"),
        ("mat-khau.pdf", encrypted_pdf_bytes, "encrypted", "This PDF is password-protected"),
        ("mat-khau.docx", encrypted_docx_bytes, "encrypted", "password-protected"),
        ("mat-khau.doc", lambda: doc_bytes(encrypted=True), "encrypted", "password-protected"),
        ("mat-khau.xls", lambda: xls_bytes(encrypted=True), "encrypted", "password-protected"),
        ("rong.pdf", lambda: b"", "empty", "empty"),
        ("chuong-trinh.exe", pdf_bytes, "bad_extension", "“.exe” are not accepted"),
        ("khong-duoi", pdf_bytes, "bad_extension", "not accepted"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_message(tmp_path, name, make, code, words) -> None:
    error = refused(write(tmp_path, name, make()), name)
    assert error.code == code
    assert words in " ".join(error.messages)


def test_messages_are_vietnamese_for_users(tmp_path) -> None:
    path = write(tmp_path, "mat-khau.pdf", encrypted_pdf_bytes())
    with translation.override("vi"):
        error = refused(path, "mat-khau.pdf")
    assert error.code == "encrypted"
    assert "mật khẩu" in error.messages[0]


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "a\x00b.pdf", "..", "  "])
def test_path_traversal_and_control_characters_in_names_are_refused(tmp_path, name) -> None:
    path = write(tmp_path, "x.pdf", pdf_bytes())
    assert refused(path, name).code == "bad_name"


def test_long_names_are_shortened_keeping_the_extension() -> None:
    name = clean_filename("Tờ trình " * 40 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")


def test_declared_type_must_match_the_bytes(tmp_path) -> None:
    path = write(tmp_path, "bao-cao.pdf", pdf_bytes())
    assert refused(path, "bao-cao.pdf", declared_type="image/png").code == "type_mismatch"
    # Generic or unknown declarations are ignored (browsers guess them from the name).
    assert check_file(path, "bao-cao.pdf", declared_type="application/octet-stream").file_type == "pdf"
    assert check_file(path, "bao-cao.pdf", declared_type="application/pdf").file_type == "pdf"


def test_file_over_the_size_limit_is_refused(tmp_path, settings) -> None:
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    path = write(tmp_path, "lon.pdf", pdf_bytes())
    with path.open("ab") as handle:  # still a PDF by its head, 2 MB in all
        handle.write(b"\0" * (2 * 1024 * 1024))
    error = refused(path, "lon.pdf")
    assert error.code == "too_big"
    assert "MB" in error.messages[0] and ("1,0" in error.messages[0] or "1.0" in error.messages[0])


def test_ooxml_zip_bomb_of_600_mb_is_refused_without_unpacking(tmp_path) -> None:
    path = write_docx_bomb(tmp_path / "bom.docx", megabytes=600)
    assert path.stat().st_size < 5 * 1024 * 1024
    error = refused(path, "bom.docx")
    assert error.code == "zip_bomb"
    assert "refused to protect the server" in error.messages[0]


def test_ooxml_member_compressed_over_the_ratio_is_refused(tmp_path) -> None:
    path = write_docx_bomb(tmp_path / "ty-le.docx", megabytes=20)  # 20 MB < 500 MB, ratio ~1000
    assert refused(path, "ty-le.docx").code == "zip_bomb"


def test_ooxml_with_too_many_members_is_refused(tmp_path, settings) -> None:
    settings.DOCUMENT_MAX_ZIP_MEMBERS = 20
    path = write_docx_bomb(tmp_path / "nhieu.docx", megabytes=0, members=25)
    assert refused(path, "nhieu.docx").code == "zip_bomb"


def test_plain_zip_renamed_docx_is_refused(tmp_path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refused(write(tmp_path, "a.docx", buffer.getvalue()), "a.docx").code == "malformed"


def test_macro_enabled_document_is_refused(tmp_path) -> None:
    data = docx_bytes(1)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            archive.writestr(member, content)
    assert refused(write(tmp_path, "macro.docx", buffer.getvalue()), "macro.docx").code == "macros"


def test_truncated_docx_is_refused(tmp_path) -> None:
    data = docx_bytes(2)
    assert refused(write(tmp_path, "cut.docx", data[: len(data) // 2]), "cut.docx").code == "malformed"


def test_damaged_image_is_refused(tmp_path) -> None:
    data = png_bytes()
    assert refused(write(tmp_path, "hong.png", data[:200]), "hong.png").code == "malformed"


def test_image_with_too_many_pixels_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert refused(write(tmp_path, "to.png", png_bytes(100, 100)), "to.png").code == "too_many_pixels"


# --- ClamAV -----------------------------------------------------------------------------------


class FakeClamd:
    """Speaks clamd's INSTREAM over a unix socket and answers `reply`."""

    def __init__(self, path: Path, reply: bytes) -> None:
        self.path, self.reply, self.received = path, reply, b""
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(1)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, connection: socket.socket, count: int) -> bytes:
        data = b""
        while len(data) < count:
            part = connection.recv(count - len(data))
            if not part:
                break
            data += part
        return data

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            assert self._read(connection, 10) == b"zINSTREAM\0"
            while True:
                (length,) = struct.unpack(">I", self._read(connection, 4))
                if length == 0:
                    break
                self.received += self._read(connection, length)
            connection.sendall(self.reply)

    def close(self) -> None:
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture
def clamd_socket() -> Iterator[Path]:
    # Unix socket paths are limited to ~100 bytes: pytest's tmp_path may be longer.
    import tempfile

    with tempfile.TemporaryDirectory(prefix="clamd-") as directory:
        yield Path(directory) / "clamd.sock"


def test_clamav_clean_file_passes_and_gets_the_whole_file(tmp_path, settings, clamd_socket) -> None:
    settings.CLAMAV_SOCKET = str(clamd_socket)
    server = FakeClamd(clamd_socket, b"stream: OK\0")
    data = pdf_bytes()
    try:
        assert check_file(write(tmp_path, "a.pdf", data), "a.pdf").file_type == "pdf"
    finally:
        server.close()
    assert server.received == data


def test_clamav_finding_is_refused_naming_the_signature(tmp_path, settings, clamd_socket) -> None:
    settings.CLAMAV_SOCKET = str(clamd_socket)
    server = FakeClamd(clamd_socket, b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
    try:
        error = refused(write(tmp_path, "a.pdf", pdf_bytes()), "a.pdf")
    finally:
        server.close()
    assert error.code == "virus"
    assert "Win.Test.EICAR_HDB-1" in error.messages[0]


def test_unreachable_clamav_refuses_with_try_later(tmp_path, settings, clamd_socket) -> None:
    settings.CLAMAV_SOCKET = str(clamd_socket)  # nobody listens there
    error = refused(write(tmp_path, "a.pdf", pdf_bytes()), "a.pdf")
    assert error.code == "scanner_unavailable"
    assert "Try again later" in error.messages[0]


def test_validation_reads_no_whole_file_into_memory(tmp_path) -> None:
    """A 30 MB DOCX (a stored, incompressible member) is checked with a small peak."""
    import tracemalloc

    path = tmp_path / "lon.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", zipfile.ZipFile(io.BytesIO(docx_bytes(1))).read("[Content_Types].xml"))
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/image1.bin", "w") as member:
            for _ in range(30):
                member.write(os.urandom(1024 * 1024))
    tracemalloc.start()
    try:
        check_file(path, "lon.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024
