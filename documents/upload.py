"""Resumable chunked uploads (issue 4, "Upload"): the protocol's pieces that write nothing.

Protocol (views in documents.views_manage, writes in documents.actions.uploads):
1. POST meetings/<id>/uploads/ {filename, size} creates an `Upload`; the name and size are
   checked at once, before a byte is sent.
2. PUT uploads/<id>/ with `Content-Range: bytes start-end/total` appends one chunk, only when
   `start` is where the file ends now (else 409 with the offset). GET uploads/<id>/ returns the
   offset, so a client resumes after a dropped connection.
3. POST uploads/<id>/finish/ checks the file by content and turns it into a document (or a new
   version); refused or not, the temporary file and the row go.

Chunks stream from the request to a file in DOCUMENT_UPLOAD_TEMP_DIR named after the upload's
random id, never after anything the client sent. Writers of one upload are serialised by a lock
on its file; no database transaction is held while bytes arrive from the network (SQLite runs
IMMEDIATE transactions, which would block every other writer meanwhile).

An upload is a temporary file and its row, not a document: `discard` and `cleanup_stale` remove
them without an audit entry (the document made from it is audited by documents.actions.versions).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import DocumentKind, Security, Upload

if TYPE_CHECKING:
    from accounts.models import User
    from meetings.models import AgendaItem

logger = logging.getLogger("documents.upload")

# What the JavaScript client sends per request (the server accepts up to the setting).
CLIENT_CHUNK_BYTES = 4 * 1024 * 1024
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class OffsetMismatch(Exception):
    """The chunk does not start where the file ends; the client resumes from `received`."""

    def __init__(self, received: int) -> None:
        super().__init__(f"expected offset {received}")
        self.received = received


class UploadConflict(Exception):
    """The upload is already being finished (or another chunk is being written right now)."""


@dataclass
class DocumentFields:
    """What the organiser says about a new document (the form's cleaned data)."""

    title: str
    kind: str = DocumentKind.REFERENCE
    agenda_item: AgendaItem | None = None
    security: str = Security.ALL_ATTENDEES
    readers: list[User] = field(default_factory=list)
    allow_download: bool = True


def temp_dir() -> Path:
    directory = Path(settings.DOCUMENT_UPLOAD_TEMP_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def temp_path(upload: Upload) -> Path:
    # The id is ours (secrets.token_hex), so the path cannot leave the directory.
    return temp_dir() / f"{upload.pk}.part"


def status(upload: Upload) -> dict[str, Any]:
    return {"id": upload.pk, "received": upload.received, "size": upload.size, "filename": upload.filename}


def parse_content_range(header: str | None) -> tuple[int, int, int]:
    match = _CONTENT_RANGE.match((header or "").strip())
    if match is None:
        raise ValidationError(_("The upload request is malformed (Content-Range)."), code="bad_range")
    start, end, total = (int(g) for g in match.groups())
    if end < start or end >= total:
        raise ValidationError(_("The upload request is malformed (Content-Range)."), code="bad_range")
    return start, end, total


def discard(upload: Upload) -> None:
    temp_path(upload).unlink(missing_ok=True)
    Upload.objects.filter(pk=upload.pk).delete()


def cleanup_stale(*, older_than: timedelta | None = None) -> tuple[int, int]:
    """Delete uploads started longer ago than the limit, and temporary files without a row.

    Returns (rows deleted, files deleted)."""
    limit = older_than or timedelta(hours=settings.DOCUMENT_UPLOAD_STALE_HOURS)
    cutoff = timezone.now() - limit
    rows = 0
    for upload in Upload.objects.filter(created_at__lt=cutoff):
        discard(upload)
        rows += 1
    known = set(Upload.objects.values_list("pk", flat=True))
    files = 0
    for path in temp_dir().glob("*.part"):
        try:
            stale = path.stat().st_mtime < cutoff.timestamp()
        except FileNotFoundError:
            continue
        if path.stem not in known and stale:
            path.unlink(missing_ok=True)
            files += 1
    return rows, files
