"""The reading side of documents: page images, read receipts, private notes and search.

Pages are rendered on the server (pypdfium2 for PDFs, Pillow for images), so any browser on a
phone, tablet or desktop shows them without plugins. Renders of unrestricted documents are
cached on disk under MEDIA_ROOT/cache/pages; pages of restricted documents are rendered for
each request and watermarked for the person asking (documents.watermark), never cached.

Nothing here writes to the database: opens, downloads and pages seen are recorded by
documents.actions.reading, private notes written by documents.actions.notes.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import pypdfium2 as pdfium
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps

from accounts.models import User
from documents import search
from documents.models import (
    ApprovalStatus,
    Document,
    DocumentVersion,
    PrivateNote,
    ReadReceipt,
    Security,
)
from documents.permissions import approves_documents, manages_documents, prefetch_attendance, prefetch_rules
from meetings.access import visible_meetings
from meetings.models import Invitation, InvitationKind, Meeting
from meetings.queries import attendee_users

# --- rendering ----------------------------------------------------------------------------------

# Zoom levels the viewer offers; the query string carries the key.
SCALES = {"1": 1.0, "1.5": 1.5, "2": 2.0}
PX_PER_POINT = 96 / 72  # scale 1 shows a PDF page at 96 dpi: an A4 page is 794 × 1123 px
MAX_BASE_SIDE = 1800  # px at scale 1; larger pages (A0 posters, huge photos) are shrunk to this
IMAGE_TYPES = frozenset({"jpg", "png"})

# PDFium is not thread-safe: one document operation at a time per process.
_PDFIUM = threading.Lock()


class PageNotFound(Exception):
    pass


@dataclass(frozen=True)
class Page:
    number: int
    width: int  # CSS px at scale 1, for <img width height> so the layout does not jump
    height: int


def is_image(version: DocumentVersion) -> bool:
    return version.file_type in IMAGE_TYPES


def pdf_of(version: DocumentVersion) -> FieldFile | None:
    """The PDF to render and to hand out watermarked: the converted one, or the upload itself."""
    if version.pdf:
        return version.pdf
    if version.file_type == "pdf" and version.file:
        return version.file
    return None


def pages_ready(version: DocumentVersion | None) -> bool:
    if version is None:
        return False
    if is_image(version):
        return bool(version.file)
    return pdf_of(version) is not None and version.page_count is not None


def page_count(version: DocumentVersion | None) -> int:
    """Pages the viewer shows (0 while the document is still being prepared)."""
    if version is None or not pages_ready(version):
        return 0
    if is_image(version):
        return 1
    return version.page_count or 0


def _source(version: DocumentVersion) -> FieldFile:
    source = version.file if is_image(version) else pdf_of(version)
    if source is None or not source:
        raise PageNotFound
    return source


def _source_tag(version: DocumentVersion) -> str:
    """Changes when the converter writes a new PDF for the version (a retried conversion)."""
    source = _source(version)
    processed = version.processed_at.isoformat() if version.processed_at else ""
    key = f"{version.pk}|{version.sha256}|{source.name}|{processed}|{version.page_count}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _base_factor(width: float, height: float, per_unit: float) -> float:
    return min(per_unit, MAX_BASE_SIDE / max(width, height, 1))


def _open_pdf(source: FieldFile) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(source.path)
    except NotImplementedError:  # storage without local paths
        with source.open("rb") as handle:
            return pdfium.PdfDocument(handle.read())


def _open_image(source: FieldFile) -> Image.Image:
    with source.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    return ImageOps.exif_transpose(image)


def pages_of(version: DocumentVersion) -> list[Page]:
    """The pages and their sizes at scale 1; cached, since opening a large PDF is not free."""
    if not pages_ready(version):
        return []
    key = f"documents:pages:{version.pk}:{_source_tag(version)}"
    sizes: list[tuple[int, int]] | None = cache.get(key)
    if sizes is None:
        if is_image(version):
            image = _open_image(_source(version))
            factor = _base_factor(image.width, image.height, 1.0)
            sizes = [(round(image.width * factor), round(image.height * factor))]
        else:
            with _PDFIUM:
                pdf = _open_pdf(_source(version))
                try:
                    points = [pdf.get_page_size(i) for i in range(len(pdf))]
                finally:
                    pdf.close()
            sizes = []
            for width, height in points:
                factor = _base_factor(width, height, PX_PER_POINT)
                sizes.append((round(width * factor), round(height * factor)))
        cache.set(key, sizes, 24 * 3600)
    return [Page(number, width, height) for number, (width, height) in enumerate(sizes, start=1)]


def render_page(version: DocumentVersion, number: int, scale: float) -> Image.Image:
    """Page `number` (1-based) as an RGB image, without any watermark."""
    source = _source(version)
    if is_image(version):
        if number != 1:
            raise PageNotFound
        image = _open_image(source).convert("RGB")
        factor = min(1.0, _base_factor(image.width, image.height, 1.0) * scale)  # never enlarge a photo
        if factor < 1.0:
            image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
        return image
    with _PDFIUM:
        pdf = _open_pdf(source)
        try:
            if not 1 <= number <= len(pdf):
                raise PageNotFound
            page = pdf[number - 1]
            width, height = page.get_size()
            bitmap = page.render(scale=_base_factor(width, height, PX_PER_POINT) * scale)
            return bitmap.to_pil().convert("RGB")  # a copy that outlives the PDFium bitmap
        finally:
            pdf.close()


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _cache_dir(version: DocumentVersion) -> Path:
    return Path(settings.MEDIA_ROOT) / "cache" / "pages" / str(version.pk)


def cached_page_png(version: DocumentVersion, number: int, scale_key: str) -> bytes:
    """The PNG of a page of an UNRESTRICTED document, rendered once per version, page and scale.

    The caller checks the document is unrestricted: these files carry no watermark.
    """
    path = _cache_dir(version) / f"{_source_tag(version)}-{number}-{scale_key}.png"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    png = encode_png(render_page(version, number, SCALES[scale_key]))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
    partial.write_bytes(png)
    os.replace(partial, path)  # readers never see half a file
    return png


def drop_page_cache(version: DocumentVersion) -> None:
    """Forget the rendered pages of a version (its PDF was replaced, or it became restricted)."""
    shutil.rmtree(_cache_dir(version), ignore_errors=True)


# --- read receipts ------------------------------------------------------------------------------


@dataclass
class ReceiptRow:
    receipt: ReadReceipt
    pages_seen: int


def receipt_rows(document: Document) -> list[ReceiptRow]:
    receipts = ReadReceipt.objects.filter(document=document).select_related("user__unit").order_by("first_opened_at")
    count = page_count(document.current_version)
    return [ReceiptRow(r, len([p for p in r.pages_viewed if not count or p <= count])) for r in receipts]


def expected_readers(document: Document) -> QuerySet[User]:
    """Who is meant to read the document: the people chosen for a restricted one; otherwise the
    chair, the invited officials (not those who sent a substitute) and the document receivers
    of invited units."""
    if document.security == Security.RESTRICTED:
        return document.readers.filter(is_active=True).select_related("unit")
    meeting = document.meeting
    invited = Invitation.objects.filter(meeting=meeting)
    people = attendee_users(meeting).values("pk")
    receivers = invited.filter(kind=InvitationKind.UNIT, unit__document_receiver__isnull=False).values(
        "unit__document_receiver_id"
    )
    return User.objects.filter(
        Q(pk=meeting.chair_id) | Q(pk__in=people) | Q(pk__in=receivers), is_active=True
    ).select_related("unit")


def not_opened(document: Document) -> QuerySet[User]:
    opened = ReadReceipt.objects.filter(Q(open_count__gt=0) | Q(download_count__gt=0), document=document)
    opened_ids = opened.values("user_id")
    return expected_readers(document).exclude(pk__in=opened_ids).order_by("full_name", "username")


# --- private notes ------------------------------------------------------------------------------


def notes_by_page(user: User, document: Document) -> dict[int, list[PrivateNote]]:
    grouped: dict[int, list[PrivateNote]] = {}
    for note in PrivateNote.objects.filter(document=document, user=user):
        grouped.setdefault(note.page, []).append(note)
    return grouped


# --- search -------------------------------------------------------------------------------------


class RankedDocuments(Sequence[Document]):
    """Search results in rank order for a Paginator: the ids are known, documents are loaded one
    page at a time."""

    def __init__(self, ids: list[int], user: User | None = None) -> None:
        self.ids = ids
        self.user = user

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Document: ...
    @overload
    def __getitem__(self, index: slice) -> list[Document]: ...
    def __getitem__(self, index: int | slice) -> Document | list[Document]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = self.ids[index]
        documents = (
            Document.objects.filter(pk__in=ids)
            .select_related("meeting__unit", "current_version")
            .prefetch_related("readers")
        )
        by_id = {document.pk: document for document in documents.defer("search_text")}
        meetings: dict[int, Meeting] = {}
        for document in by_id.values():  # one object per meeting: its rules are asked once (permissions)
            document.meeting = meetings.setdefault(document.meeting_id, document.meeting)
        if self.user is not None:  # the rules' per-meeting questions, asked for the page at once
            prefetch_rules(self.user, meetings.values())
        return [by_id[pk] for pk in ids if pk in by_id]


def search_documents(user: User, query: search.Query) -> RankedDocuments:
    """Documents containing every word and phrase of `query`, best first, among those the user may see.

    The SQL here is a superset check that keeps pages and counts cheap: visible meetings, then
    published documents open to all or naming the user as a reader, or any document of a
    meeting whose documents the user manages or approves. Callers still confirm each shown
    result with can(user, Perm.VIEW_DOCUMENT, document).
    """
    if not query:
        return RankedDocuments([])
    rows = search.rank_rows(query, visible_meetings(user))
    if not rows:
        return RankedDocuments([])
    # The user's reader rows (few), not a lookup of every result: lists of thousands of ids cost
    # Django more to compile than the database to answer (bench/pages.py).
    reads = set(Document.readers.through.objects.filter(user_id=user.pk).values_list("document_id", flat=True))
    open_to_attendees = {
        pk
        for pk, _, status, security in rows
        if status == ApprovalStatus.APPROVED and (security == Security.ALL_ATTENDEES or pk in reads)
    }
    # Only the meetings of the other results can make a difference: whether the user manages or
    # approves their documents.
    others = {meeting_id for pk, meeting_id, _, _ in rows if pk not in open_to_attendees}
    meetings = list(Meeting.objects.filter(pk__in=others).select_related("unit"))
    prefetch_attendance(user, meetings)
    staff = {m.pk for m in meetings if manages_documents(user, m) or approves_documents(user, m)}
    allowed = open_to_attendees | {pk for pk, meeting_id, _, _ in rows if meeting_id in staff}
    ranked = [row[0] for row in rows]
    return RankedDocuments([pk for pk in ranked if pk in allowed], user)
