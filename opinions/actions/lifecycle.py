"""The collection row lock and the steps the clock decides: the release and the close.

Both are idempotent and bring the stored state in line with the clock; the tasks
(`opinions.tasks`) and the pages call them, so nothing waits for a worker, and every other action
takes the same lock (`locked`) before it changes a collection.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.chain import digest
from audit.log import log_action
from opinions import log as ballot_log
from opinions import notify
from opinions.models import Collection
from opinions.queries import results
from opinions.rules import Phase, phase
from polls import ballot_chain
from polls.models import Option, PollState, Question


def locked(collection: Collection) -> Collection:
    """The collection row, locked until the transaction ends: every change of a collection holds it."""
    return Collection.objects.select_for_update(of=("self",)).select_related("poll", "poll__unit").get(pk=collection.pk)


def ensure_released(collection: Collection) -> bool:
    """Record the release and notify the voters once the release time has passed (idempotent)."""
    if collection.released_notified_at is not None or timezone.now() < collection.release_at:
        return False
    with transaction.atomic():
        row = locked(collection)
        if row.released_notified_at is not None:
            return False
        now = timezone.now()
        poll = row.poll
        if poll.state == PollState.DRAFT:
            poll.state, poll.opened_at = PollState.OPEN, row.release_at
            poll.save(update_fields=["state", "opened_at"])
        row.released_notified_at = now
        row.save(update_fields=["released_notified_at"])
        ballot_log.append(row, "released", {"content": content_hash(row), "expires_at": poll.closes_at})
        log_action("opinion.released", actor=None, actor_name=_("System"), target=poll, unit=poll.unit)
        if phase(row) == Phase.OPEN:  # never ask for opinions once the expiry has passed
            notify.released(row)
    # The caller may hold (and append to) its own copy of the row: keep it current.
    collection.released_notified_at = row.released_notified_at
    collection.log_seq, collection.log_hash = row.log_seq, row.log_hash
    return True


def content_hash(collection: Collection) -> str:
    """SHA-256 of what is asked: title, description, questions and options."""
    questions = [
        {
            "text": q.text,
            "options": [[o.code, o.label] for o in Option.objects.filter(question=q).order_by("order")],
        }
        for q in Question.objects.filter(poll=collection.poll).order_by("order")
    ]
    payload = {"title": collection.poll.title, "description": collection.description, "questions": questions}
    return digest(payload)


def ensure_closed(collection: Collection) -> bool:
    """Once expired: lock the poll, write the close entry with the counts (implied consent
    included), and fix the final hash. Idempotent; nothing before the expiry."""
    if collection.final_hash or phase(collection) != Phase.EXPIRED:
        return False
    with transaction.atomic():
        row = locked(collection)
        if row.final_hash:
            return False
        ensure_released(row)
        poll = row.poll
        poll.state, poll.closed_at = PollState.CLOSED, poll.closes_at
        poll.save(update_fields=["state", "closed_at"])
        ballot_chain.seal(ballot_chain.locked_head(poll))
        summary = results(row)
        entry = ballot_log.append(
            row,
            "closed",
            {
                "consulted": summary.consulted,
                "answered": summary.answered,
                "questions": [
                    {
                        "agree_explicit": q.agree_explicit,
                        "agree_implied": q.agree_implied,
                        "disagree": q.disagree,
                        "other": q.other,
                    }
                    for q in summary.questions
                ],
            },
        )
        row.final_hash = entry.hash
        row.save(update_fields=["final_hash"])
        log_action(
            "opinion.closed",
            actor=None,
            actor_name=_("System"),
            target=poll,
            unit=poll.unit,
            data={"final_hash": entry.hash, "answered": summary.answered, "consulted": summary.consulted},
        )
        notify.closed(row)
    collection.final_hash = row.final_hash
    collection.log_seq, collection.log_hash = row.log_seq, row.log_hash
    return True
