"""In-meeting votes (Điều 5.5): the chair creates, opens and closes a vote, an attendee who is
checked in casts a ballot from the form (the websocket's bursts go through the ballot writer).

The polls app does the integrity work (`polls.actions`: the poll row lock, one ballot per voter
by a unique constraint, the ballot chain, the audit entries); each action here adds the room's
event, sent on commit: the whole vote (`poll_data`, the same bytes for every screen) when its
state changes, the unnumbered progress ("37/52 voted") after a ballot. Who may do what:
live/permissions.py (the `meeting_vote` kind's rules).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from live import events
from live.voting import poll_data
from meetings.models import Meeting, MeetingStatus
from polls import actions as poll_actions
from polls.models import Participation, Poll, PollKind, PollState


def _poll_event(poll: Poll) -> None:
    """Caller is atomic."""
    events.emit(poll.meeting_id or 0, "poll", poll_data(poll))


def do_create_vote(
    actor: User,
    meeting: Meeting,
    *,
    question: str,
    options: list[str] | None = None,
    secret: bool = False,
    open_now: bool = False,
    closes_at: datetime | None = None,
) -> Poll:
    """A vote created on the spot: one question, agree/disagree/abstain unless custom options."""
    meeting = Meeting.objects.select_related("unit").get(pk=meeting.pk)
    require(actor, Perm.RUN_MEETING, meeting)
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise ValidationError(_("Votes are held while the meeting is in progress."))
    data = poll_actions.PollInput(
        title=question,
        questions=[poll_actions.QuestionInput(text=question, options=options)],
        is_secret=secret,
        closes_at=closes_at,
    )
    with transaction.atomic():
        poll = poll_actions.do_create_poll(
            actor, kind=PollKind.MEETING_VOTE, unit=meeting.unit, data=data, meeting=meeting
        )
        if open_now:
            poll = poll_actions.do_open_poll(actor, poll)
        _poll_event(poll)
    return poll


def do_open_vote(actor: User, poll: Poll) -> Poll:
    with transaction.atomic():
        poll = poll_actions.do_open_poll(actor, poll)
        _poll_event(poll)
    return poll


def do_close_vote(actor: User, poll: Poll) -> Poll:
    with transaction.atomic():
        poll = poll_actions.do_close_poll(actor, poll)
        _poll_event(poll)
    return poll


def close_all_open(actor: User, meeting: Meeting) -> None:
    """Close every vote still open in the meeting (the meeting is ending). Caller is atomic."""
    for poll in Poll.objects.filter(meeting=meeting, state=PollState.OPEN):
        poll = poll_actions.do_close_poll(actor, poll)
        _poll_event(poll)


def do_vote(voter: User, poll: Poll, choices: Any, other_texts: Any = None) -> Participation:
    """A ballot from the HTTP form (the websocket goes through the ballot writer)."""
    with transaction.atomic():
        participation = poll_actions.do_cast_ballot(voter, poll, choices, other_texts=other_texts)
        meeting_id = poll.meeting_id or 0
        voted = Participation.objects.filter(poll=poll).count()
        transaction.on_commit(lambda: events.broadcast(meeting_id, "poll_progress", {"id": poll.pk, "voted": voted}))
    return participation
