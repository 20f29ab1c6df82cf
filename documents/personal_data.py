"""What the documents app holds about a person, for their data export (core.personal_data):
documents and versions they uploaded, their read receipts and their private notes."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from documents.models import Document, DocumentVersion, PrivateNote, ReadReceipt


def export(user: User) -> dict[str, Any]:
    documents = [
        {"id": d.pk, "title": d.title, "meeting": d.meeting_id, "status": d.status, "created_at": d.created_at}
        for d in Document.objects.filter(created_by=user).order_by("created_at", "id")
    ]
    versions = list(
        DocumentVersion.objects.filter(uploaded_by=user)
        .order_by("uploaded_at", "id")
        .values("document_id", "document__title", "number", "original_name", "size", "sha256", "uploaded_at")
    )
    receipts = list(
        ReadReceipt.objects.filter(user=user)
        .order_by("first_opened_at", "id")
        .values(
            "document_id",
            "document__title",
            "first_opened_at",
            "last_opened_at",
            "open_count",
            "download_count",
            "pages_viewed",
        )
    )
    notes = list(
        PrivateNote.objects.filter(user=user)
        .order_by("document_id", "page", "created_at")
        .values("document_id", "document__title", "page", "text", "created_at", "updated_at")
    )
    return {
        "documents_created": documents,
        "versions_uploaded": versions,
        "read_receipts": receipts,
        "private_notes": notes,
    }
