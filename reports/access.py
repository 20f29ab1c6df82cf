"""Fetch-and-authorize for the appendix forms and the quarterly reports: 404 for anyone who may not
see the unit's reports (a user never learns of another unit's report), 403 for a step they may not
take on a unit whose reports they see (docs/conventions.md §4)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import OrgUnit
from accounts.permissions import Perm, can
from core.fetch import get_or_404
from core.http import AnyUser
from reports.actions import reporting_units
from reports.models import QuarterlyReport


def sees_all(user: AnyUser) -> bool:
    return can(user, Perm.VIEW_ALL_REPORTS)


def access_unit(user: AnyUser, unit_id: object, *, perm: Perm | None = None) -> OrgUnit:
    unit = get_or_404(OrgUnit.objects.select_related("parent"), unit_id)
    if not can(user, Perm.VIEW_UNIT_REPORTS, unit):
        raise Http404
    if perm is not None and not can(user, perm, unit):
        raise PermissionDenied
    return unit


def scope_unit(user: AnyUser, raw: object) -> OrgUnit | None:
    """The unit of a statistics or forms page (`?unit=`; None: the whole province). None asked:
    the province for who sees every unit, else the user's own unit when they see its reports, else
    403. A unit asked for: it when they see it; 403 when it is the user's own unit or one above it
    (they know it exists), 404 otherwise (an unknown id, another unit's)."""
    if raw in (None, ""):
        if sees_all(user):
            return None
        own = getattr(user, "unit", None)
        if own is not None and can(user, Perm.VIEW_UNIT_REPORTS, own):
            return own
        raise PermissionDenied
    unit = get_or_404(OrgUnit.objects.select_related("parent"), raw)
    if can(user, Perm.VIEW_UNIT_REPORTS, unit):
        return unit
    own = getattr(user, "unit", None)
    if own is not None and own.is_within(unit) and not getattr(user, "is_external", False):
        raise PermissionDenied
    raise Http404


def visible_units(user: AnyUser) -> QuerySet[OrgUnit]:
    """The units a forms page offers: every reporting unit for the PPC Office, else the user's
    unit and the units below it (those the rules let them see)."""
    if sees_all(user):
        return reporting_units()
    unit = getattr(user, "unit", None)
    if unit is None:
        return OrgUnit.objects.none()
    ids = [u.pk for u in OrgUnit.objects.filter(unit.descendants_q()) if can(user, Perm.VIEW_UNIT_REPORTS, u)]
    return OrgUnit.objects.filter(pk__in=ids).order_by("path")


def access_report(user: AnyUser, report_id: object) -> QuarterlyReport:
    report = get_or_404(QuarterlyReport.objects.select_related("unit__parent", "submitted_by"), report_id)
    if not can(user, Perm.VIEW_UNIT_REPORTS, report.unit):
        raise Http404
    return report
