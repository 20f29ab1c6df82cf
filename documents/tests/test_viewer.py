"""The viewer: who may open a document, page images, watermarks, inline PDF and download.

Documents are made directly here (approved or pending, a small PDF made with fpdf2), so these
tests do not depend on upload and conversion.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pypdf
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from fpdf import FPDF
from PIL import Image

from audit.models import AuditEntry
from conftest import login
from core.nd30 import font_dir
from documents import viewer
from documents.models import ApprovalStatus, Document, DocumentVersion, ProcessingState, ReadReceipt, Security
from documents.search import fold
from documents.watermark import stamp_image, watermark_line

A4_AT_SCALE_1 = (794, 1123)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Page sizes are cached by version id, and ids repeat from one test to the next."""
    cache.clear()


def make_pdf(pages: int = 2, text: str = "Kế hoạch phát triển kinh tế - xã hội") -> bytes:
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("Sans", "", str(font_dir() / "LiberationSans-Regular.ttf"))
    pdf.set_font("Sans", size=14)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"Trang {number}: {text}")
    return bytes(pdf.output())


def make_png(size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def add_document(
    meeting: Any,
    creator: Any,
    *,
    title: str = "Kế hoạch phát triển kinh tế năm 2026",
    text: str = "Kế hoạch phát triển kinh tế - xã hội",
    pages: int = 2,
    status: str = ApprovalStatus.APPROVED,
    readers: tuple[Any, ...] = (),
    allow_download: bool = True,
    image: bool = False,
) -> Document:
    """An approved (or pending) document with one converted version; restricted when readers
    are given."""
    document = Document.objects.create(
        meeting=meeting,
        title=title,
        security=Security.RESTRICTED if readers else Security.ALL_ATTENDEES,
        allow_download=allow_download,
        status=status,
        created_by=creator,
        search_text=fold(f"{title} {text}"),
    )
    document.readers.set(readers)
    data = make_png() if image else make_pdf(pages, text)
    kind = "png" if image else "pdf"
    version = DocumentVersion(
        document=document,
        number=1,
        original_name=f"Kế hoạch.{kind}",
        file_type=kind,
        extension=f".{kind}",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=creator,
        state=ProcessingState.DONE,
        progress=100,
        page_count=1 if image else pages,
        text=text,
    )
    version.file.save(f"original.{kind}", ContentFile(data), save=False)
    if not image:
        version.pdf.save("converted.pdf", ContentFile(data), save=False)
    version.save()
    document.current_version = version
    document.save(update_fields=["current_version"])
    return document


def png_of(response: Any) -> Image.Image:
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(b"".join(response) if hasattr(response, "streaming_content") else response.content))


def url(name: str, *args: Any) -> str:
    return reverse(f"documents:{name}", args=args)


# --- who may open ---------------------------------------------------------------------------


def test_outsiders_get_404_everywhere(client, meeting, organiser, colleague, stc_member) -> None:
    document = add_document(meeting, organiser)
    for outsider in (colleague, stc_member):
        login(client, outsider)
        for target in (
            url("view", document.pk),
            url("page_image", document.pk, 1),
            url("pdf", document.pk),
            url("download", document.pk),
            url("receipts", document.pk),
        ):
            assert client.get(target).status_code == 404, target
        assert client.post(url("page_seen", document.pk, 1)).status_code == 404
        assert client.post(url("notes", document.pk), {"page": 1, "text": "x"}).status_code == 404
    assert not ReadReceipt.objects.exists()


def test_attendee_cannot_open_a_document_before_approval(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, status=ApprovalStatus.PENDING)
    login(client, attendee)
    assert client.get(url("view", document.pk)).status_code == 404
    assert client.get(url("page_image", document.pk, 1)).status_code == 404
    login(client, organiser)
    assert client.get(url("view", document.pk)).status_code == 200


def test_restricted_document_is_404_for_attendees_not_chosen(client, meeting, organiser, leader, attendee) -> None:
    document = add_document(meeting, organiser, readers=(leader,))
    login(client, attendee)
    assert client.get(url("view", document.pk)).status_code == 404
    assert client.get(url("page_image", document.pk, 1)).status_code == 404


def test_viewer_shows_lazy_pages_with_their_size_and_counts_one_open(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, pages=3)
    login(client, attendee)
    response = client.get(url("view", document.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('loading="lazy"') == 3
    assert f'width="{A4_AT_SCALE_1[0]}" height="{A4_AT_SCALE_1[1]}"' in html
    assert f"{url('page_image', document.pk, 3)}?scale=1&amp;v={document.current_version_id}" in html
    assert 'data-testid="inline-pdf"' in html and 'data-testid="download"' in html
    assert "js/document-viewer.js" in html
    # Page images are not audited; the open is, once.
    client.get(url("page_image", document.pk, 1))
    client.get(url("page_image", document.pk, 2))
    assert AuditEntry.objects.filter(action="document.viewed", target_id=str(document.pk)).count() == 1
    assert ReadReceipt.objects.get(document=document, user=attendee).open_count == 1


def test_document_still_being_prepared_shows_its_state(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    DocumentVersion.objects.filter(document=document).update(
        pdf="", page_count=None, file_type="docx", state=ProcessingState.PROCESSING, progress=40
    )
    login(client, attendee)
    response = client.get(url("view", document.pk))
    assert response.status_code == 200 and 'data-testid="not-ready"' in response.content.decode()
    assert "40%" in response.content.decode()
    assert client.get(url("page_image", document.pk, 1)).status_code == 404


# --- page images ----------------------------------------------------------------------------


@pytest.mark.parametrize(("scale", "factor"), [("1", 1.0), ("1.5", 1.5), ("2", 2.0)])
def test_page_image_is_a_png_at_the_requested_scale(client, meeting, organiser, attendee, scale, factor) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    response = client.get(url("page_image", document.pk, 2), {"scale": scale})
    assert response.status_code == 200
    image = png_of(response)
    assert image.format == "PNG"
    expected = (595.28 * 96 / 72 * factor, 841.89 * 96 / 72 * factor)  # PDFium rounds up
    assert all(abs(got - want) <= 1 for got, want in zip(image.size, expected, strict=True)), image.size
    assert "private" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_bad_scale_and_missing_pages_are_refused(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    assert client.get(url("page_image", document.pk, 1), {"scale": "9"}).status_code == 400
    assert client.get(url("page_image", document.pk, 3)).status_code == 404
    assert client.get(url("page_image", document.pk, 0)).status_code == 404


def test_unrestricted_pages_are_rendered_once_and_cached_on_disk(
    client, meeting, organiser, attendee, settings
) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    first = client.get(url("page_image", document.pk, 1), {"scale": "1.5"}).content
    cached = list((Path(settings.MEDIA_ROOT) / "cache" / "pages").rglob("*.png"))
    assert len(cached) == 1
    with mock.patch.object(viewer, "render_page", side_effect=AssertionError("rendered again")):
        assert client.get(url("page_image", document.pk, 1), {"scale": "1.5"}).content == first


def test_image_document_shows_the_image_as_its_one_page(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, image=True)
    login(client, attendee)
    html = client.get(url("view", document.pk)).content.decode()
    assert html.count('loading="lazy"') == 1 and 'width="640" height="480"' in html
    image = png_of(client.get(url("page_image", document.pk, 1)))
    assert image.size == (640, 480) and image.convert("RGB").getpixel((10, 10)) == (20, 120, 200)
    assert client.get(url("page_image", document.pk, 2)).status_code == 404


# --- restricted documents: watermarks ---------------------------------------------------------

FIXED_NOW = datetime(2025, 12, 5, 7, 30, tzinfo=UTC)  # 14:30 in Ninh Bình


def test_restricted_pages_carry_each_viewers_own_watermark(
    client, meeting, organiser, leader, attendee, settings
) -> None:
    document = add_document(meeting, organiser, readers=(attendee, leader))
    version = document.current_version
    assert version is not None
    plain = viewer.render_page(version, 1, 1.0)
    images = {}
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        for reader in (attendee, leader):
            login(client, reader)
            response = client.get(url("page_image", document.pk, 1), {"scale": "1"})
            assert response.status_code == 200
            assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
            images[reader.pk] = png_of(response).convert("RGB")
    assert images[attendee.pk].tobytes() != images[leader.pk].tobytes()
    for reader in (attendee, leader):
        assert images[reader.pk].tobytes() != plain.tobytes()
        # Exactly the plain page with this reader's line burned in.
        expected = stamp_image(plain, watermark_line(reader, FIXED_NOW))
        assert images[reader.pk].tobytes() == expected.tobytes()
    assert watermark_line(attendee, FIXED_NOW) == "Phan Văn Hải · Sở Nội vụ · 05/12/2025 14:30"
    assert not (Path(settings.MEDIA_ROOT) / "cache").exists()


def test_restricted_viewer_offers_no_inline_pdf_and_is_not_stored(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, readers=(attendee,))
    login(client, attendee)
    response = client.get(url("view", document.pk))
    html = response.content.decode()
    assert 'data-testid="inline-pdf"' not in html and 'data-testid="restricted-badge"' in html
    assert "no-store" in response["Cache-Control"]
    assert client.get(url("pdf", document.pk)).status_code == 404


# --- inline PDF and download ----------------------------------------------------------------


def test_unrestricted_pdf_opens_inline_in_the_browser(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    response = client.get(url("pdf", document.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_download_is_refused_when_the_organiser_did_not_allow_it(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, allow_download=False)
    login(client, attendee)
    assert client.get(url("download", document.pk)).status_code == 403
    assert client.get(url("pdf", document.pk)).status_code == 403
    html = client.get(url("view", document.pk)).content.decode()
    assert 'data-testid="download"' not in html and 'data-testid="inline-pdf"' not in html
    assert not AuditEntry.objects.filter(action="document.downloaded").exists()
    login(client, organiser)  # those who manage the documents always may
    assert client.get(url("download", document.pk)).status_code == 200


def test_unrestricted_download_is_the_original_file(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    version = document.current_version
    assert version is not None
    login(client, attendee)
    response = client.get(url("download", document.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == version.sha256
    receipt = ReadReceipt.objects.get(document=document, user=attendee)
    assert receipt.download_count == 1 and receipt.open_count == 0
    entry = AuditEntry.objects.get(action="document.downloaded")
    assert entry.actor == attendee and entry.data["watermarked"] is False


def test_restricted_download_is_watermarked_on_every_page(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, readers=(attendee,), pages=3)
    login(client, attendee)
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        response = client.get(url("download", document.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    pages = pypdf.PdfReader(io.BytesIO(body)).pages
    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Trang {number}" in text
        assert "Phan Văn Hải · Sở Nội vụ · 05/12/2025 14:30" in text
    assert AuditEntry.objects.get(action="document.downloaded").data["watermarked"] is True


def test_older_versions_are_for_those_who_manage_the_documents(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    old = document.current_version
    assert old is not None
    data = make_pdf(1, "Bản sửa đổi")
    new = DocumentVersion(
        document=document,
        number=2,
        original_name="v2.pdf",
        file_type="pdf",
        extension=".pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=organiser,
        page_count=1,
    )
    new.file.save("v2.pdf", ContentFile(data), save=False)
    new.save()
    document.current_version = new
    document.save(update_fields=["current_version"])
    login(client, attendee)
    assert client.get(url("view", document.pk), {"v": old.pk}).status_code == 404
    assert client.get(url("page_image", document.pk, 2), {"v": old.pk}).status_code == 404
    assert client.get(url("view", document.pk)).content.decode().count('loading="lazy"') == 1
    login(client, organiser)
    response = client.get(url("view", document.pk), {"v": old.pk})
    assert response.status_code == 200 and response.content.decode().count('loading="lazy"') == 2
    assert client.get(url("page_image", document.pk, 2), {"v": old.pk}).status_code == 200
