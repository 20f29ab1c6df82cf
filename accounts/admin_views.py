"""Unit-administrator screens (Điều 4.3): users, rights, transfers, units.

Every view fetches through accounts.access, so objects outside the admin's reach are 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import actions
from accounts.access import (
    access_incoming_transfer,
    access_outgoing_transfer,
    access_unit,
    access_user_for_admin,
    administered_units,
    manageable_users,
    require,
)
from accounts.forms import ReceiverForm, RightForm, TransferForm, UnitForm, UserCreateForm, UserFieldsForm
from accounts.mfa import has_authenticator_app
from accounts.models import OrgUnit, Right, User, UserSession
from accounts.passwords import generate_temporary_password
from accounts.permissions import SYSTEM_ADMIN_GRANTED, Perm, can, is_admin, is_system_admin
from accounts.queries import incoming_transfers, outgoing_transfers, search_users, transfer_history, unit_tree
from audit.queries import object_history
from core.http import AuthedRequest


def _admin_only(request: AuthedRequest) -> None:
    # Admin screens do not exist for other users: 404, like any object outside their reach.
    if not is_admin(request.user):
        raise Http404


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


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
            try:
                user = actions.do_create_user(
                    request.user,
                    username=data["username"],
                    unit=data["unit"],
                    password=password,
                    full_name=data["full_name"],
                    **{k: data[k] for k in actions.USER_FIELDS if k != "full_name"},
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
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
        "form": form or UserFieldsForm(initial={f: getattr(target, f) for f in actions.USER_FIELDS}),
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
            changed = actions.do_update_user(request.user, target, **form.cleaned_data)
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
    try:
        if form.cleaned_data["grant"]:
            actions.do_grant_right(request.user, target, right)
            messages.success(request, _("Granted: %(right)s.") % {"right": right.label})
        else:
            actions.do_revoke_right(request.user, target, right)
            messages.success(request, _("Revoked: %(right)s.") % {"right": right.label})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("unitadmin:user_detail", user_id=target.pk)


@login_required
@require_POST
def user_set_active(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    active = request.POST.get("active") == "1"
    try:
        actions.do_set_user_active(request.user, target, active=active)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("The account is active again.")
            if active
            else _("The account was deactivated and signed out everywhere."),
        )
    return redirect("unitadmin:user_detail", user_id=target.pk)


@login_required
@require_POST
def user_reset_password(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    password = generate_temporary_password()
    actions.do_reset_password(request.user, target, new_password=password)
    return render(
        request,
        "accounts/admin/temporary_password.html",
        {"target": target, "password": password, "created": False, "nav_active": "users"},
    )


@login_required
@require_POST
def user_unlock(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    actions.do_unlock_user(request.user, target)
    messages.success(request, _("The account was unlocked."))
    return redirect("unitadmin:user_detail", user_id=target.pk)


@login_required
@require_POST
def user_force_password_change(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    actions.do_force_password_change(request.user, [target])
    messages.success(
        request,
        _("%(name)s must choose a new password at their next sign-in.") % {"name": target.display_name},
    )
    return redirect("unitadmin:user_detail", user_id=target.pk)


@login_required
@require_POST
def user_reset_two_factor(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = access_user_for_admin(request.user, user_id)
    actions.do_reset_two_factor(request.user, target)
    messages.success(
        request,
        _("Two-factor sign-in of %(name)s was reset and their sessions ended.") % {"name": target.display_name},
    )
    return redirect("unitadmin:user_detail", user_id=target.pk)


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
        count = actions.do_force_password_change(request.user, targets)
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
    try:
        if can(request.user, Perm.TRANSFER_DIRECTLY, (target, to_unit)):
            actions.do_transfer_user(request.user, target, to_unit, new_position=form.cleaned_data["new_position"])
            messages.success(
                request, _("%(name)s now belongs to %(unit)s.") % {"name": target.display_name, "unit": to_unit.name}
            )
            if not can(request.user, Perm.MANAGE_USER, target):
                return redirect("unitadmin:user_list")
        else:
            actions.do_request_transfer(
                request.user,
                target,
                to_unit,
                new_position=form.cleaned_data["new_position"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request,
                _("Transfer proposed. It takes effect when an administrator of %(unit)s accepts it.")
                % {"unit": to_unit.name},
            )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
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


@login_required
@require_POST
def transfer_decide(request: AuthedRequest, transfer_id: int, decision: str) -> HttpResponse:
    try:
        if decision == "accept":
            actions.do_accept_transfer(request.user, access_incoming_transfer(request.user, transfer_id))
            messages.success(request, _("Transfer accepted. Grant the user's rights in your unit if needed."))
        elif decision == "decline":
            actions.do_decline_transfer(request.user, access_incoming_transfer(request.user, transfer_id))
            messages.success(request, _("Transfer declined."))
        elif decision == "cancel":
            actions.do_cancel_transfer(request.user, access_outgoing_transfer(request.user, transfer_id))
            messages.success(request, _("Transfer cancelled."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("unitadmin:transfer_list")


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    _admin_only(request)
    return render(
        request,
        "accounts/admin/unit_list.html",
        {"rows": unit_tree(request.user), "can_manage": can(request.user, Perm.MANAGE_UNITS), "nav_active": "units"},
    )


@login_required
def unit_detail(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    if request.method == "POST":
        form = ReceiverForm(request.POST, unit=unit)
        if form.is_valid():
            try:
                if form.cleaned_data["receiver"] != unit.document_receiver:
                    actions.do_set_document_receiver(request.user, unit, form.cleaned_data["receiver"])
                actions.do_set_meeting_approver(request.user, unit, form.cleaned_data["meeting_approver"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("unitadmin:unit_detail", unit_id=unit.pk)
    else:
        form = ReceiverForm(
            unit=unit, initial={"receiver": unit.document_receiver, "meeting_approver": unit.meeting_approver}
        )
    return render(
        request,
        "accounts/admin/unit_detail.html",
        {
            "unit": unit,
            "form": form,
            "members": unit.members.filter(is_active=True).order_by("full_name"),
            "children": unit.children.all(),
            "can_manage": can(request.user, Perm.MANAGE_UNITS),
            "nav_active": "units",
        },
    )


@login_required
def unit_edit(request: AuthedRequest, unit_id: int | None = None) -> HttpResponse:
    require(request.user, Perm.MANAGE_UNITS)
    unit = access_unit(request.user, unit_id) if unit_id else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in UnitForm.Meta.fields}
        try:
            if unit is None:
                unit = actions.do_create_unit(request.user, **fields)
            else:
                # The ModelForm already copied values onto the instance; start from the stored row.
                unit.refresh_from_db()
                actions.do_update_unit(request.user, unit, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("unitadmin:unit_detail", unit_id=unit.pk)
    return render(request, "accounts/admin/unit_form.html", {"form": form, "unit": unit, "nav_active": "units"})
