"""Comments (with the compiled page and XLSX export) and incidents (report, handle, list)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Perm, can
from core.fetch import get_or_404
from core.http import AuthedRequest
from documents.models import Document
from live import contributions
from live.access import access_live
from live.actions.contributions import do_add_comment, do_report_incident, do_update_incident
from live.http import agenda_item, answer, whole_number
from live.models import Incident, IncidentStatus
from meetings.models import Meeting


def _room(meeting: Meeting) -> str:
    return reverse("live:room", args=[meeting.pk])


@login_required
@require_POST
def add_comment(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id)

    def write() -> None:
        item = agenda_item(meeting, request.POST["item"]) if request.POST.get("item") else None
        document = None
        if request.POST.get("document"):
            document_id = whole_number(request.POST["document"], _("Choose a document of this meeting."))
            document = Document.objects.filter(pk=document_id, meeting=meeting, is_deleted=False).first()
            if document is None:
                raise ValidationError(_("Choose a document of this meeting."))
        do_add_comment(request.user, meeting, text=request.POST.get("text", ""), agenda_item=item, document=document)

    return answer(request, write, success=_("Your comment was sent."), back=_room(meeting))


@login_required
@require_GET
def comments(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The compiled comments: for the chair, organiser and secretaries, during and after the meeting."""
    meeting, _live = access_live(request.user, meeting_id, perm=Perm.VIEW_CONTRIBUTIONS)
    return render(
        request,
        "live/contrib/comments.html",
        {"meeting": meeting, "groups": contributions.compiled_comments(meeting), "nav_active": "meetings"},
    )


@login_required
@require_GET
def comments_xlsx(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id, perm=Perm.VIEW_CONTRIBUTIONS)
    response = HttpResponse(
        contributions.comments_xlsx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="y-kien-cuoc-hop-{meeting.pk}.xlsx"'
    return response


@login_required
@require_POST
def report_incident(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    # The action decides: 403 for a wrong role, a message once the meeting has ended.
    meeting, _live = access_live(request.user, meeting_id)
    return answer(
        request,
        lambda: do_report_incident(
            request.user, meeting, kind=request.POST.get("kind", ""), description=request.POST.get("description", "")
        ),
        success=_("The problem was reported to the organisers."),
        back=_room(meeting),
    )


@login_required
@require_GET
def incidents(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Read by the chair, organiser and secretaries, also after the meeting; changed by handlers."""
    meeting, _live = access_live(request.user, meeting_id, perm=Perm.VIEW_CONTRIBUTIONS)
    rows = Incident.objects.filter(meeting=meeting).select_related("reporter", "handled_by").order_by("-created_at")
    return render(
        request,
        "live/contrib/incidents.html",
        {
            "meeting": meeting,
            "incidents": rows,
            "statuses": IncidentStatus.choices,
            "notes": contributions.incident_notes(meeting),
            "can_handle": can(request.user, Perm.HANDLE_INCIDENT, meeting),
            "nav_active": "meetings",
        },
    )


@login_required
@require_POST
def update_incident(request: AuthedRequest, meeting_id: int, incident_id: int) -> HttpResponse:
    meeting, _live = access_live(request.user, meeting_id, perm=Perm.HANDLE_INCIDENT)
    incident = get_or_404(Incident.objects.select_related("meeting__unit"), incident_id, meeting=meeting)
    return answer(
        request,
        lambda: do_update_incident(
            request.user, incident, status=request.POST.get("status", ""), resolution=request.POST.get("resolution", "")
        ),
        success=_("The problem was updated."),
        back=reverse("live:incidents", args=[meeting.pk]),
    )
