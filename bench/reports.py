"""Benchmark of the statistics page and the appendix forms at province scale (issue 15). A script, not a test:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reports.py \
        [--rounds 5] [--keep] [--reuse] [--scale 1.0]

PostgreSQL only. Creates its own database (`--database`, default `ecabinet_bench_reports`) on the
server of DATABASE_URL, migrates it and fills it with bulk_create, seeded (`--seed`):

- the province's 145 units (manage.py load_units), 300 officials spread over them;
- 10,000 meetings over three years (two and a half past), every kind and status, weighted towards
  the PPC's Office, each with 6-14 invitations (answers, substitutes, guests) and, once ended, the
  frozen attendance; a vote in one meeting of ten, an incident in one of twenty;
- 50,000 documents with a version each (1-60 pages; one in fifty not converted yet);
- 1,000 opinion collections, each with 5-15 people and 0-3 units consulted and most answers in;
- 5,000 assigned tasks in every status.

Then, through Django's test Client signed in as a system administrator (the province's view) and a
unit administrator of the busiest unit, it requests the statistics page and its .xlsx `--rounds`
times after a warm-up, for a month, a quarter, a year and a range of three years, then the
appendix forms' page (Mẫu 01 and 02 of the last full quarter) and the forms' .xlsx for a quarter
and a year, and prints p50/max and the number of SQL queries of one request. The goal: under 2 s for the province.
The database is dropped at the end unless `--keep` or `--reuse` (bench/pages.py's helpers).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import drop_database, open_database, recreate_database  # noqa: E402

INFO_TABLE = "bench_reports_info"
UNUSABLE = "!"  # an unusable password hash: the Client signs in with force_login
BATCH = 5000


def fill(scale: float, seed: int) -> dict[str, int]:  # noqa: C901, PLR0915 - one linear recipe
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import OrgUnit, Right, RightGrant, User
    from documents.models import Document, DocumentVersion
    from followups.models import Task, TaskStatus
    from live.models import Attendance, AttendanceStatus, CheckinMethod, Incident, IncidentKind
    from meetings.models import Answer, Invitation, InvitationKind, Meeting, MeetingKind, MeetingStatus
    from opinions.models import Collection, ConsultedPerson, ConsultedUnit
    from polls.models import Participation, Poll, PollKind, PollState

    rng = random.Random(seed)
    step = time.perf_counter()

    def done(what: str) -> None:
        nonlocal step
        print(f"  {what}: {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()

    call_command("load_units", stdout=io.StringIO())
    units = list(OrgUnit.objects.order_by("path"))
    office = next(u for u in units if u.kind == "office" and u.path.count("/") == 3)
    weighted = [office] * 30 + units
    users = User.objects.bulk_create(
        [
            User(username=f"bench{i}", full_name=f"Cán bộ {i}", unit=rng.choice(weighted), password=UNUSABLE)
            for i in range(300)
        ],
        batch_size=BATCH,
    )
    admin = User.objects.create(username="bench.admin", full_name="Quản trị", unit=office, password=UNUSABLE)
    RightGrant.objects.create(user=admin, right=Right.SYSTEM_ADMIN)
    office_admin = User.objects.create(username="bench.vp", full_name="Quản trị VP", unit=office, password=UNUSABLE)
    RightGrant.objects.create(user=office_admin, right=Right.UNIT_ADMIN)
    done("units and people")

    now = timezone.now()
    first = now - timedelta(days=int(365 * 2.5))
    statuses = [MeetingStatus.ENDED] * 14 + [
        MeetingStatus.APPROVED,
        MeetingStatus.CANCELLED,
        MeetingStatus.DRAFT,
        MeetingStatus.REJECTED,
        MeetingStatus.POSTPONED,
        MeetingStatus.SUBMITTED,
    ]
    meetings = []
    for _ in range(int(10_000 * scale)):
        start = (first + timedelta(days=rng.randrange(365 * 3), hours=rng.choice([1, 2, 3, 6, 7]))).replace(
            second=0, microsecond=0
        )
        status = MeetingStatus.APPROVED if start > now else rng.choice(statuses)
        person = rng.choice(users)
        meetings.append(
            Meeting(
                title="Họp giao ban",
                unit=rng.choice(weighted),
                organiser=person,
                chair=person,
                start=start,
                end=start + timedelta(hours=2),
                kind=rng.choice([MeetingKind.REGULAR] * 8 + [MeetingKind.URGENT, MeetingKind.EXTRAORDINARY]),
                status=status,
                approved_late=rng.random() < 0.1,
                submitted_late=rng.random() < 0.1,
                is_ppc_meeting=rng.random() < 0.2,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    done(f"{len(meetings)} meetings")

    invitations: list[Invitation] = []
    for m in meetings:
        for person in rng.sample(users, rng.randint(6, 14)):
            answer = rng.choice([Answer.CONFIRMED] * 6 + [Answer.PENDING, Answer.DECLINED, Answer.DELEGATED])
            invitations.append(Invitation(meeting=m, kind=InvitationKind.USER, user=person, answer=answer))
        if rng.random() < 0.3:
            invitations.append(Invitation(meeting=m, kind=InvitationKind.GUEST, guest_name="Khách"))
    invitations = Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    # A substitute is an invitation of its own pointing at the one it replaces (a guest here, so
    # nobody is invited twice to the same meeting).
    subs = Invitation.objects.bulk_create(
        [
            Invitation(meeting_id=inv.meeting_id, kind=InvitationKind.GUEST, guest_name="Dự thay", substitute_for=inv)
            for inv in invitations
            if inv.answer == Answer.DELEGATED
        ],
        batch_size=BATCH,
    )
    done(f"{len(invitations) + len(subs)} invitations")

    attendances = []
    ended = {m.pk for m in meetings if m.status == MeetingStatus.ENDED}
    for inv in [*invitations, *subs]:
        if inv.meeting_id in ended and inv.answer != Answer.DELEGATED:
            present = rng.choice([AttendanceStatus.PRESENT] * 7 + [AttendanceStatus.LATE, AttendanceStatus.ABSENT])
            attendances.append(
                Attendance(
                    meeting_id=inv.meeting_id,
                    invitation=inv,
                    user_id=inv.user_id,
                    status=present,
                    method=CheckinMethod.SELF,
                    frozen=True,
                )
            )
    Attendance.objects.bulk_create(attendances, batch_size=BATCH)
    done(f"{len(attendances)} attendance rows")

    documents = Document.objects.bulk_create(
        [
            Document(meeting=rng.choice(meetings), title="Tài liệu", created_by=admin)
            for _ in range(int(50_000 * scale))
        ],
        batch_size=BATCH,
    )
    versions = DocumentVersion.objects.bulk_create(
        [
            DocumentVersion(
                document=d,
                number=1,
                file="x.pdf",
                original_name="x.pdf",
                file_type="pdf",
                extension=".pdf",
                size=1000,
                sha256="0" * 64,
                uploaded_by=admin,
                page_count=None if rng.random() < 0.02 else rng.randint(1, 60),
            )
            for d in documents
        ],
        batch_size=BATCH,
    )
    del versions
    with connection.cursor() as cursor:  # one statement instead of 50,000 updates
        cursor.execute(
            f"UPDATE {Document._meta.db_table} d SET current_version_id = v.id "  # noqa: S608
            f"FROM {DocumentVersion._meta.db_table} v WHERE v.document_id = d.id"
        )
    done(f"{len(documents)} documents")

    polls = Poll.objects.bulk_create(
        [
            Poll(
                kind=PollKind.MEETING_VOTE,
                meeting=m,
                unit=m.unit,
                title="Biểu quyết",
                created_by=admin,
                state=PollState.CLOSED,
            )
            for m in meetings
            if m.pk in ended and rng.random() < 0.1
        ],
        batch_size=BATCH,
    )
    Participation.objects.bulk_create(
        [Participation(poll=p, voter=v) for p in polls for v in rng.sample(users, rng.randint(3, 10))],
        batch_size=BATCH,
    )
    Incident.objects.bulk_create(
        [
            Incident(meeting=m, reporter=admin, kind=rng.choice(IncidentKind.values), description="Sự cố")
            for m in meetings
            if m.pk in ended and rng.random() < 0.05
        ],
        batch_size=BATCH,
    )
    done(f"{len(polls)} votes, incidents")

    opinion_polls = Poll.objects.bulk_create(
        [
            Poll(
                kind=PollKind.OPINION,
                unit=rng.choice(weighted),
                title="Lấy ý kiến",
                created_by=admin,
                closes_at=(release := first + timedelta(days=rng.randrange(365 * 3))) + timedelta(days=7),
                created_at=release,
            )
            for _ in range(int(1_000 * scale))
        ],
        batch_size=BATCH,
    )
    collections = Collection.objects.bulk_create(
        [Collection(poll=p, release_at=p.created_at) for p in opinion_polls], batch_size=BATCH
    )
    people, consulted_units, answers = [], [], []
    for c in collections:
        chosen = rng.sample(users, rng.randint(5, 15))
        people += [ConsultedPerson(collection=c, user=u) for u in chosen]
        answers += [Participation(poll_id=c.poll_id, voter=u) for u in chosen if rng.random() < 0.7]
        for unit in rng.sample(units, rng.randint(0, 3)):
            consulted_units.append(ConsultedUnit(collection=c, unit=unit))
            if rng.random() < 0.6:
                answers.append(Participation(poll_id=c.poll_id, voter=admin, unit=unit))
    ConsultedPerson.objects.bulk_create(people, batch_size=BATCH)
    ConsultedUnit.objects.bulk_create(consulted_units, batch_size=BATCH)
    Participation.objects.bulk_create(answers, batch_size=BATCH)
    done(f"{len(collections)} opinion collections")

    tasks = []
    held = [m for m in meetings if m.pk in ended]
    for _ in range(int(5_000 * scale)):
        m = rng.choice(held)
        deadline = m.start.date() + timedelta(days=rng.randint(5, 60))
        state = rng.choice(TaskStatus.values)
        tasks.append(
            Task(
                title="Việc",
                meeting=m,
                assigned_by=admin,
                assigner_unit=m.unit,
                assignee_unit=rng.choice(units),
                deadline=deadline,
                original_deadline=deadline,
                status=state,
                done_at=m.start + timedelta(days=rng.randint(3, 70)) if state == TaskStatus.DONE else None,
            )
        )
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    done(f"{len(tasks)} tasks")
    return {"admin": admin.pk, "unit_admin": office_admin.pk, "unit": office.pk}


def measure(client: Any, path: str, params: dict[str, str], rounds: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path, params)  # warm-up
    if response.status_code != 200:
        raise SystemExit(f"{path} {params} answered {response.status_code}")
    connection.queries_log.clear()  # each request empties it (request_started): capture from an empty log
    with CaptureQueriesContext(connection) as context:
        client.get(path, params)
    queries = len(context.captured_queries)  # read now: the next request empties the log
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(path, params)
        times.append(time.perf_counter() - started)
    return times, queries


def run(cast: dict[str, int], rounds: int) -> None:
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User

    today = timezone.localdate()
    clients = {}
    for who in ("admin", "unit_admin"):
        client = Client()
        client.force_login(User.objects.get(pk=cast[who]))
        clients[who] = client
    three_years = {
        "period": "range",
        "date_from": (today - timedelta(days=3 * 365)).isoformat(),
        "date_to": today.isoformat(),
    }
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    previous_end = quarter_start - timedelta(days=1)
    last_quarter = {  # the quarter before this one: ended meetings and expired collections in full
        "start": date(previous_end.year, 3 * ((previous_end.month - 1) // 3) + 1, 1).isoformat(),
        "end": previous_end.isoformat(),
    }
    last_year = {"start": date(today.year - 1, 1, 1).isoformat(), "end": date(today.year - 1, 12, 31).isoformat()}
    cases = [
        ("province, this month", "admin", "/reports/statistics/", {"period": "month", "date": today.isoformat()}),
        ("province, this quarter", "admin", "/reports/statistics/", {"period": "quarter", "date": today.isoformat()}),
        (
            "province, last year",
            "admin",
            "/reports/statistics/",
            {"period": "year", "date": date(today.year - 1, 6, 1).isoformat()},
        ),
        ("province, three years", "admin", "/reports/statistics/", three_years),
        ("province, three years, .xlsx", "admin", "/reports/statistics/export.xlsx", three_years),
        ("PPC Office (unit admin), three years", "unit_admin", "/reports/statistics/", three_years),
        ("forms page (Mẫu 01 + 02), province, quarter", "admin", "/reports/forms/", last_quarter),
        ("Mẫu 01 .xlsx, province, quarter", "admin", "/reports/forms/mau01.xlsx", last_quarter),
        ("Mẫu 02 .xlsx, province, quarter", "admin", "/reports/forms/mau02.xlsx", last_quarter),
        ("Mẫu 01 .xlsx, province, year", "admin", "/reports/forms/mau01.xlsx", last_year),
    ]
    print(f"\n{rounds} requests per case after 1 warm-up, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}:")
    slow = []
    for name, who, path, params in cases:
        times, queries = measure(clients[who], path, params, rounds)
        p50, worst = statistics.median(times), max(times)
        flag = "" if worst < 2.0 else "  > 2 s"
        if worst >= 2.0:
            slow.append(name)
        print(f"{name:42} p50 {p50 * 1000:7.1f}  max {worst * 1000:7.1f} ms  {queries:3} queries{flag}", flush=True)
    print(f"\ncases with max >= 2 s: {', '.join(slow) if slow else 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="ecabinet_bench_reports")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (filled with the same options)")
    args = parser.parse_args()
    server, existed = open_database(args.database, reuse=args.reuse, media_prefix="bench-reports-")
    import json

    from django.core.management import call_command
    from django.db import connection

    key = json.dumps({"scale": args.scale, "seed": args.seed})
    cast = None
    if existed:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [INFO_TABLE])
            if cursor.fetchone()[0] is not None:
                cursor.execute(f"SELECT options, cast_json FROM {INFO_TABLE}")  # noqa: S608
                row = cursor.fetchone()
                if row is not None and row[0] == key:
                    cast = json.loads(row[1])
                    print(f"reusing database {args.database}")
        if cast is None:
            connection.close()
            recreate_database(server, args.database)
    if cast is None:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"database {args.database}: migrated in {time.perf_counter() - started:.1f} s; filling", flush=True)
        started = time.perf_counter()
        cast = fill(args.scale, args.seed)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {INFO_TABLE} (options text, cast_json text)")
            cursor.execute(f"INSERT INTO {INFO_TABLE} VALUES (%s, %s)", [key, json.dumps(cast)])  # noqa: S608
            cursor.execute("ANALYZE")
        print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)
    try:
        run(cast, args.rounds)
    finally:
        if not (args.keep or args.reuse):
            drop_database(server, args.database)
            print(f"database {args.database} dropped")


if __name__ == "__main__":
    main()
