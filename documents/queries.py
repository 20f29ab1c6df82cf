"""Shared reads of the documents app: the approver's queue (Điều 6.1c), and the people a
restricted document can be opened to (Điều 6.1b)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.permissions import Perm, can, is_guest
from core.http import AnyUser
from documents.models import ApprovalStatus, Document
from meetings.models import Meeting, MeetingStatus
from meetings.queries import attendee_users


def _waiting_for(user: User) -> Q:
    """Documents that may be waiting for this user: the rule itself is `Perm.APPROVE_DOCUMENT`."""
    candidates = (
        Q(meeting__is_ppc_meeting=False, meeting__document_approver=user)
        | Q(meeting__is_ppc_meeting=False, meeting__chair=user)
        | Q(meeting__is_ppc_meeting=True, meeting__invitations__user=user)
    )
    return candidates & Q(status=ApprovalStatus.PENDING, is_deleted=False)


def _pending(user: User) -> QuerySet[Document]:
    return Document.objects.filter(_waiting_for(user)).exclude(
        meeting__status__in=[MeetingStatus.REJECTED, MeetingStatus.CANCELLED]
    )


def approval_queue(user: User) -> list[Document]:
    """Documents waiting for this user's decision, oldest meeting first."""
    documents = (
        _pending(user)
        .select_related("meeting__unit", "meeting__chair", "agenda_item", "current_version__uploaded_by", "created_by")
        .distinct()
        .order_by("meeting__start", "meeting_id", "agenda_item__order", "created_at")
    )
    return [d for d in documents if can(user, Perm.APPROVE_DOCUMENT, d)]


def may_approve_documents(user: AnyUser) -> bool:
    """Whether the menu shows "Documents to approve": anyone who decides documents (one cheap query).

    Leaders always see the entry; chairs and named approvers see it while something waits for them.
    """
    if not user.is_authenticated or is_guest(user):
        return False
    if can(user, Perm.APPROVE_MEETINGS):
        return True
    return _pending(user).exists()


def reader_candidates(meeting: Meeting) -> QuerySet[User]:
    """People who can be chosen to open a restricted document: the officials invited (not those
    who sent a substitute), the chair and the document approver."""
    people = Q(pk__in=attendee_users(meeting)) | Q(pk=meeting.chair_id)
    if meeting.document_approver_id is not None:
        people |= Q(pk=meeting.document_approver_id)
    return User.objects.filter(people, is_active=True).select_related("unit").order_by("full_name", "pk")
