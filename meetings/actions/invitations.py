"""Answers to an invitation (Điều 6.3): attend, not attend, send a substitute; and the officials an
invited unit names to attend for it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, is_guest
from audit.log import log_action
from meetings import notify, rules
from meetings.actions.common import format_local, require
from meetings.models import SCHEDULED_STATUSES, Answer, Invitation, InvitationKind, Meeting


def answer_late_message(meeting: Meeting) -> str:
    if rules.is_regular(meeting):
        return _(
            "Điều 6.3: for meetings in the weekly schedule, answer no later than 1 day before the start "
            "(deadline %(deadline)s). Contact the organiser, who can record your answer."
        ) % {"deadline": format_local(rules.answer_deadline(meeting))}
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
        require(actor, Perm.MANAGE_ATTENDANCE, meeting)
        if meeting.status not in SCHEDULED_STATUSES or invitation.kind != InvitationKind.USER:
            raise PermissionDenied
    else:
        require(actor, Perm.ANSWER_INVITATION, invitation)
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
            or is_guest(substitute)
        ):
            raise ValidationError({"substitute": [_("The substitute must be an active official of your own unit.")]})
    substitute_id = substitute.pk if substitute is not None else None
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("meeting", "user").get(pk=invitation.pk)
        )
        previous = invitation.answer
        old_substitute = Invitation.objects.filter(substitute_for=invitation).select_related("user").first()
        if old_substitute is not None and (answer != Answer.DELEGATED or old_substitute.user_id != substitute_id):
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
    require(actor, Perm.NAME_UNIT_ATTENDEES, unit_invitation)
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
