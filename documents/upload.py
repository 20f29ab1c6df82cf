"""Resumable chunked uploads (issue 4, "Upload").

Protocol (views in documents.views_manage):
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
"""

from __future__ import annotations

import errno
import fcntl
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, can
from documents import actions
from documents.models import Document, DocumentKind, DocumentVersion, Security, Upload
from documents.titles import normalise_title, title_from_filename
from documents.validation import check_file, check_name_and_size

if TYPE_CHECKING:
    from accounts.models import User
    from meetings.models import AgendaItem, Meeting

logger = logging.getLogger("documents.upload")

READ_BLOCK = 64 * 1024
# What the JavaScript client sends per request (the server accepts up to the setting).
CLIENT_CHUNK_BYTES = 4 * 1024 * 1024
# Unfinished uploads one person may hold at a time (each may reserve up to the size limit on disk).
MAX_OPEN_UPLOADS = 20
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


def do_start_upload(actor: User, meeting: Meeting, *, filename: str, size: int) -> Upload:
    """A new, empty upload; the name (no paths) and the size limit are checked first."""
    if not can(actor, Perm.MANAGE_DOCUMENTS, meeting):
        raise PermissionDenied
    name, _named_type = check_name_and_size(filename, size)
    if Upload.objects.filter(user=actor, completed=False).count() >= MAX_OPEN_UPLOADS:
        raise ValidationError(
            _("You have too many unfinished uploads. Wait for them to finish, or try again tomorrow."),
            code="too_many_uploads",
        )
    upload = Upload.objects.create(meeting=meeting, user=actor, filename=name, size=size)
    try:
        temp_path(upload).open("xb").close()
    except OSError:
        upload.delete()
        raise
    return upload


def do_append_chunk(upload: Upload, *, start: int, end: int, total: int, stream: Readable) -> int:
    """Append bytes start..end (inclusive) read from `stream`; returns the new offset.

    A chunk that arrives incomplete is cut off again, so the offset only ever counts whole chunks.
    """
    length = end - start + 1
    if total != upload.size:
        raise ValidationError(_("The file size changed during the upload. Start again."), code="size_changed")
    if length > settings.DOCUMENT_UPLOAD_CHUNK_MAX_BYTES:
        raise ValidationError(
            _("The upload request is too large. Reload the page and try again."), code="chunk_too_big"
        )
    path = temp_path(upload)
    try:
        handle = path.open("r+b")
    except FileNotFoundError:
        raise ValidationError(_("This upload has expired. Upload the file again."), code="expired") from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise UploadConflict from None
            raise
        current = Upload.objects.filter(pk=upload.pk).values_list("received", "completed").first()
        if current is None:
            raise ValidationError(_("This upload has expired. Upload the file again."), code="expired")
        received, completed = current
        if completed:
            raise UploadConflict
        if start != received:
            raise OffsetMismatch(received)
        handle.seek(start)
        handle.truncate()
        written = 0
        while written < length:
            block = stream.read(min(READ_BLOCK, length - written))
            if not block:
                break
            handle.write(block)
            written += len(block)
        if written != length:
            handle.truncate(start)
            raise OffsetMismatch(received)
        handle.flush()
        moved = Upload.objects.filter(pk=upload.pk, received=start, completed=False).update(received=end + 1)
        if not moved:  # only if the row changed under the lock: finished or cleaned up meanwhile
            raise UploadConflict
    upload.received = end + 1
    return upload.received


def do_receive_whole(upload: Upload, chunks: Iterable[bytes]) -> None:
    """The no-JavaScript form: the whole file arrived with the request (on disk if large)."""
    path = temp_path(upload)
    written = 0
    with path.open("r+b") as handle:
        handle.truncate()
        for chunk in chunks:
            written += len(chunk)
            if written > upload.size:
                break
            handle.write(chunk)
    if written != upload.size:
        raise ValidationError(_("The file arrived incomplete. Upload it again."), code="incomplete")
    Upload.objects.filter(pk=upload.pk).update(received=written)
    upload.received = written


def discard(upload: Upload) -> None:
    temp_path(upload).unlink(missing_ok=True)
    Upload.objects.filter(pk=upload.pk).delete()


def _claim(upload: Upload) -> None:
    """Only one finish per upload, and only of a complete file."""
    claimed = Upload.objects.filter(pk=upload.pk, completed=False, received=F("size")).update(completed=True)
    if claimed:
        return
    current = Upload.objects.filter(pk=upload.pk).values_list("received", "completed").first()
    if current is None or current[1]:
        raise UploadConflict
    raise ValidationError(
        _("The file has not arrived completely (%(received)s of %(size)s bytes). Resume or upload it again.")
        % {"received": current[0], "size": upload.size},
        code="incomplete",
    )


def do_finish_upload(
    actor: User,
    upload: Upload,
    *,
    fields: DocumentFields | None = None,
    replace: Document | None = None,
    declared_type: str | None = None,
) -> DocumentVersion:
    """Check the complete file and make it a new document (`fields`) or a new version of `replace`.

    Returns the stored version. Whatever happens after the claim, the upload is gone afterwards;
    a refusal (ValidationError) leaves nothing stored.
    """
    if (fields is None) == (replace is None):
        raise ValueError("give exactly one of fields and replace")
    meeting = upload.meeting
    if not can(actor, Perm.MANAGE_DOCUMENTS, meeting):
        raise PermissionDenied
    if fields is not None:
        if not normalise_title(fields.title):
            fields.title = title_from_filename(upload.filename)
        # Checked before the claim: a wrong field is fixed and sent again without a new upload.
        actions.check_document_fields(
            meeting,
            title=fields.title,
            kind=fields.kind,
            agenda_item=fields.agenda_item,
            security=fields.security,
            readers=fields.readers,
        )
    elif replace is not None and (replace.meeting_id != meeting.pk or replace.is_deleted):
        raise PermissionDenied
    _claim(upload)
    path = temp_path(upload)
    try:
        detected = check_file(path, upload.filename, declared_type=declared_type)
        if replace is not None:
            return actions.do_add_version(
                actor, replace, upload_path=path, detected=detected, original_name=upload.filename
            )
        assert fields is not None  # noqa: S101 - checked at the top
        document = actions.do_add_document(
            actor,
            meeting,
            upload_path=path,
            detected=detected,
            original_name=upload.filename,
            title=fields.title,
            kind=fields.kind,
            agenda_item=fields.agenda_item,
            security=fields.security,
            readers=fields.readers,
            allow_download=fields.allow_download,
        )
        assert document.current_version is not None  # noqa: S101 - set by do_add_document
        return document.current_version
    finally:
        discard(upload)


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
