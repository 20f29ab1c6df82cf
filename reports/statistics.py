"""The numbers of the statistics page (Điều 3.1đ: meetings, documents and their pages, who attended
and who did not, periodic or on demand), for one unit (with the units below it) or every unit.

Every number is an aggregate computed by the database: a fixed number of queries whatever the
number of meetings, documents or collections (reports/tests/test_stats_queries.py). What is
counted, and over which rows:

- Meetings: those that start in the period, organised by the unit or a unit below it; by status
  and by kind. "Held": in progress or ended.
- Approval (Điều 6.2): meetings approved (approved, postponed, in progress, ended) on time or after
  the deadline (`Meeting.approved_late`, set by meetings.actions.approval from meetings.rules).
- Documents and pages: documents not deleted of those meetings, pages of their current version
  (a document not converted yet has no page count and adds none). Paper saved (an estimate): for
  each held meeting, its pages times the people invited to attend (officials who did not send a
  substitute, substitutes, guests: live.queries.eligible_invitations), one printed copy each.
- Attendance: the frozen attendance of ended meetings (live: present, late, absent, excused);
  the rate is present and late over all recorded. Answers: the officials invited to held meetings,
  those who declined or sent a substitute, and the substitutes.
- Opinion collections (Điều 7): released in the period by the unit; every consulted person or
  unit once; answered (a counted answer, as opinions.queries.results counts), implied consent
  (expired without an answer: counted as agreeing, Điều 7.2) and still waiting (not expired yet).
- Votes in meetings: the meeting votes of those meetings and their ballots.
- Incidents: reported during those meetings, by status and by kind.
- Assigned work (followups): tasks given to the unit (or a unit below it) whose deadline falls in
  the period: done on time (confirmed done on or before the deadline), done late, overdue (still
  open after the deadline, followups.rules), not due yet, cancelled.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Trunc, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgUnit
from documents.models import Document
from followups import rules as followup_rules
from followups.models import OPEN_STATUSES, Task, TaskStatus
from live.models import PRESENT_STATUSES, Attendance, AttendanceStatus, Incident, IncidentKind, IncidentStatus
from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting, MeetingKind, MeetingStatus
from opinions.models import Collection, ConsultedPerson, ConsultedUnit
from polls.models import Participation, Poll, PollKind, PollState

HELD_STATUSES = (MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED)
APPROVED_STATUSES = (MeetingStatus.APPROVED, MeetingStatus.POSTPONED, MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED)
MAX_RANGE_YEARS = 5
UNIT_CHART_LIMIT = 12  # the chart of meetings by unit shows the largest; its table shows every unit


# --- periods -------------------------------------------------------------------------------------


class PeriodKind:
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"

    choices: tuple[tuple[str, Promise], ...] = (
        (WEEK, _("Week")),
        (MONTH, _("Month")),
        (QUARTER, _("Quarter")),
        (YEAR, _("Year")),
        (RANGE, _("Date range")),
    )


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February that does not exist)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # both days included
    last: date

    @classmethod
    def around(cls, kind: str, day: date) -> Period:
        """The week (Monday to Sunday), month, quarter or year that contains `day`."""
        if kind == PeriodKind.WEEK:
            first = day - timedelta(days=day.weekday())
            return cls(kind, first, first + timedelta(days=6))
        if kind == PeriodKind.QUARTER:
            month = 3 * ((day.month - 1) // 3) + 1
            last_month = month + 2
            return cls(kind, date(day.year, month, 1), date(day.year, last_month, _month_days(day.year, last_month)))
        if kind == PeriodKind.YEAR:
            return cls(kind, date(day.year, 1, 1), date(day.year, 12, 31))
        return cls(PeriodKind.MONTH, day.replace(day=1), day.replace(day=_month_days(day.year, day.month)))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end): local midnight of the first day to local midnight after the last."""
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.first, time.min, tzinfo=tz)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz)
        return start, end

    @property
    def label(self) -> str:
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"

    @property
    def bucket(self) -> str:
        """The step of the time series: days for a week or two, weeks for a month or a few, months
        up to three years, years beyond."""
        if self.days <= 14:
            return "day"
        if self.days <= 120 and self.kind != PeriodKind.QUARTER:
            return "week"
        if self.days <= 3 * 366:
            return "month"
        return "year"


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def range_too_long(first: date, last: date) -> bool:
    return last >= add_years(first, MAX_RANGE_YEARS)


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A sentence translated when shown (the page's language, or Vietnamese in the .xlsx)."""

    text: Any  # a lazy translation with %(name)s placeholders
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return str(self.text) % {name: str(value) for name, value in self.params}


@dataclass
class Row:
    key: str
    label: Any  # a lazy translation (rendered in the page's language, or Vietnamese in the .xlsx)
    value: int
    percent: float | None = None  # share of the section's base

    @property
    def percent_text(self) -> str:
        return "" if self.percent is None else format_percent(self.percent)


@dataclass
class Section:
    key: str
    title: Any
    rows: list[Row]
    base_label: Any = ""  # what the percentages are a share of
    chart: bool = True
    notes: list[Any] = field(default_factory=list)

    def value(self, key: str) -> int:
        return next(row.value for row in self.rows if row.key == key)


@dataclass
class UnitRow:
    unit: OrgUnit
    meetings: int = 0
    held: int = 0
    documents: int = 0
    pages: int = 0
    attended: int = 0
    recorded: int = 0
    collections: int = 0
    tasks: int = 0
    overdue: int = 0

    @property
    def attendance_rate(self) -> float | None:
        return percent(self.attended, self.recorded)

    @property
    def attendance_text(self) -> str:
        return format_percent(self.attendance_rate)


@dataclass
class Statistics:
    unit: OrgUnit | None  # None: every unit
    period: Period
    today: date
    headline: list[tuple[Any, int | str]]  # (label, a count or a rate's text)
    sections: list[Section]
    units: list[UnitRow]
    series: list[tuple[str, int, int]]  # (label, meetings, held)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _rows(base: int, items: list[tuple[str, Any, int]]) -> list[Row]:
    return [Row(key, label, value, percent(value, base)) for key, label, value in items]


def _int(value: Any) -> int:
    return int(value or 0)


# --- the querysets of a scope ----------------------------------------------------------------------


def meetings_of(unit: OrgUnit | None, period: Period) -> QuerySet[Meeting]:
    start, end = period.bounds()
    meetings = Meeting.objects.filter(start__gte=start, start__lt=end)
    return meetings.filter(unit__path__startswith=unit.path) if unit is not None else meetings


def collections_of(unit: OrgUnit | None, period: Period) -> QuerySet[Collection]:
    start, end = period.bounds()
    collections = Collection.objects.filter(poll__kind=PollKind.OPINION, release_at__gte=start, release_at__lt=end)
    return collections.filter(poll__unit__path__startswith=unit.path) if unit is not None else collections


def tasks_of(unit: OrgUnit | None, period: Period) -> QuerySet[Task]:
    tasks = Task.objects.filter(deadline__gte=period.first, deadline__lte=period.last)
    return tasks.filter(assignee_unit__path__startswith=unit.path) if unit is not None else tasks


def _count_of(queryset: QuerySet[Any], group: str) -> Subquery:
    """A correlated COUNT(*) of `queryset` (already filtered on an OuterRef), for annotations."""
    return Subquery(
        queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
    )


# --- the sections ----------------------------------------------------------------------------------


def meeting_sections(meetings: QuerySet[Meeting]) -> tuple[int, int, list[Section]]:
    status_counts = {status: Count("pk", filter=Q(status=status)) for status in MeetingStatus.values}
    kind_counts = {f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in MeetingKind.values}
    totals = meetings.order_by().aggregate(
        total=Count("pk"),
        ppc=Count("pk", filter=Q(is_ppc_meeting=True)),
        approved_on_time=Count("pk", filter=Q(status__in=APPROVED_STATUSES, approved_late=False)),
        approved_late=Count("pk", filter=Q(status__in=APPROVED_STATUSES, approved_late=True)),
        submitted_late=Count("pk", filter=Q(submitted_late=True)),
        **status_counts,
        **kind_counts,
    )
    total = totals["total"]
    held = totals[MeetingStatus.IN_PROGRESS] + totals[MeetingStatus.ENDED]
    approved = totals["approved_on_time"] + totals["approved_late"]
    by_status = Section(
        "meetings_status",
        _("Meetings by status"),
        _rows(total, [(status, MeetingStatus(status).label, totals[status]) for status in MeetingStatus.values]),
        base_label=_("of all meetings"),
    )
    by_kind = Section(
        "meetings_kind",
        _("Meetings by kind"),
        _rows(
            total,
            [(kind, MeetingKind(kind).label, totals[f"kind_{kind}"]) for kind in MeetingKind.values]
            + [("ppc", _("Meetings of the Provincial People's Committee"), totals["ppc"])],
        ),
        base_label=_("of all meetings"),
    )
    approval = Section(
        "approval",
        _("Approval deadline (2 days before a regular meeting, 3 hours before an urgent one)"),
        _rows(
            approved,
            [
                ("on_time", _("Approved before the deadline"), totals["approved_on_time"]),
                ("late", _("Approved after the deadline"), totals["approved_late"]),
            ],
        ),
        base_label=_("of approved meetings"),
    )
    approval.rows.append(
        Row("submitted_late", _("Submitted for approval after the deadline"), totals["submitted_late"])
    )
    return total, held, [by_status, by_kind, approval]


@dataclass
class Grouped:
    """Counts per organising unit read once, for both the totals and the table by unit."""

    documents: list[tuple[int, int, int, int]]  # (unit id, documents, pages, without a page count)
    attendance: list[tuple[int, str, int]]  # (unit id, attendance status, rows)

    @classmethod
    def of(cls, meetings: QuerySet[Meeting]) -> Grouped:
        documents = (
            Document.objects.filter(meeting__in=meetings.values("pk"), is_deleted=False)
            .order_by()
            .values("meeting__unit_id")
            .annotate(
                n=Count("pk"),
                pages=Coalesce(Sum("current_version__page_count"), 0),
                without=Count("pk", filter=Q(current_version__page_count__isnull=True)),
            )
            .values_list("meeting__unit_id", "n", "pages", "without")
        )
        attendance = (
            Attendance.objects.filter(
                meeting__in=meetings.filter(status=MeetingStatus.ENDED).values("pk"),
                invitation__role=InvitationRole.ATTENDEE,
            )
            .order_by()
            .values("meeting__unit_id", "status")
            .annotate(n=Count("pk"))
            .values_list("meeting__unit_id", "status", "n")
        )
        return cls(list(documents), list(attendance))


def document_section(meetings: QuerySet[Meeting], grouped: Grouped) -> Section:
    totals = {
        "documents": sum(row[1] for row in grouped.documents),
        "pages": sum(row[2] for row in grouped.documents),
        "without_pages": sum(row[3] for row in grouped.documents),
    }
    meeting_pages = (
        Document.objects.filter(meeting=OuterRef("pk"), is_deleted=False)
        .order_by()
        .values("meeting")
        .annotate(n=Sum("current_version__page_count"))
        .values("n")[:1]
    )
    # The people invited to attend each meeting, as live.queries.eligible_invitations counts them.
    people = (
        Invitation.objects.filter(meeting=OuterRef("pk"), role=InvitationRole.ATTENDEE)
        .filter(Q(kind=InvitationKind.USER) & ~Q(answer=Answer.DELEGATED) | Q(kind=InvitationKind.GUEST))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    paper = (
        meetings.filter(status__in=HELD_STATUSES)
        .order_by()
        .annotate(
            meeting_pages=Coalesce(Subquery(meeting_pages, output_field=IntegerField()), 0),
            people=Coalesce(Subquery(people, output_field=IntegerField()), 0),
        )
        .aggregate(copies=Coalesce(Sum(F("meeting_pages") * F("people")), 0))
    )
    return Section(
        "documents",
        _("Documents and pages (paper saved, Điều 3.1đ)"),
        [
            Row("documents", _("Documents"), _int(totals["documents"])),
            Row("pages", _("Pages of documents"), _int(totals["pages"])),
            Row("paper", _("Printed pages saved (estimate)"), _int(paper["copies"])),
            Row("without_pages", _("Documents not converted yet (no page count)"), _int(totals["without_pages"])),
        ],
        chart=False,
        notes=[
            _(
                "Printed pages saved: for each meeting held, its pages times the people invited to attend, "
                "one paper copy each."
            )
        ],
    )


def attendance_sections(meetings: QuerySet[Meeting], grouped: Grouped) -> tuple[float | None, list[Section]]:
    rows = dict.fromkeys(AttendanceStatus.values, 0)
    for _unit_id, status, n in grouped.attendance:
        rows[status] = rows.get(status, 0) + n
    total = sum(rows.values())
    present = rows[AttendanceStatus.PRESENT] + rows[AttendanceStatus.LATE]
    rate = percent(present, total)
    attendance = Section(
        "attendance",
        _("Attendance at ended meetings"),
        _rows(
            total,
            [
                ("present", pgettext_lazy("attendance", "Present"), rows[AttendanceStatus.PRESENT]),
                ("late", pgettext_lazy("attendance", "Late"), rows[AttendanceStatus.LATE]),
                ("absent", pgettext_lazy("attendance", "Absent"), rows[AttendanceStatus.ABSENT]),
                ("excused", pgettext_lazy("attendance", "Excused"), rows[AttendanceStatus.EXCUSED]),
            ],
        ),
        base_label=_("of attendees recorded"),
        notes=[Note(_("Attendance rate (present or late): %(rate)s"), (("rate", format_percent(rate)),))],
    )
    held = meetings.filter(status__in=HELD_STATUSES).values("pk")
    official = Q(kind=InvitationKind.USER)
    answers = (
        Invitation.objects.filter(meeting__in=held, role=InvitationRole.ATTENDEE)
        .order_by()
        .aggregate(
            invited=Count("pk", filter=Q(official, substitute_for__isnull=True)),
            confirmed=Count("pk", filter=Q(official, substitute_for__isnull=True, answer=Answer.CONFIRMED)),
            declined=Count("pk", filter=Q(official, answer=Answer.DECLINED)),
            delegated=Count("pk", filter=Q(official, answer=Answer.DELEGATED)),
            substitutes=Count("pk", filter=Q(official, substitute_for__isnull=False)),
            guests=Count("pk", filter=Q(kind=InvitationKind.GUEST)),
        )
    )
    invited = answers["invited"]
    answer_section = Section(
        "answers",
        _("Invitations to meetings held"),
        [
            Row("invited", _("Officials invited"), invited),
            *_rows(
                invited,
                [
                    ("confirmed", _("Confirmed they would attend"), answers["confirmed"]),
                    ("declined", _("Declined"), answers["declined"]),
                    ("delegated", _("Sent a substitute"), answers["delegated"]),
                ],
            ),
            Row("substitutes", _("Substitutes attending in someone's place"), answers["substitutes"]),
            Row("guests", _("Outside guests invited"), answers["guests"]),
        ],
        base_label=_("of officials invited"),
        chart=False,
    )
    return rate, [attendance, answer_section]


def opinion_section(collections: QuerySet[Collection], now: datetime) -> tuple[float | None, Section]:
    # Counted as opinions.queries.results counts them: a consulted person with their own answer,
    # a consulted unit with its receiver's answer for it.
    people_answered = Exists(
        Participation.objects.filter(poll=OuterRef("collection_id"), voter=OuterRef("user_id"), unit__isnull=True)
    )
    units_answered = Exists(Participation.objects.filter(poll=OuterRef("collection_id"), unit=OuterRef("unit_id")))
    annotated = collections.order_by().annotate(
        n_people=Coalesce(_count_of(ConsultedPerson.objects.filter(collection=OuterRef("pk")), "collection"), 0),
        n_units=Coalesce(_count_of(ConsultedUnit.objects.filter(collection=OuterRef("pk")), "collection"), 0),
        n_answered=Coalesce(
            _count_of(ConsultedPerson.objects.filter(people_answered, collection=OuterRef("pk")), "collection"), 0
        )
        + Coalesce(_count_of(ConsultedUnit.objects.filter(units_answered, collection=OuterRef("pk")), "collection"), 0),
    )
    expired = Q(poll__closes_at__lte=now)
    totals = annotated.aggregate(
        collections=Count("pk"),
        expired=Count("pk", filter=expired),
        consulted=Coalesce(Sum(F("n_people") + F("n_units")), 0),
        consulted_expired=Coalesce(Sum(F("n_people") + F("n_units"), filter=expired), 0),
        answered=Coalesce(Sum("n_answered"), 0),
        answered_expired=Coalesce(Sum("n_answered", filter=expired), 0),
    )
    consulted, answered = _int(totals["consulted"]), _int(totals["answered"])
    implied = _int(totals["consulted_expired"]) - _int(totals["answered_expired"])
    waiting = consulted - answered - implied
    rate = percent(answered, consulted)
    section = Section(
        "opinions",
        _("Opinion collections"),
        [
            Row("collections", _("Opinion collections"), totals["collections"]),
            Row("expired", _("Expired"), totals["expired"]),
            Row("consulted", _("People and units consulted"), consulted),
            *_rows(
                consulted,
                [
                    ("answered", _("Answered"), answered),
                    ("implied", _("Implied consent (no answer by the expiry)"), implied),
                    ("waiting", _("Not answered yet (still open)"), waiting),
                ],
            ),
        ],
        base_label=_("of those consulted"),
        notes=[
            Note(
                _("Response rate: %(rate)s; implied-consent rate: %(implied)s"),
                (("rate", format_percent(rate)), ("implied", format_percent(percent(implied, consulted)))),
            )
        ],
    )
    return rate, section


def vote_section(meetings: QuerySet[Meeting]) -> Section:
    ballots = _count_of(Participation.objects.filter(poll=OuterRef("pk")), "poll")
    totals = (
        Poll.objects.filter(kind=PollKind.MEETING_VOTE, meeting__in=meetings.values("pk"))
        .order_by()
        .annotate(n_ballots=Coalesce(ballots, 0))
        .aggregate(
            polls=Count("pk"),
            closed=Count("pk", filter=Q(state=PollState.CLOSED)),
            ballots=Coalesce(Sum("n_ballots"), 0),
        )
    )
    return Section(
        "votes",
        _("Votes in meetings"),
        [
            Row("polls", _("Votes created"), totals["polls"]),
            Row("closed", _("Votes closed with a result"), totals["closed"]),
            Row("ballots", _("Ballots cast"), _int(totals["ballots"])),
        ],
        chart=False,
    )


def incident_sections(meetings: QuerySet[Meeting]) -> list[Section]:
    by_status = {f"s_{s}": Count("pk", filter=Q(status=s)) for s in IncidentStatus.values}
    by_kind = {f"k_{k}": Count("pk", filter=Q(kind=k)) for k in IncidentKind.values}
    totals = (
        Incident.objects.filter(meeting__in=meetings.values("pk"))
        .order_by()
        .aggregate(total=Count("pk"), **by_status, **by_kind)
    )
    total = totals["total"]
    return [
        Section(
            "incidents",
            _("Incidents during meetings, by kind"),
            [
                Row("total", _("Incidents"), total),
                *_rows(total, [(k, IncidentKind(k).label, totals[f"k_{k}"]) for k in IncidentKind.values]),
            ],
            base_label=_("of incidents"),
        ),
        Section(
            "incident_status",
            _("Incidents during meetings, by status"),
            _rows(total, [(s, IncidentStatus(s).label, totals[f"s_{s}"]) for s in IncidentStatus.values]),
            base_label=_("of incidents"),
            chart=False,
        ),
    ]


def task_section(tasks: QuerySet[Task], today: date) -> tuple[int, Section]:
    done = Q(status=TaskStatus.DONE)
    totals = (
        tasks.order_by()
        .annotate(done_day=TruncDate("done_at"))
        .aggregate(
            total=Count("pk"),
            on_time=Count("pk", filter=done & Q(done_day__lte=F("deadline"))),
            late=Count("pk", filter=done & Q(done_day__gt=F("deadline"))),
            overdue=Count("pk", filter=followup_rules.overdue_q(today)),
            not_due=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__gte=today)),
            cancelled=Count("pk", filter=Q(status=TaskStatus.CANCELLED)),
        )
    )
    total = totals["total"]
    section = Section(
        "tasks",
        _("Assigned work with a deadline in the period"),
        _rows(
            total,
            [
                ("on_time", _("Done on time"), totals["on_time"]),
                ("late", _("Done after the deadline"), totals["late"]),
                ("overdue", _("Overdue (not done, deadline passed)"), totals["overdue"]),
                ("not_due", _("Not due yet"), totals["not_due"]),
                ("cancelled", _("Cancelled"), totals["cancelled"]),
            ],
        ),
        base_label=_("of tasks"),
        notes=[Note(_("Overdue as of %(day)s."), (("day", f"{today:%d/%m/%Y}"),))],
    )
    return totals["overdue"], section


# --- by unit and over time ---------------------------------------------------------------------------


def _depth(unit: OrgUnit) -> int:
    return unit.path.count("/") - 1


def unit_rows(
    scope: OrgUnit | None,
    meetings: QuerySet[Meeting],
    collections: QuerySet[Collection],
    tasks: QuerySet[Task],
    grouped: Grouped,
    today: date,
) -> list[UnitRow]:
    """The numbers of each unit directly below the scope (every unit below the province's root for
    the whole province), with the units below it; the scope's own meetings on a row of its own."""
    units = OrgUnit.objects.only("pk", "name", "short_name", "path", "sort_order", "kind", "parent_id")
    if scope is not None:
        units = units.filter(path__startswith=scope.path)
    by_pk = {unit.pk: unit for unit in units}
    bucket_depth = _depth(scope) + 1 if scope is not None else 2
    by_path = {unit.path: unit for unit in by_pk.values()}

    def bucket_of(unit_id: int | None) -> OrgUnit | None:
        unit = by_pk.get(unit_id) if unit_id is not None else None
        if unit is None:
            return None
        if _depth(unit) <= bucket_depth:
            return unit
        parts = unit.path.strip("/").split("/")[:bucket_depth]
        return by_path.get("/" + "/".join(parts) + "/", unit)

    rows: dict[int, UnitRow] = {}

    def row(unit_id: int | None) -> UnitRow | None:
        unit = bucket_of(unit_id)
        if unit is None:
            return None
        return rows.setdefault(unit.pk, UnitRow(unit))

    for unit_id, n, held in (
        meetings.order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), held=Count("pk", filter=Q(status__in=HELD_STATUSES)))
        .values_list("unit_id", "n", "held")
    ):
        if (target := row(unit_id)) is not None:
            target.meetings += n
            target.held += held
    for unit_id, n, pages, _without in grouped.documents:
        if (target := row(unit_id)) is not None:
            target.documents += n
            target.pages += pages
    for unit_id, status, n in grouped.attendance:
        if (target := row(unit_id)) is not None:
            target.recorded += n
            target.attended += n if status in PRESENT_STATUSES else 0
    for unit_id, n in (
        collections.order_by().values("poll__unit_id").annotate(n=Count("pk")).values_list("poll__unit_id", "n")
    ):
        if (target := row(unit_id)) is not None:
            target.collections += n
    for unit_id, n, overdue in (
        tasks.order_by()
        .values("assignee_unit_id")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=followup_rules.overdue_q(today)))
        .values_list("assignee_unit_id", "n", "overdue")
    ):
        if (target := row(unit_id)) is not None:
            target.tasks += n
            target.overdue += overdue
    return sorted(rows.values(), key=lambda r: (-r.meetings, r.unit.sort_order, r.unit.name))


def _bucket_starts(period: Period) -> list[date]:
    step = period.bucket
    if step == "day":
        first = period.first
    elif step == "week":
        first = period.first - timedelta(days=period.first.weekday())
    elif step == "month":
        first = period.first.replace(day=1)
    else:
        first = date(period.first.year, 1, 1)
    starts = []
    current = first
    while current <= period.last:
        starts.append(current)
        if step == "day":
            current += timedelta(days=1)
        elif step == "week":
            current += timedelta(days=7)
        elif step == "month":
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        else:
            current = date(current.year + 1, 1, 1)
    return starts


def _bucket_label(start: date, step: str) -> str:
    if step == "day":
        return f"{start:%d/%m}"
    if step == "week":
        return f"{start:%d/%m}–{start + timedelta(days=6):%d/%m}"
    if step == "month":
        return f"{start:%m/%Y}"
    return f"{start:%Y}"


def series(meetings: QuerySet[Meeting], period: Period) -> list[tuple[str, int, int]]:
    """Meetings (and meetings held) per day, week, month or year of the period."""
    step = period.bucket
    tz = timezone.get_current_timezone()
    counted: dict[date, tuple[int, int]] = {}
    for moment, n, held in (
        meetings.order_by()
        .annotate(bucket=Trunc("start", step, tzinfo=tz))
        .values("bucket")
        .annotate(n=Count("pk"), held=Count("pk", filter=Q(status__in=HELD_STATUSES)))
        .values_list("bucket", "n", "held")
    ):
        day = timezone.localtime(moment, tz).date() if isinstance(moment, datetime) else moment
        counted[day] = (n, held)
    return [(_bucket_label(start, step), *counted.get(start, (0, 0))) for start in _bucket_starts(period)]


# --- everything --------------------------------------------------------------------------------------


def format_percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def compute(unit: OrgUnit | None, period: Period, *, now: datetime | None = None) -> Statistics:
    """The statistics of `unit` (and the units below it; None: every unit) over `period`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    meetings = meetings_of(unit, period)
    collections = collections_of(unit, period)
    tasks = tasks_of(unit, period)
    total, held, sections = meeting_sections(meetings)
    grouped = Grouped.of(meetings)
    documents = document_section(meetings, grouped)
    attendance_rate, attendance = attendance_sections(meetings, grouped)
    response_rate, opinions = opinion_section(collections, now)
    overdue, tasks_section = task_section(tasks, today)
    sections += [documents, *attendance, opinions, vote_section(meetings), *incident_sections(meetings), tasks_section]
    headline: list[tuple[Any, int | str]] = [
        (_("Meetings"), total),
        (_("Meetings held"), held),
        (_("Documents"), documents.value("documents")),
        (_("Pages of documents"), documents.value("pages")),
        (_("Attendance rate"), format_percent(attendance_rate)),
        (_("Opinion response rate"), format_percent(response_rate)),
        (_("Overdue tasks"), overdue),
    ]
    return Statistics(
        unit=unit,
        period=period,
        today=today,
        headline=headline,
        sections=sections,
        units=unit_rows(unit, meetings, collections, tasks, grouped, today),
        series=series(meetings, period),
    )
