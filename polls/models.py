"""The one poll family shared by in-meeting votes (live/) and opinion collections (Điều 7).

A poll has questions, each with options. Who took part and what was chosen are stored apart:

- `Participation` — one row per (poll, voter), enforced by a unique constraint: a retry, a double
  tap or a second device never makes a second ballot.
- `BallotEntry` — the poll's ballot chain (`polls.ballot_chain`): one hash-chained entry per
  counted choice, written in the transaction that stores it, so a choice changed, added or
  deleted in the database is found by `manage.py verify_audit_chain`. The entry of a secret
  choice holds its random id and the option, never the voter or a time.
- `Choice` — what was chosen, per question. Its primary key is a random UUID and it has no
  timestamp. For a named poll it points to the participation; for a secret poll
  `participation` is NULL, so nothing in the database joins a voter to a choice (docs/conventions.md §7).
  The only residual signal is the physical order of rows in the table; no query of ours
  orders choices by anything but the option, and results are aggregates.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgUnit
from audit.chain import AppendOnly, link_hash


class PollKind(models.TextChoices):
    MEETING_VOTE = "meeting_vote", _("Vote in a meeting")
    OPINION = "opinion", _("Opinion collection")


class PollState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("vote status", "Not opened yet")
    OPEN = "open", pgettext_lazy("vote status", "Open")
    CLOSED = "closed", pgettext_lazy("vote status", "Closed")


class Poll(models.Model):
    kind = models.CharField(max_length=16, choices=PollKind.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="polls"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="polls")
    title = models.CharField(_("title"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_secret = models.BooleanField(_("secret"), default=False)
    state = models.CharField(max_length=8, choices=PollState.choices, default=PollState.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Head of the ballot chain (`polls.ballot_chain`), moved while the row is locked.
    ballot_seq = models.PositiveIntegerField(default=0)
    ballot_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="opinion") | Q(meeting__isnull=False), name="meeting_vote_has_meeting"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField()
    text = models.TextField(_("question"))
    allow_other = models.BooleanField(_("allow another opinion"), default=False)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "order"], name="question_order_unique")]

    def __str__(self) -> str:
        return self.text[:80]


class OptionCode(models.TextChoices):
    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")
    OTHER = "other", _("Other opinion")
    CUSTOM = "custom", pgettext_lazy("vote option", "Custom")


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveIntegerField()
    label = models.CharField(_("option"), max_length=200)
    code = models.CharField(max_length=10, choices=OptionCode.choices, default=OptionCode.CUSTOM)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class Participation(models.Model):
    """That a voter took part (not what they chose).

    `unit` is set when the voter answered on behalf of a consulted unit (its document receiver,
    Điều 7.1g): then the unit, not the person, has one ballot. `changed_at` is the time of the
    last change of a named answer (opinion collections allow changes until the expiry)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "voter"], condition=Q(unit__isnull=True), name="one_ballot_per_voter"
            ),
            models.UniqueConstraint(
                fields=["poll", "unit"], condition=Q(unit__isnull=False), name="one_ballot_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}:{self.voter_id}"


class Choice(models.Model):
    """What was chosen for one question. No timestamp, random id; see the module docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="choices")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="choices")
    other_text = models.TextField(blank=True)
    participation = models.ForeignKey(
        Participation, null=True, blank=True, on_delete=models.CASCADE, related_name="choices"
    )

    def __str__(self) -> str:
        return f"{self.question_id}:{self.option_id}"


class BallotEntry(AppendOnly, models.Model):
    """One link of a poll's ballot chain (`audit.chain`); append-only. No timestamp: the chain
    of a secret poll must not say when a choice arrived."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballot_entries")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=16)  # cast | withdrawn | closed
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["poll", "seq"]
        constraints = [models.UniqueConstraint(fields=["poll", "seq"], name="one_ballot_entry_per_seq")]

    def __str__(self) -> str:
        return f"{self.poll_id}#{self.seq} {self.action}"

    def content(self) -> dict[str, Any]:
        return {"poll": self.poll_id, "seq": self.seq, "action": self.action, "data": self.data}

    def compute_hash(self) -> str:
        return link_hash(self.prev_hash, self.content())
