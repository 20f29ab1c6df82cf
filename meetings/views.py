"""Meeting pages: register, approve, answer, organise. Every view fetches through
meetings.access (404 for outsiders) and writes through meetings.actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import administered_units
from accounts.permissions import Perm, can, is_admin
from audit.queries import object_history
from core.http import AuthedRequest, apply_errors, flash_errors
from meetings import actions, queries, rules
from meetings.access import access_invitation, access_meeting, access_room, access_support_request
from meetings.forms import (
    AgendaFormSet,
    AnswerForm,
    DecisionForm,
    MeetingForm,
    NameAttendeesForm,
    PostponeForm,
    ReasonForm,
    ResolveForm,
    RoomForm,
    SupportRequestForm,
    agenda_lines,
    initial_for,
)
from meetings.models import Answer, InvitationKind, Meeting, MeetingStatus, Room, SupportStatus
from meetings.permissions import may_approve


@login_required
def meeting_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "meetings/list.html",
        {
            "upcoming": queries.my_upcoming(user)[:100],
            "drafts": Meeting.objects.filter(
                organiser=user, status__in=[MeetingStatus.DRAFT, MeetingStatus.RETURNED, MeetingStatus.SUBMITTED]
            ).order_by("start"),
            "can_register": can(user, Perm.REGISTER_MEETINGS),
            "queue_count": queries.approval_queue(user).count(),
            "nav_active": "meetings",
        },
    )


def _meeting_form_page(request: AuthedRequest, meeting: Meeting | None) -> HttpResponse:
    if request.method == "POST":
        form = MeetingForm(request.POST, request.FILES)
        formset = AgendaFormSet(request.POST, prefix="agenda")
        if form.is_valid() and formset.is_valid():
            data = form.meeting_data(agenda_lines(formset))
            try:
                if meeting is None:
                    meeting = actions.do_create_meeting(request.user, data)
                else:
                    meeting = actions.do_update_meeting(request.user, meeting, data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("The meeting was saved as a draft. Submit it for approval when it is ready.")
                )
                return redirect("meetings:detail", meeting_id=meeting.pk)
    elif meeting is not None:
        initial, agenda = initial_for(meeting)
        form = MeetingForm(initial=initial)
        formset = AgendaFormSet(initial=agenda, prefix="agenda")
    else:
        form = MeetingForm(initial={"preparing_unit": request.user.unit_id})
        formset = AgendaFormSet(prefix="agenda")
    return render(
        request, "meetings/form.html", {"form": form, "formset": formset, "meeting": meeting, "nav_active": "meetings"}
    )


@login_required
def meeting_create(request: AuthedRequest) -> HttpResponse:
    if not can(request.user, Perm.REGISTER_MEETINGS):
        raise PermissionDenied
    return _meeting_form_page(request, None)


@login_required
def meeting_edit(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.EDIT_MEETING)
    return _meeting_form_page(request, meeting)


@login_required
def invitation_upload(request: AuthedRequest, meeting_id: int) -> FileResponse:
    """The uploaded invitation letter, only for people who may see the meeting."""
    meeting = access_meeting(request.user, meeting_id)
    if not meeting.invitation_file:
        raise Http404
    return FileResponse(
        meeting.invitation_file.open("rb"), content_type="application/pdf", filename=f"giay-moi-{meeting.pk}.pdf"
    )


@login_required
def meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = access_meeting(user, meeting_id)
    invitations = queries.invitation_rows(meeting)
    mine = queries.my_invitation(meeting, user)
    unit_invitations = [
        i for i in invitations if i.kind == InvitationKind.UNIT and can(user, Perm.NAME_UNIT_ATTENDEES, i)
    ]
    context = {
        "meeting": meeting,
        "agenda": meeting.agenda_items.all(),
        "invitations": invitations,
        "counts": queries.answer_counts(invitations),
        "mine": mine,
        "answer_form": AnswerForm(
            invitee=user,
            allow_substitute=mine.substitute_for_id is None,
            initial={"answer": mine.answer if mine.answer != Answer.PENDING else None},
        )
        if mine and can(user, Perm.ANSWER_INVITATION, mine)
        else None,
        "answer_deadline": rules.answer_deadline(meeting),
        "answer_late": rules.answer_is_late(meeting),
        "unit_forms": [(i, NameAttendeesForm(unit=i.unit)) for i in unit_invitations if i.unit is not None],
        "support_form": SupportRequestForm()
        if mine and mine.answer != Answer.DELEGATED and meeting.is_scheduled
        else None,
        "support_deadline": rules.support_request_deadline(meeting),
        "history": object_history(meeting),
        "deadline": queries.deadline_info(meeting),
        "can_edit": can(user, Perm.EDIT_MEETING, meeting),
        "can_submit": can(user, Perm.SUBMIT_MEETING, meeting),
        "can_decide": can(user, Perm.DECIDE_MEETING, meeting),
        "can_reschedule": can(user, Perm.RESCHEDULE_MEETING, meeting),
        "can_manage": can(user, Perm.MANAGE_ATTENDANCE, meeting),
        "can_collect_opinions": can(user, Perm.CREATE_COLLECTION, meeting),
        "late_warning": actions.late_submission_warning(meeting) if rules.approval_is_late(meeting) else "",
        "receiver_warning": _receiver_warning(user, meeting, invitations),
        "conflicts": request.session.pop(f"conflicts-{meeting.pk}", None),
        "nav_active": "meetings",
    }
    return render(request, "meetings/detail.html", context)


# Until the invitations go out, and while they may be sent again (postponement).
RECEIVER_WARNING_STATUSES = (
    MeetingStatus.DRAFT,
    MeetingStatus.RETURNED,
    MeetingStatus.SUBMITTED,
    MeetingStatus.APPROVED,
    MeetingStatus.POSTPONED,
)


def _receiver_warning(user: Any, meeting: Meeting, invitations: list[Any]) -> str:
    """For the organiser and the approver: invited units without a document receiver."""
    if meeting.status not in RECEIVER_WARNING_STATUSES:
        return ""
    if not (can(user, Perm.MANAGE_ATTENDANCE, meeting) or may_approve(user, meeting)):
        return ""
    return queries.receiver_warning(queries.units_without_receiver(invitations))


@login_required
@require_POST
def meeting_submit(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.SUBMIT_MEETING)
    try:
        actions.do_submit_meeting(
            request.user, meeting, acknowledge_conflicts=request.POST.get("acknowledge_conflicts") == "1"
        )
    except actions.ConflictWarning as warning:
        request.session[f"conflicts-{meeting.pk}"] = warning.conflicts
        messages.warning(
            request, _("Some people are already in another meeting at that time. Check and confirm to submit.")
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        # The warnings it returns (late submission, units without a receiver) are shown by the
        # meeting page itself; flashing them too showed them twice.
        messages.success(request, _("Submitted for approval."))
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_decide(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.DECIDE_MEETING)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, return or reject."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    decision = form.cleaned_data["decision"]
    try:
        if decision == "approve":
            actions.do_approve_meeting(request.user, meeting, justification=form.cleaned_data["justification"])
            messages.success(request, _("Approved. The invitations are being sent."))
        elif decision == "return":
            actions.do_return_meeting(request.user, meeting, comment=form.cleaned_data["comment"])
            messages.success(request, _("Returned to the organiser for changes."))
        else:
            actions.do_reject_meeting(request.user, meeting, comment=form.cleaned_data["comment"])
            messages.success(request, _("Rejected."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
def meeting_postpone(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.RESCHEDULE_MEETING)
    form = PostponeForm(request.POST or None, initial={"start": meeting.start, "end": meeting.end})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_postpone_meeting(request.user, meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting has a new time; everyone was notified."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/postpone.html", {"meeting": meeting, "form": form, "nav_active": "meetings"})


@login_required
@require_POST
def meeting_cancel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.RESCHEDULE_MEETING)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for cancelling."))
        actions.do_cancel_meeting(request.user, meeting, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The meeting was cancelled."))
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def invitation_answer(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, invitation_id, Perm.ANSWER_INVITATION)
    assert invitation.user is not None  # noqa: S101 - the rule only admits official invitations
    form = AnswerForm(request.POST, invitee=invitation.user, allow_substitute=invitation.substitute_for_id is None)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            actions.do_answer_invitation(request.user, invitation, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request,
                _("Your answer was recorded.")
                if invitation.user_id == request.user.pk
                else _("The answer was recorded on the invitee's behalf."),
            )
    if invitation.user_id != request.user.pk:
        return redirect("meetings:dashboard", meeting_id=invitation.meeting_id)
    if not can(request.user, Perm.VIEW_MEETING, invitation.meeting):
        # Who sent a substitute no longer sees the meeting: back to their list, not to a 404.
        return redirect("meetings:list")
    return redirect("meetings:detail", meeting_id=invitation.meeting_id)


@login_required
@require_POST
def name_unit_attendees(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, invitation_id, Perm.NAME_UNIT_ATTENDEES)
    if invitation.unit is None or not can(request.user, Perm.NAME_UNIT_ATTENDEES, invitation):
        raise Http404
    form = NameAttendeesForm(request.POST, unit=invitation.unit)
    if form.is_valid():
        try:
            actions.do_name_unit_attendees(request.user, invitation, list(form.cleaned_data["users"]))
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The named officials were invited."))
    else:
        messages.error(request, _("Name at least one person."))
    return redirect("meetings:detail", meeting_id=invitation.meeting_id)


@login_required
@require_POST
def support_request(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    form = SupportRequestForm(request.POST)
    if form.is_valid():
        try:
            actions.do_request_support(request.user, meeting, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Your request was sent to the host unit."))
    else:
        messages.error(request, _("Choose what you need."))
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def support_resolve(request: AuthedRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    form = ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Describe how the request was handled."))
        actions.do_resolve_support_request(request.user, support, resolution=form.cleaned_data["resolution"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Marked as resolved."))
    return redirect("meetings:dashboard", meeting_id=support.meeting_id)


@login_required
def dashboard(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The organiser's view of answers, deliveries and support requests."""
    meeting = access_meeting(request.user, meeting_id, perm=Perm.MANAGE_ATTENDANCE)
    from notifications.queries import deliveries_for_target

    invitations = queries.invitation_rows(meeting)
    missing = queries.units_without_receiver(invitations)
    return render(
        request,
        "meetings/dashboard.html",
        {
            "meeting": meeting,
            "invitations": invitations,
            "count_rows": queries.answer_count_rows(queries.answer_counts(invitations)),
            "missing_receivers": missing,
            "receiver_warning": queries.receiver_warning(missing),
            "deliveries": deliveries_for_target("meetings.meeting", str(meeting.pk)),
            "support_requests": meeting.support_requests.select_related("requester", "resolved_by"),
            "open_status": SupportStatus.OPEN,
            "can_answer_for": meeting.is_scheduled,
            "nav_active": "meetings",
        },
    )


@login_required
@require_POST
def delivery_retry(request: AuthedRequest, meeting_id: int, delivery_id: int) -> HttpResponse:
    """Send a failed invitation email/SMS again (organiser's dashboard)."""
    from notifications.actions import do_retry_delivery
    from notifications.models import Delivery

    meeting = access_meeting(request.user, meeting_id, perm=Perm.MANAGE_ATTENDANCE)
    delivery = Delivery.objects.filter(
        pk=delivery_id, target_type="meetings.meeting", target_id=str(meeting.pk)
    ).first()
    if delivery is None:
        raise Http404
    try:
        do_retry_delivery(request.user, delivery)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect("meetings:dashboard", meeting_id=meeting.pk)


@login_required
def approvals(request: AuthedRequest) -> HttpResponse:
    rows = [{"meeting": m, **queries.deadline_info(m)} for m in queries.approval_queue(request.user)]
    return render(request, "meetings/approvals.html", {"rows": rows, "now": timezone.now(), "nav_active": "approvals"})


@login_required
def room_list(request: AuthedRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise Http404
    units = administered_units(request.user)
    rooms = Room.objects.filter(unit__in=units).select_related("unit")
    form = RoomForm()
    return render(request, "meetings/rooms.html", {"rooms": rooms, "form": form, "units": units, "nav_active": "rooms"})


@login_required
def room_edit(request: AuthedRequest, room_id: int | None = None) -> HttpResponse:
    if not is_admin(request.user):
        raise Http404
    room = access_room(request.user, room_id) if room_id else None
    units = administered_units(request.user)
    initial = (
        {"name": room.name, "location": room.location, "capacity": room.capacity, "is_active": room.is_active}
        if room
        else {}
    )
    form = RoomForm(request.POST or None, initial=initial)
    unit_id = str(request.POST.get("unit") or (room.unit_id if room else request.user.unit_id) or "")
    if request.method == "POST" and form.is_valid():
        unit = units.filter(pk=int(unit_id)).first() if unit_id.isdigit() else None
        if unit is None:
            form.add_error(None, _("Choose one of your units."))
        else:
            try:
                actions.do_save_room(request.user, room, unit=unit, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The meeting room was saved."))
                return redirect("meetings:rooms")
    return render(
        request,
        "meetings/room_form.html",
        {"form": form, "room": room, "units": units, "unit_id": unit_id, "nav_active": "rooms"},
    )
