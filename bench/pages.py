"""Benchmark of the busiest pages at province scale (issue 12). A script, not a test:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py \
        [--rounds 30] [--reuse] [--keep] [--explain] [--scale 1.0] [--only audit]

PostgreSQL only. Creates its own database (`--database`, default `ecabinet_bench_pages`) on the
server of DATABASE_URL, migrates it and fills it with bulk inserts (COPY), seeded (`--seed`), so two
runs build the same rows:

- the province's 145 units (manage.py load_units), about 1,500 accounts, rooms;
- 10,000 meetings over three years (two and a half past, half a year ahead), weighted towards the
  PPC and its Office, with agenda items and 5-30 invitations each (officials, a few units and
  guests), answers as the time of the meeting makes likely;
- 100,000 document versions: 80,000 documents (a fifth of them with a second version) attached to
  the meetings, with extracted text and page texts drawn from the search test set; the search index
  is filled by the app's own triggers (documents/search.py: stored tsvectors with a GIN index);
- 1,000,000 audit entries, a valid hash chain (hash version 2) that `manage.py verify_audit_chain`
  accepts, the chain head set after them;
- a notification for each official invited to a published meeting (about 165,000).
`--scale 0.1` builds a tenth of everything (quick trial runs).

Then, through Django's test Client signed in as an organiser of the busiest unit (the PPC's
Office), its leader and a system administrator, it requests each page `--rounds` times after a
warm-up and prints p50/p95/max and the number of SQL queries of one request: the meeting list,
the detail of a meeting with 30 invitations and 20 documents, the calendar week (three scopes),
document search (Vietnamese queries), the audit viewer (first page, each filter, all filters) and
the notification list. `--explain` prints EXPLAIN ANALYZE of the slowest queries of each page.

The database is dropped at the end unless `--keep` or `--reuse`; `--reuse` uses a kept database
when it was filled with the same options (otherwise it fills it again) and keeps it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INFO_TABLE = "bench_pages_info"  # one row: the options the database was filled with
SEARCHES = [
    "kế hoạch",  # in most documents
    "ngân sách nhà nước",
    '"giải phóng mặt bằng"',
    "chuyen doi so",
    "lễ hội Tràng An",
    "15/2025/QĐ-UBND",
]
GUEST_ORGANISATIONS = ["Công ty TNHH Minh Phát", "Ngân hàng Nhà nước chi nhánh Ninh Bình", "Báo Ninh Bình"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Đinh", "Mai", "Trịnh"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quốc", "Anh", "Hồng", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nga", "Sơn", "Tuấn"]
MEETING_TOPICS = [
    "Họp giao ban tuần",
    "Họp bàn kế hoạch đầu tư công trung hạn",
    "Họp về công tác giải phóng mặt bằng dự án đường ven biển",
    "Họp triển khai chuyển đổi số",
    "Họp chuẩn bị Lễ hội Tràng An",
    "Họp về dự toán ngân sách nhà nước",
    "Họp phòng, chống thiên tai",
    "Họp kiểm tra an toàn thực phẩm",
    "Họp sắp xếp đơn vị hành chính cấp xã",
]
AUDIT_ACTIONS = [  # (action, weight): sign-ins dominate, as in production
    ("auth.login", 40),
    ("auth.logout", 25),
    ("document.viewed", 12),
    ("user.profile_updated", 3),
    ("calendar.feed_rotated", 1),
    ("auth.login_failed", 4),
    ("opinion.answered", 3),
]
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


@dataclass
class Options:
    meetings: int
    documents: int
    second_versions: int
    audit: int
    chars: int
    seed: int

    def key(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)


@dataclass
class Cast:
    """The people the pages are requested as, and the objects they open."""

    organiser_id: int
    leader_id: int
    admin_id: int
    unit_admin_id: int
    unit_id: int
    showcase_id: int
    showcase_week: str
    busy_actor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- the database -------------------------------------------------------------------------------


def server_urls(database: str) -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("bench/pages.py measures PostgreSQL: set DATABASE_URL=postgres://user@host:5432/postgres")
    bench = urlunsplit(parts._replace(path=f"/{database}"))
    return url, bench


def admin_connect(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=(parts.path or "/postgres").lstrip("/") or "postgres",
        autocommit=True,
    )


def database_exists(url: str, name: str) -> bool:
    with admin_connect(url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def recreate_database(url: str, name: str) -> None:
    with admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def open_database(name: str, *, reuse: bool, media_prefix: str) -> tuple[str, bool]:
    """Create (or, with `reuse`, keep) the benchmark database `name` on the server of DATABASE_URL
    and set Django up on it for timing: DEBUG off (no query log, as in production; query counts
    are captured explicitly), no second factor for administrators (not what is measured).
    Returns the server's URL and whether the database existed already."""
    server, bench_url = server_urls(name)
    existed = reuse and database_exists(server, name)
    if not existed:
        recreate_database(server, name)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix=media_prefix))
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)
    settings.MFA_REQUIRED_FOR_ADMINS = False
    return server, existed


def drop_database(url: str, name: str) -> None:
    from django.db import connections

    connections.close_all()
    with admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stored_info() -> dict[str, Any] | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [INFO_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT options, cast_json, fill_seconds FROM {INFO_TABLE}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    return {"options": row[0], "cast": json.loads(row[1]), "fill_seconds": row[2]}


def store_info(options: Options, cast: Cast, seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {INFO_TABLE} (options text, cast_json text, fill_seconds double precision)")
        cursor.execute(
            f"INSERT INTO {INFO_TABLE} VALUES (%s, %s, %s)",  # noqa: S608
            [options.key(), json.dumps(cast.__dict__), seconds],
        )


# --- bulk writing ---------------------------------------------------------------------------------


def copy_instances(model: Any, objects: Iterable[Any]) -> int:
    """COPY unsaved model instances (primary keys already set) into the model's table: every
    concrete column, values prepared as bulk_create prepares them."""
    from django.db import connection

    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
                count += 1
    return count


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def reset_sequences(*models: Any) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


# --- filling --------------------------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _workday_start(rng: random.Random, first: datetime, days: int) -> datetime:
    while True:
        day = first + timedelta(days=rng.randrange(days))
        if day.weekday() < 5:
            break
    return day.replace(hour=rng.choice([7, 8, 8, 9, 9, 10, 13, 14, 14, 15]), minute=rng.choice([0, 0, 30]))


def _pages(rng: random.Random, sentences: list[str], chars: int) -> list[str]:
    """Pages of about 700 characters, about `chars` characters in all."""
    target = max(200, int(rng.uniform(0.5, 1.5) * chars))
    pages, page, total = [], [], 0
    length = 0
    while total < target:
        sentence = rng.choice(sentences)
        page.append(sentence)
        total += len(sentence) + 1
        length += len(sentence) + 1
        if length > 700:
            pages.append(" ".join(page))
            page, length = [], 0
    if page:
        pages.append(" ".join(page))
    return pages


def fill(options: Options) -> Cast:  # noqa: C901, PLR0915 - one linear recipe, read top to bottom
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import OrgUnit, Right, RightGrant, UnitKind, User
    from audit.chain import link_hash
    from audit.models import AuditChainHead, AuditEntry
    from audit.personal import personal_digest
    from documents.models import ApprovalStatus, Document, DocumentKind, DocumentVersion, ProcessingState, Security
    from documents.search import fold
    from documents.tests import search_corpus
    from meetings.models import (
        AgendaItem,
        Answer,
        Invitation,
        InvitationKind,
        Meeting,
        MeetingFormat,
        MeetingKind,
        MeetingStatus,
        Room,
    )
    from notifications.models import Notification

    rng = random.Random(options.seed)
    now = timezone.localtime().replace(second=0, microsecond=0)
    tz = timezone.get_current_timezone()
    step = time.perf_counter()

    def done(what: str) -> None:
        nonlocal step
        print(f"  {what}: {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()

    call_command("load_units", stdout=io.StringIO())  # the 145 units, as in production
    units = list(OrgUnit.objects.order_by("sort_order", "pk"))
    office = next(u for u in units if u.kind == UnitKind.OFFICE)
    root = next(u for u in units if u.kind == UnitKind.PROVINCE)

    # Accounts: every unit has a leader, an organiser and a unit administrator; officials by size.
    password = make_password("Hophanhchinh2026")
    users: list[User] = []
    grants: list[tuple[int, str]] = []
    members: dict[int, list[User]] = {}
    leaders: dict[int, User] = {}
    organisers: dict[int, list[User]] = {}
    admins: dict[int, User] = {}
    next_user = 1

    def person(unit: OrgUnit, username: str, *rights: str, **extra: Any) -> User:
        nonlocal next_user
        user = User(
            pk=next_user,
            username=username,
            full_name=extra.pop("full_name", None) or _name(rng),
            unit=unit,
            password=password,
            must_change_password=False,
            password_changed_at=now,
            email=f"{username}@ninhbinh.gov.vn",
            **extra,
        )
        next_user += 1
        users.append(user)
        members.setdefault(unit.pk, []).append(user)
        grants.extend((user.pk, right) for right in rights)
        return user

    size: dict[str, int] = {UnitKind.PROVINCE: 12, UnitKind.OFFICE: 40, UnitKind.DEPARTMENT: 25}
    for unit in units:
        code = unit.code.lower().replace("-", "")
        leaders[unit.pk] = person(unit, f"{code}.lanhdao", Right.LEADER, position="Lãnh đạo")
        organisers[unit.pk] = [person(unit, f"{code}.daumoi", Right.ORGANISER)]
        if unit.pk == office.pk:
            organisers[unit.pk].append(person(unit, f"{code}.daumoi2", Right.ORGANISER))
        admins[unit.pk] = person(unit, f"{code}.quantri", Right.UNIT_ADMIN)
        for n in range(size.get(unit.kind, 5)):
            person(unit, f"{code}.cv{n + 1}")
    sysadmin = person(office, "bench.quantri", Right.SYSTEM_ADMIN, full_name="Trần Quốc Huy")
    User.objects.bulk_create(users, batch_size=1000)
    RightGrant.objects.bulk_create([RightGrant(user_id=u, right=r) for u, r in grants], batch_size=2000)
    reset_sequences(User, RightGrant)
    # Units name their document receiver (most communes have one; the Office too).
    for unit in units:
        if unit.kind != UnitKind.DEPARTMENT or rng.random() < 0.7:
            unit.document_receiver_id = admins[unit.pk].pk
    OrgUnit.objects.bulk_update(units, ["document_receiver"])
    rooms: dict[int, list[Room]] = {}
    room_rows = []
    for unit in units:
        if unit.kind in (UnitKind.PROVINCE, UnitKind.OFFICE, UnitKind.DEPARTMENT):
            for n in range(2 if unit.pk == office.pk else 1):
                room = Room(unit=unit, name=f"Phòng họp số {n + 1}", location="Trụ sở", capacity=40)
                room_rows.append(room)
                rooms.setdefault(unit.pk, []).append(room)
    Room.objects.bulk_create(room_rows)
    done(f"{len(units)} units, {len(users)} accounts, {len(room_rows)} rooms")

    # Meetings: the PPC and its Office hold most of them.
    weights = [
        40 if u.pk == office.pk else 20 if u.pk == root.pk else 4 if u.kind == UnitKind.DEPARTMENT else 1 for u in units
    ]
    first_day = (now - timedelta(days=912)).replace(hour=0, minute=0)  # local time
    span_days = 3 * 365
    meetings: list[Meeting] = []
    agenda: list[AgendaItem] = []
    invitations: list[Invitation] = []
    notifications: list[Notification] = []
    leaders_list = list(leaders.values())
    organiser = organisers[office.pk][0]
    leader = leaders[office.pk]

    def status_for(start: datetime) -> MeetingStatus:
        r = rng.random()
        if start < now:
            return MeetingStatus.ENDED if r < 0.9 else MeetingStatus.CANCELLED if r < 0.97 else MeetingStatus.REJECTED
        if r < 0.75:
            return MeetingStatus.APPROVED
        if r < 0.85:
            return MeetingStatus.SUBMITTED
        if r < 0.93:
            return MeetingStatus.DRAFT
        return MeetingStatus.POSTPONED if r < 0.97 else MeetingStatus.CANCELLED

    def add_meeting(
        pk: int, unit: OrgUnit, start: datetime, hours: float, status: MeetingStatus, **extra: Any
    ) -> Meeting:
        decided = status not in (MeetingStatus.DRAFT, MeetingStatus.SUBMITTED)
        submitted = status != MeetingStatus.DRAFT
        created = start - timedelta(days=rng.randint(7, 20))
        unit_rooms = rooms.get(unit.pk)
        meeting = Meeting(
            pk=pk,
            title=extra.pop("title", None) or f"{rng.choice(MEETING_TOPICS)} ({unit.short_name or unit.name})",
            content="Nội dung cuộc họp theo chương trình công tác.",
            unit=unit,
            organiser=rng.choice(organisers[unit.pk]) if "organiser" not in extra else extra.pop("organiser"),
            chair=leaders[unit.pk],
            start=start,
            end=start + timedelta(hours=hours),
            room=rng.choice(unit_rooms) if unit_rooms else None,
            place="" if unit_rooms else f"Hội trường {unit.name}",
            format=rng.choice([MeetingFormat.IN_PERSON, MeetingFormat.IN_PERSON, MeetingFormat.HYBRID]),
            kind=MeetingKind.REGULAR if rng.random() < 0.85 else MeetingKind.URGENT,
            is_ppc_meeting=unit.pk == root.pk,
            status=status,
            submitted_at=created + timedelta(days=1) if submitted else None,
            decided_at=created + timedelta(days=2) if decided else None,
            decided_by=leaders[unit.pk] if decided else None,
            created_at=created,
            uid=f"bench-{pk}",
            **extra,
        )
        meeting.updated_at = created
        meetings.append(meeting)
        for order in range(1, rng.randint(2, 5)):
            agenda.append(AgendaItem(meeting_id=pk, order=order, title=f"Nội dung {order}", duration_minutes=30))
        return meeting

    def invite(meeting: Meeting, people: list[User], units_invited: list[OrgUnit], guests: int) -> None:
        published = meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.SUBMITTED, MeetingStatus.REJECTED)
        past = meeting.start < now
        for user in people:
            answer = Answer.PENDING
            if published and (past or rng.random() < 0.6):
                answer = rng.choices([Answer.CONFIRMED, Answer.DECLINED], [9, 1])[0]
            invitations.append(
                Invitation(
                    meeting_id=meeting.pk,
                    kind=InvitationKind.USER,
                    user=user,
                    answer=answer,
                    reason="Bận công tác" if answer == Answer.DECLINED else "",
                    answered_at=meeting.decided_at + timedelta(hours=3)
                    if answer != Answer.PENDING and meeting.decided_at
                    else None,
                    answered_by=user if answer != Answer.PENDING else None,
                    created_at=meeting.created_at,
                )
            )
            if published and meeting.decided_at is not None:
                notifications.append(
                    Notification(
                        recipient=user,
                        event="meeting.invited",
                        title=f"Giấy mời họp: {meeting.title}"[:200],
                        body=f"{meeting.start.astimezone(tz):%H:%M %d/%m/%Y} · {meeting.place or 'Phòng họp'}",
                        url=f"/meetings/{meeting.pk}/",
                        target_type="meetings.meeting",
                        target_id=str(meeting.pk),
                        created_at=meeting.decided_at,
                        read_at=meeting.decided_at + timedelta(hours=5) if past or rng.random() < 0.5 else None,
                    )
                )
        for unit in units_invited:
            invitations.append(
                Invitation(meeting_id=meeting.pk, kind=InvitationKind.UNIT, unit=unit, created_at=meeting.created_at)
            )
        for n in range(guests):
            invitations.append(
                Invitation(
                    meeting_id=meeting.pk,
                    kind=InvitationKind.GUEST,
                    guest_name=_name(rng),
                    guest_organisation=GUEST_ORGANISATIONS[n % len(GUEST_ORGANISATIONS)],
                    guest_email=f"khach{n}@example.vn",
                    created_at=meeting.created_at,
                )
            )

    # The showcase: next week's meeting of the Office with 30 invitations and 20 documents.
    next_monday = (now + timedelta(days=7 - now.weekday())).replace(hour=8, minute=0)
    showcase = add_meeting(
        1,
        office,
        next_monday + timedelta(days=1),
        3,
        MeetingStatus.APPROVED,
        title="Họp Ủy ban nhân dân tỉnh thường kỳ tháng 12",
        organiser=organiser,
    )
    office_people = [u for u in members[office.pk] if u.pk not in (leader.pk, organiser.pk)]
    other_leaders = [u for u in leaders_list if u.pk != leader.pk]
    invite(showcase, rng.sample(office_people, 18) + rng.sample(other_leaders, 10), [units[5]], 1)
    for pk in range(2, options.meetings + 1):
        unit = rng.choices(units, weights)[0]
        start = _workday_start(rng, first_day, span_days)
        meeting = add_meeting(pk, unit, start, rng.choice([1, 1.5, 2, 2, 3, 4]), status_for(start))
        count = rng.randint(5, 30)
        own = [u for u in members[unit.pk] if u.pk != meeting.chair_id]
        people = rng.sample(own, min(len(own), count * 2 // 3))
        people += rng.sample(leaders_list, count - len(people))
        people = list({u.pk: u for u in people if u.pk != meeting.chair_id}.values())
        invited_units = rng.sample(units, rng.randint(1, 3)) if rng.random() < 0.15 else []
        invite(
            meeting,
            people,
            [u for u in invited_units if u.pk != unit.pk],
            rng.randint(1, 3) if rng.random() < 0.1 else 0,
        )
    with transaction.atomic():
        copy_instances(Meeting, meetings)
        for n, item in enumerate(agenda, start=1):
            item.pk = n
        copy_instances(AgendaItem, agenda)
        for n, invitation in enumerate(invitations, start=1):
            invitation.pk = n
        copy_instances(Invitation, invitations)
    reset_sequences(Meeting, AgendaItem, Invitation)
    done(f"{len(meetings)} meetings, {len(agenda)} agenda items, {len(invitations)} invitations")

    # Documents and their versions: text from the search test set, the index by the app's triggers.
    topics = [
        [
            s.strip() + "."
            for page in pages or [search_corpus.HOA_LU_TEXT]
            for s in page.split(".")
            if len(s.strip()) > 20
        ]
        for _, pages, _ in search_corpus.DOCUMENTS.values()
    ]
    extra_lines = ["Căn cứ Quyết định số 15/2025/QĐ-UBND của Ủy ban nhân dân tỉnh.", search_corpus.RECIPIENTS]
    titles = [title for title, _, _ in search_corpus.DOCUMENTS.values()]
    agenda_by_meeting: dict[int, list[AgendaItem]] = {}
    for item in agenda:
        agenda_by_meeting.setdefault(item.meeting_id, []).append(item)
    documented = [m for m in meetings[1:] if m.status != MeetingStatus.DRAFT]
    counts = {showcase.pk: 20}
    remaining = options.documents - 20
    for meeting in rng.choices(documented, k=remaining):
        counts[meeting.pk] = counts.get(meeting.pk, 0) + 1
    by_pk = {m.pk: m for m in meetings}
    second = set(rng.sample(range(1, options.documents + 1), options.second_versions))
    kinds = [DocumentKind.REPORT, DocumentKind.DRAFT, DocumentKind.REFERENCE, DocumentKind.REFERENCE]

    def document_rows() -> Iterator[tuple[Document, list[DocumentVersion]]]:
        document_pk = version_pk = 0
        for meeting_pk, count in sorted(counts.items()):
            meeting = by_pk[meeting_pk]
            pending = meeting.start > now and rng.random() < 0.2
            for _ in range(count):
                document_pk += 1
                title = f"{rng.choice(titles)} ({document_pk})"
                versions = []
                for number in (1, 2) if document_pk in second else (1,):
                    version_pk += 1
                    pages = _pages(rng, [*rng.choice(topics), *rng.choice(topics), *extra_lines], options.chars)
                    versions.append(
                        DocumentVersion(
                            pk=version_pk,
                            document_id=document_pk,
                            number=number,
                            file=f"documents/{meeting_pk}/bench{version_pk}.pdf",
                            original_name=f"{title[:60]}.pdf",
                            file_type="pdf",
                            extension=".pdf",
                            size=rng.randint(50_000, 5_000_000),
                            sha256=hashlib.sha256(str(version_pk).encode()).hexdigest(),
                            uploaded_by_id=meeting.organiser_id,
                            uploaded_at=meeting.created_at + timedelta(days=number),
                            state=ProcessingState.DONE,
                            progress=100,
                            page_count=len(pages),
                            text="\n".join(pages),
                            page_texts=pages,
                            processed_at=meeting.created_at + timedelta(days=number),
                        )
                    )
                current = versions[-1]
                items = agenda_by_meeting.get(meeting_pk, [])
                restricted = rng.random() < 0.05
                document = Document(
                    pk=document_pk,
                    meeting_id=meeting_pk,
                    agenda_item_id=rng.choice(items).pk if items and rng.random() < 0.7 else None,
                    title=title,
                    kind=rng.choice(kinds),
                    security=Security.RESTRICTED if restricted else Security.ALL_ATTENDEES,
                    status=ApprovalStatus.PENDING if pending else ApprovalStatus.APPROVED,
                    decided_by_id=None if pending else meeting.chair_id,
                    decided_at=None if pending else meeting.created_at + timedelta(days=3),
                    published_at=None if pending else meeting.created_at + timedelta(days=3),
                    current_version_id=current.pk,
                    search_text=fold(f"{title} {current.text}"),
                    created_by_id=meeting.organiser_id,
                    created_at=meeting.created_at + timedelta(days=1),
                )
                yield document, versions

    readers: list[tuple[int, int]] = []
    version_total = 0
    batch_docs: list[Document] = []
    batch_versions: list[DocumentVersion] = []

    def flush() -> None:
        with transaction.atomic():  # the foreign keys are checked at commit (DEFERRABLE)
            copy_instances(DocumentVersion, batch_versions)
            copy_instances(Document, batch_docs)
        batch_docs.clear()
        batch_versions.clear()

    invited_by_meeting: dict[int, list[int]] = {}
    for invitation in invitations:
        if invitation.user_id:
            invited_by_meeting.setdefault(invitation.meeting_id, []).append(invitation.user_id)
    for document, versions in document_rows():
        batch_docs.append(document)
        batch_versions.extend(versions)
        version_total += len(versions)
        if document.security == Security.RESTRICTED:
            invited = invited_by_meeting.get(document.meeting_id, [])
            readers.extend((document.pk, u) for u in invited[: max(1, len(invited) // 3)])
        if len(batch_docs) >= 2000:
            flush()
    if batch_docs:
        flush()
    copy_rows(
        Document.readers.through._meta.db_table,
        ["id", "document_id", "user_id"],
        ((n, d, u) for n, (d, u) in enumerate(readers, start=1)),
    )
    reset_sequences(Document, DocumentVersion, Document.readers.through)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM documents_document_tsv")
        indexed = cursor.fetchone()[0]
    done(
        f"{options.documents} documents, {version_total} versions ({indexed} in the search index), {len(readers)} readers"
    )

    for n, notification in enumerate(notifications, start=1):
        notification.pk = n
    copy_instances(Notification, notifications)
    reset_sequences(Notification)
    done(f"{len(notifications)} notifications")

    # Audit trail: a valid chain, oldest first; meetings and documents have their history.
    actions, action_weights = zip(*AUDIT_ACTIONS, strict=True)
    all_users = users
    targeted: list[tuple[datetime, str, str, str, User]] = []
    for meeting in meetings:
        organiser_user = next(u for u in members[meeting.unit_id] if u.pk == meeting.organiser_id)
        targeted.append((meeting.created_at, "meeting.created", "meetings.meeting", str(meeting.pk), organiser_user))
        if meeting.submitted_at:
            targeted.append(
                (meeting.submitted_at, "meeting.submitted", "meetings.meeting", str(meeting.pk), organiser_user)
            )
        if meeting.decided_at:
            targeted.append(
                (meeting.decided_at, "meeting.approved", "meetings.meeting", str(meeting.pk), leaders[meeting.unit_id])
            )
    per_meeting_docs = max(0, options.audit // 5 - len(targeted))
    for _ in range(per_meeting_docs):
        meeting = rng.choice(meetings)
        targeted.append(
            (
                meeting.created_at + timedelta(hours=rng.randint(1, 200)),
                "document.uploaded",
                "documents.document",
                str(rng.randint(1, options.documents)),
                leaders[meeting.unit_id],
            )
        )
    rest = options.audit - len(targeted)
    span = (now - first_day).total_seconds()
    events = targeted + [
        (
            first_day + timedelta(seconds=rng.random() * span),
            rng.choices(actions, action_weights)[0],
            "",
            "",
            rng.choice(all_users),
        )
        for _ in range(rest)
    ]
    events.sort(key=lambda e: e[0])
    events = events[: options.audit]
    user_unit = {u.pk: u.unit_id for u in all_users}
    columns = [
        "id", "seq", "at", "actor_id", "actor_name", "unit_id", "action", "target_type", "target_id", "ip",
        "user_agent", "data", "prev_hash", "hash", "hash_version", "personal_salt", "personal_digest",
    ]  # fmt: skip
    # The chain goes on from the entries written so far (load_units logs one).
    head = AuditChainHead.objects.filter(pk=1).first()
    first_seq = (head.last_seq if head else 0) + 1
    prev = head.last_hash if head else "0" * 64
    last_at = first_day

    def audit_rows() -> Iterator[tuple[Any, ...]]:
        nonlocal prev, last_at
        from psycopg.types.json import Jsonb

        for seq, (at, action, target_type, target_id, actor) in enumerate(events, start=first_seq):
            at = max(at, last_at + timedelta(microseconds=1)).astimezone(UTC)
            last_at = at
            ip = f"10.37.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            salt = f"{rng.getrandbits(128):032x}"
            digest = personal_digest(salt, ip, USER_AGENT)
            data: dict[str, Any] = {"via": "web"} if action.startswith("auth.") else {}
            content = {
                "seq": seq,
                "at": at.isoformat(timespec="microseconds"),
                "actor": actor.pk,
                "actor_name": actor.full_name,
                "unit": user_unit[actor.pk],
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "data": data,
                "v": 2,
                "personal": digest,
            }
            hashed = link_hash(prev, content)
            yield (seq, seq, at, actor.pk, actor.full_name, user_unit[actor.pk], action, target_type, target_id, ip,
                   USER_AGENT, Jsonb(data), prev, hashed, 2, salt, digest)  # fmt: skip
            prev = hashed

    with transaction.atomic():
        copy_rows(AuditEntry._meta.db_table, columns, audit_rows())
        AuditChainHead.objects.update_or_create(
            pk=1, defaults={"last_seq": first_seq + len(events) - 1, "last_hash": prev}
        )
    reset_sequences(AuditEntry)
    sample = list(AuditEntry.objects.order_by("seq")[:3]) + list(AuditEntry.objects.order_by("-seq")[:3])
    intact = all(e.compute_hash() == e.hash for e in sample)
    done(f"{len(events)} audit entries (chain hashes checked on a sample: {'valid' if intact else 'INVALID'})")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    done("ANALYZE")
    busiest = max(
        (u for u in all_users if u.unit_id == office.pk), key=lambda u: sum(1 for e in events[-20000:] if e[4] is u)
    )
    return Cast(
        organiser_id=organiser.pk,
        leader_id=leader.pk,
        admin_id=sysadmin.pk,
        unit_admin_id=admins[office.pk].pk,
        unit_id=office.pk,
        showcase_id=showcase.pk,
        showcase_week=next_monday.date().isoformat(),
        busy_actor=busiest.full_name,
    )


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    times: list[float]
    queries: int
    status: int
    slowest: list[tuple[float, str]]

    def line(self) -> str:
        times = sorted(self.times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        flag = "" if p95 < 0.150 else "  > 150 ms"
        return (
            f"{self.name:58} p50 {statistics.median(times) * 1000:7.1f}  p95 {p95 * 1000:7.1f}  "
            f"max {max(times) * 1000:7.1f} ms  {self.queries:3} queries{flag}"
        )


def measure(name: str, client: Any, path: str, params: dict[str, str], rounds: int, warmup: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(path, params)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} {params} answered {response.status_code}")
    connection.queries_log.clear()  # each request empties it (request_started): capture from an empty log
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    captured = list(context.captured_queries)  # read now: the next request empties the log
    slowest = sorted(((float(q["time"]), q["sql"]) for q in captured), reverse=True)[:3]
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(path, params)
        times.append(time.perf_counter() - started)
    return Result(name, times, len(captured), response.status_code, slowest)


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def pages(cast: Cast) -> list[tuple[str, str, str, dict[str, str]]]:
    """(page, who, path, query parameters) to measure."""
    from django.utils import timezone

    today = timezone.localdate()
    month_ago = (today - timedelta(days=30)).strftime("%d/%m/%Y")
    year_ago = (today - timedelta(days=365)).strftime("%d/%m/%Y")
    surname = cast.busy_actor.split()[-1] if cast.busy_actor else "Huy"
    week = cast.showcase_week
    detail = f"/meetings/{cast.showcase_id}/"
    rows: list[tuple[str, str, str, dict[str, str]]] = [
        ("meeting list", "organiser", "/meetings/", {}),
        ("meeting list", "leader", "/meetings/", {}),
        ("meeting detail (30 invitations, 20 documents)", "organiser", detail, {}),
        ("meeting detail (30 invitations, 20 documents)", "leader", detail, {}),
        ("calendar week: mine", "leader", "/calendar/", {"scope": "me", "week": week}),
        ("calendar week: my unit", "organiser", "/calendar/", {"scope": "unit", "week": week}),
        ("calendar week: room", "organiser", "/calendar/", {"scope": "room", "week": week}),
        ("calendar week: this week", "leader", "/calendar/", {}),
    ]
    rows += [(f"document search {q!r}", "leader", "/documents/search/", {"q": q}) for q in SEARCHES]
    rows += [
        ("audit: first page", "admin", "/audit/", {}),
        ("audit: page 200", "admin", "/audit/", {"page": "200"}),
        ("audit: user", "admin", "/audit/", {"user": surname}),
        ("audit: unit", "admin", "/audit/", {"unit": str(cast.unit_id)}),
        ("audit: action", "admin", "/audit/", {"action": "meeting.approved"}),
        ("audit: action prefix", "admin", "/audit/", {"action": "auth."}),
        ("audit: date range (30 days)", "admin", "/audit/", {"date_from": month_ago}),
        (
            "audit: all filters",
            "admin",
            "/audit/",
            {"user": surname, "unit": str(cast.unit_id), "action": "auth.", "date_from": year_ago},
        ),
        ("audit: first page, unit administrator", "unit_admin", "/audit/", {}),
        ("notifications", "leader", "/notifications/", {}),
        ("notifications page 5", "organiser", "/notifications/", {"page": "5"}),
    ]
    return rows


def run(cast: Cast, rounds: int, warmup: int, only: str, show_plans: bool) -> None:
    from django.test import Client

    from accounts.models import User

    clients = {}
    for who, pk in (
        ("organiser", cast.organiser_id),
        ("leader", cast.leader_id),
        ("admin", cast.admin_id),
        ("unit_admin", cast.unit_admin_id),
    ):
        client = Client()
        client.force_login(User.objects.get(pk=pk))
        clients[who] = client
    print(f"\n{rounds} requests per page after {warmup} warm-up, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}:")
    results = []
    for name, who, path, params in pages(cast):
        if only and only not in name:
            continue
        result = measure(f"{name} [{who}]", clients[who], path, params, rounds, warmup)
        results.append(result)
        print(result.line(), flush=True)
        if show_plans:
            for seconds, sql in result.slowest:
                if seconds >= 0.005 and sql.lstrip().upper().startswith("SELECT"):
                    print(f"    --- {seconds * 1000:.1f} ms: {sql[:300]}")
                    print("    " + explain(sql).replace("\n", "\n    "))
    slow = [r.name for r in results if sorted(r.times)[round(0.95 * (len(r.times) - 1))] >= 0.150]
    print(f"\npages with p95 >= 150 ms: {', '.join(slow) if slow else 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="ecabinet_bench_pages")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the default sizes to build")
    parser.add_argument("--chars", type=int, default=1500, help="mean characters of text per document version")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest queries of each page")
    parser.add_argument("--keep", action="store_true", help="keep the database after the run")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database filled with the same options")
    args = parser.parse_args()
    options = Options(
        meetings=int(10_000 * args.scale),
        documents=int(80_000 * args.scale),
        second_versions=int(20_000 * args.scale),
        audit=int(1_000_000 * args.scale),
        chars=args.chars,
        seed=args.seed,
    )
    server, existed = open_database(args.database, reuse=args.reuse, media_prefix="bench-pages-")
    from django.core.management import call_command
    from django.db import connection

    info = stored_info() if existed else None
    if info is not None and info["options"] == options.key():
        cast = Cast(**info["cast"])
        call_command("migrate", verbosity=0)  # indexes added since it was filled
        print(f"reusing database {args.database} (filled in {info['fill_seconds']:.0f} s)")
    else:
        if existed:
            connection.close()
            recreate_database(server, args.database)
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"database {args.database}: migrated in {time.perf_counter() - started:.1f} s; filling", flush=True)
        started = time.perf_counter()
        cast = fill(options)
        seconds = time.perf_counter() - started
        store_info(options, cast, seconds)
        print(f"filled in {seconds:.0f} s ({seconds / 60:.1f} min)", flush=True)
    try:
        run(cast, args.rounds, args.warmup, args.only, args.explain)
    finally:
        if not (args.keep or args.reuse):
            drop_database(server, args.database)
            print(f"database {args.database} dropped")


if __name__ == "__main__":
    main()
