"""Approving documents before attendees see them (Điều 6.1c): approving one or several at once
publishes them; returning one sends it back with a comment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from documents.models import ApprovalStatus, Document
from documents.notify import listed, notify_published, notify_uploaders
from documents.permissions import approves_documents, approves_on_behalf_of_chair
from meetings.models import Meeting


def _lock_for_decision(actor: User, document: Document) -> Document:
    require(actor, Perm.APPROVE_DOCUMENT, document)
    locked = (
        Document.objects.select_for_update(of=("self",))
        .select_related("meeting__unit", "current_version")
        .get(pk=document.pk)
    )
    if locked.is_deleted or locked.status != ApprovalStatus.PENDING:
        raise ValidationError(_("This document is not waiting for approval (any more)."), code="not_pending")
    if locked.current_version is None:
        raise ValidationError(_("This document has no file."), code="no_file")
    return locked


def _publish(actor: User, meeting: Meeting, locked: Sequence[Document]) -> None:
    """Approve the locked, pending `locked` documents of `meeting` as one publishing action:
    one audit entry per document, one notice per person (caller holds the rows' locks)."""
    ids = [d.pk for d in locked]
    published_before = (
        Document.objects.filter(meeting=meeting, is_deleted=False, published_at__isnull=False)
        .exclude(pk__in=ids)
        .exists()
    )
    now = timezone.now()
    published: list[tuple[Document, str]] = []
    for document in locked:
        document.meeting = meeting  # one shared instance for the rules
        if document.published_at is not None:
            event = "document.replaced"
        elif published_before:
            event = "document.supplemented"
        else:
            event = "document.published"
        document.status = ApprovalStatus.APPROVED
        document.decided_by = actor
        document.decided_at = now
        document.decision_comment = ""
        document.published_at = now
        document.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "published_at"])
        published.append((document, event))
    told = notify_published(meeting, actor, published)
    for document, event in published:
        version = document.current_version
        assert version is not None  # noqa: S101 - checked by the callers
        data: dict[str, Any] = {
            "meeting": meeting.pk,
            "version": version.number,
            "published_as": event,
            "notified": told[document.pk],
        }
        if len(published) > 1:
            data["batch"] = ids
        data |= _on_behalf(actor, meeting)
        log_action("document.approved", actor=actor, target=document, unit=meeting.unit, data=data)

    def one(document: Document) -> tuple[str, str]:
        number = document.current_version.number if document.current_version else 0
        return (
            _("Document approved: %(title)s") % {"title": document.title},
            _("%(name)s approved version %(number)s; attendees can open it now.")
            % {"name": actor.display_name, "number": number},
        )

    def several(group: list[Document]) -> tuple[str, str]:
        title = ngettext(
            "%(count)s document approved: meeting “%(meeting)s”",
            "%(count)s documents approved: meeting “%(meeting)s”",
            len(group),
        ) % {"count": len(group), "meeting": meeting.title}
        body = _("%(name)s approved them; attendees can open them now.") % {"name": actor.display_name}
        return title, body + "\n" + listed(group)

    notify_uploaders(locked, actor, "document.approved", one, several)


def _on_behalf(actor: User, meeting: Meeting) -> dict[str, Any]:
    """Điều 6.1c: a designated document approver decides on the chair's behalf; say so in the audit."""
    if not approves_on_behalf_of_chair(actor, meeting):
        return {}
    return {"on_behalf_of": {"chair": meeting.chair_id, "name": meeting.chair.display_name}}


def do_approve_document(actor: User, document: Document) -> Document:
    """Publish the current version to the attendees who may see it (Điều 6.1c)."""
    with transaction.atomic():
        locked = _lock_for_decision(actor, document)
        _publish(actor, locked.meeting, [locked])
    return locked


def check_bulk_approval(actor: User, meeting: Meeting, document_ids: Sequence[int] | None) -> list[Document]:
    """The pending documents of `meeting` to approve at once, locked: all those waiting (no ids),
    or exactly the chosen ones. Refuses the whole batch when the actor may not approve one of
    them (PermissionDenied) or one is no longer waiting (ValidationError). Runs inside the
    caller's transaction."""
    pending = (
        Document.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .filter(meeting=meeting, is_deleted=False, status=ApprovalStatus.PENDING)
        .order_by("agenda_item__order", "created_at", "pk")
    )
    if document_ids is not None:
        wanted = set(document_ids)
        if not wanted:
            raise ValidationError(_("Choose at least one document to approve."), code="none_chosen")
        pending = pending.filter(pk__in=wanted)
    locked = list(pending)
    for document in locked:
        document.meeting = meeting
        require(actor, Perm.APPROVE_DOCUMENT, document)
    if document_ids is not None and len(locked) != len(set(document_ids)):
        raise ValidationError(
            _(
                "Some of the chosen documents are not waiting for approval (any more). Reload the page and choose again."
            ),
            code="not_pending",
        )
    if not locked:
        raise ValidationError(_("No document of this meeting is waiting for approval."), code="nothing_pending")
    if any(d.current_version is None for d in locked):
        raise ValidationError(_("A chosen document has no file."), code="no_file")
    return locked


def do_approve_documents(actor: User, meeting: Meeting, document_ids: Sequence[int] | None = None) -> list[Document]:
    """Approve several documents of one meeting at once ("approve all" or the chosen ones).

    All or nothing: each document is checked as a single approval would be (Perm.APPROVE_DOCUMENT,
    still pending); one audit entry per document; the attendees get one notice for the batch."""
    if not (can(actor, Perm.VIEW_MEETING, meeting) and approves_documents(actor, meeting)):
        raise PermissionDenied
    with transaction.atomic():
        locked = check_bulk_approval(actor, meeting, document_ids)
        _publish(actor, meeting, locked)
    return locked


def do_return_document(actor: User, document: Document, comment: str) -> Document:
    """Send the document back to the people preparing it, saying what to change."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": [_("Write a comment so the organiser knows what to change.")]})
    with transaction.atomic():
        locked = _lock_for_decision(actor, document)
        version = locked.current_version
        assert version is not None  # noqa: S101 - checked by _lock_for_decision
        locked.status = ApprovalStatus.RETURNED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_comment = comment
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        log_action(
            "document.returned",
            actor=actor,
            target=locked,
            unit=locked.meeting.unit,
            data={"meeting": locked.meeting_id, "version": version.number, "comment": comment}
            | _on_behalf(actor, locked.meeting),
        )
        notify_uploaders(
            [locked],
            actor,
            "document.returned",
            lambda document: (
                _("Document returned: %(title)s") % {"title": document.title},
                comment + "\n" + _("Upload a corrected version; it goes back to the approver."),
            ),
        )
    return locked
