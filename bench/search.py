"""Benchmark of document search (issue 10). A script, not a test:

    .venv/bin/python bench/search.py [--documents 5000] [--chars 4000] [--rounds 5]

Builds --documents documents of about --chars characters each (sentences of two topics of the
relevance test set and a line all share, spread over 20 meetings) and prints the latency p50/p95 of
- ranking: the index query and the access filter (documents.viewer.search_documents);
- the results page: GET /documents/search/?q=... as an attendee (ranking, 20 documents loaded,
  snippets and reasons, template);
for common words that match almost everything, distinctive phrases, quoted phrases and numbers.
Runs on SQLite (a throw-away file) and, when DATABASE_URL is set, also on that PostgreSQL server
(in a test database created and dropped here). Each database runs in its own child process.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

QUERIES = [
    "ke hoach",  # in nearly every document
    "ủy ban nhân dân tỉnh",
    "ngân sách nhà nước",
    "kế hoạch đầu tư công trung hạn",
    '"giải phóng mặt bằng"',
    "an toàn thực phẩm",
    "chuyen doi so",
    "15/2025/QĐ-UBND",
    "lễ hội Tràng An",
    "dê biển Bình Minh thiên tai",
    "không có từ này xyzzy",
]


def child(documents: int, chars: int, rounds: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    databases = None
    if connection.vendor == "postgresql":
        databases = setup_databases(verbosity=0, interactive=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        run(documents, chars, rounds)
    finally:
        if databases is not None:
            teardown_databases(databases, verbosity=0)


def _text(rng: random.Random, sentences: list[str], chars: int) -> list[str]:
    """Pages of about 700 characters, sentences drawn from the test set, about `chars` in all."""
    pages, page, total = [], "", 0
    while total < chars:
        sentence = rng.choice(sentences)
        page += sentence + " "
        total += len(sentence) + 1
        if len(page) > 700:
            pages.append(page.strip())
            page = ""
    if page:
        pages.append(page.strip())
    return pages


def run(documents: int, chars: int, rounds: int) -> None:
    from django.db import connection
    from django.test import Client

    from accounts.actions import units as unit_actions
    from accounts.models import Right, UnitKind
    from conftest import make_user
    from documents import viewer
    from documents.models import ApprovalStatus, Document, DocumentVersion, ProcessingState
    from documents.search import fold, parse_query
    from documents.tests import search_corpus
    from meetings.tests.conftest import approved

    rng = random.Random(10)
    root = unit_actions.do_create_unit(None, code="UBND37", name="UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE)
    unit = unit_actions.do_create_unit(None, code="SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=root)
    organiser = make_user("bench.daumoi", unit, Right.ORGANISER, full_name="Hoàng Anh Dũng")
    leader = make_user("bench.giamdoc", unit, Right.LEADER, full_name="Vũ Thị Hồng")
    attendee = make_user("bench.phong", unit, full_name="Phan Văn Hải")
    meetings = [approved(organiser, leader, [attendee], start_in=timedelta(days=5 + n)) for n in range(20)]
    # Each document talks about two of the test set's topics (plus the recipients line they all
    # share), so a distinctive phrase matches a fraction of the documents and common words most.
    topics = [
        [
            s.strip() + "."
            for page in pages or [search_corpus.HOA_LU_TEXT]
            for s in page.split(".")
            if len(s.strip()) > 20
        ]
        for _, pages, _ in search_corpus.DOCUMENTS.values()
    ]
    extra = ["Căn cứ Quyết định số 15/2025/QĐ-UBND của Ủy ban nhân dân tỉnh.", search_corpus.RECIPIENTS]
    titles = [title for title, _, _ in search_corpus.DOCUMENTS.values()]

    started = time.perf_counter()
    batch = 500
    for first in range(0, documents, batch):
        made = []
        texts = []
        for n in range(first, min(documents, first + batch)):
            title = f"{rng.choice(titles)} ({n})"
            pages = _text(rng, [*rng.choice(topics), *rng.choice(topics), *extra], chars)
            text = "\n".join(pages)
            texts.append((pages, text))
            made.append(
                Document(
                    meeting=rng.choice(meetings),
                    title=title,
                    status=ApprovalStatus.APPROVED,
                    created_by=organiser,
                    search_text=fold(f"{title} {text}"),
                )
            )
        made = Document.objects.bulk_create(made)
        versions = DocumentVersion.objects.bulk_create(
            DocumentVersion(
                document=document,
                number=1,
                file=f"documents/bench/{document.pk}.pdf",
                original_name="bench.pdf",
                file_type="pdf",
                extension=".pdf",
                size=1,
                sha256="0" * 64,
                uploaded_by=organiser,
                state=ProcessingState.DONE,
                page_count=len(pages),
                text=text,
                page_texts=pages,
            )
            for document, (pages, text) in zip(made, texts, strict=True)
        )
        for document, version in zip(made, versions, strict=True):
            document.current_version = version
        Document.objects.bulk_update(made, ["current_version"])
    built = time.perf_counter() - started
    print(f"database: {connection.vendor}; {documents} documents of ~{chars} characters built in {built:.1f} s")

    client = Client()
    client.force_login(attendee)
    rank_times: list[float] = []
    page_times: list[float] = []
    for query in QUERIES:
        parsed = parse_query(query)
        matched = len(viewer.search_documents(attendee, parsed))
        for _ in range(rounds):
            started = time.perf_counter()
            viewer.search_documents(attendee, parsed)
            rank_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            response = client.get("/documents/search/", {"q": query})
            page_times.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(f"  {query!r:40} {matched:6} matches")
    for name, times in (("ranking", rank_times), ("results page", page_times)):
        cuts = statistics.quantiles(times, n=20)
        print(
            f"{name:13} p50 {statistics.median(times) * 1000:7.1f} ms   p95 {cuts[18] * 1000:7.1f} ms   "
            f"({len(times)} queries)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--chars", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.documents, args.chars, args.rounds)
        return
    command = [sys.executable, __file__, "--child", f"--documents={args.documents}", f"--chars={args.chars}"]
    command.append(f"--rounds={args.rounds}")
    with tempfile.TemporaryDirectory() as work:
        sqlite = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        sqlite["SQLITE_PATH"] = str(Path(work) / "bench.sqlite3")
        sqlite["MEDIA_ROOT"] = str(Path(work) / "media")
        subprocess.run(command, env=sqlite, check=True, cwd=ROOT)  # noqa: S603  (this interpreter, this script)
        if os.environ.get("DATABASE_URL"):
            postgresql = {**os.environ, "MEDIA_ROOT": sqlite["MEDIA_ROOT"]}
            subprocess.run(command, env=postgresql, check=True, cwd=ROOT)  # noqa: S603  (this interpreter, this script)
        else:
            print("PostgreSQL: not measured (set DATABASE_URL=postgres://... to measure it too)")


if __name__ == "__main__":
    main()
