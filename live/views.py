"""Pages and endpoints of the meeting room (Điều 3.1c, 5.5): the attendee screen, the chair
console, the projector display, the snapshot fallback, and the POST endpoints of the console.

Every view fetches through live.access (404 for outsiders, 403 for the wrong role) and writes
through live.actions. The POST endpoints answer as live.http says: JSON for the room's script,
a redirect and a flash message for plain forms, so the console also works without the script.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.access import require
from accounts.permissions import Perm, can
from core.http import AuthedRequest, perform_and_redirect
from live import rules
from live.access import access_display, access_live
from live.actions.checkin import do_check_in, do_mark_attendance
from live.actions.room import (
    do_conclude_item,
    do_end_meeting,
    do_set_current_item,
    do_set_discussion,
    do_start_meeting,
    do_update_room_settings,
)
from live.http import agenda_item, answer, room_closed, while_open, whole_number
from live.models import AttendanceStatus, IncidentKind, LiveState, QuorumRule
from live.permissions import ran_ended_meeting
from live.queries import snapshot
from meetings.models import Invitation, Meeting, MeetingStatus

QR_SCALE = 8


# --- helpers ----------------------------------------------------------------------------------


def _labels() -> dict[str, dict[str, str]]:
    """Translated labels for the values the script shows (statuses, quorum rules)."""
    return {
        "meeting_status": {str(value): str(label) for value, label in MeetingStatus.choices},
        "attendance_status": {str(value): str(label) for value, label in AttendanceStatus.choices},
        "quorum_rule": {str(value): str(label) for value, label in QuorumRule.choices},
    }


def _qr_url(request: HttpRequest, live: LiveState) -> str:
    code = rules.qr_code(live, timezone.now())
    return request.build_absolute_uri(reverse("live:qr_checkin", args=[live.meeting_id, code]))


def _qr_svg(url: str) -> str:
    """The code as an <svg> element for inline HTML (the HTML parser puts it in the SVG namespace)."""
    return str(
        segno.make(url, error="m").svg_inline(scale=QR_SCALE, border=2, dark="#000", light="#fff", omitsize=True)
    )


def _qr_svg_document(url: str) -> bytes:
    """The code as a stand-alone SVG document. It needs the SVG namespace (xmlns): parsed as XML
    without it the elements are not SVG and the browser draws them 0×0."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=QR_SCALE, border=2, dark="#000", light="#fff", omitsize=True, xmldecl=True
    )
    return buffer.getvalue()


def _page_context(meeting: Meeting, live: LiveState, data: dict[str, Any]) -> dict[str, Any]:
    current_id = data["meeting"]["current_item_id"]
    return {
        "meeting": meeting,
        "live": live,
        "snapshot": data,
        "current": next((item for item in data["agenda"] if item["id"] == current_id), None),
        "labels": _labels(),
        "server_now": int(timezone.now().timestamp() * 1000),
        "qr_refresh_ms": settings.LIVE_QR_REFRESH_SECONDS * 1000,
        "nav_active": "meetings",
    }


# --- pages --------------------------------------------------------------------------------------


@login_required
@require_GET
def room(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The attendee's screen, phone first."""
    meeting, live = access_live(request.user, meeting_id)
    user = request.user
    context = _page_context(meeting, live, snapshot(meeting, live, user))
    context.update(
        {
            "can_run": can(user, Perm.RUN_MEETING, meeting),
            "can_attend": can(user, Perm.ATTEND_MEETING, meeting),
            "can_report_incident": can(user, Perm.REPORT_INCIDENT, meeting),
            "can_view_contributions": can(user, Perm.VIEW_CONTRIBUTIONS, meeting),
            "can_export_votes": can(user, Perm.EXPORT_MEETING_VOTES, meeting),
            "incident_kinds": IncidentKind.choices,
        }
    )
    return render(request, "live/room.html", context)


@login_required
@require_GET
def console(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The chair console (chair, organiser, secretary)."""
    meeting, live = access_live(request.user, meeting_id)
    if ran_ended_meeting(request.user, meeting):
        messages.info(request, _("The meeting has ended; its console is closed."))
        return redirect("live:room", meeting_id=meeting.pk)
    require(request.user, Perm.RUN_MEETING, meeting)
    data = snapshot(meeting, live, request.user)
    context = _page_context(meeting, live, data)
    context.update(
        {
            "can_run": True,
            "can_view_contributions": True,
            "can_export_votes": can(request.user, Perm.EXPORT_MEETING_VOTES, meeting),
            "agenda": data["agenda"],
            "attendance_list": data.get("attendance_list", []),
            "attendance_choices": AttendanceStatus.choices,
            "quorum_choices": QuorumRule.choices,
            "display_url": request.build_absolute_uri(reverse("live:display", args=[live.display_token])),
            "qr_svg": _qr_svg(_qr_url(request, live)),
        }
    )
    return render(request, "live/console.html", context)


@never_cache
@require_GET
def display(request: HttpRequest, token: str) -> HttpResponse:
    """The projector: no login, the per-meeting token in the address; read-only."""
    meeting, live = access_display(token)
    context = _page_context(meeting, live, snapshot(meeting, live, None))
    context["qr_svg"] = _qr_svg(_qr_url(request, live))
    response = render(request, "live/display.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    return response


@never_cache
@require_GET
def display_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The current check-in QR code as SVG (the code changes every minute)."""
    _meeting, live = access_display(token)
    response = HttpResponse(_qr_svg_document(_qr_url(request, live)), content_type="image/svg+xml")
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def display_snapshot(request: HttpRequest, token: str) -> JsonResponse:
    """The projector's state when websockets are unavailable."""
    meeting, live = access_display(token)
    response = JsonResponse(snapshot(meeting, live, None))
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@never_cache
@require_GET
def snapshot_json(request: AuthedRequest, meeting_id: int) -> JsonResponse:
    """The screen's state, for when websockets are unavailable (the script polls it)."""
    meeting, live = access_live(request.user, meeting_id)
    return JsonResponse(snapshot(meeting, live, request.user))


# --- running the meeting ----------------------------------------------------------------------


def _checkin_closed() -> str:
    return _("Check-in is closed: the meeting has ended.")


def _console_back(meeting: Meeting) -> str:
    return reverse("live:console", args=[meeting.pk])


@login_required
@require_POST
def start(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)
    return answer(
        request,
        while_open(
            request.user, Perm.RUN_MEETING, meeting, room_closed(), lambda: do_start_meeting(request.user, meeting)
        ),
        success=_("The meeting has started."),
        back=_console_back(meeting),
    )


@login_required
@require_POST
def end(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id, perm=Perm.RUN_MEETING)
    return answer(
        request,
        lambda: do_end_meeting(request.user, meeting),
        success=_("The meeting has ended. Attendance is recorded."),
        back=reverse("live:room", args=[meeting.pk]),
    )


@login_required
@require_POST
def set_current_item(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        raw = request.POST.get("item", "")
        item = None if raw == "" else agenda_item(meeting, raw)
        do_set_current_item(request.user, meeting, item)

    return answer(
        request,
        while_open(request.user, Perm.RUN_MEETING, meeting, room_closed(), write),
        success=_("Moved to the agenda item."),
        back=_console_back(meeting),
    )


@login_required
@require_POST
def set_discussion(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        value = request.POST.get("open")
        if value not in ("0", "1"):
            raise ValidationError(_("Choose whether to open or close the discussion."))
        do_set_discussion(request.user, meeting, open=value == "1")

    return answer(
        request,
        while_open(request.user, Perm.RUN_MEETING, meeting, room_closed(), write),
        success=_("Discussion updated."),
        back=_console_back(meeting),
    )


@login_required
@require_POST
def conclude_item(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        item = agenda_item(meeting, request.POST.get("item"))
        do_conclude_item(request.user, meeting, item, text=request.POST.get("text", ""))

    return answer(
        request,
        while_open(request.user, Perm.RUN_MEETING, meeting, room_closed(), write),
        success=_("The conclusion was recorded."),
        back=_console_back(meeting),
    )


@login_required
@require_POST
def room_settings(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        message = _("Enter whole numbers for the speaking time limit and the check-in window.")
        do_update_room_settings(
            request.user,
            meeting,
            quorum_rule=request.POST.get("quorum_rule", ""),
            speaking_limit_seconds=whole_number(request.POST.get("speaking_limit_seconds"), message),
            checkin_opens_minutes=whole_number(request.POST.get("checkin_opens_minutes"), message),
            checkin_closes_minutes=whole_number(request.POST.get("checkin_closes_minutes"), message),
        )

    return answer(
        request,
        while_open(request.user, Perm.RUN_MEETING, meeting, room_closed(), write),
        success=_("Room settings saved."),
        back=_console_back(meeting),
    )


# --- attendance ---------------------------------------------------------------------------------


@login_required
@require_POST
def check_in(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Self check-in from the attendee's own device."""
    meeting, _live = access_live(request.user, meeting_id)
    return answer(
        request,
        while_open(
            request.user,
            Perm.ATTEND_MEETING,
            meeting,
            _checkin_closed(),
            lambda: do_check_in(request.user, meeting),
        ),
        success=_("You are checked in."),
        back=reverse("live:room", args=[meeting.pk]),
    )


@login_required
@require_GET
def qr_checkin(request: AuthedRequest, meeting_id: int, code: str) -> HttpResponse:
    """The address in the room's QR code: opening it checks the signed-in attendee in.

    A GET that writes, on purpose: a phone's camera opens links. It needs the code of the
    current (or previous) minute, which only someone looking at the room's screen has."""
    meeting, _live = access_live(request.user, meeting_id)
    return perform_and_redirect(
        request,
        while_open(
            request.user,
            Perm.ATTEND_MEETING,
            meeting,
            _checkin_closed(),
            lambda: do_check_in(request.user, meeting, code=code[:64]),
        ),
        "live:room",
        meeting_id=meeting.pk,
        success=_("You are checked in."),
    )


@login_required
@require_POST
def mark_attendance(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The secretary records someone as present, late, absent or excused."""
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        invitation_id = whole_number(
            request.POST.get("invitation"), _("This person is not an attendee of the meeting.")
        )
        invitation = Invitation.objects.filter(meeting=meeting, pk=invitation_id).first()
        if invitation is None:
            raise ValidationError(_("This person is not an attendee of the meeting."))
        do_mark_attendance(request.user, meeting, invitation, status=request.POST.get("status", ""))

    return answer(
        request,
        while_open(request.user, Perm.RUN_MEETING, meeting, room_closed(), write),
        success=_("Attendance recorded."),
        back=_console_back(meeting),
    )
