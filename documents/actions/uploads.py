"""The resumable upload (documents.upload describes the protocol): starting one, appending a
chunk, receiving a whole file from the form without JavaScript, and finishing it into a new
document or a new version (documents.actions.versions, which audits and notifies).

Starting and appending are not audited and hold no transaction while bytes arrive: an upload is
a temporary file until it is finished, and the document it becomes is audited then.
"""

from __future__ import annotations

import errno
import fcntl
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from documents.actions.versions import check_document_fields, do_add_document, do_add_version
from documents.models import Document, DocumentVersion, Upload
from documents.titles import normalise_title, title_from_filename
from documents.upload import DocumentFields, OffsetMismatch, Readable, UploadConflict, discard, temp_path
from documents.validation import check_file, check_name_and_size
from meetings.models import Meeting

READ_BLOCK = 64 * 1024
# Unfinished uploads one person may hold at a time (each may reserve up to the size limit on disk).
MAX_OPEN_UPLOADS = 20


def do_start_upload(actor: User, meeting: Meeting, *, filename: str, size: int) -> Upload:
    """A new, empty upload; the name (no paths) and the size limit are checked first."""
    require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    name, _named_type = check_name_and_size(filename, size)
    return open_upload(actor, meeting, name=name, size=size)


def open_upload(actor: User, meeting: Meeting, *, name: str, size: int, max_open: int | None = None) -> Upload:
    """An empty upload of `size` bytes with its temporary file, for any resumable upload (documents,
    recordings): the caller has checked the right, the name and the size for its kind of file."""
    limit = MAX_OPEN_UPLOADS if max_open is None else max_open
    if Upload.objects.filter(user=actor, completed=False).count() >= limit:
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


def claim_upload(upload: Upload) -> None:
    """Only one finish per upload, and only of a complete file (documents and recordings finish
    uploads through this)."""
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
    require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    if fields is not None:
        if not normalise_title(fields.title):
            fields.title = title_from_filename(upload.filename)
        # Checked before the claim: a wrong field is fixed and sent again without a new upload.
        check_document_fields(
            meeting,
            title=fields.title,
            kind=fields.kind,
            agenda_item=fields.agenda_item,
            security=fields.security,
            readers=fields.readers,
        )
    elif replace is not None and (replace.meeting_id != meeting.pk or replace.is_deleted):
        raise PermissionDenied
    claim_upload(upload)
    path = temp_path(upload)
    try:
        detected = check_file(path, upload.filename, declared_type=declared_type)
        if replace is not None:
            return do_add_version(actor, replace, upload_path=path, detected=detected, original_name=upload.filename)
        assert fields is not None  # noqa: S101 - checked at the top
        document = do_add_document(
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
