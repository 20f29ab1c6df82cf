"""Dump and restore the database behind a Django connection's settings, SQLite or PostgreSQL.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the live database page by
page in one step under a read lock, so the copy is consistent while the application writes
(WAL readers do not block writers). Restore copies the other way, into the live file, which
replaces its whole content in one locked step.

PostgreSQL: `pg_dump --format=custom` inside an exported snapshot, so the row counts and the
migration state written to the manifest are those of the dump itself; `pg_restore --clean
--if-exists --no-owner --single-transaction`: the restore happens completely or not at all.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with argument lists
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper

from backups.crypto import ArchiveError

# Tables that `migrate` fills by itself: rows there do not make a database "in use".
SETUP_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
# Django options that are not libpq connection parameters.
DJANGO_ONLY_OPTIONS = {"isolation_level", "server_side_binding", "assume_role", "pool", "cursor_factory"}


@dataclass
class Snapshot:
    """What was dumped: the file, and facts read from the same consistent state."""

    path: Path
    vendor: str
    migrations: dict[str, str] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)


def member_name(vendor: str) -> str:
    return "database/db.sqlite3" if vendor == "sqlite" else "database/db.pgdump"


def _latest_migrations(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in rows:  # ordered by id: the last one seen is the latest applied
        latest[app] = name
    return dict(sorted(latest.items()))


# --- SQLite --------------------------------------------------------------------------------------


def _sqlite_path(settings_dict: dict[str, Any]) -> str:
    name = str(settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise ArchiveError("An in-memory SQLite database cannot be backed up or restored.")
    return name


def _sqlite_facts(conn: sqlite3.Connection) -> tuple[dict[str, str], dict[str, int]]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    counts = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608
    migrations: dict[str, str] = {}
    if "django_migrations" in tables:
        migrations = _latest_migrations(conn.execute("SELECT app, name FROM django_migrations ORDER BY id"))
    return migrations, counts


def _sqlite_dump(settings_dict: dict[str, Any], target: Path) -> Snapshot:
    source = sqlite3.connect(f"file:{_sqlite_path(settings_dict)}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent read transaction
        migrations, counts = _sqlite_facts(copy)
    finally:
        copy.close()
        source.close()
    return Snapshot(target, "sqlite", migrations, counts)


def _sqlite_restore(settings_dict: dict[str, Any], dump: Path) -> None:
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    live = sqlite3.connect(_sqlite_path(settings_dict), timeout=60)
    try:
        source.backup(live)
    finally:
        live.close()
        source.close()


def sqlite_facts(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _sqlite_facts(conn)
    finally:
        conn.close()


# --- PostgreSQL ----------------------------------------------------------------------------------


def _pg_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    params = {
        "dbname": settings_dict.get("NAME") or "",
        "user": settings_dict.get("USER") or "",
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in DJANGO_ONLY_OPTIONS and isinstance(value, str | int):
            params[key] = str(value)
    return {key: value for key, value in params.items() if value}


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ArchiveError(
            f"{name} was not found on PATH; install the PostgreSQL client tools of the server's "
            "version (Debian: apt-get install postgresql-client)."
        )
    return path


def _pg_run(args: list[str], settings_dict: dict[str, Any]) -> None:
    from psycopg.conninfo import make_conninfo

    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])  # not on the command line: ps shows it
    result = subprocess.run(  # noqa: S603 - fixed tool, argument list
        [*args, "--no-password", f"--dbname={make_conninfo(**_pg_params(settings_dict))}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ArchiveError(f"{Path(args[0]).name} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def pg_connect(settings_dict: dict[str, Any]) -> Any:
    import psycopg
    from psycopg.conninfo import make_conninfo

    conninfo = make_conninfo(password=settings_dict.get("PASSWORD") or None, **_pg_params(settings_dict))
    return psycopg.connect(conninfo)


def _pg_facts(conn: Any) -> tuple[dict[str, str], dict[str, int]]:
    from psycopg import sql

    tables = [
        row[0]
        for row in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    ]
    counts = {
        table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        for table in tables
    }
    migrations: dict[str, str] = {}
    if "django_migrations" in tables:
        migrations = _latest_migrations(conn.execute("SELECT app, name FROM django_migrations ORDER BY id"))
    return migrations, counts


def _pg_dump(settings_dict: dict[str, Any], target: Path) -> Snapshot:
    import psycopg

    pg_dump = _pg_tool("pg_dump")
    with pg_connect(settings_dict) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            migrations, counts = _pg_facts(conn)
            # pg_dump sees exactly what this transaction sees, as long as it stays open.
            _pg_run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], settings_dict)
    return Snapshot(target, "postgresql", migrations, counts)


def _pg_restore(settings_dict: dict[str, Any], dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    _pg_run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", str(dump)],
        settings_dict,
    )


def pg_check_dump(dump: Path) -> None:
    """`pg_restore --list`: the dump is a custom-format archive pg_restore can read."""
    result = subprocess.run(  # noqa: S603
        [_pg_tool("pg_restore"), "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ArchiveError(f"The database dump in the archive cannot be read by pg_restore: {result.stderr.strip()}")


# --- Either ----------------------------------------------------------------------------------------


def dump(connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
    if connection.vendor == "sqlite":
        return _sqlite_dump(connection.settings_dict, target)
    if connection.vendor == "postgresql":
        return _pg_dump(connection.settings_dict, target)
    raise ArchiveError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def restore(connection: BaseDatabaseWrapper, dump_file: Path) -> None:
    """Replace the database's content with the dump. The caller has checked the dump."""
    connection.close()  # Django's connection must not hold locks or stale pages
    if connection.vendor == "sqlite":
        _sqlite_restore(connection.settings_dict, dump_file)
    else:
        _pg_restore(connection.settings_dict, dump_file)
    connection.close()


def app_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True)}


def rows_in_use(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in the project's tables beyond what `migrate` writes; empty for a fresh database."""
    existing = set(connection.introspection.table_names())
    in_use: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted((app_tables() & existing) - SETUP_TABLES):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            count = cursor.fetchone()[0]
            if count:
                in_use[table] = count
    return in_use


def row_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows per table of the live database, the same tables the manifest counts."""
    if connection.vendor == "sqlite":
        conn = sqlite3.connect(f"file:{_sqlite_path(connection.settings_dict)}?mode=ro", uri=True)
        try:
            return _sqlite_facts(conn)[1]
        finally:
            conn.close()
    with pg_connect(connection.settings_dict) as conn:
        return _pg_facts(conn)[1]
