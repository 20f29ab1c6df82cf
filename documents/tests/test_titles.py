"""A document's title when none is typed is its file name made readable (the Vietnamese name with
its diacritics, without the extension); a typed title is kept, NFC-normalised. Through the
function, the chunked upload and the plain form with several files."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from django.urls import reverse

from documents.models import Document
from documents.tests.hostile import pdf_bytes, upload_dirs
from documents.titles import normalise_title, title_from_filename

__all__ = ["upload_dirs"]


@pytest.mark.parametrize(
    ("filename", "title"),
    [
        ("Báo cáo tổng kết năm 2026.docx", "Báo cáo tổng kết năm 2026"),
        ("Tờ trình số 15_TTr-SNV.pdf", "Tờ trình số 15 TTr-SNV"),
        ("bao-cao_quy-3.pdf", "Bao cao quy 3"),
        ("ke_hoach_2026-01-15.xlsx", "Ke hoach 2026-01-15"),
        ("Quyết định 12.2026.pdf", "Quyết định 12.2026"),
        ("Kế hoạch - Sở Nội vụ.PDF", "Kế hoạch - Sở Nội vụ"),
        ("B%C3%A1o%20c%C3%A1o%20t%C3%A0i%20ch%C3%ADnh.pdf", "Báo cáo tài chính"),
        ("  __Dự thảo__ .docx", "Dự thảo"),
        ("100%.pdf", "100%"),
    ],
)
def test_title_from_filename_is_the_readable_vietnamese_name(filename: str, title: str) -> None:
    assert title_from_filename(filename) == title


def test_title_from_a_decomposed_name_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Báo cáo tổng kết.pdf")
    assert decomposed != "Báo cáo tổng kết.pdf"
    assert title_from_filename(decomposed) == "Báo cáo tổng kết"
    assert normalise_title(unicodedata.normalize("NFD", "  Tờ   trình ")) == "Tờ trình"


def test_title_is_at_most_300_characters() -> None:
    assert len(title_from_filename("Báo cáo " * 60 + ".pdf")) <= 300


def _chunked(client: Any, meeting: Any, filename: str, data: bytes, fields: dict[str, Any]) -> Any:
    started = client.post(
        reverse("documents:upload_start", args=[meeting.pk]),
        data=json.dumps({"filename": filename, "size": len(data)}),
        content_type="application/json",
    ).json()
    client.put(
        reverse("documents:upload", args=[started["id"]]),
        data=data,
        content_type="application/octet-stream",
        headers={"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"},
    )
    return client.post(
        reverse("documents:upload_finish", args=[started["id"]]),
        {"kind": "report", "security": "all", "allow_download": "on", **fields},
    )


def test_chunked_upload_without_a_title_takes_the_readable_file_name(client, meeting, organiser) -> None:
    client.force_login(organiser)
    response = _chunked(client, meeting, "bao-cao_tong-ket.pdf", pdf_bytes(1), {"title": "  "})
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Bao cao tong ket"
    document = Document.objects.get()
    assert document.title == "Bao cao tong ket"
    assert document.current_version is not None
    assert document.current_version.original_name == "bao-cao_tong-ket.pdf"


def test_chunked_upload_keeps_each_typed_title_nfc(client, meeting, organiser) -> None:
    client.force_login(organiser)
    typed = unicodedata.normalize("NFD", "Tờ trình về biên chế")
    first = _chunked(client, meeting, "a.pdf", pdf_bytes(1), {"title": typed})
    second = _chunked(client, meeting, "b.pdf", pdf_bytes(1), {"title": "Phụ lục số liệu"})
    assert first.status_code == second.status_code == 201
    assert sorted(Document.objects.values_list("title", flat=True)) == ["Phụ lục số liệu", "Tờ trình về biên chế"]


def test_a_title_too_long_is_refused_and_the_upload_kept(client, meeting, organiser) -> None:
    client.force_login(organiser)
    response = _chunked(client, meeting, "a.pdf", pdf_bytes(1), {"title": "x" * 301})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "title" in response.json()["fields"]
    assert not Document.objects.exists()


def test_plain_form_with_several_files_titles_each_by_its_name(client, meeting, organiser) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(organiser)
    files = [
        SimpleUploadedFile("Báo cáo tình hình.pdf", pdf_bytes(1), content_type="application/pdf"),
        SimpleUploadedFile("phu-luc_so-lieu.pdf", pdf_bytes(1), content_type="application/pdf"),
    ]
    response = client.post(
        reverse("documents:add", args=[meeting.pk]),
        {"file": files, "kind": "report", "security": "all", "title": "ignored for several files"},
    )
    assert response.status_code == 302
    assert sorted(Document.objects.values_list("title", flat=True)) == ["Báo cáo tình hình", "Phu luc so lieu"]
