"""Registering a meeting (Điều 6.1): the form's data, create and edit a draft, submit it for approval."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.permissions import Perm, can, is_in_ppc_or_office
from audit.log import log_action
from meetings import notify, queries, rules
from meetings.actions.common import (
    check_room_free,
    check_times,
    format_local,
    late_submission_warning,
    lock_room,
    overlapping,
    require,
    units_without_receiver,
)
from meetings.models import (
    SCHEDULED_STATUSES,
    AgendaItem,
    Answer,
    Invitation,
    InvitationKind,
    InvitationRole,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Room,
)

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
    invitation_file: File | None = None


INVITATION_FILE_MAX_BYTES = 10 * 1024 * 1024


class ConflictWarning(Exception):
    """People in the meeting are already in another approved meeting at that time.

    The organiser may go ahead after acknowledging the list (Điều 6.1 registration form)."""

    def __init__(self, conflicts: list[str]) -> None:
        super().__init__("; ".join(conflicts))
        self.conflicts = conflicts


# --- checks -----------------------------------------------------------------------------------


def check_invitation_file(upload: File | None) -> None:
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


def check_ppc_flag(organiser: User, data: MeetingData) -> None:
    """Điều 6.1c: only the PPC and the PPC Office register meetings of the Provincial People's
    Committee (whose documents a PPC Office leader approves)."""
    if data.is_ppc_meeting and not is_in_ppc_or_office(organiser):
        raise ValidationError(
            {
                "is_ppc_meeting": [
                    _(
                        "Điều 6.1c: only organisers of the Provincial People's Committee or its Office may register a meeting of the Provincial People's Committee. Untick this box."
                    )
                ]
            },
            code="ppc_flag",
        )


def check_document_approver_exists(meeting: Meeting) -> None:
    """Điều 6.1c: a PPC meeting needs a PPC Office leader among its attendees to approve documents."""
    if meeting.is_ppc_meeting and not queries.document_approvers(meeting):
        raise ValidationError(
            {
                "attendees": [
                    _(
                        "Điều 6.1c: the documents of a meeting of the Provincial People's Committee are approved by a leader of the PPC Office who attends it. Invite one before submitting."
                    )
                ]
            },
            code="no_document_approver",
        )


def person_conflicts(meeting: Meeting) -> list[str]:
    """Chair and attending officials already in another approved meeting at the same time."""
    people = {meeting.chair_id} | set(queries.attendee_users(meeting).values_list("pk", flat=True))
    clashes = (
        overlapping(meeting.pk, meeting.start, meeting.end)
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
                    "start": format_local(other.start),
                    "end": format_local(other.end),
                }
            )
    return messages


# --- writes -----------------------------------------------------------------------------------


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
    check_ppc_flag(actor, data)
    with transaction.atomic():
        if data.room is not None:
            check_room_free(data.room, data.start, data.end, meeting_id=None)
        meeting = Meeting(unit=actor.unit, organiser=actor)
        _write_details(meeting, data)
        log_action("meeting.created", actor=actor, target=meeting, unit=meeting.unit, data={"title": meeting.title})
    return meeting


def do_update_meeting(actor: User, meeting: Meeting, data: MeetingData) -> Meeting:
    require(actor, Perm.EDIT_MEETING, meeting)
    check_meeting_data(data, for_submission=False)
    check_ppc_flag(meeting.organiser, data)
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
        is_ppc_meeting=meeting.is_ppc_meeting,
        attendees=[i.user for i in invitations if i.kind == InvitationKind.USER and i.user is not None],
        attendee_units=[i.unit for i in invitations if i.kind == InvitationKind.UNIT and i.unit is not None],
        guests=[Guest(i.guest_name) for i in invitations if i.kind == InvitationKind.GUEST],
        agenda=[AgendaLine(a.title, a.presenter, a.duration_minutes) for a in meeting.agenda_items.all()],
    )


def do_submit_meeting(actor: User, meeting: Meeting, *, acknowledge_conflicts: bool = False) -> list[str]:
    """Send the registration to the approving leader. Returns warnings shown to the organiser.

    A submission after the approval deadline is allowed with a warning naming the rule (the
    approver may still approve with a justification); a room clash is refused; people already
    busy elsewhere need the organiser's acknowledgement (ConflictWarning)."""
    require(actor, Perm.SUBMIT_MEETING, meeting)
    data = _data_of(meeting)
    check_meeting_data(data, for_submission=True)
    check_ppc_flag(meeting.organiser, data)
    check_document_approver_exists(meeting)
    warnings: list[str] = []
    with transaction.atomic():
        lock_room(meeting)
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
        missing = units_without_receiver(meeting)
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
