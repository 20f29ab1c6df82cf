"""Prints: audit append rate, chain verification rate, and the cost of one Argon2 login hash.

Run: DEBUG=1 .venv/bin/python bench/audit_and_login.py [entries]   (uses a throw-away SQLite file
unless DATABASE_URL is set, in which case a test database is created on that server).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import check_password, make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    setup_test_environment()
    from django.db import connection

    if connection.vendor == "postgresql":
        from django.test.utils import setup_databases

        setup_databases(verbosity=0, interactive=False)
    else:
        call_command("migrate", verbosity=0)
    from audit.log import log_action
    from audit.verify import verify_chain

    started = time.perf_counter()
    for n in range(entries):
        log_action("bench.entry", actor=None, actor_name="bench", data={"n": n, "text": "Tiếng Việt có dấu"})
    append = time.perf_counter() - started
    started = time.perf_counter()
    checked, problem = verify_chain()
    verify = time.perf_counter() - started
    print(f"database: {connection.vendor}")
    print(
        f"audit append: {entries} entries in {append:.2f} s = {entries / append:.0f} entries/s (one transaction each)"
    )
    print(
        f"chain verify: {checked} entries in {verify:.2f} s = {checked / verify:.0f} entries/s, intact={problem is None}"
    )
    encoded = make_password("Hophanhchinh2026")
    runs = 5
    started = time.perf_counter()
    for _ in range(runs):
        check_password("Hophanhchinh2026", encoded)
    print(f"argon2 check_password (production parameters): {(time.perf_counter() - started) / runs * 1000:.0f} ms")


if __name__ == "__main__":
    main()
