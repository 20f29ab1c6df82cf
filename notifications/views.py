"""The notification centre: the user's own notifications, newest first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.http import AuthedRequest
from notifications.access import access_notification
from notifications.actions import do_mark_all_read, do_mark_read
from notifications.queries import notifications_for

PAGE_SIZE = 20


@login_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "nav_active": "notifications"})


@login_required
@require_POST
def mark_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    notification = access_notification(request.user, notification_id)
    do_mark_read(request.user, notification)
    # Links are written by our actions as site paths; checked again so that a stored value
    # can never turn this into an open redirect.
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = do_mark_all_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
