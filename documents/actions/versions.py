"""Adding a document, a new version of it, and withdrawing it.

A new document or version waits for the approver (documents.actions.approval); its file is
copied to storage before the transaction and processed (documents.tasks) after the commit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from documents.actions.restriction import check_restriction
from documents.models import ApprovalStatus, Document, DocumentKind, DocumentVersion, Security
from documents.notify import notify_approvers
from documents.search import fold
from documents.tasks import schedule_processing
from documents.titles import normalise_title
from meetings.models import AgendaItem, Meeting

if TYPE_CHECKING:
    from documents.validation import Detected

logger = logging.getLogger(__name__)


def check_document_fields(
    meeting: Meeting,
    *,
    title: str,
    kind: str,
    agenda_item: AgendaItem | None,
    security: str,
    readers: Sequence[User] = (),
) -> None:
    errors: dict[str, list[str]] = {}
    title = normalise_title(title)
    if not title:
        errors["title"] = [_("Enter the document title.")]
    elif len(title) > 300:
        errors["title"] = [_("The title can be at most 300 characters.")]
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Choose the kind of document.")]
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = [_("Choose an agenda item of this meeting.")]
    check_restriction(meeting, security=security, readers=readers, errors=errors)
    if errors:
        raise ValidationError(errors)


# --- storing files ----------------------------------------------------------------------------


class _HashingFile(File):
    """Feeds the sha256 while the storage reads the file (one pass over a large file)."""

    def __init__(self, file: BinaryIO, name: str) -> None:
        super().__init__(file, name=name)
        self.source = file
        self.hasher = hashlib.sha256()
        self.bytes_read = 0

    def read(self, *args: Any) -> bytes:
        data = self.source.read(*args)
        self.hasher.update(data)
        self.bytes_read += len(data)
        return data

    def seek(self, *args: Any) -> int:
        position = self.source.seek(*args)
        if position == 0:  # a storage that reads twice starts the digest again
            self.hasher, self.bytes_read = hashlib.sha256(), 0
        return position


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            hasher.update(block)
    return hasher.hexdigest()


def _store(version: DocumentVersion, upload_path: Path | str) -> None:
    """Copy the checked upload into the default storage under a random name (models._version_path).

    Outside any transaction on purpose: copying 100 MB must not hold the database."""
    path = Path(upload_path)
    size = path.stat().st_size
    name = f"upload{version.extension}"  # replaced by a random name (models._version_path)
    with path.open("rb") as handle:
        content = _HashingFile(handle, name=name)
        version.file.save(name, content, save=False)
    version.size = size
    version.sha256 = content.hasher.hexdigest() if content.bytes_read == size else _sha256(path)


def _unstore(version: DocumentVersion) -> None:
    if version.file.name:
        try:
            version.file.storage.delete(version.file.name)
        except OSError:
            logger.exception("Could not delete %s after a failed upload", version.file.name)


# --- actions ----------------------------------------------------------------------------------


def do_add_document(
    actor: User,
    meeting: Meeting,
    *,
    upload_path: Path | str,
    detected: Detected,
    original_name: str,
    title: str,
    kind: str = DocumentKind.REFERENCE,
    agenda_item: AgendaItem | None = None,
    security: str = Security.ALL_ATTENDEES,
    readers: Sequence[User] = (),
    allow_download: bool = True,
) -> Document:
    """A new document from a checked file (documents.validation.check_file gave `detected`).

    It waits for the approver; the file is copied to storage, the caller removes `upload_path`."""
    require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    check_document_fields(meeting, title=title, kind=kind, agenda_item=agenda_item, security=security, readers=readers)
    title = normalise_title(title)
    document = Document(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        kind=kind,
        security=security,
        allow_download=allow_download,
        status=ApprovalStatus.PENDING,
        created_by=actor,
        search_text=fold(title),
    )
    version = DocumentVersion(
        document=document,
        number=1,
        original_name=original_name,
        file_type=detected.file_type,
        extension=detected.extension,
        uploaded_by=actor,
    )
    _store(version, upload_path)
    try:
        with transaction.atomic():
            document.save()
            version.document = document
            version.save()
            document.current_version = version
            document.save(update_fields=["current_version"])
            if security == Security.RESTRICTED:
                document.readers.set(readers)
            log_action(
                "document.uploaded",
                actor=actor,
                target=document,
                unit=meeting.unit,
                data={
                    "meeting": meeting.pk,
                    "title": title,
                    "file": original_name,
                    "type": detected.file_type,
                    "size": version.size,
                    "sha256": version.sha256,
                    "security": security,
                    "readers": sorted(u.username for u in readers) if security == Security.RESTRICTED else [],
                },
            )
            notify_approvers(document, actor, version)
            schedule_processing(version.pk)
    except BaseException:
        _unstore(version)
        raise
    return document


def do_add_version(
    actor: User, document: Document, *, upload_path: Path | str, detected: Detected, original_name: str
) -> DocumentVersion:
    """Replace the file: version n+1 becomes current, older ones stay for the managers. The
    document goes back to the approver; attendees cannot open it until it is approved again."""
    meeting = document.meeting
    require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    if document.is_deleted:
        raise PermissionDenied
    version = DocumentVersion(
        document=document,
        number=0,  # set under the document's lock
        original_name=original_name,
        file_type=detected.file_type,
        extension=detected.extension,
        uploaded_by=actor,
    )
    _store(version, upload_path)
    try:
        with transaction.atomic():
            locked = (
                Document.objects.select_for_update(of=("self",)).select_related("meeting__unit").get(pk=document.pk)
            )
            if locked.is_deleted:
                raise ValidationError(_("This document has been deleted."), code="deleted")
            latest = locked.versions.aggregate(latest=Max("number"))["latest"] or 0
            version.number = latest + 1
            version.document = locked
            version.save()
            was_published = locked.status == ApprovalStatus.APPROVED
            previous = locked.status
            locked.current_version = version
            locked.status = ApprovalStatus.PENDING
            locked.decision_comment = ""
            locked.search_text = fold(locked.title)  # the new text comes with processing
            locked.save(update_fields=["current_version", "status", "decision_comment", "search_text"])
            log_action(
                "document.version_added",
                actor=actor,
                target=locked,
                unit=meeting.unit,
                data={
                    "meeting": meeting.pk,
                    "version": version.number,
                    "file": original_name,
                    "type": detected.file_type,
                    "size": version.size,
                    "sha256": version.sha256,
                    "previous_status": previous,
                    "was_published": was_published,
                },
            )
            notify_approvers(locked, actor, version)
            schedule_processing(version.pk)
    except BaseException:
        _unstore(version)
        raise
    document.refresh_from_db()
    return version


def do_delete_document(actor: User, document: Document) -> Document:
    """Withdraw the document (kept in the database and the audit trail, shown to nobody)."""
    meeting = document.meeting
    require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    with transaction.atomic():
        locked = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
        if locked.is_deleted:
            raise ValidationError(_("This document has already been deleted."), code="deleted")
        locked.is_deleted = True
        locked.save(update_fields=["is_deleted"])
        log_action(
            "document.deleted",
            actor=actor,
            target=locked,
            unit=meeting.unit,
            data={"meeting": meeting.pk, "title": locked.title, "status": locked.status},
        )
    return locked
