"""The resumable upload protocol and the hostile corpus sent through it: every refusal leaves
nothing behind (no rows, no stored file, no temporary file)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from conftest import make_user
from documents import upload
from documents.actions import uploads as upload_actions
from documents.actions.uploads import do_append_chunk, do_finish_upload, do_start_upload
from documents.models import ApprovalStatus, Document, DocumentVersion, Security, Upload
from documents.tests.conftest import pptx_bytes
from documents.tests.hostile import (
    docx_bytes,
    encrypted_docx_bytes,
    encrypted_pdf_bytes,
    files_under,
    html_as_pdf_bytes,
    pdf_bytes,
    png_bytes,
    truncated_pdf_bytes,
    upload_dirs,
    write_docx_bomb,
)
from meetings.tests.conftest import approved

__all__ = ["upload_dirs"]


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def start(client: Any, meeting: Any, name: str, size: int) -> Any:
    return client.post(
        reverse("documents:upload_start", args=[meeting.pk]),
        data=json.dumps({"filename": name, "size": size}),
        content_type="application/json",
    )


def put(client: Any, upload_id: str, data: bytes, offset: int, total: int) -> Any:
    return client.put(
        reverse("documents:upload", args=[upload_id]),
        data=data,
        content_type="application/octet-stream",
        headers={"Content-Range": f"bytes {offset}-{offset + len(data) - 1}/{total}"},
    )


def finish(client: Any, upload_id: str, **fields: Any) -> Any:
    data = {"title": "Báo cáo tổng kết", "kind": "report", "security": "all", "allow_download": "on", **fields}
    return client.post(reverse("documents:upload_finish", args=[upload_id]), data)


def send(client: Any, meeting: Any, name: str, data: bytes, *, chunk: int = 4 * 1024 * 1024, **fields: Any) -> Any:
    """The whole protocol as the JavaScript client runs it; returns the finish response (or the
    first refusal)."""
    response = start(client, meeting, name, len(data))
    if response.status_code != 201:
        return response
    upload_id = response.json()["id"]
    for offset in range(0, len(data), chunk):
        response = put(client, upload_id, data[offset : offset + chunk], offset, len(data))
        assert response.status_code == 200, response.content
    return finish(client, upload_id, **fields)


def assert_nothing_stored(dirs: dict[str, Path]) -> None:
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert not Upload.objects.exists()
    assert files_under(dirs["media"]) == []
    assert files_under(dirs["uploads"]) == []


# --- the protocol -----------------------------------------------------------------------------


def test_three_chunks_reassemble_byte_identical_with_sha256(client, meeting, organiser, upload_dirs) -> None:
    data = docx_bytes(4)
    client.force_login(organiser)
    chunk = len(data) // 3 + 1
    response = send(client, meeting, "Kế hoạch.docx", data, chunk=chunk, title="Kế hoạch năm 2026")
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["document"])
    version = document.current_version
    assert version is not None and version.number == 1
    assert version.file.read() == data
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.size == len(data)
    assert (version.file_type, version.extension, version.original_name) == ("docx", ".docx", "Kế hoạch.docx")
    assert document.title == "Kế hoạch năm 2026"
    assert document.status == ApprovalStatus.PENDING
    # Stored under a random name; the upload and its temporary file are gone.
    stored_name = version.file.name or ""
    assert "Kế hoạch" not in stored_name and stored_name.endswith(".docx")
    assert not Upload.objects.exists()
    assert files_under(upload_dirs["uploads"]) == []


def test_out_of_order_chunk_gets_409_and_the_offset(client, meeting, organiser) -> None:
    data = docx_bytes(2)
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.docx", len(data)).json()["id"]
    assert put(client, upload_id, data[:1000], 0, len(data)).status_code == 200
    response = put(client, upload_id, data[2000:3000], 2000, len(data))
    assert response.status_code == 409
    assert response.json()["received"] == 1000
    # Sending the same chunk twice (the reply was lost) is also answered with the offset.
    assert put(client, upload_id, data[:1000], 0, len(data)).json()["received"] == 1000


def test_resume_after_a_dropped_chunk(client, meeting, organiser) -> None:
    data = docx_bytes(2)
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.docx", len(data)).json()["id"]
    assert put(client, upload_id, data[:1000], 0, len(data)).status_code == 200
    current = Upload.objects.get(pk=upload_id)

    class Dropped(io.BytesIO):
        """The connection dies after 300 of the 1000 bytes announced."""

    with pytest.raises(upload.OffsetMismatch) as info:
        do_append_chunk(current, start=1000, end=1999, total=len(data), stream=Dropped(data[1000:1300]))
    assert info.value.received == 1000
    # The client asks where to resume; the half chunk was cut off again.
    status = client.get(reverse("documents:upload", args=[upload_id])).json()
    assert (status["received"], status["size"]) == (1000, len(data))
    assert upload.temp_path(current).stat().st_size == 1000
    for offset in range(1000, len(data), 1000):
        assert put(client, upload_id, data[offset : offset + 1000], offset, len(data)).status_code == 200
    response = finish(client, upload_id)
    assert response.status_code == 201, response.content
    version = DocumentVersion.objects.get()
    assert version.file.read() == data


def test_another_user_cannot_touch_the_upload(client, meeting, organiser, province) -> None:
    data = pdf_bytes()
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", len(data)).json()["id"]
    # Someone else who also manages documents of this meeting: still not their upload.
    preparer = make_user("snv.soanthao", province["snv"], full_name="Đinh Văn Soạn")
    meeting.document_preparer = preparer
    meeting.save(update_fields=["document_preparer"])
    client.force_login(preparer)
    url = reverse("documents:upload", args=[upload_id])
    assert client.get(url).status_code == 404
    assert put(client, upload_id, data, 0, len(data)).status_code == 404
    assert finish(client, upload_id).status_code == 404
    assert client.delete(url).status_code == 404
    assert Upload.objects.get(pk=upload_id).received == 0


def test_duplicate_finish_is_refused(client, meeting, organiser) -> None:
    data = pdf_bytes()
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", len(data)).json()["id"]
    put(client, upload_id, data, 0, len(data))
    assert finish(client, upload_id).status_code == 201
    assert finish(client, upload_id).status_code == 404
    assert Document.objects.count() == 1


def test_finish_while_another_finish_runs_is_refused(client, meeting, organiser) -> None:
    data = pdf_bytes()
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", len(data)).json()["id"]
    put(client, upload_id, data, 0, len(data))
    Upload.objects.filter(pk=upload_id).update(completed=True)  # claimed by the first finish
    response = finish(client, upload_id)
    assert response.status_code == 409
    assert put(client, upload_id, data, 0, len(data)).status_code == 409
    assert not Document.objects.exists()


def test_incomplete_upload_cannot_be_finished(client, meeting, organiser) -> None:
    data = pdf_bytes()
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", len(data)).json()["id"]
    put(client, upload_id, data[:100], 0, len(data))
    response = finish(client, upload_id)
    assert response.status_code == 400
    assert response.json()["code"] == "incomplete"
    assert Upload.objects.filter(pk=upload_id, received=100).exists()


def test_form_error_keeps_the_upload_for_a_second_try(client, meeting, organiser, attendee) -> None:
    data = pdf_bytes()
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", len(data)).json()["id"]
    put(client, upload_id, data, 0, len(data))
    response = finish(client, upload_id, security="restricted")
    assert response.status_code == 400
    assert "readers" in response.json()["fields"]
    assert Upload.objects.filter(pk=upload_id).exists()
    response = finish(client, upload_id, security="restricted", readers=[attendee.pk])
    assert response.status_code == 201
    document = Document.objects.get()
    assert document.security == Security.RESTRICTED
    assert list(document.readers.all()) == [attendee]


def test_oversized_chunk_and_bad_range_are_refused(client, meeting, organiser, settings) -> None:
    settings.DOCUMENT_UPLOAD_CHUNK_MAX_BYTES = 64 * 1024
    data = pdf_bytes() + b"\0" * (128 * 1024)
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", len(data)).json()["id"]
    assert put(client, upload_id, data[: 100 * 1024], 0, len(data)).json()["code"] == "chunk_too_big"
    url = reverse("documents:upload", args=[upload_id])
    response = client.put(url, data=b"abc", content_type="application/octet-stream", headers={"Content-Range": "x"})
    assert response.status_code == 400
    response = client.put(
        url, data=b"abc", content_type="application/octet-stream", headers={"Content-Range": "bytes 0-9/100"}
    )
    assert response.status_code == 400  # announced 10 bytes, sent 3
    assert Upload.objects.get(pk=upload_id).received == 0


def test_unfinished_uploads_per_person_are_limited(client, meeting, organiser, monkeypatch) -> None:
    monkeypatch.setattr(upload_actions, "MAX_OPEN_UPLOADS", 2)
    client.force_login(organiser)
    assert start(client, meeting, "a.pdf", 100).status_code == 201
    assert start(client, meeting, "b.pdf", 100).status_code == 201
    response = start(client, meeting, "c.pdf", 100)
    assert response.status_code == 400 and response.json()["code"] == "too_many_uploads"


def test_cancel_deletes_the_upload_and_its_file(client, meeting, organiser, upload_dirs) -> None:
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", 5000).json()["id"]
    assert files_under(upload_dirs["uploads"])
    assert client.delete(reverse("documents:upload", args=[upload_id])).status_code == 204
    assert not Upload.objects.exists() and files_under(upload_dirs["uploads"]) == []


def test_several_files_without_javascript(client, meeting, organiser) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(organiser)
    files = [
        SimpleUploadedFile("Báo cáo.pdf", pdf_bytes(2), content_type="application/pdf"),
        SimpleUploadedFile("Trình chiếu.pptx", pptx_bytes(2), content_type="application/octet-stream"),
    ]
    response = client.post(
        reverse("documents:add", args=[meeting.pk]),
        {"file": files, "title": "", "kind": "reference", "security": "all", "allow_download": "on"},
    )
    assert response.status_code == 302
    assert sorted(Document.objects.values_list("title", flat=True)) == ["Báo cáo", "Trình chiếu"]
    assert not Upload.objects.exists()


def test_stale_uploads_are_cleaned(meeting, organiser, upload_dirs) -> None:
    fresh = do_start_upload(organiser, meeting, filename="a.pdf", size=10)
    stale = do_start_upload(organiser, meeting, filename="b.pdf", size=10)
    Upload.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=25))
    stray = upload.temp_dir() / "0123abcd.part"
    stray.write_bytes(b"x")
    old = (timezone.now() - timedelta(hours=30)).timestamp()
    os.utime(stray, (old, old))
    out = io.StringIO()
    call_command("cleanup_uploads", stdout=out)
    assert list(Upload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert sorted(p.name for p in files_under(upload_dirs["uploads"])) == [f"{fresh.pk}.part"]
    assert "1 unfinished upload(s) and 1 stray" in out.getvalue()


def test_memory_stays_flat_for_a_large_upload(meeting, organiser, upload_dirs, tmp_path) -> None:
    """30 MB streamed in 4 MB chunks from a file, checked and stored: the peak is a few blocks."""
    import tracemalloc

    source = tmp_path / "lon.docx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("[Content_Types].xml", zipfile.ZipFile(io.BytesIO(docx_bytes(1))).read("[Content_Types].xml"))
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/image1.bin", "w") as member:
            for _ in range(30):
                member.write(os.urandom(1024 * 1024))
    size = source.stat().st_size
    current = do_start_upload(organiser, meeting, filename="lon.docx", size=size)
    chunk = 4 * 1024 * 1024
    tracemalloc.start()
    try:
        with source.open("rb") as stream:
            for offset in range(0, size, chunk):
                end = min(offset + chunk, size) - 1
                do_append_chunk(current, start=offset, end=end, total=size, stream=stream)
        version = do_finish_upload(organiser, current, fields=upload.DocumentFields(title="Lớn"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak
    with source.open("rb") as handle:
        assert version.sha256 == hashlib.file_digest(handle, "sha256").hexdigest()


# --- who may upload ---------------------------------------------------------------------------


def test_attendee_cannot_upload(client, meeting, attendee) -> None:
    client.force_login(attendee)
    assert start(client, meeting, "a.pdf", 100).status_code == 403
    assert client.get(reverse("documents:add", args=[meeting.pk])).status_code == 403
    assert not Upload.objects.exists()


def test_outsider_gets_404_for_uploads(client, meeting, organiser, stc_member) -> None:
    data = pdf_bytes()
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", len(data)).json()["id"]
    client.force_login(stc_member)
    assert start(client, meeting, "a.pdf", 100).status_code == 404
    assert client.get(reverse("documents:add", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("documents:upload", args=[upload_id])).status_code == 404
    assert put(client, upload_id, data, 0, len(data)).status_code == 404
    assert finish(client, upload_id).status_code == 404


def test_cancelled_meeting_takes_no_uploads(client, organiser, leader, attendee) -> None:
    from meetings.actions.scheduling import do_cancel_meeting

    meeting = approved(organiser, leader, [attendee])
    do_cancel_meeting(organiser, meeting, reason="Hoãn vô thời hạn")
    client.force_login(organiser)
    assert start(client, meeting, "a.pdf", 100).status_code == 403


# --- the hostile corpus, through the whole protocol --------------------------------------------


def _bomb(tmp_path: Path) -> bytes:
    return write_docx_bomb(tmp_path / "bom.docx", megabytes=600).read_bytes()


@pytest.mark.parametrize(
    "name, make, code",
    [
        ("anh.pdf", lambda tmp: png_bytes(), "type_mismatch"),
        ("cat-doi.pdf", lambda tmp: truncated_pdf_bytes(), "malformed"),
        ("mat-khau.pdf", lambda tmp: encrypted_pdf_bytes(), "encrypted"),
        ("mat-khau.docx", lambda tmp: encrypted_docx_bytes(), "encrypted"),
        ("bom.docx", _bomb, "zip_bomb"),
        ("trang.pdf", lambda tmp: html_as_pdf_bytes(), "unknown_content"),
    ],
)
def test_hostile_file_is_refused_and_nothing_is_stored(
    client, meeting, organiser, upload_dirs, tmp_path, name, make, code
) -> None:
    data = make(tmp_path)
    (tmp_path / "bom.docx").unlink(missing_ok=True)
    client.force_login(organiser)
    response = send(client, meeting, name, data, chunk=256 * 1024)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["error"]
    assert_nothing_stored(upload_dirs)


def test_path_traversal_name_is_refused_before_any_byte(client, meeting, organiser, upload_dirs) -> None:
    client.force_login(organiser)
    response = start(client, meeting, "../../etc/passwd.pdf", 1000)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_name"
    assert_nothing_stored(upload_dirs)


def test_huge_file_is_refused_at_start_and_in_the_plain_form(client, meeting, organiser, settings, upload_dirs) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(organiser)
    response = start(client, meeting, "lon.pdf", 2 * 1024 * 1024)
    assert response.status_code == 400
    assert response.json()["code"] == "too_big"
    big = SimpleUploadedFile("lon.pdf", pdf_bytes() + b"\0" * (2 * 1024 * 1024), content_type="application/pdf")
    response = client.post(
        reverse("documents:add", args=[meeting.pk]), {"file": [big], "kind": "report", "security": "all"}
    )
    assert response.status_code == 200
    assert b'<div class="alert alert-danger" role="alert">lon.pdf: ' in response.content
    assert_nothing_stored(upload_dirs)


def test_a_client_cannot_send_more_than_it_announced(client, meeting, organiser, upload_dirs) -> None:
    client.force_login(organiser)
    upload_id = start(client, meeting, "a.pdf", 1000).json()["id"]
    response = put(client, upload_id, b"x" * 2000, 0, 2000)
    assert response.status_code == 400
    assert response.json()["code"] == "size_changed"
    assert files_under(upload_dirs["uploads"])[0].stat().st_size == 0
