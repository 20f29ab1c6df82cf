"""Rules for the document Perms (Điều 6.1b-c), registered in DocumentsConfig.ready.

- Organisers (and unit admins of the organising unit), the official who prepares the documents
  and organisers of the preparing unit manage documents: upload, replace, restrict.
- The approver publishes them: the chair (or the meeting's designated document approver); for a
  meeting of the Provincial People's Committee, a leader of the PPC Office who attends it.
- Attendees see a document only once approved; a restricted one only if they are chosen.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Right, UnitKind
from accounts.permissions import Perm, has_right, register_rule
from documents.models import ApprovalStatus, Document
from meetings.models import Answer, InvitationKind, Meeting, MeetingStatus
from meetings.permissions import is_organiser, view_meeting

CLOSED_MEETING = (MeetingStatus.REJECTED, MeetingStatus.CANCELLED)


def manages_documents(user: Any, meeting: Meeting) -> bool:
    if is_organiser(user, meeting) or meeting.document_preparer_id == user.pk:
        return True
    return (
        meeting.preparing_unit_id is not None
        and user.unit_id == meeting.preparing_unit_id
        and has_right(user, Right.ORGANISER)
    )


def _attends(user: Any, meeting: Meeting) -> bool:
    return (
        meeting.chair_id == user.pk
        or meeting.invitations.filter(kind=InvitationKind.USER, user=user).exclude(answer=Answer.DELEGATED).exists()
    )


def approves_documents(user: Any, meeting: Meeting) -> bool:
    if meeting.is_ppc_meeting:
        unit = user.unit
        return (
            has_right(user, Right.LEADER)
            and unit is not None
            and unit.kind == UnitKind.OFFICE
            and unit.parent_id is not None
            and unit.parent.parent_id is None  # the PPC Office sits directly under the PPC
            and _attends(user, meeting)
        )
    if meeting.document_approver_id is not None:
        return meeting.document_approver_id == user.pk
    return meeting.chair_id == user.pk


@register_rule(Perm.MANAGE_DOCUMENTS)
def manage_documents(user: Any, meeting: Meeting) -> bool:
    return meeting.status not in CLOSED_MEETING and manages_documents(user, meeting)


@register_rule(Perm.VIEW_DOCUMENT)
def view_document(user: Any, document: Document) -> bool:
    meeting = document.meeting
    if document.is_deleted:
        return False
    if manages_documents(user, meeting):
        return True
    if approves_documents(user, meeting) and view_meeting(user, meeting):
        return True
    if document.status != ApprovalStatus.APPROVED or not view_meeting(user, meeting):
        return False
    if document.is_restricted:
        return document.readers.filter(pk=user.pk).exists()
    return True


@register_rule(Perm.APPROVE_DOCUMENT)
def approve_document(user: Any, document: Document) -> bool:
    meeting = document.meeting
    return (
        not document.is_deleted
        and meeting.status not in CLOSED_MEETING
        and approves_documents(user, meeting)
        and view_meeting(user, meeting)
    )


@register_rule(Perm.DOWNLOAD_DOCUMENT)
def download_document(user: Any, document: Document) -> bool:
    if not view_document(user, document):
        return False
    return document.allow_download or manages_documents(user, document.meeting)
