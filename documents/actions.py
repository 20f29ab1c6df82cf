"""Every write to meeting documents: adding, new versions, approval before publishing (Điều
6.1c), restriction to chosen people (6.1b), deletion. `check_*` validates; `do_*` mutates
atomically, audits, and notifies / enqueues processing on commit (STYLE.md §2-3).

Publishing rule: attendees see a document only while it is approved. A new version sends the
document back to the approver, and attendees cannot open it until that version is approved
(docs/documents.md explains why). Attendees are notified when a document is published, when a
further document is published after others ("bổ sung") and when a replaced one is published
again ("thay thế") — only those who may open it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from documents.models import ApprovalStatus, Document, DocumentKind, DocumentVersion, Security
from documents.permissions import approves_documents
from documents.search import fold
from documents.titles import normalise_title
from meetings.models import AgendaItem, Answer, Invitation, InvitationKind, Meeting
from notifications.actions import do_notify

if TYPE_CHECKING:
    from documents.validation import Detected

logger = logging.getLogger("documents.actions")


def _require(actor: User, perm: Perm, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied


# --- checks -----------------------------------------------------------------------------------


def reader_candidates(meeting: Meeting) -> QuerySet[User]:
    """People who can be chosen to open a restricted document: the officials invited (not those
    who sent a substitute), the chair and the document approver."""
    invited = Invitation.objects.filter(meeting=meeting, kind=InvitationKind.USER).exclude(answer=Answer.DELEGATED)
    people = Q(pk__in=invited.values("user_id")) | Q(pk=meeting.chair_id)
    if meeting.document_approver_id is not None:
        people |= Q(pk=meeting.document_approver_id)
    return User.objects.filter(people, is_active=True).select_related("unit").order_by("full_name", "pk")


def check_document_fields(
    meeting: Meeting,
    *,
    title: str,
    kind: str,
    agenda_item: AgendaItem | None,
    security: str,
    readers: Sequence[User] = (),
) -> None:
    errors: dict[str, list[str]] = {}
    title = normalise_title(title)
    if not title:
        errors["title"] = [_("Enter the document title.")]
    elif len(title) > 300:
        errors["title"] = [_("The title can be at most 300 characters.")]
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Choose the kind of document.")]
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = [_("Choose an agenda item of this meeting.")]
    check_restriction(meeting, security=security, readers=readers, errors=errors)
    if errors:
        raise ValidationError(errors)


def check_restriction(
    meeting: Meeting, *, security: str, readers: Sequence[User], errors: dict[str, list[str]] | None = None
) -> None:
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


# --- storing files ----------------------------------------------------------------------------


class _HashingFile(File):
    """Feeds the sha256 while the storage reads the file (one pass over a large file)."""

    def __init__(self, file: BinaryIO, name: str) -> None:
        super().__init__(file, name=name)
        self.source = file
        self.hasher = hashlib.sha256()
        self.bytes_read = 0

    def read(self, *args: Any) -> bytes:
        data = self.source.read(*args)
        self.hasher.update(data)
        self.bytes_read += len(data)
        return data

    def seek(self, *args: Any) -> int:
        position = self.source.seek(*args)
        if position == 0:  # a storage that reads twice starts the digest again
            self.hasher, self.bytes_read = hashlib.sha256(), 0
        return position


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            hasher.update(block)
    return hasher.hexdigest()


def _store(version: DocumentVersion, upload_path: Path | str) -> None:
    """Copy the checked upload into the default storage under a random name (models._version_path).

    Outside any transaction on purpose: copying 100 MB must not hold the database."""
    path = Path(upload_path)
    size = path.stat().st_size
    name = f"upload{version.extension}"  # replaced by a random name (models._version_path)
    with path.open("rb") as handle:
        content = _HashingFile(handle, name=name)
        version.file.save(name, content, save=False)
    version.size = size
    version.sha256 = content.hasher.hexdigest() if content.bytes_read == size else _sha256(path)


def _unstore(version: DocumentVersion) -> None:
    if version.file.name:
        try:
            version.file.storage.delete(version.file.name)
        except OSError:
            logger.exception("Could not delete %s after a failed upload", version.file.name)


def _schedule_processing(version: DocumentVersion) -> None:
    from documents.tasks import process_version  # written alongside; imported when needed

    version_id = version.pk
    transaction.on_commit(lambda: process_version.enqueue(version_id), robust=True)


# --- notifications ----------------------------------------------------------------------------


def _meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk]) + "#documents"


def _document_url(document: Document) -> str:
    try:
        return reverse("documents:view", args=[document.pk])
    except NoReverseMatch:
        return _meeting_url(document.meeting)


def _people_around(meeting: Meeting) -> list[User]:
    from meetings.notify import attendee_users, unit_receivers

    people = attendee_users(meeting) + unit_receivers(meeting)
    people += list(User.objects.filter(pk__in=[meeting.chair_id, meeting.document_approver_id], is_active=True))
    return list({u.pk: u for u in people}.values())


def document_approvers(document: Document) -> list[User]:
    """Who may approve the document now (chair / designated approver / PPC Office leader attending)."""
    return [u for u in _people_around(document.meeting) if can(u, Perm.APPROVE_DOCUMENT, document)]


def _readers_now(document: Document, candidates: Iterable[User]) -> list[User]:
    return [u for u in candidates if can(u, Perm.VIEW_DOCUMENT, document)]


def _notify_approvers(document: Document, actor: User, version: DocumentVersion) -> None:
    approvers = [u for u in document_approvers(document) if u.pk != actor.pk]
    if not approvers:
        return
    meeting = document.meeting
    if version.number > 1:
        body = _("%(name)s uploaded version %(number)s of “%(document)s” for the meeting “%(meeting)s”.") % {
            "name": actor.display_name,
            "number": version.number,
            "document": document.title,
            "meeting": meeting.title,
        }
    else:
        body = _("%(name)s uploaded “%(document)s” for the meeting “%(meeting)s”.") % {
            "name": actor.display_name,
            "document": document.title,
            "meeting": meeting.title,
        }
    do_notify(
        approvers,
        event="document.approval_requested",
        title=_("Document waiting for your approval: %(title)s") % {"title": document.title},
        body=body + "\n" + _("Approve it or return it with a comment; attendees see it only after approval."),
        url=reverse("documents:approvals"),
        target=document,
    )


_SINGLE_TITLES = {
    "document.published": gettext_lazy("New meeting document: %(title)s"),
    "document.supplemented": gettext_lazy("Additional meeting document: %(title)s"),
    "document.replaced": gettext_lazy("Meeting document replaced: %(title)s"),
}
# At most this many titles are listed in a grouped notice; the rest are counted.
LISTED_TITLES = 10


def _group_title(event: str, count: int, meeting: Meeting) -> str:
    values = {"count": count, "meeting": meeting.title}
    if event == "document.published":
        return (
            ngettext(
                "%(count)s new document of the meeting “%(meeting)s”",
                "%(count)s new documents of the meeting “%(meeting)s”",
                count,
            )
            % values
        )
    if event == "document.replaced":
        return (
            ngettext(
                "%(count)s replaced document of the meeting “%(meeting)s”",
                "%(count)s replaced documents of the meeting “%(meeting)s”",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(count)s additional document of the meeting “%(meeting)s”",
            "%(count)s additional documents of the meeting “%(meeting)s”",
            count,
        )
        % values
    )


def _listed(documents: Sequence[Document]) -> str:
    lines = [f"• {d.title}" for d in documents[:LISTED_TITLES]]
    if len(documents) > LISTED_TITLES:
        rest = len(documents) - LISTED_TITLES
        lines.append(ngettext("… and %(count)s more", "… and %(count)s more", rest) % {"count": rest})
    return "\n".join(lines)


def _visible_to(user: User, documents: Sequence[Document], meeting_wide: dict[int, bool]) -> list[Document]:
    """The published `documents` (all of one meeting) that `user` may open.

    For an approved document visible to all attendees the rule depends only on the person and the
    meeting, so it is asked once per person (`meeting_wide`) rather than once per document."""
    seen = []
    for document in documents:
        if document.is_restricted:
            if can(user, Perm.VIEW_DOCUMENT, document):
                seen.append(document)
            continue
        if user.pk not in meeting_wide:
            meeting_wide[user.pk] = can(user, Perm.VIEW_DOCUMENT, document)
        if meeting_wide[user.pk]:
            seen.append(document)
    return seen


def _notify_published(meeting: Meeting, actor: User, published: Sequence[tuple[Document, str]]) -> dict[int, int]:
    """One notice per person for one publishing action, however many documents it published.

    `published` pairs each document just approved with how it was published (documents.published /
    supplemented / replaced). A person who may open one of them gets the notice of that document;
    one who may open several gets "N new / additional / replaced documents of the meeting X",
    listing their titles. Returns how many people were told of each document (by id)."""
    documents = [d for d, _event in published]
    events = {d.pk: e for d, e in published}
    meeting_wide: dict[int, bool] = {}
    by_set: dict[tuple[int, ...], list[User]] = {}
    for person in _people_around(meeting):
        if person.pk == actor.pk:
            continue
        seen = _visible_to(person, documents, meeting_wide)
        if seen:
            by_set.setdefault(tuple(d.pk for d in seen), []).append(person)
    when = timezone.localtime(meeting.start)
    intro = _("For the meeting “%(meeting)s” at %(when)s.") % {
        "meeting": meeting.title,
        "when": f"{when:%H:%M %d/%m/%Y}",
    }
    told = dict.fromkeys(events, 0)
    by_id = {d.pk: d for d in documents}
    target: models.Model
    for ids, people in by_set.items():
        group = [by_id[pk] for pk in ids]
        kinds = {events[pk] for pk in ids}
        if len(group) == 1:
            document, event = group[0], events[ids[0]]
            title = _SINGLE_TITLES[event] % {"title": document.title}
            body = intro
            if event == "document.replaced" and document.current_version is not None:
                body += "\n" + _("This is version %(number)s; the earlier version is no longer shown.") % {
                    "number": document.current_version.number
                }
            url, target = _document_url(document), document
        else:
            # One kind for the whole notice: "new" only when the meeting had nothing published before.
            event = kinds.pop() if len(kinds) == 1 else "document.supplemented"
            title = _group_title(event, len(group), meeting)
            body = intro + "\n" + _listed(group)
            url, target = _meeting_url(meeting), meeting
        do_notify(people, event=event, title=title, body=body, url=url, target=target)
        for pk in ids:
            told[pk] += len(people)
    return told


def _notify_uploaders(
    documents: Sequence[Document],
    actor: User,
    event: str,
    one: Callable[[Document], tuple[str, str]],
    several: Callable[[list[Document]], tuple[str, str]] | None = None,
) -> None:
    """The creator and uploader of each document, one notice per person for one action: `one`
    gives the (title, body) about a single document, `several` about a batch."""
    by_person: dict[int, list[Document]] = {}
    for document in documents:
        ids = {document.created_by_id}
        if document.current_version is not None:
            ids.add(document.current_version.uploaded_by_id)
        ids.discard(actor.pk)
        for pk in ids:
            by_person.setdefault(pk, []).append(document)
    users = {u.pk: u for u in User.objects.filter(pk__in=by_person)} if by_person else {}
    by_set: dict[tuple[int, ...], list[User]] = {}
    for pk, mine in by_person.items():
        if pk in users:
            by_set.setdefault(tuple(d.pk for d in mine), []).append(users[pk])
    by_id = {d.pk: d for d in documents}
    for chosen, people in by_set.items():
        group = [by_id[pk] for pk in chosen]
        if len(group) == 1 or several is None:
            for document in group:
                title, body = one(document)
                do_notify(
                    people, event=event, title=title, body=body, url=_meeting_url(document.meeting), target=document
                )
        else:
            title, body = several(group)
            meeting = group[0].meeting
            do_notify(people, event=event, title=title, body=body, url=_meeting_url(meeting), target=meeting)


# --- actions ----------------------------------------------------------------------------------


def do_add_document(
    actor: User,
    meeting: Meeting,
    *,
    upload_path: Path | str,
    detected: Detected,
    original_name: str,
    title: str,
    kind: str = DocumentKind.REFERENCE,
    agenda_item: AgendaItem | None = None,
    security: str = Security.ALL_ATTENDEES,
    readers: Sequence[User] = (),
    allow_download: bool = True,
) -> Document:
    """A new document from a checked file (documents.validation.check_file gave `detected`).

    It waits for the approver; the file is copied to storage, the caller removes `upload_path`."""
    _require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    check_document_fields(meeting, title=title, kind=kind, agenda_item=agenda_item, security=security, readers=readers)
    title = normalise_title(title)
    document = Document(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        kind=kind,
        security=security,
        allow_download=allow_download,
        status=ApprovalStatus.PENDING,
        created_by=actor,
        search_text=fold(title),
    )
    version = DocumentVersion(
        document=document,
        number=1,
        original_name=original_name,
        file_type=detected.file_type,
        extension=detected.extension,
        uploaded_by=actor,
    )
    _store(version, upload_path)
    try:
        with transaction.atomic():
            document.save()
            version.document = document
            version.save()
            document.current_version = version
            document.save(update_fields=["current_version"])
            if security == Security.RESTRICTED:
                document.readers.set(readers)
            log_action(
                "document.uploaded",
                actor=actor,
                target=document,
                unit=meeting.unit,
                data={
                    "meeting": meeting.pk,
                    "title": title,
                    "file": original_name,
                    "type": detected.file_type,
                    "size": version.size,
                    "sha256": version.sha256,
                    "security": security,
                    "readers": sorted(u.username for u in readers) if security == Security.RESTRICTED else [],
                },
            )
            _notify_approvers(document, actor, version)
            _schedule_processing(version)
    except BaseException:
        _unstore(version)
        raise
    return document


def do_add_version(
    actor: User, document: Document, *, upload_path: Path | str, detected: Detected, original_name: str
) -> DocumentVersion:
    """Replace the file: version n+1 becomes current, older ones stay for the managers. The
    document goes back to the approver; attendees cannot open it until it is approved again."""
    meeting = document.meeting
    _require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    if document.is_deleted:
        raise PermissionDenied
    version = DocumentVersion(
        document=document,
        number=0,  # set under the document's lock
        original_name=original_name,
        file_type=detected.file_type,
        extension=detected.extension,
        uploaded_by=actor,
    )
    _store(version, upload_path)
    try:
        with transaction.atomic():
            locked = (
                Document.objects.select_for_update(of=("self",)).select_related("meeting__unit").get(pk=document.pk)
            )
            if locked.is_deleted:
                raise ValidationError(_("This document has been deleted."), code="deleted")
            latest = locked.versions.aggregate(latest=Max("number"))["latest"] or 0
            version.number = latest + 1
            version.document = locked
            version.save()
            was_published = locked.status == ApprovalStatus.APPROVED
            previous = locked.status
            locked.current_version = version
            locked.status = ApprovalStatus.PENDING
            locked.decision_comment = ""
            locked.search_text = fold(locked.title)  # the new text comes with processing
            locked.save(update_fields=["current_version", "status", "decision_comment", "search_text"])
            log_action(
                "document.version_added",
                actor=actor,
                target=locked,
                unit=meeting.unit,
                data={
                    "meeting": meeting.pk,
                    "version": version.number,
                    "file": original_name,
                    "type": detected.file_type,
                    "size": version.size,
                    "sha256": version.sha256,
                    "previous_status": previous,
                    "was_published": was_published,
                },
            )
            _notify_approvers(locked, actor, version)
            _schedule_processing(version)
    except BaseException:
        _unstore(version)
        raise
    document.refresh_from_db()
    return version


def _lock_for_decision(actor: User, document: Document) -> Document:
    _require(actor, Perm.APPROVE_DOCUMENT, document)
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
    told = _notify_published(meeting, actor, published)
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
        return title, body + "\n" + _listed(group)

    _notify_uploaders(locked, actor, "document.approved", one, several)


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
        _require(actor, Perm.APPROVE_DOCUMENT, document)
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
            data={"meeting": locked.meeting_id, "version": version.number, "comment": comment},
        )
        _notify_uploaders(
            [locked],
            actor,
            "document.returned",
            lambda document: (
                _("Document returned: %(title)s") % {"title": document.title},
                comment + "\n" + _("Upload a corrected version; it goes back to the approver."),
            ),
        )
    return locked


def do_set_restriction(
    actor: User, document: Document, security: str, readers: Sequence[User], allow_download: bool
) -> Document:
    """Who may open the document (all attendees or chosen people) and whether they may download it."""
    meeting = document.meeting
    _require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    check_restriction(meeting, security=security, readers=readers)
    readers = list(readers) if security == Security.RESTRICTED else []
    with transaction.atomic():
        locked = Document.objects.select_for_update(of=("self",)).select_related("meeting__unit").get(pk=document.pk)
        if locked.is_deleted:
            raise PermissionDenied
        candidates = _people_around(meeting)
        before = {u.pk for u in _readers_now(locked, candidates)}
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
        gained = [u for u in _readers_now(locked, candidates) if u.pk not in before and u.pk != actor.pk]
        if gained:
            do_notify(
                gained,
                event="document.shared",
                title=_("You may now open: %(title)s") % {"title": locked.title},
                body=_("A document of the meeting “%(meeting)s” has been opened to you.") % {"meeting": meeting.title},
                url=_document_url(locked),
                target=locked,
            )
    return locked


def do_delete_document(actor: User, document: Document) -> Document:
    """Withdraw the document (kept in the database and the audit trail, shown to nobody)."""
    meeting = document.meeting
    _require(actor, Perm.MANAGE_DOCUMENTS, meeting)
    with transaction.atomic():
        locked = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
        if locked.is_deleted:
            raise ValidationError(_("This document has already been deleted."), code="deleted")
        locked.is_deleted = True
        locked.save(update_fields=["is_deleted"])
        log_action(
            "document.deleted",
            actor=actor,
            target=locked,
            unit=meeting.unit,
            data={"meeting": meeting.pk, "title": locked.title, "status": locked.status},
        )
    return locked
