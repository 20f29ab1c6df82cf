"""The ballot chain of a poll: every counted choice is committed to a hash chain when it is stored.

Both kinds of poll store their choices through here (in-meeting votes through
`polls.actions`, opinion collections through `opinions.actions`), in the transaction that
writes the choices and with the poll row locked (its `ballot_seq`/`ballot_hash` are the head):
one lock and one bulk insert per batch of ballots, not per ballot.

Entries (`BallotEntry.data`):

- `cast` — {"ballot": the choice's random id, "question", "option", "other": SHA-256 of the
  written opinion or ""}, and for a named poll also {"participation", "voter"}. The entry of a
  secret choice names no voter and has no time; the entries of one batch are written in the order
  of their random ids, not in the voters' order. (What remains is the order of batches: someone
  with the database can see which choices arrived in the same batch, as the physical order of
  the rows already shows; see docs/live-room.md.)
- `withdrawn` — {"ballot"}: a named opinion answer was replaced by a later one.
- `closed` — {"voters", "tally": {option id: count}}: the poll closed; the tally is sealed.

`verify_poll` replays the chain and compares it with the stored choices: a choice changed,
added or deleted in the database, and a tally that no longer matches the sealed one, are each
reported by name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db.models import Count

from audit.chain import GENESIS_HASH, walk
from audit.verify import CheckResult
from polls.models import BallotEntry, Choice, Participation, Poll, PollState


def _other_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest() if text else ""


def cast_data(choice: Choice, voter_id: int | None) -> dict[str, Any]:
    """What the chain commits to for one stored choice (`voter_id` of a named choice's participation)."""
    data: dict[str, Any] = {
        "ballot": str(choice.pk),
        "question": choice.question_id,
        "option": choice.option_id,
        "other": _other_digest(choice.other_text),
    }
    if choice.participation_id is not None:
        data["participation"] = choice.participation_id
        data["voter"] = voter_id
    return data


def locked_head(poll: Poll) -> Poll:
    """The poll row locked for appending (state, closing time and head as stored now)."""
    return Poll.objects.select_for_update(of=("self",)).get(pk=poll.pk)


def _append(head: Poll, entries: list[tuple[str, dict[str, Any]]]) -> None:
    """Caller holds the lock on `head` (see `locked_head`)."""
    if not entries:
        return
    prev, seq = head.ballot_hash or GENESIS_HASH, head.ballot_seq
    rows = []
    for action, data in entries:
        seq += 1
        row = BallotEntry(poll_id=head.pk, seq=seq, action=action, data=data, prev_hash=prev)
        row.hash = prev = row.compute_hash()
        rows.append(row)
    BallotEntry.objects.bulk_create(rows)
    head.ballot_seq, head.ballot_hash = seq, prev
    Poll.objects.filter(pk=head.pk).update(ballot_seq=seq, ballot_hash=prev)


def store_choices(head: Poll, choices: list[Choice], voters: dict[int, int] | None = None) -> list[Choice]:
    """Insert `choices` and their `cast` entries. Caller is atomic and holds the lock on `head`;
    `voters` maps the participation ids of named choices to their voter ids."""
    voters = voters or {}
    # Rows and entries in the order of the random ids: nothing in the batch follows the voters' order.
    ordered = sorted(choices, key=lambda c: str(c.pk))
    Choice.objects.bulk_create(ordered)
    _append(head, [("cast", cast_data(c, voters.get(c.participation_id or 0))) for c in ordered])
    return ordered


def withdraw_choices(head: Poll, choices: Iterable[Choice]) -> None:
    """Delete the choices of a replaced named answer, and say so in the chain. Caller as above."""
    doomed = sorted(choices, key=lambda c: str(c.pk))
    Choice.objects.filter(pk__in=[c.pk for c in doomed]).delete()
    _append(head, [("withdrawn", {"ballot": str(c.pk)}) for c in doomed])


def stored_tally(poll: Poll) -> dict[str, int]:
    rows = Choice.objects.filter(poll=poll).values("option_id").annotate(n=Count("pk")).values_list("option_id", "n")
    return {str(option_id): n for option_id, n in rows}


def seal(head: Poll) -> None:
    """The poll closed: commit its tally and number of voters. Caller as above."""
    voters = Participation.objects.filter(poll_id=head.pk).count()
    _append(head, [("closed", {"voters": voters, "tally": stored_tally(head)})])


# --- verification -----------------------------------------------------------------------------


def _name(poll: Poll) -> str:
    return f"{poll.kind} poll {poll.pk}"


def verify_poll(poll: Poll) -> tuple[int, list[str]]:
    """(entries checked, problems): the chain itself, then each stored choice against its entry,
    then the tally recomputed from the stored choices against the one sealed at closing."""
    entries = list(BallotEntry.objects.filter(poll=poll).order_by("seq"))
    result = walk(entries)
    if result.problem is not None:
        return result.checked, [
            f"Ballot chain of {_name(poll)} broken at entry #{result.problem.seq}: {result.problem.reason}"
        ]
    if poll.ballot_seq != result.last_seq or (poll.ballot_hash or GENESIS_HASH) != result.last_hash:
        return result.checked, [
            f"Ballot chain of {_name(poll)} broken at entry #{poll.ballot_seq}: "
            f"entries after #{result.last_seq} were deleted"
        ]
    problems: list[str] = []
    logged: dict[str, tuple[int, dict[str, Any]]] = {}
    sealed: tuple[int, dict[str, Any]] | None = None
    for entry in entries:
        if sealed is not None:
            problems.append(f"Ballot chain of {_name(poll)}: entry #{entry.seq} comes after the closing entry")
        ballot = str(entry.data.get("ballot", ""))
        if entry.action == "cast":
            logged[ballot] = (entry.seq, entry.data)
        elif entry.action == "withdrawn":
            logged.pop(ballot, None)
        elif entry.action == "closed":
            sealed = (entry.seq, entry.data)
    stored = Choice.objects.filter(poll=poll).select_related("participation").order_by("pk")
    for choice in stored:
        key = str(choice.pk)
        voter = choice.participation.voter_id if choice.participation is not None else None
        if key not in logged:
            problems.append(f"Ballot {key} of {_name(poll)} is not in its ballot chain: it was added or changed")
            continue
        seq, data = logged.pop(key)
        if cast_data(choice, voter) != data:
            problems.append(
                f"Ballot {key} of {_name(poll)} does not match its chain entry #{seq}: "
                f"{_difference(cast_data(choice, voter), data)}"
            )
    for key, (seq, _data) in sorted(logged.items(), key=lambda item: item[1][0]):
        problems.append(f"Ballot {key} of {_name(poll)} (chain entry #{seq}) is missing: it was deleted")
    if sealed is not None:
        seq, data = sealed
        now = stored_tally(poll)
        if now != data.get("tally"):
            changed = sorted(set(now) | set(data.get("tally", {})), key=int)
            detail = ", ".join(
                f"option {o}: {now.get(o, 0)} stored, {data.get('tally', {}).get(o, 0)} sealed"
                for o in changed
                if now.get(o, 0) != data.get("tally", {}).get(o, 0)
            )
            problems.append(f"Tally of {_name(poll)} does not match the one sealed at entry #{seq}: {detail}")
        voters = Participation.objects.filter(poll=poll).count()
        if voters != data.get("voters"):
            problems.append(
                f"Voters of {_name(poll)} do not match entry #{seq}: {voters} stored, {data.get('voters')} sealed"
            )
    elif poll.state == PollState.CLOSED:
        problems.append(f"Ballot chain of {_name(poll)} has no closing entry although the poll is closed")
    return result.checked, problems


def _difference(stored: dict[str, Any], logged: dict[str, Any]) -> str:
    return ", ".join(
        f"{key} {stored.get(key)!r} stored, {logged.get(key)!r} logged"
        for key in sorted(set(stored) | set(logged))
        if stored.get(key) != logged.get(key)
    )


def check_all() -> CheckResult:
    """Every poll (registered with `audit.verify` for `manage.py verify_audit_chain`)."""
    result = CheckResult(0)
    for poll in Poll.objects.order_by("pk").iterator():
        checked, problems = verify_poll(poll)
        result.checked += checked
        result.problems.extend(problems)
    return result
