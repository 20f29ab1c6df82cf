"""Fetch-and-authorize helpers for documents: 404 for anyone who may not see them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from accounts.permissions import Perm, can
from core.fetch import get_or_404, parse_id
from core.http import AnyUser
from documents.models import Document, DocumentVersion, PrivateNote, Upload


def access_document(user: AnyUser, document_id: Any, *, perm: Perm | None = None) -> Document:
    """The document if the user may see it (else 404); with `perm`, 403 when they may see it
    but not do that."""
    try:
        document = Document.objects.select_related(
            "meeting__unit", "meeting__chair", "current_version", "agenda_item"
        ).get(pk=parse_id(document_id))
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can(user, Perm.VIEW_DOCUMENT, document):
        raise Http404
    if perm is not None and not can(user, perm, document):
        raise PermissionDenied
    return document


def access_managed_document(user: AnyUser, document_id: Any, *, hidden: bool = False) -> Document:
    """A document whose meeting's documents `user` manages: 404 if they cannot see it; 403 if they
    see it but do not manage it — or 404 with `hidden`, for pages attendees must not learn of
    (the version history, the read receipts)."""
    document = access_document(user, document_id)
    if not can(user, Perm.MANAGE_DOCUMENTS, document.meeting):
        raise Http404 if hidden else PermissionDenied
    return document


def access_version(user: AnyUser, version_id: Any, *, manage: bool = False) -> DocumentVersion:
    """Older versions are for the people who manage the meeting's documents; with `manage`, any
    version is (processing it again). 404 for everyone else."""
    try:
        version = DocumentVersion.objects.select_related("document__meeting__unit").get(pk=parse_id(version_id))
    except (DocumentVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    document = version.document
    if not can(user, Perm.VIEW_DOCUMENT, document):
        raise Http404
    if (manage or version.pk != document.current_version_id) and not can(user, Perm.MANAGE_DOCUMENTS, document.meeting):
        raise Http404
    return version


def access_upload(user: User, upload_id: Any) -> Upload:
    """An upload of this user, for a meeting whose documents they (still) manage; else 404."""
    found = Upload.objects.select_related("meeting__unit").filter(pk=str(upload_id)[:64], user=user).first()
    if found is None or not can(user, Perm.MANAGE_DOCUMENTS, found.meeting):
        raise Http404
    return found


def access_note(user: User, note_id: Any) -> tuple[PrivateNote, Document]:
    """The user's own note on a document they may still see; anyone else's is 404."""
    note = get_or_404(PrivateNote.objects.all(), note_id, user=user)
    return note, access_document(user, note.document_id)
