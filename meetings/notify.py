"""Who hears about what in the meeting workflow. Called inside the actions' transactions:
notifications are written with the change and sent after commit (notifications.actions)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Right, User
from accounts.permissions import administers
from meetings import rules
from meetings.models import Answer, Invitation, InvitationKind, Meeting, MeetingStatus, SupportRequest
from meetings.queries import attendee_users, unit_fallback_receivers
from notifications.actions import do_notify, do_notify_address

INVITATION_ATTACHMENTS = "meeting_invitation"


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _when(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    return f"{start:%H:%M %d/%m/%Y} – {end:%H:%M}"


def approvers(meeting: Meeting) -> list[User]:
    if meeting.approver is not None:
        return [meeting.approver]
    return list(User.objects.filter(unit=meeting.unit, is_active=True, grants__right=Right.LEADER))


def unit_receivers(meeting: Meeting, *, pending_only: bool = False) -> list[User]:
    """Who hears about the meeting for each invited unit: its document receiver, or, when the unit
    has none, its unit administrators and leaders (queries.unit_fallback_receivers)."""
    invitations = meeting.invitations.filter(kind=InvitationKind.UNIT).select_related("unit__document_receiver")
    if pending_only:
        invitations = invitations.filter(answer=Answer.PENDING)
    people: list[User] = []
    without: list[OrgUnit] = []
    for i in invitations:
        if i.unit is None:
            continue
        if i.unit.document_receiver is None:
            without.append(i.unit)
        elif i.unit.document_receiver.is_active:
            people.append(i.unit.document_receiver)
    for fallback in unit_fallback_receivers(without).values():
        people.extend(fallback)
    return people


def _invitation_text(meeting: Meeting) -> str:
    lines = [
        _("Meeting: %(title)s") % {"title": meeting.title},
        _("Time: %(when)s") % {"when": _when(meeting)},
        _("Place: %(place)s") % {"place": meeting.place_label or meeting.get_format_display()},
        _("Chair: %(chair)s") % {"chair": meeting.chair.display_name},
    ]
    if meeting.online_link:
        lines.append(_("Online link: %(link)s") % {"link": meeting.online_link})
    if rules.is_regular(meeting):
        lines.append(
            _("Please answer (attend, not attend or send a substitute) by %(deadline)s.")
            % {"deadline": f"{timezone.localtime(rules.answer_deadline(meeting)):%H:%M %d/%m/%Y}"}
        )
    else:
        lines.append(_("Please answer as soon as you receive this notice."))
    return "\n".join(lines)


def _sms(meeting: Meeting, prefix: str) -> str:
    start = timezone.localtime(meeting.start)
    place = meeting.place_label or meeting.get_format_display()
    return f"eCabinet: {prefix} {meeting.title[:60]}, {start:%H:%M %d/%m}, {place[:40]}. {settings.SITE_URL}{meeting_url(meeting)}"


def _notify(
    users: Iterable[User],
    meeting: Meeting,
    event: str,
    title: str,
    body: str,
    *,
    sms: str | None = None,
    attach: bool = False,
) -> None:
    users = list({u.pk: u for u in users}.values())
    if not users:
        return
    do_notify(
        users,
        event=event,
        title=title,
        body=body,
        url=meeting_url(meeting),
        target=meeting,
        sms_text=sms,
        attachments_key=INVITATION_ATTACHMENTS if attach else None,
        attachments_args={"meeting_id": meeting.pk} if attach else None,
    )


def _notify_guests(meeting: Meeting, event: str, title: str, body: str, *, attach: bool) -> None:
    for guest in meeting.invitations.filter(kind=InvitationKind.GUEST):
        if guest.guest_email or guest.guest_phone:
            do_notify_address(
                name=guest.guest_name,
                email=guest.guest_email,
                phone=guest.guest_phone,
                event=event,
                title=title,
                body=body,
                url=meeting_url(meeting),
                target=meeting,
                sms_text=_sms(meeting, _("Invitation:")),
                attachments_key=INVITATION_ATTACHMENTS if attach else None,
                attachments_args={"meeting_id": meeting.pk} if attach else None,
            )


def approval_requested(meeting: Meeting) -> None:
    deadline = timezone.localtime(rules.approval_deadline(meeting))
    body = _("%(organiser)s asks you to approve this meeting by %(deadline)s.") % {
        "organiser": meeting.organiser.display_name,
        "deadline": f"{deadline:%H:%M %d/%m/%Y}",
    }
    _notify(
        approvers(meeting),
        meeting,
        "meeting.approval_requested",
        _("Meeting waiting for approval: %(title)s") % {"title": meeting.title},
        body + "\n" + _invitation_text(meeting),
    )
    from meetings.tasks import remind_approver

    submitted = meeting.submitted_at.isoformat() if meeting.submitted_at else ""
    run_after = rules.approver_reminder_time(meeting)
    transaction.on_commit(lambda: remind_approver.using(run_after=run_after).enqueue(meeting.pk, submitted))


def invitations_sent(meeting: Meeting) -> None:
    title = _("Invitation: %(title)s") % {"title": meeting.title}
    body = _invitation_text(meeting)
    attendees = list(attendee_users(meeting))
    receivers = unit_receivers(meeting)
    _notify(
        attendees,
        meeting,
        "meeting.invited",
        title,
        body,
        sms=_sms(meeting, _("Invitation:")),
        attach=True,
    )
    unit_body = body + "\n" + _("Your unit is invited: name who attends on the meeting page.")
    _notify(
        receivers,
        meeting,
        "meeting.unit_invited",
        title,
        unit_body,
        sms=_sms(meeting, _("Unit invitation:")),
        attach=True,
    )
    _notify_guests(meeting, "meeting.invited", title, body, attach=True)
    # The chair hears of the approval even when not on the list of invitees (issue 10).
    if meeting.chair_id not in {u.pk for u in attendees + receivers} and meeting.chair.is_active:
        _notify(
            [meeting.chair],
            meeting,
            "meeting.chair_invited",
            _("You chair: %(title)s") % {"title": meeting.title},
            body,
            sms=_sms(meeting, _("You chair:")),
            attach=True,
        )
    _notify(
        [meeting.organiser],
        meeting,
        "meeting.approved",
        _("Approved: %(title)s") % {"title": meeting.title},
        _("Invitations have been sent."),
    )
    schedule_answer_reminder(meeting)


def schedule_answer_reminder(meeting: Meeting) -> None:
    from meetings.tasks import remind_unanswered

    run_after = rules.answer_reminder_time(meeting)
    sequence = meeting.sequence
    transaction.on_commit(lambda: remind_unanswered.using(run_after=run_after).enqueue(meeting.pk, sequence))


def decision_to_organiser(meeting: Meeting, status: str) -> None:
    label = MeetingStatus(status).label
    _notify(
        [meeting.organiser],
        meeting,
        f"meeting.{status}",
        _("%(decision)s: %(title)s") % {"decision": label, "title": meeting.title},
        meeting.decision_comment,
    )


def meeting_changed(meeting: Meeting, *, reason: str, cancelled: bool) -> None:
    if cancelled:
        title = _("Cancelled: %(title)s") % {"title": meeting.title}
        body = _("The meeting has been cancelled. Reason: %(reason)s") % {"reason": reason}
        sms = _sms(meeting, _("CANCELLED:"))
        event = "meeting.cancelled"
    else:
        title = _("New time: %(title)s") % {"title": meeting.title}
        body = (
            _("The meeting has been postponed. Reason: %(reason)s") % {"reason": reason}
            + "\n"
            + _invitation_text(meeting)
        )
        sms = _sms(meeting, _("NEW TIME:"))
        event = "meeting.postponed"
    people = [*attendee_users(meeting), *unit_receivers(meeting), meeting.organiser, meeting.chair]
    _notify(people, meeting, event, title, body, sms=sms, attach=not cancelled)
    _notify_guests(meeting, event, title, body, attach=not cancelled)
    if not cancelled:
        schedule_answer_reminder(meeting)


def substitute_invited(invitation: Invitation) -> None:
    meeting = invitation.meeting
    original = invitation.substitute_for
    who = original.user.display_name if original and original.user else ""
    assert invitation.user is not None  # noqa: S101 - substitutes are officials
    _notify(
        [invitation.user],
        meeting,
        "meeting.substitute_invited",
        _("You attend in place of %(name)s: %(title)s") % {"name": who, "title": meeting.title},
        _invitation_text(meeting),
        sms=_sms(meeting, _("Attend in place of %(name)s:") % {"name": who}),
        attach=True,
    )
    _notify(
        [meeting.organiser],
        meeting,
        "meeting.substitute_named",
        _("Substitute for %(name)s") % {"name": who},
        invitation.user.display_name,
    )


def substitute_withdrawn(invitation: Invitation) -> None:
    if invitation.user is not None:
        meeting = invitation.meeting
        _notify(
            [invitation.user],
            meeting,
            "meeting.substitute_withdrawn",
            _("You no longer attend: %(title)s") % {"title": meeting.title},
            _("The invitee will attend in person or has changed the substitute."),
        )


def named_attendees_invited(meeting: Meeting, invitations: list[Invitation]) -> None:
    users = [i.user for i in invitations if i.user is not None]
    _notify(
        users,
        meeting,
        "meeting.invited",
        _("Invitation: %(title)s") % {"title": meeting.title},
        _invitation_text(meeting),
        sms=_sms(meeting, _("Invitation:")),
        attach=True,
    )


def support_requested(request: SupportRequest) -> None:
    meeting = request.meeting
    admins = [
        u
        for u in User.objects.filter(is_active=True, grants__right=Right.UNIT_ADMIN).select_related("unit")
        if administers(u, meeting.unit)
    ]
    _notify(
        admins + [meeting.organiser],
        meeting,
        "meeting.support_requested",
        _("Support request: %(kind)s") % {"kind": request.get_kind_display()},
        _("%(name)s, for “%(title)s”: %(note)s")
        % {"name": request.requester.display_name, "title": meeting.title, "note": request.note or "—"},
    )


def support_resolved(request: SupportRequest) -> None:
    meeting = request.meeting
    _notify(
        [request.requester],
        meeting,
        "meeting.support_resolved",
        _("Your support request was handled"),
        request.resolution,
    )


def remind_approvers(meeting: Meeting) -> None:
    deadline = timezone.localtime(rules.approval_deadline(meeting))
    _notify(
        approvers(meeting),
        meeting,
        "meeting.approval_reminder",
        _("Reminder: approve “%(title)s” by %(deadline)s")
        % {"title": meeting.title, "deadline": f"{deadline:%H:%M %d/%m/%Y}"},
        _invitation_text(meeting),
    )


def remind_unanswered(meeting: Meeting) -> int:
    pending = [
        i.user
        for i in meeting.invitations.filter(kind=InvitationKind.USER, answer=Answer.PENDING).select_related("user")
        if i.user is not None and i.user.is_active
    ]
    people = pending + unit_receivers(meeting, pending_only=True)
    _notify(
        people,
        meeting,
        "meeting.answer_reminder",
        _("Reminder: please answer the invitation to “%(title)s”") % {"title": meeting.title},
        _invitation_text(meeting),
    )
    return len(people)
