"""Every write to meetings. `check_*` validates into clean values; `do_*` mutates atomically,
audits, and sends notifications / schedules tasks on commit (STYLE.md §2-3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.permissions import Perm, can
from audit.log import log_action
from meetings import notify, queries, rules
from meetings.models import (
    BOOKED_STATUSES,
    SCHEDULED_STATUSES,
    AgendaItem,
    Answer,
    CalendarFeed,
    Invitation,
    InvitationKind,
    InvitationRole,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Room,
    SupportRequest,
    SupportStatus,
)


def _require(actor: User, perm: Perm, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied


def _fmt(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


# --- input shapes -----------------------------------------------------------------------------


@dataclass
class AgendaLine:
    title: str
    presenter: str = ""
    duration_minutes: int = 15


@dataclass
class Guest:
    name: str
    organisation: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class MeetingData:
    """Everything a registration form collects (Điều 6.1b)."""

    title: str
    start: datetime
    end: datetime
    chair: User
    content: str = ""
    room: Room | None = None
    place: str = ""
    format: str = MeetingFormat.IN_PERSON
    online_link: str = ""
    kind: str = "regular"
    is_ppc_meeting: bool = False
    document_approver: User | None = None
    document_preparer: User | None = None
    preparing_unit: OrgUnit | None = None
    agenda: list[AgendaLine] = field(default_factory=list)
    attendees: list[User] = field(default_factory=list)
    attendee_units: list[OrgUnit] = field(default_factory=list)
    guests: list[Guest] = field(default_factory=list)
    support_staff: list[User] = field(default_factory=list)
    # An uploaded invitation letter (PDF), kept beside the generated one; None keeps the current file.
    invitation_file: Any = None


INVITATION_FILE_MAX_BYTES = 10 * 1024 * 1024


def check_invitation_file(upload: Any) -> None:
    """Only a real PDF of reasonable size: the bytes decide, not the file name."""
    if upload is None:
        return
    if upload.size > INVITATION_FILE_MAX_BYTES:
        raise ValidationError({"invitation_file": [_("The invitation letter must be at most 10 MB.")]}, code="too_big")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.startswith(b"%PDF-"):
        raise ValidationError(
            {"invitation_file": [_("The invitation letter must be a PDF file (the file's content is not PDF).")]},
            code="not_pdf",
        )


class ConflictWarning(Exception):
    """People in the meeting are already in another approved meeting at that time.

    The organiser may go ahead after acknowledging the list (Điều 6.1 registration form)."""

    def __init__(self, conflicts: list[str]) -> None:
        super().__init__("; ".join(conflicts))
        self.conflicts = conflicts


# --- checks -----------------------------------------------------------------------------------


def check_times(start: datetime, end: datetime, *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if start <= now:
        raise ValidationError(_("The start time must be in the future."), code="past_start")
    if end <= start:
        raise ValidationError(_("The end time must be after the start time."), code="end_before_start")


def check_meeting_data(data: MeetingData, *, for_submission: bool) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.title.strip():
        add("title", _("Enter the meeting title."))
    try:
        check_times(data.start, data.end)
    except ValidationError as exc:
        add("start" if exc.code == "past_start" else "end", exc.messages[0])
    if data.format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID) and not data.online_link:
        add("online_link", _("An online or hybrid meeting needs the link attendees will join."))
    if data.format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID) and data.room is None and not data.place.strip():
        add("room", _("Choose a meeting room or enter the place."))
    if data.room is not None and not data.room.is_active:
        add("room", _("This meeting room is no longer in use."))
    if for_submission and not (data.attendees or data.attendee_units or data.guests):
        add("attendees", _("Invite at least one attendee (an official, a unit or a guest)."))
    if data.chair is None or not data.chair.is_active:
        add("chair", _("Choose an active official as chair."))
    for line in data.agenda:
        if not line.title.strip():
            add("agenda", _("Every agenda item needs a title."))
            break
        if line.duration_minutes <= 0 or line.duration_minutes > 24 * 60:
            add("agenda", _("Planned minutes must be between 1 and 1440."))
            break
    for guest in data.guests:
        if not guest.name.strip():
            add("guests", _("Every guest needs a name."))
            break
    if errors:
        raise ValidationError(errors)
    check_invitation_file(data.invitation_file)


def _overlapping(meeting_id: int | None, start: datetime, end: datetime) -> Any:
    others = Meeting.objects.filter(start__lt=end, end__gt=start)
    return others.exclude(pk=meeting_id) if meeting_id else others


def check_room_free(room: Room | None, start: datetime, end: datetime, *, meeting_id: int | None) -> None:
    """Refuse a double booking. Caller holds the room's row lock when it matters (submit/approve)."""
    if room is None:
        return
    clash = _overlapping(meeting_id, start, end).filter(room=room, status__in=BOOKED_STATUSES).first()
    if clash is not None:
        raise ValidationError(
            _(
                "The room %(room)s is already booked from %(start)s to %(end)s for “%(title)s”. Choose another room or time."
            )
            % {"room": room.name, "start": _fmt(clash.start), "end": _fmt(clash.end), "title": clash.title},
            code="room_clash",
        )


def person_conflicts(meeting: Meeting) -> list[str]:
    """Chair and invited officials already in another approved meeting at the same time."""
    people = {meeting.chair_id} | set(
        meeting.invitations.filter(kind=InvitationKind.USER)
        .exclude(answer=Answer.DELEGATED)
        .values_list("user_id", flat=True)
    )
    people.discard(None)
    clashes = (
        _overlapping(meeting.pk, meeting.start, meeting.end)
        .filter(status__in=SCHEDULED_STATUSES)
        .filter(Q(chair_id__in=people) | Q(invitations__user_id__in=people, invitations__kind=InvitationKind.USER))
        .distinct()
    )
    messages: list[str] = []
    users = {u.pk: u for u in User.objects.filter(pk__in=people)}
    for other in clashes:
        busy = {other.chair_id} | set(
            other.invitations.filter(kind=InvitationKind.USER, user_id__in=people)
            .exclude(answer=Answer.DELEGATED)
            .values_list("user_id", flat=True)
        )
        for user_id in sorted(busy & people):
            messages.append(
                _("%(name)s is already in “%(title)s” (%(start)s – %(end)s).")
                % {
                    "name": users[user_id].display_name,
                    "title": other.title,
                    "start": _fmt(other.start),
                    "end": _fmt(other.end),
                }
            )
    return messages


# --- registration -----------------------------------------------------------------------------


def _write_details(meeting: Meeting, data: MeetingData) -> None:
    for name in (
        "title",
        "start",
        "end",
        "chair",
        "content",
        "room",
        "place",
        "format",
        "online_link",
        "kind",
        "is_ppc_meeting",
        "document_approver",
        "document_preparer",
        "preparing_unit",
    ):
        setattr(meeting, name, getattr(data, name))
    if data.invitation_file is not None:
        meeting.invitation_file.save(f"giay-moi-{meeting.pk or 'moi'}.pdf", data.invitation_file, save=False)
    meeting.save()
    meeting.agenda_items.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            order=n,
            title=line.title.strip(),
            presenter=line.presenter.strip(),
            duration_minutes=line.duration_minutes,
        )
        for n, line in enumerate(data.agenda, start=1)
    )
    meeting.invitations.all().delete()
    rows: list[Invitation] = []
    seen_users: set[int] = set()
    for user in data.attendees:
        if user.pk not in seen_users:
            seen_users.add(user.pk)
            rows.append(Invitation(meeting=meeting, kind=InvitationKind.USER, user=user))
    for user in data.support_staff:
        if user.pk not in seen_users:
            seen_users.add(user.pk)
            rows.append(Invitation(meeting=meeting, kind=InvitationKind.USER, role=InvitationRole.SUPPORT, user=user))
    for unit in {u.pk: u for u in data.attendee_units}.values():
        rows.append(Invitation(meeting=meeting, kind=InvitationKind.UNIT, unit=unit))
    for guest in data.guests:
        rows.append(
            Invitation(
                meeting=meeting,
                kind=InvitationKind.GUEST,
                guest_name=guest.name.strip(),
                guest_organisation=guest.organisation.strip(),
                guest_email=guest.email.strip(),
                guest_phone=guest.phone.strip(),
            )
        )
    Invitation.objects.bulk_create(rows)


def do_create_meeting(actor: User, data: MeetingData) -> Meeting:
    """Register a draft for the organiser's unit (Điều 6.1a: needs the organiser right)."""
    if not can(actor, Perm.REGISTER_MEETINGS) or actor.unit is None:
        raise PermissionDenied
    check_meeting_data(data, for_submission=False)
    with transaction.atomic():
        if data.room is not None:
            check_room_free(data.room, data.start, data.end, meeting_id=None)
        meeting = Meeting(unit=actor.unit, organiser=actor)
        _write_details(meeting, data)
        log_action("meeting.created", actor=actor, target=meeting, unit=meeting.unit, data={"title": meeting.title})
    return meeting


def do_update_meeting(actor: User, meeting: Meeting, data: MeetingData) -> Meeting:
    _require(actor, Perm.EDIT_MEETING, meeting)
    check_meeting_data(data, for_submission=False)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != meeting.status:
            raise ValidationError(_("The meeting changed while you were editing it. Reload the page."), code="stale")
        if data.room is not None:
            check_room_free(data.room, data.start, data.end, meeting_id=meeting.pk)
        _write_details(meeting, data)
        log_action("meeting.updated", actor=actor, target=meeting, unit=meeting.unit, data={"title": meeting.title})
    return meeting


def _data_of(meeting: Meeting) -> MeetingData:
    invitations = list(meeting.invitations.select_related("user", "unit"))
    return MeetingData(
        title=meeting.title,
        start=meeting.start,
        end=meeting.end,
        chair=meeting.chair,
        room=meeting.room,
        place=meeting.place,
        format=meeting.format,
        online_link=meeting.online_link,
        attendees=[i.user for i in invitations if i.kind == InvitationKind.USER and i.user is not None],
        attendee_units=[i.unit for i in invitations if i.kind == InvitationKind.UNIT and i.unit is not None],
        guests=[Guest(i.guest_name) for i in invitations if i.kind == InvitationKind.GUEST],
        agenda=[AgendaLine(a.title, a.presenter, a.duration_minutes) for a in meeting.agenda_items.all()],
    )


def _lock_room(meeting: Meeting) -> None:
    """Serialise bookings of one room (PostgreSQL row lock; SQLite serialises writers anyway)."""
    if meeting.room_id is not None:
        Room.objects.select_for_update().get(pk=meeting.room_id)


def do_submit_meeting(actor: User, meeting: Meeting, *, acknowledge_conflicts: bool = False) -> list[str]:
    """Send the registration to the approving leader. Returns warnings shown to the organiser.

    A submission after the approval deadline is allowed with a warning naming the rule (the
    approver may still approve with a justification); a room clash is refused; people already
    busy elsewhere need the organiser's acknowledgement (ConflictWarning)."""
    _require(actor, Perm.SUBMIT_MEETING, meeting)
    check_meeting_data(_data_of(meeting), for_submission=True)
    warnings: list[str] = []
    with transaction.atomic():
        _lock_room(meeting)
        meeting = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
        if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.RETURNED):
            raise ValidationError(_("This meeting has already been submitted."), code="not_editable")
        check_room_free(meeting.room, meeting.start, meeting.end, meeting_id=meeting.pk)
        conflicts = person_conflicts(meeting)
        if conflicts and not acknowledge_conflicts:
            raise ConflictWarning(conflicts)
        now = timezone.now()
        late = rules.approval_is_late(meeting, now)
        if late:
            warnings.append(late_submission_warning(meeting))
        missing = _units_without_receiver(meeting)
        if missing:
            warnings.append(queries.receiver_warning(missing))
        meeting.status = MeetingStatus.SUBMITTED
        meeting.submitted_at = now
        meeting.submitted_late = late
        meeting.approver = meeting.unit.meeting_approver
        meeting.decision_comment = ""
        meeting.save()
        log_action(
            "meeting.submitted",
            actor=actor,
            target=meeting,
            unit=meeting.unit,
            data={
                "late": late,
                "deadline": rules.approval_deadline(meeting),
                "conflicts_acknowledged": conflicts,
                "units_without_receiver": [m.unit.code for m in missing],
            },
        )
        notify.approval_requested(meeting)
    return warnings


def _units_without_receiver(meeting: Meeting) -> list[queries.MissingReceiver]:
    return queries.units_without_receiver(
        list(meeting.invitations.filter(kind=InvitationKind.UNIT).select_related("unit"))
    )


def late_submission_warning(meeting: Meeting) -> str:
    if rules.is_regular(meeting):
        return _(
            "Điều 6.2: a regular meeting must be approved no later than 2 days before it starts "
            "(deadline %(deadline)s). The deadline has passed; the approver must record a justification."
        ) % {"deadline": _fmt(rules.approval_deadline(meeting))}
    return _(
        "Điều 6.2: an urgent or extraordinary meeting must be approved at least 3 hours before it starts "
        "(deadline %(deadline)s). The deadline has passed; the approver must record a justification."
    ) % {"deadline": _fmt(rules.approval_deadline(meeting))}


def _decide(actor: User, meeting: Meeting) -> Meeting:
    _require(actor, Perm.DECIDE_MEETING, meeting)
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
    if locked.status != MeetingStatus.SUBMITTED:
        raise ValidationError(_("This meeting has already been decided."), code="decided")
    return locked


def do_approve_meeting(actor: User, meeting: Meeting, *, justification: str = "") -> Meeting:
    justification = justification.strip()
    with transaction.atomic():
        _lock_room(meeting)
        meeting = _decide(actor, meeting)
        now = timezone.now()
        if meeting.start <= now:
            raise ValidationError(
                _(
                    "The meeting has already started; it can no longer be approved. Return it so the organiser sets a new time."
                ),
                code="started",
            )
        late = rules.approval_is_late(meeting, now)
        if late and not justification:
            raise ValidationError(
                {"justification": [late_submission_warning(meeting) + " " + _("Enter the justification to approve.")]},
            )
        check_room_free(meeting.room, meeting.start, meeting.end, meeting_id=meeting.pk)
        meeting.status = MeetingStatus.APPROVED
        meeting.decided_at = now
        meeting.decided_by = actor
        meeting.approved_late = late
        meeting.late_justification = justification if late else ""
        meeting.sequence += 1
        meeting.save()
        log_action(
            "meeting.approved",
            actor=actor,
            target=meeting,
            unit=meeting.unit,
            data={
                "late": late,
                "justification": meeting.late_justification,
                "deadline": rules.approval_deadline(meeting),
                # Their invitation goes to their unit admins and leaders (notify.unit_receivers).
                "units_without_receiver": [m.unit.code for m in _units_without_receiver(meeting)],
            },
        )
        notify.invitations_sent(meeting)
    return meeting


def _decide_with_comment(actor: User, meeting: Meeting, comment: str, status: MeetingStatus, code: str) -> Meeting:
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": [_("Write a comment so the organiser knows what to change.")]})
    with transaction.atomic():
        meeting = _decide(actor, meeting)
        meeting.status = status
        meeting.decided_at = timezone.now()
        meeting.decided_by = actor
        meeting.decision_comment = comment
        meeting.save()
        log_action(code, actor=actor, target=meeting, unit=meeting.unit, data={"comment": comment})
        notify.decision_to_organiser(meeting, status)
    return meeting


def do_return_meeting(actor: User, meeting: Meeting, *, comment: str) -> Meeting:
    return _decide_with_comment(actor, meeting, comment, MeetingStatus.RETURNED, "meeting.returned")


def do_reject_meeting(actor: User, meeting: Meeting, *, comment: str) -> Meeting:
    return _decide_with_comment(actor, meeting, comment, MeetingStatus.REJECTED, "meeting.rejected")


def do_postpone_meeting(actor: User, meeting: Meeting, *, start: datetime, end: datetime, reason: str) -> Meeting:
    """Move an approved meeting to a new time; everyone is notified again."""
    _require(actor, Perm.RESCHEDULE_MEETING, meeting)
    if meeting.status not in SCHEDULED_STATUSES:
        raise ValidationError(_("Only an approved meeting can be postponed."), code="not_scheduled")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for postponing.")]})
    check_times(start, end)
    with transaction.atomic():
        _lock_room(meeting)
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
        if locked.status not in SCHEDULED_STATUSES:
            raise ValidationError(_("Only an approved meeting can be postponed."), code="not_scheduled")
        check_room_free(locked.room, start, end, meeting_id=locked.pk)
        old = {"start": locked.start, "end": locked.end}
        locked.start, locked.end = start, end
        locked.status = MeetingStatus.POSTPONED
        locked.postpone_count += 1
        locked.sequence += 1
        locked.save()
        log_action(
            "meeting.postponed",
            actor=actor,
            target=locked,
            unit=locked.unit,
            data={"from": old, "to": {"start": start, "end": end}, "reason": reason},
        )
        notify.meeting_changed(locked, reason=reason, cancelled=False)
    return locked


def do_cancel_meeting(actor: User, meeting: Meeting, *, reason: str) -> Meeting:
    _require(actor, Perm.RESCHEDULE_MEETING, meeting)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)
        was_scheduled = locked.status in SCHEDULED_STATUSES
        if locked.status in (MeetingStatus.CANCELLED, MeetingStatus.REJECTED):
            raise ValidationError(_("This meeting is already closed."), code="closed")
        locked.status = MeetingStatus.CANCELLED
        locked.cancel_reason = reason
        locked.sequence += 1
        locked.save()
        log_action("meeting.cancelled", actor=actor, target=locked, unit=locked.unit, data={"reason": reason})
        if was_scheduled:
            notify.meeting_changed(locked, reason=reason, cancelled=True)
    return locked


# --- answers (Điều 6.3) -------------------------------------------------------------------------


def answer_late_message(meeting: Meeting) -> str:
    if rules.is_regular(meeting):
        return _(
            "Điều 6.3: for meetings in the weekly schedule, answer no later than 1 day before the start "
            "(deadline %(deadline)s). Contact the organiser, who can record your answer."
        ) % {"deadline": _fmt(rules.answer_deadline(meeting))}
    return _("The meeting has already started; answers are closed. Contact the organiser.")


def do_answer_invitation(
    actor: User,
    invitation: Invitation,
    *,
    answer: str,
    reason: str = "",
    substitute: User | None = None,
) -> Invitation:
    """The invitee confirms, declines (with a reason) or sends a substitute of their unit.

    The organiser may record an answer on the invitee's behalf, also after the deadline."""
    meeting = invitation.meeting
    on_behalf = invitation.user_id != actor.pk
    if on_behalf:
        _require(actor, Perm.MANAGE_ATTENDANCE, meeting)
        if meeting.status not in SCHEDULED_STATUSES or invitation.kind != InvitationKind.USER:
            raise PermissionDenied
    else:
        _require(actor, Perm.ANSWER_INVITATION, invitation)
        if rules.answer_is_late(meeting):
            raise ValidationError(answer_late_message(meeting), code="late")
    reason = reason.strip()
    if answer not in (Answer.CONFIRMED, Answer.DECLINED, Answer.DELEGATED):
        raise ValidationError(_("Choose: attend, not attend, or send a substitute."), code="bad_answer")
    if answer == Answer.DECLINED and not reason:
        raise ValidationError({"reason": [_("Give the reason you cannot attend.")]})
    invitee = invitation.user
    if invitee is None:
        raise PermissionDenied
    if answer == Answer.DELEGATED:
        if invitation.substitute_for_id is not None:
            raise ValidationError(_("A substitute cannot send another substitute."), code="chain")
        if substitute is None:
            raise ValidationError({"substitute": [_("Choose who attends in your place.")]})
        if (
            substitute.pk == invitee.pk
            or substitute.unit_id != invitee.unit_id
            or not substitute.is_active
            or substitute.is_external
        ):
            raise ValidationError({"substitute": [_("The substitute must be an active official of your own unit.")]})
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("meeting", "user").get(pk=invitation.pk)
        )
        previous = invitation.answer
        old_substitute = Invitation.objects.filter(substitute_for=invitation).select_related("user").first()
        if old_substitute is not None and (
            answer != Answer.DELEGATED or old_substitute.user_id != getattr(substitute, "pk", None)
        ):
            # The earlier substitute loses the attendee rights.
            notify.substitute_withdrawn(old_substitute)
            old_substitute.delete()
            old_substitute = None
        invitation.answer = answer
        invitation.reason = reason
        invitation.answered_at = timezone.now()
        invitation.answered_by = actor
        invitation.save()
        new_substitute = None
        if answer == Answer.DELEGATED and old_substitute is None:
            assert substitute is not None  # noqa: S101 - checked above
            try:
                with transaction.atomic():
                    new_substitute = Invitation.objects.create(
                        meeting=meeting,
                        kind=InvitationKind.USER,
                        role=invitation.role,
                        user=substitute,
                        substitute_for=invitation,
                    )
            except IntegrityError:
                raise ValidationError(
                    {
                        "substitute": [
                            _("%(name)s is already invited to this meeting.") % {"name": substitute.display_name}
                        ]
                    }
                ) from None
        log_action(
            "meeting.answered" if not on_behalf else "meeting.answered_on_behalf",
            actor=actor,
            target=meeting,
            unit=meeting.unit,
            data={
                "invitation": invitation.pk,
                "invitee": invitee.username,
                "answer": answer,
                "previous": previous,
                "reason": reason,
                "substitute": substitute.username if substitute and answer == Answer.DELEGATED else None,
            },
        )
        if new_substitute is not None:
            notify.substitute_invited(new_substitute)
    return invitation


def do_name_unit_attendees(actor: User, unit_invitation: Invitation, users: list[User]) -> list[Invitation]:
    """The invited unit's document receiver names who attends for the unit."""
    _require(actor, Perm.NAME_UNIT_ATTENDEES, unit_invitation)
    unit = unit_invitation.unit
    assert unit is not None  # noqa: S101 - guaranteed by the rule above
    if not users:
        raise ValidationError({"users": [_("Name at least one person.")]})
    outsiders = [u.display_name for u in users if u.unit_id != unit.pk or not u.is_active]
    if outsiders:
        raise ValidationError({"users": [_("Only active officials of %(unit)s can be named.") % {"unit": unit.name}]})
    meeting = unit_invitation.meeting
    created: list[Invitation] = []
    with transaction.atomic():
        for user in users:
            invitation, made = Invitation.objects.get_or_create(
                meeting=meeting, user=user, defaults={"kind": InvitationKind.USER, "named_by_unit": unit_invitation}
            )
            if made:
                created.append(invitation)
        Invitation.objects.filter(pk=unit_invitation.pk).update(
            answer=Answer.NAMED, answered_at=timezone.now(), answered_by=actor
        )
        log_action(
            "meeting.unit_attendees_named",
            actor=actor,
            target=meeting,
            unit=unit,
            data={"unit": unit.code, "named": [u.username for u in users]},
        )
        notify.named_attendees_invited(meeting, created)
    return created


# --- support requests (Điều 6.3b-c) -----------------------------------------------------------


def do_request_support(actor: User, meeting: Meeting, *, kind: str, note: str = "") -> SupportRequest:
    invitation = (
        meeting.invitations.filter(kind=InvitationKind.USER, user=actor).exclude(answer=Answer.DELEGATED).first()
    )
    if invitation is None or meeting.status not in SCHEDULED_STATUSES:
        raise PermissionDenied
    if timezone.now() > rules.support_request_deadline(meeting):
        raise ValidationError(
            _(
                "Điều 6.3b: tell the host unit at least 1 day before the meeting (deadline %(deadline)s). Call the organiser directly."
            )
            % {"deadline": _fmt(rules.support_request_deadline(meeting))},
            code="late",
        )
    with transaction.atomic():
        request = SupportRequest.objects.create(meeting=meeting, requester=actor, kind=kind, note=note.strip())
        log_action(
            "meeting.support_requested",
            actor=actor,
            target=meeting,
            unit=meeting.unit,
            data={"request": request.pk, "kind": kind},
        )
        notify.support_requested(request)
    return request


def do_resolve_support_request(actor: User, request: SupportRequest, *, resolution: str) -> SupportRequest:
    _require(actor, Perm.MANAGE_ATTENDANCE, request.meeting)
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": [_("Describe how the request was handled.")]})
    with transaction.atomic():
        updated = SupportRequest.objects.filter(pk=request.pk, status=SupportStatus.OPEN).update(
            status=SupportStatus.RESOLVED, resolution=resolution, resolved_by=actor, resolved_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This request has already been resolved."), code="resolved")
        request.refresh_from_db()
        log_action(
            "meeting.support_resolved",
            actor=actor,
            target=request.meeting,
            unit=request.meeting.unit,
            data={"request": request.pk},
        )
        notify.support_resolved(request)
    return request


# --- rooms and calendar feeds -----------------------------------------------------------------


def do_save_room(
    actor: User, room: Room | None, *, unit: OrgUnit, name: str, location: str, capacity: int, is_active: bool = True
) -> Room:
    _require(actor, Perm.MANAGE_ROOMS, unit)
    if not name.strip():
        raise ValidationError({"name": [_("Enter the room name.")]})
    if capacity <= 0:
        raise ValidationError({"capacity": [_("Capacity must be at least 1.")]})
    with transaction.atomic():
        created = room is None
        room = room or Room(unit=unit)
        if not created and room.unit_id != unit.pk:
            raise PermissionDenied
        room.name, room.location, room.capacity, room.is_active = name.strip(), location.strip(), capacity, is_active
        try:
            with transaction.atomic():
                room.save()
        except IntegrityError:
            raise ValidationError({"name": [_("This unit already has a room with that name.")]}) from None
        log_action(
            "room.created" if created else "room.updated", actor=actor, target=room, unit=unit, data={"name": room.name}
        )
    return room


def do_rotate_calendar_feed(user: User) -> CalendarFeed:
    """Create the personal feed, or replace its token so the old URL stops working."""
    import secrets

    with transaction.atomic():
        feed, created = CalendarFeed.objects.get_or_create(user=user)
        if not created:
            feed.token = secrets.token_urlsafe()
            feed.created_at = timezone.now()
            feed.save()
        log_action("calendar.feed_rotated" if not created else "calendar.feed_created", actor=user, target=user)
    return feed
