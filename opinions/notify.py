"""Notifications of an opinion collection, and the tasks scheduled at its release and expiry.

Voters (consulted people, receivers of consulted units) hear of it at the release, in the app
and, where the creator asked for it (Điều 7.1c) and they enabled it, by email and SMS. Followers
and voters hear of an extension; creator and followers hear of the close.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.actions import do_notify
from opinions.models import Collection


def url_of(collection: Collection) -> str:
    return reverse("opinions:detail", args=[collection.pk])


def voters(collection: Collection) -> list[Any]:
    people = [row.user for row in collection.people.select_related("user")]
    receivers = [
        row.unit.document_receiver
        for row in collection.units.select_related("unit__document_receiver")
        if row.unit.document_receiver is not None
    ]
    return [u for u in {u.pk: u for u in [*people, *receivers]}.values() if u.is_active]


def followers(collection: Collection) -> list[Any]:
    users = [row.user for row in collection.followers.select_related("user")]
    return [u for u in {u.pk: u for u in [collection.poll.created_by, *users]}.values() if u.is_active]


def _expiry(collection: Collection) -> str:
    expires = collection.poll.closes_at
    return f"{timezone.localtime(expires):%H:%M %d/%m/%Y}" if expires else ""


def released(collection: Collection) -> None:
    title = _("Your opinion is requested: %(title)s") % {"title": collection.poll.title}
    body = _("Please answer by %(expiry)s. Without an answer by then you are counted as agreeing (Điều 7.2).") % {
        "expiry": _expiry(collection)
    }
    do_notify(
        voters(collection),
        event="opinion.released",
        title=title,
        body=body,
        url=url_of(collection),
        target=collection.poll,
        sms_text=_("eCabinet: opinion requested, %(title)s, by %(expiry)s")
        % {
            "title": collection.poll.title[:60],
            "expiry": _expiry(collection),
        },
        email=collection.notify_email,
        sms=collection.notify_sms,
    )


def extended(collection: Collection) -> None:
    title = _("New deadline for your opinion: %(title)s") % {"title": collection.poll.title}
    body = _("The collection now expires at %(expiry)s.") % {"expiry": _expiry(collection)}
    everyone = {u.pk: u for u in [*voters(collection), *followers(collection)]}
    do_notify(
        everyone.values(),
        event="opinion.extended",
        title=title,
        body=body,
        url=url_of(collection),
        target=collection.poll,
        email=collection.notify_email,
        sms=collection.notify_sms,
    )


def closed(collection: Collection) -> None:
    title = _("Opinion collection closed: %(title)s") % {"title": collection.poll.title}
    body = _("The results are ready, with implied agreement counted separately.")
    do_notify(
        followers(collection),
        event="opinion.closed",
        title=title,
        body=body,
        url=reverse("opinions:results", args=[collection.pk]),
        target=collection.poll,
        email=collection.notify_email,
        sms=False,
    )


def schedule(collection: Collection) -> None:
    """Enqueue the release and close tasks (after commit). They check the clock themselves, so
    a stale task of an edited or extended collection does nothing."""
    from opinions.tasks import close_collection, release_collection

    pk, release_at, expires_at = collection.pk, collection.release_at, collection.poll.closes_at
    transaction.on_commit(lambda: release_collection.using(run_after=release_at).enqueue(pk))
    if expires_at is not None:
        transaction.on_commit(lambda: close_collection.using(run_after=expires_at).enqueue(pk))
