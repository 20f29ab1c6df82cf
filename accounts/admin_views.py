"""Unit-administrator screens (Điều 4.3): users, rights, transfers, units.

Every view fetches through accounts.access, so objects outside the admin's reach are 404.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.access import (
    access_incoming_transfer,
    access_outgoing_transfer,
    access_unit,
    access_user_for_admin,
    administered_units,
    manageable_users,
    require,
)
from accounts.actions.passwords import do_force_password_change, do_reset_password
from accounts.actions.rights import do_grant_right, do_revoke_right
from accounts.actions.sessions import do_unlock_user
from accounts.actions.transfers import (
    do_accept_transfer,
    do_cancel_transfer,
    do_decline_transfer,
    do_request_transfer,
    do_transfer_user,
)
from accounts.actions.two_factor import do_reset_two_factor
from accounts.actions.units import do_create_unit, do_set_document_receiver, do_set_meeting_approver, do_update_unit
from accounts.actions.users import USER_FIELDS, do_create_user, do_set_user_active, do_update_user
from accounts.forms import (
    ReceiverForm,
    RightForm,
    TransferForm,
    UnitDetailsForm,
    UnitForm,
    UserCreateForm,
    UserFieldsForm,
)
from accounts.mfa import has_authenticator_app
from accounts.models import OrgUnit, Right, User, UserSession
from accounts.passwords import generate_temporary_password
from accounts.permissions import SYSTEM_ADMIN_GRANTED, Perm, can, is_admin, is_system_admin
from accounts.queries import incoming_transfers, outgoing_transfers, search_users, transfer_history, unit_tree
from audit.queries import object_history
from core.http import AuthedRequest, perform, perform_and_redirect


def _admin_only(request: AuthedRequest) -> None:
    # Admin screens do not exist for other users: 404, like any object outside their reach.
    if not is_admin(request.user):
        raise Http404


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    _admin_only(request)
    q = request.GET.get("q", "").strip()
    unit_id = request.GET.get("unit", "")
    status = request.GET.get("status", "")
    users = search_users(request.user, q=q, unit_id=unit_id, status=status)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/admin/user_list.html",
        {
            "page": page,
            "q": q,
            "unit_id": unit_id,
            "status": status,
            "units": administered_units(request.user).only("pk", "name"),
            "nav_active": "users",
            "right_labels": dict(Right.choices),
        },
    )


@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    _admin_only(request)
    units = administered_units(request.user).filter(is_active=True)
    if request.method == "POST":
        form = UserCreateForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            password = generate_temporary_password()
            user = perform(
                request,
                lambda: do_create_user(
                    request.user,
                    username=data["username"],
                    unit=data["unit"],
                    password=password,
                    full_name=data["full_name"],
                    **{k: data[k] for k in USER_FIELDS if k != "full_name"},
                ),
                form=form,
            ).value
            if user is not None:
                return render(
                    request,
                    "accounts/admin/temporary_password.html",
                    {"target": user, "password": password, "created": True, "nav_active": "users"},
                )
    else:
        initial_unit = units.filter(pk=request.user.unit_id or 0).first()
        form = UserCreateForm(units=units, initial={"unit": initial_unit, "receive_email": True})
    return render(request, "accounts/admin/user_form.html", {"form": form, "creating": True, "nav_active": "users"})


def _user_context(request: AuthedRequest, target: User, form: Any = None) -> dict[str, Any]:
    actor = request.user
    rights = [
        {
            "value": value,
            "label": label,
            "held": value in target.rights(),
            "allowed": can(actor, Perm.GRANT_RIGHT, (target, value)),
        }
        for value, label in Right.choices
    ]
    return {
        "target": target,
        # False for an account holding a right the actor could not grant (a unit admin looking at a
        # system administrator of their unit): the page is read-only then.
        "can_manage": can(actor, Perm.MANAGE_USER, target),
        "two_factor_on": has_authenticator_app(target),
        "can_export_personal_data": can(actor, Perm.EXPORT_PERSONAL_DATA, target),
        "form": form or UserFieldsForm(initial={f: getattr(target, f) for f in USER_FIELDS}),
        "rights": rights,
        "transfer_form": TransferForm(),
        "sessions": UserSession.objects.filter(user=target),
        "recent": object_history(target).reverse()[:15],
        "pending_transfer": target.transfers.filter(status="pending").select_related("to_unit").first(),
        "nav_active": "users",
        "now_value": timezone.now(),
    }


@login_required
def user_detail(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    form = None
    if request.method == "POST":
        form = UserFieldsForm(request.POST)
        if form.is_valid():
            changed = do_update_user(request.user, target, **form.cleaned_data)
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("unitadmin:user_detail", user_id=target.pk)
    return render(request, "accounts/admin/user_detail.html", _user_context(request, target, form))


@login_required
@require_POST
def user_right(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    form = RightForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown right."))
        return redirect("unitadmin:user_detail", user_id=target.pk)
    right = Right(form.cleaned_data["right"])
    require(request.user, Perm.GRANT_RIGHT, (target, right))
    grant = form.cleaned_data["grant"]
    change = do_grant_right if grant else do_revoke_right
    done = _("Granted: %(right)s.") if grant else _("Revoked: %(right)s.")
    return perform_and_redirect(
        request,
        lambda: change(request.user, target, right),
        "unitadmin:user_detail",
        user_id=target.pk,
        success=done % {"right": right.label},
    )


@login_required
@require_POST
def user_set_active(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    active = request.POST.get("active") == "1"
    return perform_and_redirect(
        request,
        lambda: do_set_user_active(request.user, target, active=active),
        "unitadmin:user_detail",
        user_id=target.pk,
        success=_("The account is active again.")
        if active
        else _("The account was deactivated and signed out everywhere."),
    )


@login_required
@require_POST
def user_reset_password(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    password = generate_temporary_password()
    do_reset_password(request.user, target, new_password=password)
    return render(
        request,
        "accounts/admin/temporary_password.html",
        {"target": target, "password": password, "created": False, "nav_active": "users"},
    )


@login_required
@require_POST
def user_unlock(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    return perform_and_redirect(
        request,
        lambda: do_unlock_user(request.user, target),
        "unitadmin:user_detail",
        user_id=target.pk,
        success=_("The account was unlocked."),
    )


@login_required
@require_POST
def user_force_password_change(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    return perform_and_redirect(
        request,
        lambda: do_force_password_change(request.user, [target]),
        "unitadmin:user_detail",
        user_id=target.pk,
        success=_("%(name)s must choose a new password at their next sign-in.") % {"name": target.display_name},
    )


@login_required
@require_POST
def user_reset_two_factor(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    return perform_and_redirect(
        request,
        lambda: do_reset_two_factor(request.user, target),
        "unitadmin:user_detail",
        user_id=target.pk,
        success=_("Two-factor sign-in of %(name)s was reset and their sessions ended.") % {"name": target.display_name},
    )


def _force_password_targets(actor: User) -> QuerySet[User]:
    """Every active account in the actor's reach that they outrank (not themselves)."""
    users = manageable_users(actor).filter(is_active=True).exclude(pk=actor.pk)
    if not is_system_admin(actor):
        users = users.exclude(grants__right__in=SYSTEM_ADMIN_GRANTED)
    return users.order_by("pk")


@login_required
def force_password_change_all(request: AuthedRequest) -> HttpResponse:
    """Điều 4.5: everyone in the administrator's reach chooses a new password at next sign-in."""
    _admin_only(request)
    targets = _force_password_targets(request.user)
    if request.method == "POST":
        count = do_force_password_change(request.user, targets)
        messages.success(
            request,
            ngettext(
                "%(count)d account must choose a new password at the next sign-in.",
                "%(count)d accounts must choose a new password at the next sign-in.",
                count,
            )
            % {"count": count},
        )
        return redirect("unitadmin:user_list")
    return render(
        request,
        "accounts/admin/force_password_change.html",
        {
            "count": targets.count(),
            "is_system_admin": is_system_admin(request.user),
            "nav_active": "users",
        },
    )


@login_required
@require_POST
def user_transfer(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    form = TransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the receiving unit."))
        return redirect("unitadmin:user_detail", user_id=target.pk)
    to_unit: OrgUnit = form.cleaned_data["to_unit"]
    new_position, note = form.cleaned_data["new_position"], form.cleaned_data["note"]
    if can(request.user, Perm.TRANSFER_DIRECTLY, (target, to_unit)):
        moved = perform(
            request,
            lambda: do_transfer_user(request.user, target, to_unit, new_position=new_position),
            success=_("%(name)s now belongs to %(unit)s.") % {"name": target.display_name, "unit": to_unit.name},
        )
        if moved.ok and not can(request.user, Perm.MANAGE_USER, target):
            return redirect("unitadmin:user_list")
    else:
        perform(
            request,
            lambda: do_request_transfer(request.user, target, to_unit, new_position=new_position, note=note),
            success=_("Transfer proposed. It takes effect when an administrator of %(unit)s accepts it.")
            % {"unit": to_unit.name},
        )
    return redirect("unitadmin:user_detail", user_id=target.pk)


@login_required
def transfer_list(request: AuthedRequest) -> HttpResponse:
    _admin_only(request)
    return render(
        request,
        "accounts/admin/transfer_list.html",
        {
            "incoming": incoming_transfers(request.user),
            "outgoing": outgoing_transfers(request.user),
            "history": transfer_history(request.user),
            "nav_active": "transfers",
        },
    )


# decision in the URL -> (fetch-and-authorize, action, message on success)
_TRANSFER_DECISIONS = {
    "accept": (
        access_incoming_transfer,
        do_accept_transfer,
        gettext_lazy("Transfer accepted. Grant the user's rights in your unit if needed."),
    ),
    "decline": (access_incoming_transfer, do_decline_transfer, gettext_lazy("Transfer declined.")),
    "cancel": (access_outgoing_transfer, do_cancel_transfer, gettext_lazy("Transfer cancelled.")),
}


@login_required
@require_POST
def transfer_decide(request: AuthedRequest, transfer_id: int, decision: str) -> HttpResponse:
    if decision not in _TRANSFER_DECISIONS:
        raise Http404
    access, decide, done = _TRANSFER_DECISIONS[decision]
    transfer = access(request.user, transfer_id)
    return perform_and_redirect(
        request, lambda: decide(request.user, transfer), "unitadmin:transfer_list", success=str(done)
    )


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    _admin_only(request)
    return render(
        request,
        "accounts/admin/unit_list.html",
        {"rows": unit_tree(request.user), "can_manage": can(request.user, Perm.MANAGE_UNITS), "nav_active": "units"},
    )


def _set_unit_roles(actor: User, unit: OrgUnit, *, receiver: User | None, approver: User | None) -> None:
    """The unit page sets both roles in one form; the receiver only when it changed."""
    if receiver != unit.document_receiver:
        do_set_document_receiver(actor, unit, receiver)
    do_set_meeting_approver(actor, unit, approver)


@login_required
def unit_detail(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    if request.method == "POST":
        form = ReceiverForm(request.POST, unit=unit)
        if form.is_valid():
            receiver, approver = form.cleaned_data["receiver"], form.cleaned_data["meeting_approver"]
            call = partial(_set_unit_roles, request.user, unit, receiver=receiver, approver=approver)
            if perform(request, call, success=_("Saved."), form=form).ok:
                return redirect("unitadmin:unit_detail", unit_id=unit.pk)
    else:
        form = ReceiverForm(
            unit=unit, initial={"receiver": unit.document_receiver, "meeting_approver": unit.meeting_approver}
        )
    return _render_unit_detail(request, unit, form=form)


def _render_unit_detail(
    request: AuthedRequest,
    unit: OrgUnit,
    *,
    form: ReceiverForm | None = None,
    details_form: UnitDetailsForm | None = None,
) -> HttpResponse:
    if form is None:
        form = ReceiverForm(
            unit=unit, initial={"receiver": unit.document_receiver, "meeting_approver": unit.meeting_approver}
        )
    if details_form is None and can(request.user, Perm.EDIT_UNIT_DETAILS, unit):
        details_form = UnitDetailsForm(instance=unit)
    return render(
        request,
        "accounts/admin/unit_detail.html",
        {
            "unit": unit,
            "form": form,
            "details_form": details_form,
            "members": unit.members.filter(is_active=True).order_by("full_name"),
            "children": unit.children.all(),
            "can_manage": can(request.user, Perm.MANAGE_UNITS),
            "nav_active": "units",
        },
    )


@login_required
@require_POST
def unit_details(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Điều 9.2d: the unit's administrators keep its name and contact data current. A member of
    the unit without the right gets 403 (the unit is theirs, its existence no secret); anyone
    else outside the admin's reach gets 404."""
    if not is_admin(request.user) and request.user.unit_id == unit_id:
        raise PermissionDenied
    unit = access_unit(request.user, unit_id)
    require(request.user, Perm.EDIT_UNIT_DETAILS, unit)
    stored = OrgUnit.objects.get(pk=unit.pk)
    details_form = UnitDetailsForm(request.POST, instance=unit)
    if details_form.is_valid():
        fields = {k: details_form.cleaned_data[k] for k in UnitDetailsForm.Meta.fields}
        call = partial(do_update_unit, request.user, stored, **fields)
        if perform(request, call, success=_("The unit's details were saved."), form=details_form).ok:
            return redirect("unitadmin:unit_detail", unit_id=unit.pk)
    return _render_unit_detail(request, stored, details_form=details_form)


def _save_unit(actor: User, unit: OrgUnit | None, fields: dict[str, Any]) -> OrgUnit:
    if unit is None:
        return do_create_unit(actor, **fields)
    # The ModelForm already copied values onto the instance; start from the stored row.
    unit.refresh_from_db()
    do_update_unit(actor, unit, **fields)
    return unit


@login_required
def unit_edit(request: AuthedRequest, unit_id: int | None = None) -> HttpResponse:
    require(request.user, Perm.MANAGE_UNITS)
    unit = access_unit(request.user, unit_id) if unit_id else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in UnitForm.Meta.fields}
        call = partial(_save_unit, request.user, unit, fields)
        saved = perform(request, call, success=_("The unit was saved."), form=form).value
        if saved is not None:
            return redirect("unitadmin:unit_detail", unit_id=saved.pk)
    return render(request, "accounts/admin/unit_form.html", {"form": form, "unit": unit, "nav_active": "units"})
