"""Who hears about what in the documents workflow. Called inside the actions' transactions
(documents.actions): notifications are written with the change and sent after commit
(notifications.actions).

Attendees are notified when a document is published, when a further document is published after
others ("bổ sung") and when a replaced one is published again ("thay thế") — only those who may
open it, one notice per person for one publishing action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.permissions import Perm, can
from documents.models import Document, DocumentVersion
from meetings.models import Meeting
from meetings.notify import unit_receivers
from meetings.queries import attendee_users
from notifications.actions import do_notify


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk]) + "#documents"


def document_url(document: Document) -> str:
    try:
        return reverse("documents:view", args=[document.pk])
    except NoReverseMatch:
        return meeting_url(document.meeting)


def people_around(meeting: Meeting) -> list[User]:
    """Everyone who may come to see the meeting's documents: attendees, unit receivers, the chair
    and the document approver (each once)."""
    people = [*attendee_users(meeting), *unit_receivers(meeting)]
    people += list(User.objects.filter(pk__in=[meeting.chair_id, meeting.document_approver_id], is_active=True))
    return list({u.pk: u for u in people}.values())


def document_approvers(document: Document) -> list[User]:
    """Who may approve the document now (chair / designated approver / PPC Office leader attending)."""
    return [u for u in people_around(document.meeting) if can(u, Perm.APPROVE_DOCUMENT, document)]


def readers_among(document: Document, candidates: Iterable[User]) -> list[User]:
    return [u for u in candidates if can(u, Perm.VIEW_DOCUMENT, document)]


def notify_approvers(document: Document, actor: User, version: DocumentVersion) -> None:
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


def listed(documents: Sequence[Document]) -> str:
    """The titles of a grouped notice, one a line, at most LISTED_TITLES of them."""
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


def notify_published(meeting: Meeting, actor: User, published: Sequence[tuple[Document, str]]) -> dict[int, int]:
    """One notice per person for one publishing action, however many documents it published.

    `published` pairs each document just approved with how it was published (documents.published /
    supplemented / replaced). A person who may open one of them gets the notice of that document;
    one who may open several gets "N new / additional / replaced documents of the meeting X",
    listing their titles. Returns how many people were told of each document (by id)."""
    documents = [d for d, _event in published]
    events = {d.pk: e for d, e in published}
    meeting_wide: dict[int, bool] = {}
    by_set: dict[tuple[int, ...], list[User]] = {}
    for person in people_around(meeting):
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
            url, target = document_url(document), document
        else:
            # One kind for the whole notice: "new" only when the meeting had nothing published before.
            event = kinds.pop() if len(kinds) == 1 else "document.supplemented"
            title = _group_title(event, len(group), meeting)
            body = intro + "\n" + listed(group)
            url, target = meeting_url(meeting), meeting
        do_notify(people, event=event, title=title, body=body, url=url, target=target)
        for pk in ids:
            told[pk] += len(people)
    return told


def notify_uploaders(
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
                    people, event=event, title=title, body=body, url=meeting_url(document.meeting), target=document
                )
        else:
            title, body = several(group)
            meeting = group[0].meeting
            do_notify(people, event=event, title=title, body=body, url=meeting_url(meeting), target=meeting)
