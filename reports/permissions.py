"""Rules for the report Perms of accounts.permissions (registered in ReportsConfig.ready)."""

from __future__ import annotations

from accounts.models import OrgUnit, Right, User
from accounts.permissions import (
    Perm,
    administers,
    has_right,
    is_guest,
    is_ppc_leader,
    is_ppc_office_unit,
    is_system_admin,
    register_rule,
)

# --- statistics (reports/statistics.py, views_stats.py) ----------------------------------------
# - A unit's statistics (VIEW_UNIT_REPORTS, obj: the unit; its numbers include the units below
#   it): the unit's administrators (and those of a unit above it) and its leaders (Right.LEADER of
#   that unit or of a unit above it).
# - Every unit's statistics (VIEW_ALL_REPORTS): the PPC Office (its leaders, organisers and
#   unit administrators: the office directly under the province's root unit, which makes the
#   quarterly report, Chương III), the PPC's own leaders, and system administrators.
# Plain officials, organisers of other units and outside guests see no statistics.

PPC_OFFICE_RIGHTS = (Right.LEADER, Right.ORGANISER, Right.UNIT_ADMIN)


def in_ppc_office(user: User) -> bool:
    """The user's unit is the PPC Office: an office directly under a root unit (path /root/office/;
    minutes.generate.ppc_office finds the same unit by a query)."""
    return is_ppc_office_unit(user.unit)


@register_rule(Perm.VIEW_ALL_REPORTS)
def view_all_reports(user: User, obj: object = None) -> bool:
    if is_system_admin(user) or is_ppc_leader(user):
        return True
    # The rights first (read once per request): the unit is fetched only for who holds one.
    if is_guest(user) or not any(has_right(user, right) for right in PPC_OFFICE_RIGHTS):
        return False
    return in_ppc_office(user)


@register_rule(Perm.VIEW_UNIT_REPORTS)
def view_unit_reports(user: User, unit: OrgUnit) -> bool:
    if unit is None or is_guest(user):
        return False
    if view_all_reports(user, None) or administers(user, unit):
        return True
    return has_right(user, Right.LEADER) and user.unit is not None and unit.is_within(user.unit)


def may_see_some_statistics(user: User) -> bool:
    """Whether the menu shows "Thống kê": province viewers, unit administrators, leaders."""
    if is_guest(user) or not user.is_authenticated:
        return False
    if view_all_reports(user, None):
        return True
    return (has_right(user, Right.UNIT_ADMIN) or has_right(user, Right.LEADER)) and user.unit_id is not None


# --- end of statistics ---------------------------------------------------------------------------


# --- appendix forms and quarterly submissions (reports/forms_data.py, views_forms.py) -----------
# - A unit's forms Mẫu 01/02 and its submitted quarterly reports: who sees its statistics
#   (VIEW_UNIT_REPORTS above); every unit's, the province's and the quarter's overview of who
#   submitted: VIEW_ALL_REPORTS.
# - Submit the quarterly report to the PPC Office (SUBMIT_REPORT, obj: the unit): the unit's own
#   administrators (Điều 6.5: "Quản trị đơn vị ... gửi Văn phòng UBND tỉnh"), not those of a unit above.


@register_rule(Perm.SUBMIT_REPORT)
def submit_report(user: User, unit: OrgUnit) -> bool:
    return unit is not None and not is_guest(user) and user.unit_id == unit.pk and has_right(user, Right.UNIT_ADMIN)


# --- end of appendix forms -----------------------------------------------------------------------
