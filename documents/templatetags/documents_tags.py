"""The documents panel of the meeting page: `{% meeting_documents meeting as docs %}` gives the
documents the user may see, grouped by agenda item, with the counts of documents and pages.

The meeting page (meetings/views.py) need not know anything about documents: the panel template
computes its own context through this tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.conf import settings
from django.db.models import Sum

from accounts.permissions import Perm, can
from documents.models import ApprovalStatus, Document, ProcessingState
from meetings.models import Meeting

if TYPE_CHECKING:
    from accounts.models import User
    from documents.forms import DocumentForm

register = template.Library()

IN_PROGRESS = (ProcessingState.QUEUED, ProcessingState.PROCESSING)


def document_stats(meeting: Meeting) -> dict[str, int]:
    """Published documents of the meeting and their pages (current versions), for statistics."""
    published = Document.objects.filter(meeting=meeting, is_deleted=False, status=ApprovalStatus.APPROVED)
    pages = published.aggregate(pages=Sum("current_version__page_count"))["pages"] or 0
    return {"document_count": published.count(), "page_count": pages}


def panel_context(user: User, meeting: Meeting, *, form: DocumentForm | None = None) -> dict[str, Any]:
    from documents.forms import DocumentForm

    can_manage = can(user, Perm.MANAGE_DOCUMENTS, meeting)
    documents = list(
        Document.objects.filter(meeting=meeting, is_deleted=False)
        .select_related("current_version", "agenda_item", "created_by", "decided_by")
        .prefetch_related("readers")
        .order_by("agenda_item__order", "created_at", "pk")
    )
    visible: list[Document] = []
    for document in documents:
        document.meeting = meeting  # one shared instance for the rules below
        if can(user, Perm.VIEW_DOCUMENT, document):
            document.may_approve = document.status == ApprovalStatus.PENDING and can(  # type: ignore[attr-defined]
                user, Perm.APPROVE_DOCUMENT, document
            )
            visible.append(document)
    groups: list[dict[str, Any]] = []
    by_item: dict[int | None, list[Document]] = {}
    for document in visible:
        by_item.setdefault(document.agenda_item_id, []).append(document)
    for item in meeting.agenda_items.order_by("order"):
        if item.pk in by_item:
            groups.append({"item": item, "documents": by_item[item.pk]})
    if None in by_item:
        groups.append({"item": None, "documents": by_item[None]})
    published = [d for d in visible if d.status == ApprovalStatus.APPROVED]
    return {
        "meeting": meeting,
        "groups": groups,
        "documents": visible,
        "document_count": len(published),
        "page_count": sum((d.current_version.page_count or 0) for d in published if d.current_version),
        "pending_count": sum(1 for d in visible if d.status == ApprovalStatus.PENDING),
        "approvable_count": sum(1 for d in visible if getattr(d, "may_approve", False)),
        "processing": any(d.current_version and d.current_version.state in IN_PROGRESS for d in visible),
        "can_manage": can_manage,
        "form": form if form is not None else (DocumentForm(meeting=meeting) if can_manage else None),
        "max_upload_bytes": settings.DOCUMENT_MAX_UPLOAD_BYTES,
    }


@register.simple_tag(takes_context=True)
def meeting_documents(context: template.Context, meeting: Meeting) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"groups": [], "documents": [], "document_count": 0, "page_count": 0, "can_manage": False}
    return panel_context(user, meeting)


@register.simple_tag
def meeting_document_stats(meeting: Meeting) -> dict[str, int]:
    return document_stats(meeting)
