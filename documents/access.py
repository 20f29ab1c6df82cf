"""Fetch-and-authorize helpers for documents: 404 for anyone who may not see them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.permissions import Perm, can
from core.fetch import parse_id
from documents.models import Document, DocumentVersion


def access_document(user: Any, document_id: Any, *, perm: Perm | None = None) -> Document:
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


def access_version(user: Any, version_id: Any) -> DocumentVersion:
    """Older versions are for the people who manage the meeting's documents."""
    try:
        version = DocumentVersion.objects.select_related("document__meeting").get(pk=parse_id(version_id))
    except (DocumentVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    document = version.document
    if not can(user, Perm.VIEW_DOCUMENT, document):
        raise Http404
    if version.pk != document.current_version_id and not can(user, Perm.MANAGE_DOCUMENTS, document.meeting):
        raise Http404
    return version


def visible_documents(user: Any, meeting: Any) -> list[Document]:
    documents = (
        Document.objects.filter(meeting=meeting, is_deleted=False)
        .select_related("current_version", "agenda_item", "meeting")
        .prefetch_related("readers")
    )
    return [d for d in documents if can(user, Perm.VIEW_DOCUMENT, d)]
