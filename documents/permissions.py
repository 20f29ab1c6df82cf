"""Rules for the document Perms (Điều 6.1b-c), registered in DocumentsConfig.ready.

- Organisers (and unit admins of the organising unit), the official who prepares the documents
  and organisers of the preparing unit manage documents: upload, replace, restrict.
- The approver publishes them: the chair (or the meeting's designated document approver); for a
  meeting of the Provincial People's Committee, a leader of the PPC Office who attends it.
- Attendees see a document only once approved; a restricted one only if they are chosen.

`can()` asks a rule only about an active, signed-in account, hence `user: User` below.
"""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Right, User
from accounts.permissions import Perm, has_right, is_ppc_office_leader, register_rule
from documents.models import ApprovalStatus, Document
from meetings.models import Answer, Invitation, InvitationKind, Meeting, MeetingStatus
from meetings.permissions import is_organiser, view_meeting, visible_meetings_q
from meetings.queries import attendee_users

CLOSED_MEETING = (MeetingStatus.REJECTED, MeetingStatus.CANCELLED)


def _sees_meeting(user: User, meeting: Meeting) -> bool:
    """view_meeting, asked once per meeting object and user: the meeting page and search results
    check each of their documents against one shared meeting object (bench/pages.py)."""
    seen: dict[int, bool] = meeting.__dict__.setdefault("_documents_sees_meeting", {})
    if user.pk not in seen:
        seen[user.pk] = view_meeting(user, meeting)
    return seen[user.pk]


def _is_reader(user: User, document: Document) -> bool:
    if "readers" in getattr(document, "_prefetched_objects_cache", {}):
        return any(reader.pk == user.pk for reader in document.readers.all())
    return document.readers.filter(pk=user.pk).exists()


def manages_documents(user: User, meeting: Meeting) -> bool:
    if is_organiser(user, meeting) or meeting.document_preparer_id == user.pk:
        return True
    return (
        meeting.preparing_unit_id is not None
        and user.unit_id == meeting.preparing_unit_id
        and has_right(user, Right.ORGANISER)
    )


def _attends(user: User, meeting: Meeting) -> bool:
    if meeting.chair_id == user.pk:
        return True
    known: dict[int, bool] = meeting.__dict__.setdefault("_documents_attends", {})
    if user.pk not in known:
        known[user.pk] = attendee_users(meeting).filter(pk=user.pk).exists()
    return known[user.pk]


def prefetch_rules(user: User, meetings: Iterable[Meeting]) -> None:
    """Answer the per-meeting questions of the document rules for `user` and all `meetings` at
    once, stored on the meeting objects, so that checking the documents of many meetings (a search
    results page) costs the same few queries whatever the number of meetings (bench/pages.py):
    whether the user sees each meeting (visible_meetings_q, the SQL form of view_meeting: one
    query) and whether they attend each PPC meeting (one query)."""
    meetings = list(meetings)
    if not meetings or not user.is_active:
        return
    scope = visible_meetings_q(user)
    seen = {m.pk for m in meetings}
    if scope is not None:
        seen = set(Meeting.objects.filter(scope, pk__in=list(seen)).values_list("pk", flat=True))
    for meeting in meetings:
        meeting.__dict__.setdefault("_documents_sees_meeting", {})[user.pk] = meeting.pk in seen
    prefetch_attendance(user, meetings)


def prefetch_attendance(user: User, meetings: Iterable[Meeting]) -> None:
    """_attends for every PPC meeting among `meetings`, one query: same people as attendee_users
    (invited by name, not having sent a substitute, active)."""
    ppc = {meeting.pk: meeting for meeting in meetings if meeting.is_ppc_meeting}
    if not ppc or not user.is_active:
        return
    attended = set(
        Invitation.objects.filter(meeting_id__in=list(ppc), kind=InvitationKind.USER, user=user)
        .exclude(answer=Answer.DELEGATED)
        .values_list("meeting_id", flat=True)
    )
    for pk, meeting in ppc.items():
        meeting.__dict__.setdefault("_documents_attends", {})[user.pk] = pk in attended


def approves_documents(user: User, meeting: Meeting) -> bool:
    """Điều 6.1c: the chair approves the documents; a designated document approver may approve
    on the chair's behalf (the chair keeps the right). A PPC meeting's documents are approved by a
    leader of the PPC Office who attends it."""
    if meeting.is_ppc_meeting:
        return is_ppc_office_leader(user) and _attends(user, meeting)
    return user.pk in (meeting.chair_id, meeting.document_approver_id)


def approves_on_behalf_of_chair(user: User, meeting: Meeting) -> bool:
    """The designated document approver deciding instead of the chair (audited as such)."""
    return not meeting.is_ppc_meeting and user.pk == meeting.document_approver_id and user.pk != meeting.chair_id


@register_rule(Perm.MANAGE_DOCUMENTS)
def manage_documents(user: User, meeting: Meeting) -> bool:
    return meeting.status not in CLOSED_MEETING and manages_documents(user, meeting)


@register_rule(Perm.VIEW_DOCUMENT)
def view_document(user: User, document: Document) -> bool:
    meeting = document.meeting
    if document.is_deleted:
        return False
    if manages_documents(user, meeting):
        return True
    if approves_documents(user, meeting) and _sees_meeting(user, meeting):
        return True
    if document.status != ApprovalStatus.APPROVED or not _sees_meeting(user, meeting):
        return False
    if document.is_restricted:
        return _is_reader(user, document)
    return True


@register_rule(Perm.APPROVE_DOCUMENT)
def approve_document(user: User, document: Document) -> bool:
    meeting = document.meeting
    return (
        not document.is_deleted
        and meeting.status not in CLOSED_MEETING
        and approves_documents(user, meeting)
        and _sees_meeting(user, meeting)
    )


@register_rule(Perm.DOWNLOAD_DOCUMENT)
def download_document(user: User, document: Document) -> bool:
    if not view_document(user, document):
        return False
    return document.allow_download or manages_documents(user, document.meeting)
