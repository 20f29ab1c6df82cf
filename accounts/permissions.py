"""The one place that answers "may this user do this to that?".

Rights are data (`RightGrant`, vocabulary `Right`); each `Perm` below is decided by exactly one
rule function. Views, forms, the API and websocket consumers call `can()` or the helpers in
`accounts.access`, never test rights themselves.

Scope rules (Điều 3, 4):
- a system administrator acts on every unit and user;
- a unit administrator acts on their own unit and every unit below it, never elsewhere;
- granting unit-admin or system-admin rights is for system administrators only;
- nobody acts on an account that holds a right they could not grant themselves: an account with
  the unit-admin or system-admin right is managed only by system administrators;
- external guests hold no rights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeGuard

from django.db.models import Q, TextChoices

from accounts.models import OrgUnit, Right, TransferRequest, UnitKind, User

if TYPE_CHECKING:
    from core.http import AnyUser


class Perm(TextChoices):
    MANAGE_UNITS = "unit.manage"
    VIEW_UNIT = "unit.view"
    SET_DOCUMENT_RECEIVER = "unit.set_receiver"
    EDIT_UNIT_DETAILS = "unit.edit_details"  # name, short name, contact data (Điều 9.2d): the unit's admins
    MANAGE_USERS_OF_UNIT = "user.manage_in_unit"
    MANAGE_USER = "user.manage"
    GRANT_RIGHT = "user.grant"
    TRANSFER_DIRECTLY = "user.transfer"
    DECIDE_TRANSFER = "user.transfer.decide"
    VIEW_AUDIT = "audit.view"
    EXPORT_PERSONAL_DATA = "user.export_personal_data"  # a copy of a person's data (Luật 91/2025)
    REGISTER_MEETINGS = "meeting.register"
    APPROVE_MEETINGS = "meeting.approve"
    # Rules for these live in meetings/permissions.py and are registered at start-up.
    VIEW_MEETING = "meeting.view"
    EDIT_MEETING = "meeting.edit"
    SUBMIT_MEETING = "meeting.submit"
    DECIDE_MEETING = "meeting.decide"
    RESCHEDULE_MEETING = "meeting.reschedule"
    MANAGE_ATTENDANCE = "meeting.manage_attendance"
    ANSWER_INVITATION = "meeting.answer"
    RECOMMEND_MEETING = "meeting.recommend"  # "Kiến nghị đề xuất" of Mẫu 01: the organiser, once ended
    NAME_UNIT_ATTENDEES = "meeting.name_unit_attendees"
    MANAGE_ROOMS = "room.manage"
    VIEW_ROOM_SCHEDULE = "room.view_schedule"  # the room's week: people of its unit, its administrators
    # Rules for these live in documents/permissions.py.
    MANAGE_DOCUMENTS = "document.manage"
    VIEW_DOCUMENT = "document.view"
    APPROVE_DOCUMENT = "document.approve"
    DOWNLOAD_DOCUMENT = "document.download"
    # Rules for these live in live/permissions.py (the meeting room, issue 5).
    RUN_MEETING = "meeting.run"  # chair, organiser, secretary (support staff): start, agenda, check-in, floor, votes
    ATTEND_MEETING = "meeting.attend"  # an attendee with rights (or their substitute): check in, speak, vote, comment
    REPORT_INCIDENT = "meeting.report_incident"
    HANDLE_INCIDENT = "meeting.handle_incident"
    VIEW_CONTRIBUTIONS = "meeting.view_contributions"  # compiled comments, their XLSX, incidents; also after the end
    EXPORT_MEETING_VOTES = "meeting.export_votes"  # the votes workbook: runners and PPC leaders; also after the end
    # Rules for these live in polls/permissions.py.
    MANAGE_POLL = "poll.manage"
    VIEW_POLL_RESULTS = "poll.results"
    CAST_BALLOT = "poll.vote"
    # Rules for these live in opinions/permissions.py (opinion collection, Điều 7).
    CREATE_COLLECTION = "opinion.create"  # obj: the meeting it belongs to, or None
    VIEW_COLLECTION = "opinion.view"  # content: creators, followers, and voters once released
    ANSWER_COLLECTION = "opinion.answer"  # a consulted person, or the receiver of a consulted unit
    VIEW_COLLECTION_CONTENT = "opinion.content"  # questions, files: managers, followers; voters until the expiry
    VIEW_COLLECTION_COUNTS = "opinion.counts"  # counts only: also voters of a non-secret one after the expiry
    # Rules for these live in signing/permissions.py.
    CONFIRM_CERTIFICATE = "signing.confirm"  # obj: a CertificateBinding; the user's unit administrator
    REVOKE_CERTIFICATE = "signing.revoke"  # obj: a CertificateBinding; its holder, or who may confirm it
    # Rules for these live in recordings/permissions.py (obj: the Meeting).
    LISTEN_RECORDING = "recording.listen"  # listen, download, read the transcript: chair, PPC leaders, granted people
    RUN_RECORDING = "recording.run"  # start, pause, resume, stop, upload: whoever runs the room
    GRANT_RECORDING_ACCESS = "recording.grant"  # the chair
    # Rules for these live in transcripts/permissions.py.
    EDIT_TRANSCRIPT = "transcript.edit"  # correct text and speaker: who runs the room and may listen
    # Rules for these live in followups/permissions.py (assigned work, việc được giao).
    ASSIGN_TASKS = "followup.assign"  # obj: the Meeting; its chair and organiser, once it has started
    VIEW_TASK = "followup.view"  # assigner, meeting's chair/organiser, assignee unit's people in charge, PPC Office
    ACCEPT_TASK = "followup.accept"  # the assignee unit's leader or document receiver (also: assign inside)
    WORK_ON_TASK = "followup.work"  # the person in charge or who accepts: progress, completion, extension
    DECIDE_TASK = "followup.decide"  # the assigner (or the meeting's chair/organiser): confirm, return, cancel
    VIEW_UNIT_TASKS = "followup.view_unit"  # obj: OrgUnit; its leader, receiver, administrators
    OVERSEE_TASKS = "followup.oversee"  # every unit's tasks: the PPC Office
    # Rules for these live in minutes/permissions.py (obj: the Meeting; VIEW_NOTICE: the ConclusionNotice).
    VIEW_MINUTES = "minutes.view"  # read the minutes: the meeting's people, PPC leaders
    EDIT_MINUTES = "minutes.edit"  # edit, regenerate, correct: the secretary or organiser
    APPROVE_MINUTES = "minutes.approve"  # the chair
    VIEW_NOTICE = "notice.view"  # readers of the minutes; once issued, the issuing and concerned units
    EDIT_NOTICE = "notice.edit"  # draft, edit, issue the conclusion notice: the secretary or organiser
    APPROVE_NOTICE = "notice.approve"  # the chair
    # Rules for these live in reports/permissions.py (statistics, Điều 3.1đ; the appendix forms
    # Mẫu 01/02 and the quarterly report, Điều 8.1).
    VIEW_UNIT_REPORTS = "report.unit"  # obj: OrgUnit; its statistics, forms, submitted reports: admins, leaders
    VIEW_ALL_REPORTS = (
        "report.province"  # every unit, the province, the overview: PPC Office, PPC leaders, system admins
    )
    SUBMIT_REPORT = "report.submit"  # obj: OrgUnit; the unit's own administrators
    # Rules for these live in feedback/permissions.py (góp ý, phản ánh; incidents outside meetings).
    SEND_FEEDBACK = "feedback.send"  # every signed-in account
    VIEW_FEEDBACK = "feedback.view"  # obj: the Feedback; its sender and its handlers
    HANDLE_FEEDBACK = "feedback.handle"  # obj: the Feedback; system admins, the sender unit's admins for incidents
    VIEW_FEEDBACK_INBOX = "feedback.inbox"  # the handlers' inbox: system and unit administrators


def _active(user: AnyUser | None) -> TypeGuard[User]:
    """A signed-in, active account (never the anonymous visitor)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_guest(user: AnyUser | None) -> TypeGuard[User]:
    """An outside guest (Điều 2.4: invited by name, holds no rights); False for the anonymous visitor."""
    return _active(user) and user.is_external


def has_right(user: AnyUser | None, right: Right) -> TypeGuard[User]:
    return _active(user) and not user.is_external and right in user.rights()


def is_system_admin(user: AnyUser | None) -> TypeGuard[User]:
    return has_right(user, Right.SYSTEM_ADMIN)


def is_unit_admin(user: AnyUser | None) -> TypeGuard[User]:
    return has_right(user, Right.UNIT_ADMIN) and user.unit_id is not None


def is_admin(user: AnyUser | None) -> TypeGuard[User]:
    return is_system_admin(user) or is_unit_admin(user)


def is_ppc_leader(user: AnyUser | None) -> TypeGuard[User]:
    """A leader of the Provincial People's Committee itself (the root unit of the province)."""
    if not has_right(user, Right.LEADER):
        return False
    unit = user.unit
    return unit is not None and unit.kind == UnitKind.PROVINCE and unit.parent_id is None


def is_ppc_office_unit(unit: OrgUnit | None) -> bool:
    """The Office of the PPC: an office directly under a root unit (path "/root/office/")."""
    return unit is not None and unit.kind == UnitKind.OFFICE and unit.path.count("/") == 3


def is_in_ppc_or_office(user: AnyUser | None) -> TypeGuard[User]:
    """An active official of the PPC itself (the root unit) or of the PPC Office: the only
    organisers who may register a "meeting of the Provincial People's Committee" (Điều 6.1c)."""
    if not _active(user) or is_guest(user):
        return False
    unit = user.unit
    return unit is not None and (unit.parent_id is None or is_ppc_office_unit(unit))


def is_ppc_office_leader(user: AnyUser | None) -> TypeGuard[User]:
    """A leader of the PPC Office: who approves the documents of a PPC meeting they attend (Điều 6.1c)."""
    return has_right(user, Right.LEADER) and is_ppc_office_unit(user.unit)


def administered_units_q(user: AnyUser | None, prefix: str = "") -> Q | None:
    """Filter for the units `user` administers: None means every unit (system admin).

    Returns a filter matching nothing for users without admin rights.
    """
    if is_system_admin(user):
        return None
    if is_unit_admin(user) and user.unit is not None:
        return Q(**{f"{prefix}path__startswith": user.unit.path})
    return Q(pk__in=[])


# Rights only a system administrator may grant, and so the accounts holding them are theirs alone.
SYSTEM_ADMIN_GRANTED = frozenset({Right.SYSTEM_ADMIN, Right.UNIT_ADMIN})


def could_grant_every_right_of(user: AnyUser, target: User) -> bool:
    """True when `user` could have granted each right `target` holds. A unit administrator who could
    reset the password of a system administrator in their unit could take over the system."""
    if is_system_admin(user):
        return True
    return not (target.rights() & SYSTEM_ADMIN_GRANTED)


def administers(user: AnyUser, unit: OrgUnit | None) -> bool:
    if unit is None:
        return False
    if is_system_admin(user):
        return True
    return is_unit_admin(user) and user.unit is not None and unit.is_within(user.unit)


# --- rules: one function per Perm -------------------------------------------------------------
# `can()` asks a rule only about a signed-in, active account.


def _manage_units(user: User, obj: Any) -> bool:
    return is_system_admin(user)


def _view_unit(user: User, unit: OrgUnit) -> bool:
    return administers(user, unit)


def _set_document_receiver(user: User, unit: OrgUnit) -> bool:
    return administers(user, unit)


def _edit_unit_details(user: User, unit: OrgUnit) -> bool:
    """Điều 9.2d: the unit's own administrators keep its name and contact data current; its code,
    type, parent and order stay with system administrators (MANAGE_UNITS)."""
    return administers(user, unit)


def _manage_users_of_unit(user: User, unit: OrgUnit) -> bool:
    return administers(user, unit)


def _manage_user(user: User, target: User) -> bool:
    if target.is_superuser and not user.is_superuser:
        return False
    if not could_grant_every_right_of(user, target):
        return False
    return administers(user, target.unit)


def _grant_right(user: User, target_and_right: tuple[User, Right]) -> bool:
    target, right = target_and_right
    if not target.is_active or target.is_external:
        return False
    if right in (Right.SYSTEM_ADMIN, Right.UNIT_ADMIN):
        return is_system_admin(user) and not (right == Right.SYSTEM_ADMIN and target.pk == user.pk)
    return _manage_user(user, target)


def _transfer_directly(user: User, target_and_unit: tuple[User, OrgUnit]) -> bool:
    target, to_unit = target_and_unit
    return _manage_user(user, target) and administers(user, to_unit)


def _decide_transfer(user: User, transfer: TransferRequest) -> bool:
    """Accepting a move drops the moved account's rights: only for accounts the decider outranks."""
    return administers(user, transfer.to_unit) and could_grant_every_right_of(user, transfer.user)


def _view_audit(user: User, obj: Any) -> bool:
    return is_admin(user)


def _export_personal_data(user: User, target: User) -> bool:
    """System administrators only: the export holds private notes and the whole trail of a person."""
    return is_system_admin(user)


def _register_meetings(user: User, obj: Any) -> bool:
    return has_right(user, Right.ORGANISER)


def _approve_meetings(user: User, obj: Any) -> bool:
    return has_right(user, Right.LEADER)


# A rule: (the signed-in account, the object asked about) -> allowed.
Rule = Callable[[User, Any], bool]

RULES: dict[Perm, Rule] = {
    Perm.MANAGE_UNITS: _manage_units,
    Perm.VIEW_UNIT: _view_unit,
    Perm.SET_DOCUMENT_RECEIVER: _set_document_receiver,
    Perm.EDIT_UNIT_DETAILS: _edit_unit_details,
    Perm.MANAGE_USERS_OF_UNIT: _manage_users_of_unit,
    Perm.MANAGE_USER: _manage_user,
    Perm.GRANT_RIGHT: _grant_right,
    Perm.TRANSFER_DIRECTLY: _transfer_directly,
    Perm.DECIDE_TRANSFER: _decide_transfer,
    Perm.VIEW_AUDIT: _view_audit,
    Perm.EXPORT_PERSONAL_DATA: _export_personal_data,
    Perm.REGISTER_MEETINGS: _register_meetings,
    Perm.APPROVE_MEETINGS: _approve_meetings,
}


def register_rule(perm: Perm) -> Callable[[Rule], Rule]:
    """Lets a later app (meetings, documents, ...) supply the rule for a Perm of this vocabulary."""

    def decorator(rule: Rule) -> Rule:
        if perm in RULES:
            raise RuntimeError(f"a rule for {perm} is already registered")
        RULES[perm] = rule
        return rule

    return decorator


def can(user: AnyUser | None, perm: Perm, obj: Any = None) -> bool:
    if not _active(user):
        return False
    return RULES[perm](user, obj)
