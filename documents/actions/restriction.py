"""Who may open a document — all attendees, or people chosen by name (Điều 6.1b) — and whether
they may download it."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from documents.models import Document, Security
from documents.notify import document_url, people_around, readers_among
from documents.queries import reader_candidates
from meetings.models import Meeting
from notifications.actions import do_notify


def check_restriction(
    meeting: Meeting, *, security: str, readers: Sequence[User], errors: dict[str, list[str]] | None = None
) -> None:
    """With `errors`, adds to them; without, raises ValidationError."""
    own = errors if errors is not None else {}
    if security not in Security.values:
        own["security"] = [_("Choose who may open the document.")]
    elif security == Security.RESTRICTED:
        if not readers:
            own["readers"] = [_("Choose at least one person who may open this restricted document.")]
        else:
            allowed = set(reader_candidates(meeting).values_list("pk", flat=True))
            if any(user.pk not in allowed for user in readers):
                own["readers"] = [_("Only the meeting's attendees, its chair and its document approver can be chosen.")]
    if errors is None and own:
        raise ValidationError(own)


def do_set_restriction(
    actor: User, document: Document, security: str, readers: Sequence[User], allow_download: bool
) -> Document:
    """Who may open the document (all attendees or chosen people) and whether they may download it."""
    meeting = document.meeting
    require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    check_restriction(meeting, security=security, readers=readers)
    readers = list(readers) if security == Security.RESTRICTED else []
    with transaction.atomic():
        locked = Document.objects.select_for_update(of=("self",)).select_related("meeting__unit").get(pk=document.pk)
        if locked.is_deleted:
            raise PermissionDenied
        candidates = people_around(meeting)
        before = {u.pk for u in readers_among(locked, candidates)}
        old = {
            "security": locked.security,
            "readers": sorted(locked.readers.values_list("username", flat=True)),
            "allow_download": locked.allow_download,
        }
        locked.security = security
        locked.allow_download = allow_download
        locked.save(update_fields=["security", "allow_download"])
        locked.readers.set(readers)
        new = {"security": security, "readers": sorted(u.username for u in readers), "allow_download": allow_download}
        log_action(
            "document.restricted",
            actor=actor,
            target=locked,
            unit=meeting.unit,
            data={"meeting": meeting.pk, "before": old, "after": new},
        )
        gained = [u for u in readers_among(locked, candidates) if u.pk not in before and u.pk != actor.pk]
        if gained:
            do_notify(
                gained,
                event="document.shared",
                title=_("You may now open: %(title)s") % {"title": locked.title},
                body=_("A document of the meeting “%(meeting)s” has been opened to you.") % {"meeting": meeting.title},
                url=document_url(locked),
                target=locked,
            )
    return locked
