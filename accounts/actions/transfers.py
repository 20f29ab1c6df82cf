"""Moving an account to another unit (Điều 4.3a): directly, or proposed to the receiving unit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import OrgUnit, RightGrant, TransferRequest, TransferStatus, User
from accounts.permissions import Perm
from audit.log import log_action


def check_transfer(user: User, to_unit: OrgUnit) -> None:
    if not user.is_active:
        raise ValidationError(_("An inactive account cannot be transferred."), code="inactive")
    if user.unit_id == to_unit.pk:
        raise ValidationError(_("The user already belongs to %(unit)s.") % {"unit": to_unit.name}, code="same_unit")
    if not to_unit.is_active:
        raise ValidationError(_("The receiving unit is no longer active."), code="inactive_unit")


def _move(user: User, to_unit: OrgUnit, new_position: str) -> tuple[OrgUnit, list[str]]:
    """Rights are held within a unit, so a move drops them; the receiving admin grants anew."""
    from_unit = user.unit
    if from_unit is None:
        raise ValidationError(_("This account has no unit to transfer from."), code="no_unit")
    user.unit = to_unit
    fields = ["unit"]
    if new_position:
        user.position = new_position
        fields.append("position")
    user.save(update_fields=fields)
    dropped = list(RightGrant.objects.filter(user=user).values_list("right", flat=True))
    RightGrant.objects.filter(user=user).delete()
    OrgUnit.objects.filter(document_receiver=user).update(document_receiver=None)
    OrgUnit.objects.filter(meeting_approver=user).update(meeting_approver=None)
    user.forget_rights()
    return from_unit, dropped


def do_transfer_user(actor: User, user: User, to_unit: OrgUnit, *, new_position: str = "") -> None:
    """Direct transfer by an admin whose reach covers both units (or a system admin)."""
    require(actor, Perm.TRANSFER_DIRECTLY, (user, to_unit))
    check_transfer(user, to_unit)
    with transaction.atomic():
        from_unit, dropped = _move(user, to_unit, new_position)
        TransferRequest.objects.filter(user=user, status=TransferStatus.PENDING).update(
            status=TransferStatus.CANCELLED, decided_by=actor, decided_at=timezone.now()
        )
        log_action(
            "user.transferred",
            actor=actor,
            target=user,
            unit=to_unit,
            data={"from_unit": from_unit.code, "to_unit": to_unit.code, "direct": True, "rights_dropped": dropped},
        )


def do_request_transfer(
    actor: User, user: User, to_unit: OrgUnit, *, new_position: str = "", note: str = ""
) -> TransferRequest:
    require(actor, Perm.MANAGE_USER, user)
    check_transfer(user, to_unit)
    if user.unit is None:
        raise ValidationError(_("This account has no unit to transfer from."), code="no_unit")
    with transaction.atomic():
        try:
            with transaction.atomic():
                transfer = TransferRequest.objects.create(
                    user=user,
                    from_unit=user.unit,
                    to_unit=to_unit,
                    new_position=new_position,
                    note=note,
                    requested_by=actor,
                )
        except IntegrityError:
            raise ValidationError(
                _("A transfer of this user is already waiting for the receiving unit."), code="duplicate"
            ) from None
        log_action(
            "user.transfer_requested",
            actor=actor,
            target=user,
            unit=user.unit,
            data={"transfer": transfer.pk, "to_unit": to_unit.code},
        )
    return transfer


def _decide(actor: User, transfer: TransferRequest, status: TransferStatus) -> bool:
    """Claim the pending transfer with a conditional update so two admins cannot both decide."""
    return bool(
        TransferRequest.objects.filter(pk=transfer.pk, status=TransferStatus.PENDING).update(
            status=status, decided_by=actor, decided_at=timezone.now()
        )
    )


def do_accept_transfer(actor: User, transfer: TransferRequest) -> None:
    require(actor, Perm.DECIDE_TRANSFER, transfer)
    user = transfer.user
    check_transfer(user, transfer.to_unit)
    with transaction.atomic():
        if not _decide(actor, transfer, TransferStatus.ACCEPTED):
            raise ValidationError(_("This transfer has already been decided."), code="decided")
        from_unit, dropped = _move(user, transfer.to_unit, transfer.new_position)
        log_action(
            "user.transferred",
            actor=actor,
            target=user,
            unit=transfer.to_unit,
            data={
                "from_unit": from_unit.code,
                "to_unit": transfer.to_unit.code,
                "transfer": transfer.pk,
                "rights_dropped": dropped,
            },
        )


def do_decline_transfer(actor: User, transfer: TransferRequest) -> None:
    require(actor, Perm.DECIDE_TRANSFER, transfer)
    with transaction.atomic():
        if not _decide(actor, transfer, TransferStatus.DECLINED):
            raise ValidationError(_("This transfer has already been decided."), code="decided")
        log_action(
            "user.transfer_declined",
            actor=actor,
            target=transfer.user,
            unit=transfer.to_unit,
            data={"transfer": transfer.pk},
        )


def do_cancel_transfer(actor: User, transfer: TransferRequest) -> None:
    require(actor, Perm.MANAGE_USER, transfer.user)
    with transaction.atomic():
        if not _decide(actor, transfer, TransferStatus.CANCELLED):
            raise ValidationError(_("This transfer has already been decided."), code="decided")
        log_action(
            "user.transfer_cancelled",
            actor=actor,
            target=transfer.user,
            unit=transfer.from_unit,
            data={"transfer": transfer.pk},
        )
