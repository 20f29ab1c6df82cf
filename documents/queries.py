"""Shared reads of the documents app: the approver's queue (Điều 6.1c)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.permissions import Perm, can
from documents.models import ApprovalStatus, Document
from meetings.models import MeetingStatus


def _waiting_for(user: Any) -> Q:
    """Documents that may be waiting for this user: the rule itself is `Perm.APPROVE_DOCUMENT`."""
    candidates = (
        Q(meeting__is_ppc_meeting=False, meeting__document_approver=user)
        | Q(meeting__is_ppc_meeting=False, meeting__document_approver__isnull=True, meeting__chair=user)
        | Q(meeting__is_ppc_meeting=True, meeting__invitations__user=user)
    )
    return candidates & Q(status=ApprovalStatus.PENDING, is_deleted=False)


def _pending(user: Any) -> QuerySet[Document]:
    return Document.objects.filter(_waiting_for(user)).exclude(
        meeting__status__in=[MeetingStatus.REJECTED, MeetingStatus.CANCELLED]
    )


def approval_queue(user: Any) -> list[Document]:
    """Documents waiting for this user's decision, oldest meeting first."""
    documents = (
        _pending(user)
        .select_related("meeting__unit", "meeting__chair", "agenda_item", "current_version__uploaded_by", "created_by")
        .distinct()
        .order_by("meeting__start", "meeting_id", "agenda_item__order", "created_at")
    )
    return [d for d in documents if can(user, Perm.APPROVE_DOCUMENT, d)]


def may_approve_documents(user: Any) -> bool:
    """Whether the menu shows "Documents to approve": anyone who decides documents (one cheap query).

    Leaders always see the entry; chairs and named approvers see it while something waits for them.
    """
    if getattr(user, "is_external", False):
        return False
    if can(user, Perm.APPROVE_MEETINGS):
        return True
    return _pending(user).exists()
