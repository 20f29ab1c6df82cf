"""Reads shared by meeting views, the calendar and (later) reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit, Right, User
from accounts.permissions import Perm, can, has_right, is_ppc_office_leader
from meetings import rules
from meetings.access import visible_meetings
from meetings.models import SCHEDULED_STATUSES, Answer, Invitation, InvitationKind, Meeting, MeetingStatus
from meetings.permissions import answers_for_unit_q


def involved_q(user: User) -> Q:
    mine = (
        Invitation.objects.filter(kind=InvitationKind.USER, user=user)
        .exclude(answer=Answer.DELEGATED)
        .values("meeting_id")
    )
    units = Invitation.objects.filter(answers_for_unit_q(user)).values("meeting_id")
    return Q(organiser=user) | Q(chair=user) | Q(approver=user) | Q(pk__in=mine) | Q(pk__in=units)


def my_upcoming(user: User) -> QuerySet[Meeting]:
    return (
        visible_meetings(user)
        .filter(involved_q(user), end__gte=timezone.now())
        .exclude(status__in=[MeetingStatus.REJECTED])
        .order_by("start")
    )


def approval_queue(user: User) -> QuerySet[Meeting]:
    """Meetings waiting for this user's decision (designated approver, or a leader of the unit)."""
    q = Q(approver=user)
    if has_right(user, Right.LEADER):
        q |= Q(approver__isnull=True, unit_id=user.unit_id)
    return (
        Meeting.objects.filter(q, status=MeetingStatus.SUBMITTED)
        .select_related("unit", "organiser", "room")
        .order_by("start")
    )


def deadline_info(meeting: Meeting) -> dict[str, Any]:
    now = timezone.now()
    deadline = rules.approval_deadline(meeting)
    return {"deadline": deadline, "overdue": now > deadline, "remaining": deadline - now}


def invitation_rows(meeting: Meeting) -> list[Invitation]:
    return list(
        meeting.invitations.select_related(
            "user__unit", "unit__document_receiver", "substitute_for__user", "answered_by"
        ).order_by("role", "kind", "id")
    )


def answer_counts(invitations: list[Invitation]) -> dict[str, int]:
    counts = Counter(i.answer for i in invitations if i.kind != InvitationKind.GUEST)
    return {
        "invited": sum(1 for i in invitations if i.kind == InvitationKind.USER and i.substitute_for_id is None),
        "units": sum(1 for i in invitations if i.kind == InvitationKind.UNIT),
        "guests": sum(1 for i in invitations if i.kind == InvitationKind.GUEST),
        "confirmed": counts[Answer.CONFIRMED],
        "declined": counts[Answer.DECLINED],
        "delegated": counts[Answer.DELEGATED],
        "pending": counts[Answer.PENDING],
    }


# The organiser dashboard's counters, in the order shown.
ANSWER_COUNT_LABELS = {
    "invited": gettext_lazy("Officials invited"),
    "units": gettext_lazy("Units invited"),
    "guests": gettext_lazy("Outside guests"),
    "confirmed": gettext_lazy("Will attend"),
    "declined": gettext_lazy("Will not attend"),
    "delegated": gettext_lazy("Sent a substitute"),
    "pending": gettext_lazy("No answer yet"),
}


def answer_count_rows(counts: dict[str, int]) -> list[tuple[str, Any, int]]:
    """(key, translated label, value) for each counter of answer_counts."""
    return [(key, label, counts[key]) for key, label in ANSWER_COUNT_LABELS.items()]


def attendee_users(meeting: Meeting) -> QuerySet[User]:
    """The people attending `meeting` now, the one answer to "who attends": the officials invited
    by name or named by an invited unit, the support staff, and substitutes; not those who sent a
    substitute. Active accounts only, in name order."""
    invited = Invitation.objects.filter(meeting=meeting, kind=InvitationKind.USER).exclude(answer=Answer.DELEGATED)
    return User.objects.filter(pk__in=invited.values("user_id"), is_active=True)


def document_approvers(meeting: Meeting) -> list[User]:
    """Who will approve the documents (Điều 6.1c), shown before submission: the chair and the
    designated approver (on the chair's behalf); for a PPC meeting, the PPC Office leaders who
    attend it (empty: nobody could, and the meeting is refused at submission)."""
    if meeting.is_ppc_meeting:
        return [u for u in attendee_users(meeting).select_related("unit") if is_ppc_office_leader(u)]
    people = [meeting.chair]
    if meeting.document_approver is not None and meeting.document_approver_id != meeting.chair_id:
        people.append(meeting.document_approver)
    return people


def my_invitation(meeting: Meeting, user: User) -> Invitation | None:
    return (
        meeting.invitations.filter(kind=InvitationKind.USER, user=user).select_related("substitute_for__user").first()
    )


def unit_fallback_receivers(units: list[OrgUnit]) -> dict[int, list[User]]:
    """For units without a document receiver: their active unit administrators and leaders, who
    receive the unit's invitation instead (one query for all the units)."""
    found: dict[int, list[User]] = {unit.pk: [] for unit in units}
    if not found:
        return found
    people = (
        User.objects.filter(
            unit_id__in=list(found),
            is_active=True,
            is_external=False,
            grants__right__in=[Right.UNIT_ADMIN, Right.LEADER],
        )
        .distinct()
        .order_by("full_name")
    )
    for person in people:
        if person.unit_id is not None:
            found[person.unit_id].append(person)
    return found


@dataclass(frozen=True)
class MissingReceiver:
    """An invited unit without a document receiver, and who is told instead."""

    unit: OrgUnit
    fallback: list[User]


def units_without_receiver(invitations: list[Invitation]) -> list[MissingReceiver]:
    """Unit invitations whose unit has no document receiver (`invitations` from invitation_rows,
    or any list whose units are loaded)."""
    units = [
        i.unit for i in invitations if i.kind == InvitationKind.UNIT and i.unit and not i.unit.document_receiver_id
    ]
    fallback = unit_fallback_receivers(units)
    return [MissingReceiver(unit, fallback[unit.pk]) for unit in sorted(units, key=lambda u: u.name)]


def receiver_warning(missing: list[MissingReceiver]) -> str:
    """The Vietnamese warning shown at registration, at approval and on the dashboard."""
    if not missing:
        return ""
    names = ", ".join(m.unit.name for m in missing)
    text = _(
        "These invited units have no document receiver: %(units)s. Their invitation goes to the unit's "
        "administrators and leaders instead; ask the unit administrator to set a document receiver."
    ) % {"units": names}
    nobody = [m.unit.name for m in missing if not m.fallback]
    if nobody:
        text += " " + _(
            "Nobody can receive the invitation of %(units)s (no receiver, administrator or leader): "
            "invite their officials by name."
        ) % {"units": ", ".join(nobody)}
    return text


HOME_LIMIT = 5


def home_summary(user: User) -> dict[str, Any]:
    """What the home page shows about meetings: the next ones and what waits for the user
    (answers owed for themself and for the units they answer for, approvals). A fixed number of
    queries whatever the number of meetings."""
    now = timezone.now()
    open_for_answers = {"meeting__status__in": SCHEDULED_STATUSES, "meeting__start__gt": now}
    unanswered = (
        Invitation.objects.filter(kind=InvitationKind.USER, user=user, answer=Answer.PENDING, **open_for_answers)
        .select_related("meeting__room", "substitute_for__user")
        .order_by("meeting__start", "pk")
    )
    unit_unanswered = (
        Invitation.objects.filter(answers_for_unit_q(user), answer=Answer.PENDING, **open_for_answers)
        .select_related("meeting__room", "unit")
        .order_by("meeting__start", "pk")
    )
    approvals = [{"meeting": m, **deadline_info(m)} for m in approval_queue(user)]
    return {
        "next_meetings": list(
            my_upcoming(user).filter(status__in=[*SCHEDULED_STATUSES, MeetingStatus.IN_PROGRESS])[:HOME_LIMIT]
        ),
        "unanswered": list(unanswered[:HOME_LIMIT]),
        "unit_unanswered": list(unit_unanswered[:HOME_LIMIT]),
        "approvals": approvals[:HOME_LIMIT],
        "approval_count": len(approvals),
        "can_register": can(user, Perm.REGISTER_MEETINGS),
    }
