"""Thumbnails of the first page in the document lists: served under the document's own access rule
(404 for whoever may not open it), watermarked for restricted documents, lazy-loaded at a fixed size,
a placeholder when there is none; no extra query per document on the lists."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from documents.models import ApprovalStatus, Document, DocumentVersion, Security
from documents.tests.conftest import make_version, pdf_bytes, png_bytes
from documents.tests.hostile import upload_dirs

__all__ = ["upload_dirs"]

WHITE = (255, 255, 255)


def thumbnail_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 424), WHITE).save(buffer, format="PNG")
    return buffer.getvalue()


def with_thumbnail(
    meeting: Any, uploader: Any, title: str, *, status: str = ApprovalStatus.APPROVED, **doc: Any
) -> Document:
    document = Document.objects.create(meeting=meeting, title=title, created_by=uploader, status=status, **doc)
    make_version(
        meeting, uploader, pdf_bytes(1), "pdf", document=document, thumbnail=ContentFile(thumbnail_png(), name="t.png")
    )
    return document


def thumbnail_url(document: Document) -> str:
    return reverse("documents:thumbnail", args=[document.pk])


def test_attendee_gets_the_thumbnail_of_a_published_document(client, meeting, organiser, attendee) -> None:
    document = with_thumbnail(meeting, organiser, "Báo cáo tổng kết")
    client.force_login(attendee)
    response = client.get(thumbnail_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == thumbnail_png()
    assert "private" in response["Cache-Control"]


def test_outsider_gets_404_for_the_thumbnail(client, meeting, organiser, stc_member) -> None:
    document = with_thumbnail(meeting, organiser, "Báo cáo tổng kết")
    client.force_login(stc_member)
    assert client.get(thumbnail_url(document)).status_code == 404


def test_attendee_gets_404_for_the_thumbnail_of_a_pending_document(client, meeting, organiser, attendee) -> None:
    document = with_thumbnail(meeting, organiser, "Dự thảo", status=ApprovalStatus.PENDING)
    client.force_login(attendee)
    assert client.get(thumbnail_url(document)).status_code == 404
    client.force_login(organiser)
    assert client.get(thumbnail_url(document)).status_code == 200


def test_restricted_thumbnail_is_404_for_those_not_chosen_and_watermarked_for_the_chosen(
    client, meeting, organiser, leader, attendee
) -> None:
    document = with_thumbnail(meeting, organiser, "Tài liệu mật", security=Security.RESTRICTED)
    document.readers.set([leader])
    client.force_login(attendee)
    assert client.get(thumbnail_url(document)).status_code == 404
    client.force_login(leader)
    response = client.get(thumbnail_url(document))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert image.size == (300, 424)
    colours = image.getcolors(maxcolors=300 * 424) or []
    assert any(colour != WHITE for _count, colour in colours)  # the reader's watermark is on it


def test_no_thumbnail_yet_is_404_and_the_list_shows_a_placeholder(client, meeting, organiser, attendee) -> None:
    document = Document.objects.create(
        meeting=meeting, title="Đang xử lý", created_by=organiser, status=ApprovalStatus.APPROVED
    )
    make_version(meeting, organiser, png_bytes(), "png", document=document)
    client.force_login(attendee)
    assert client.get(thumbnail_url(document)).status_code == 404
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'data-has-thumbnail="0"' in page
    assert thumbnail_url(document) not in page


def test_meeting_list_shows_lazy_fixed_size_thumbnails_of_the_current_version(
    client, meeting, organiser, attendee
) -> None:
    document = with_thumbnail(meeting, organiser, "Báo cáo tổng kết")
    version = DocumentVersion.objects.get(document=document)
    client.force_login(attendee)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    tag = f'<img src="{thumbnail_url(document)}?v={version.pk}" width="46" height="62" loading="lazy"'
    assert tag in page


def test_approval_queue_shows_thumbnails(client, meeting, organiser, leader) -> None:
    document = with_thumbnail(meeting, organiser, "Tờ trình", status=ApprovalStatus.PENDING)
    client.force_login(leader)
    page = client.get(reverse("documents:approvals")).content.decode()
    assert f'src="{thumbnail_url(document)}?v=' in page
    assert client.get(thumbnail_url(document)).status_code == 200


def test_thumbnails_add_no_query_per_document_on_the_meeting_page(client, meeting, organiser) -> None:
    url = reverse("meetings:detail", args=[meeting.pk])
    client.force_login(organiser)

    def queries_for_page() -> tuple[int, str]:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        return len(queries), page

    with_thumbnail(meeting, organiser, "Tài liệu 0")
    one, _page = queries_for_page()
    for n in range(1, 6):
        with_thumbnail(meeting, organiser, f"Tài liệu {n}")
    six, page = queries_for_page()
    assert page.count('data-has-thumbnail="1"') == 6
    assert six == one
