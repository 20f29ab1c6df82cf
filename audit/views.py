from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.access import administered_units
from accounts.permissions import Perm, can
from audit.export import csv_stream, xlsx_bytes
from audit.models import AuditEntry
from audit.queries import AuditFilter, WindowPaginator, visible_entries
from core.http import AuthedRequest

EXPORT_LIMIT = 200_000


def _filtered(request: AuthedRequest) -> tuple[AuditFilter, list[str], QuerySet[AuditEntry]]:
    """The entries the viewer may see, narrowed by the filter when it is valid (404 for non-admins)."""
    if not can(request.user, Perm.VIEW_AUDIT):
        raise Http404
    flt = AuditFilter.from_query(request.GET)
    errors = flt.errors()
    entries = visible_entries(request.user)
    if not errors:
        entries = flt.apply(entries)
    return flt, errors, entries


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    flt, errors, entries = _filtered(request)
    page = WindowPaginator(entries, 50, number=request.GET.get("page")).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "filter": flt,
            "errors": errors,
            "units": administered_units(request.user).only("pk", "name"),
            "query": query.urlencode(),
            "nav_active": "audit",
        },
    )


@login_required
def audit_export(request: AuthedRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    flt, errors, entries = _filtered(request)
    entries = entries.order_by("seq")[:EXPORT_LIMIT]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        xlsx = HttpResponse(
            xlsx_bytes(entries), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        xlsx["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.xlsx"'
        return xlsx
    raise Http404
