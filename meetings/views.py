"""Meeting pages: register, approve, answer, organise. Every view fetches through
meetings.access (404 for outsiders) and writes through the actions of meetings.actions."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import Perm, can, is_in_ppc_or_office
from audit.queries import object_history
from core.http import AuthedRequest, flash_form_errors, perform, perform_and_redirect
from meetings import queries, rules
from meetings.access import (
    access_invitation,
    access_meeting,
    access_meeting_delivery,
    access_room,
    access_support_request,
    access_unit_invitation,
    room_units,
)
from meetings.actions.approval import do_approve_meeting, do_reject_meeting, do_return_meeting
from meetings.actions.common import late_submission_warning
from meetings.actions.invitations import do_answer_invitation, do_name_unit_attendees
from meetings.actions.registration import ConflictWarning, do_create_meeting, do_submit_meeting, do_update_meeting
from meetings.actions.reporting import do_set_recommendation
from meetings.actions.rooms import do_save_room
from meetings.actions.scheduling import do_cancel_meeting, do_postpone_meeting
from meetings.actions.support import do_request_support, do_resolve_support_request
from meetings.forms import (
    AgendaFormSet,
    AnswerForm,
    DecisionForm,
    MeetingForm,
    NameAttendeesForm,
    PostponeForm,
    ReasonForm,
    RecommendationForm,
    ResolveForm,
    RoomForm,
    SupportRequestForm,
    agenda_lines,
    initial_for,
)
from meetings.models import Answer, Invitation, InvitationKind, Meeting, MeetingStatus, Room, SupportStatus
from meetings.permissions import may_approve
from notifications.actions import do_retry_delivery


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
            saved = perform(
                request,
                partial(do_create_meeting, request.user, data)
                if meeting is None
                else partial(do_update_meeting, request.user, meeting, data),
                success=_("The meeting was saved as a draft. Submit it for approval when it is ready."),
                form=form,
            ).value
            if saved is not None:
                return redirect("meetings:detail", meeting_id=saved.pk)
    elif meeting is not None:
        initial, agenda = initial_for(meeting)
        form = MeetingForm(initial=initial)
        formset = AgendaFormSet(initial=agenda, prefix="agenda")
    else:
        form = MeetingForm(initial={"preparing_unit": request.user.unit_id})
        formset = AgendaFormSet(prefix="agenda")
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "formset": formset,
            "meeting": meeting,
            # Điều 6.1c: only the PPC and its Office register PPC meetings (the action checks it too).
            "can_mark_ppc": is_in_ppc_or_office(meeting.organiser if meeting else request.user),
            "nav_active": "meetings",
        },
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
        "document_approvers": queries.document_approvers(meeting),
        "history": object_history(meeting),
        "deadline": queries.deadline_info(meeting),
        "can_edit": can(user, Perm.EDIT_MEETING, meeting),
        "can_submit": can(user, Perm.SUBMIT_MEETING, meeting),
        "can_decide": can(user, Perm.DECIDE_MEETING, meeting),
        "can_reschedule": can(user, Perm.RESCHEDULE_MEETING, meeting),
        "can_manage": can(user, Perm.MANAGE_ATTENDANCE, meeting),
        "can_collect_opinions": can(user, Perm.CREATE_COLLECTION, meeting),
        "recommendation_form": RecommendationForm(initial={"recommendation": meeting.recommendation})
        if can(user, Perm.RECOMMEND_MEETING, meeting)
        else None,
        "late_warning": late_submission_warning(meeting) if rules.approval_is_late(meeting) else "",
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


def _receiver_warning(user: User, meeting: Meeting, invitations: list[Invitation]) -> str:
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
    acknowledged = request.POST.get("acknowledge_conflicts") == "1"
    try:
        # The warnings it returns (late submission, units without a receiver) are shown by the
        # meeting page itself; flashing them too showed them twice.
        perform(
            request,
            lambda: do_submit_meeting(request.user, meeting, acknowledge_conflicts=acknowledged),
            success=_("Submitted for approval."),
        )
    except ConflictWarning as warning:
        request.session[f"conflicts-{meeting.pk}"] = warning.conflicts
        messages.warning(
            request, _("Some people are already in another meeting at that time. Check and confirm to submit.")
        )
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_decide(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.DECIDE_MEETING)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, return or reject."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    data = form.cleaned_data
    if data["decision"] == "approve":
        call = partial(do_approve_meeting, request.user, meeting, justification=data["justification"])
        success = _("Approved. The invitations are being sent.")
    elif data["decision"] == "return":
        call = partial(do_return_meeting, request.user, meeting, comment=data["comment"])
        success = _("Returned to the organiser for changes.")
    else:
        call = partial(do_reject_meeting, request.user, meeting, comment=data["comment"])
        success = _("Rejected.")
    return perform_and_redirect(request, call, "meetings:detail", meeting_id=meeting.pk, success=success)


@login_required
def meeting_postpone(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.RESCHEDULE_MEETING)
    form = PostponeForm(request.POST or None, initial={"start": meeting.start, "end": meeting.end})
    if request.method == "POST" and form.is_valid():
        postponed = perform(
            request,
            lambda: do_postpone_meeting(request.user, meeting, **form.cleaned_data),
            success=_("The meeting has a new time; everyone was notified."),
            form=form,
        )
        if postponed.ok:
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/postpone.html", {"meeting": meeting, "form": form, "nav_active": "meetings"})


@login_required
@require_POST
def meeting_cancel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, perm=Perm.RESCHEDULE_MEETING)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return perform_and_redirect(
        request,
        lambda: do_cancel_meeting(request.user, meeting, reason=form.cleaned_data["reason"]),
        "meetings:detail",
        meeting_id=meeting.pk,
        success=_("The meeting was cancelled."),
    )


@login_required
@require_POST
def meeting_recommendation(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The organiser's "Kiến nghị đề xuất" after the meeting (report Mẫu số 01)."""
    meeting = access_meeting(request.user, meeting_id, perm=Perm.RECOMMEND_MEETING)
    form = RecommendationForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return perform_and_redirect(
        request,
        lambda: do_set_recommendation(request.user, meeting, text=form.cleaned_data["recommendation"]),
        "meetings:detail",
        meeting_id=meeting.pk,
        success=_("The recommendations were recorded."),
    )


@login_required
@require_POST
def invitation_answer(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, invitation_id, Perm.ANSWER_INVITATION)
    assert invitation.user is not None  # noqa: S101 - the rule only admits official invitations
    own = invitation.user_id == request.user.pk
    form = AnswerForm(request.POST, invitee=invitation.user, allow_substitute=invitation.substitute_for_id is None)
    if form.is_valid():
        perform(
            request,
            lambda: do_answer_invitation(request.user, invitation, **form.cleaned_data),
            success=_("Your answer was recorded.") if own else _("The answer was recorded on the invitee's behalf."),
        )
    else:
        flash_form_errors(request, form)
    if not own:
        return redirect("meetings:dashboard", meeting_id=invitation.meeting_id)
    if not can(request.user, Perm.VIEW_MEETING, invitation.meeting):
        # Who sent a substitute no longer sees the meeting: back to their list, not to a 404.
        return redirect("meetings:list")
    return redirect("meetings:detail", meeting_id=invitation.meeting_id)


@login_required
@require_POST
def name_unit_attendees(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = access_unit_invitation(request.user, invitation_id)
    assert invitation.unit is not None  # noqa: S101 - access_unit_invitation admits unit invitations only
    form = NameAttendeesForm(request.POST, unit=invitation.unit)
    if not form.is_valid():
        messages.error(request, _("Name at least one person."))
        return redirect("meetings:detail", meeting_id=invitation.meeting_id)
    return perform_and_redirect(
        request,
        lambda: do_name_unit_attendees(request.user, invitation, list(form.cleaned_data["users"])),
        "meetings:detail",
        meeting_id=invitation.meeting_id,
        success=_("The named officials were invited."),
    )


@login_required
@require_POST
def support_request(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    form = SupportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what you need."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return perform_and_redirect(
        request,
        lambda: do_request_support(request.user, meeting, **form.cleaned_data),
        "meetings:detail",
        meeting_id=meeting.pk,
        success=_("Your request was sent to the host unit."),
    )


@login_required
@require_POST
def support_resolve(request: AuthedRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe how the request was handled."))
        return redirect("meetings:dashboard", meeting_id=support.meeting_id)
    return perform_and_redirect(
        request,
        lambda: do_resolve_support_request(request.user, support, resolution=form.cleaned_data["resolution"]),
        "meetings:dashboard",
        meeting_id=support.meeting_id,
        success=_("Marked as resolved."),
    )


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
    delivery = access_meeting_delivery(request.user, meeting_id, delivery_id)
    return perform_and_redirect(
        request,
        lambda: do_retry_delivery(request.user, delivery),
        "meetings:dashboard",
        meeting_id=meeting_id,
        success=_("The message will be sent again."),
    )


@login_required
def approvals(request: AuthedRequest) -> HttpResponse:
    rows = [{"meeting": m, **queries.deadline_info(m)} for m in queries.approval_queue(request.user)]
    return render(request, "meetings/approvals.html", {"rows": rows, "now": timezone.now(), "nav_active": "approvals"})


@login_required
def room_list(request: AuthedRequest) -> HttpResponse:
    units = room_units(request.user)
    rooms = Room.objects.filter(unit__in=units).select_related("unit")
    form = RoomForm()
    return render(request, "meetings/rooms.html", {"rooms": rooms, "form": form, "units": units, "nav_active": "rooms"})


@login_required
def room_edit(request: AuthedRequest, room_id: int | None = None) -> HttpResponse:
    units = room_units(request.user)
    room = access_room(request.user, room_id) if room_id else None
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
        elif perform(
            request,
            lambda: do_save_room(request.user, room, unit=unit, **form.cleaned_data),
            success=_("The meeting room was saved."),
            form=form,
        ).ok:
            return redirect("meetings:rooms")
    return render(
        request,
        "meetings/room_form.html",
        {"form": form, "room": room, "units": units, "unit_id": unit_id, "nav_active": "rooms"},
    )
