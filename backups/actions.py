"""Making and restoring an encrypted backup: the database and the media files in one archive.

The archive (backups/crypto.py) holds a tar stream, in this order:

- `archive.json`: format version, time, database vendor (read first, so a restore refuses an
  archive of the other vendor before unpacking gigabytes);
- `database/db.sqlite3` or `database/db.pgdump`;
- `media/<path>` for every file under MEDIA_ROOT, streamed file by file (flat memory);
- `manifest.json` (last, since it lists the SHA-256 of every member before it): eCabinet version
  and git revision, the vendor, the latest applied migration per app and the rows per table of
  the dumped database, and every member's size and SHA-256.

A restore verifies everything (key, every frame, every hash, vendor, migrations known to this
code, an unused target unless forced) on a staging copy before it touches the database or the
media, then swaps: database first (one step), media by renames.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess  # noqa: S404 - git rev-parse, fixed arguments
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from audit.log import log_action
from backups import database, media
from backups.crypto import ArchiveError, DecryptingReader, EncryptingWriter
from core.keys import parse_key

FORMAT = "ecabinet-backup"
FORMAT_VERSION = 1
COPY_CHUNK = 1024 * 1024
SMALL_MEMBER_MAX = 64 * 1024 * 1024  # archive.json and manifest.json are read into memory


@dataclass
class BackupResult:
    path: Path
    size: int
    media_files: int
    media_bytes: int
    media_included: bool
    seconds: float
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    media_files: int
    media_restored: bool
    seconds: float
    audit_ok: bool
    audit_report: str
    pending_migrations: list[str] = field(default_factory=list)


def backup_key() -> bytes:
    """The configured key, or ArchiveError naming the variables to set."""
    key = getattr(settings, "BACKUP_KEY", None)
    if not key:
        raise ArchiveError(
            "BACKUP_KEY (or BACKUP_KEY_FILE) is not set: make a key with `openssl rand -base64 32`, "
            "keep it apart from the archives, and configure it (docs/operations.md)."
        )
    if isinstance(key, str):
        return parse_key(key, name="BACKUP_KEY")
    if len(key) != 32:
        raise ArchiveError("BACKUP_KEY must be 32 bytes.")
    return bytes(key)


def software_version() -> dict[str, str | None]:
    version: str | None = None
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as fh:
            version = tomllib.load(fh)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = None
    revision: str | None = None
    if (settings.BASE_DIR / ".git").exists():
        try:
            result = subprocess.run(  # noqa: S603
                ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S607
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            revision = result.stdout.strip() or None if result.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            revision = None
    return {"version": version, "git_revision": revision}


class _HashingReader:
    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        stat = os.fstat(fh.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = _HashingReader(fh)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"size": info.size, "sha256": reader.sha256.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    tar.addfile(info, io.BytesIO(data))
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode()


def do_create_backup(out_path: Path, *, key: bytes, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write the database and the media files to `out_path`, encrypted with `key`.

    The archive is written as `<out_path>.partial` and renamed when complete, so a file under the
    final name is always a whole archive. Audited as `backup.created`.
    """
    started = time.monotonic()
    connection = connections[using]
    out_path = Path(out_path)
    if out_path.exists():
        raise ArchiveError(f"{out_path} already exists; give each backup its own name (e.g. with the date).")
    if not out_path.parent.is_dir():
        raise ArchiveError(f"The directory {out_path.parent} does not exist.")
    root = media.media_root()
    partial = out_path.with_name(out_path.name + ".partial")
    work = Path(tempfile.mkdtemp(prefix=".ecabinet-backup-", dir=out_path.parent))
    try:
        snapshot = database.dump(connection, work / "db")
        members: dict[str, dict[str, Any]] = {}
        media_files = media_bytes = 0
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            writer = EncryptingWriter(out, key)
            # 1 MiB blocks, not tarfile's 10 KiB: a quarter of the time on the same CPU.
            tar = tarfile.open(  # type: ignore[call-overload]  # noqa: SIM115
                fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT, bufsize=COPY_CHUNK, copybufsize=COPY_CHUNK
            )
            created_at = timezone.now().isoformat(timespec="seconds")
            header = {"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": created_at}
            header["database_vendor"] = snapshot.vendor
            members["archive.json"] = _add_bytes(tar, "archive.json", _json(header))
            db_member = database.member_name(snapshot.vendor)
            members[db_member] = _add_file(tar, db_member, snapshot.path)
            if root is not None:
                for name, path in media.iter_files(root):
                    entry = _add_file(tar, f"media/{name}", path)
                    members[f"media/{name}"] = entry
                    media_files, media_bytes = media_files + 1, media_bytes + entry["size"]
            manifest = {
                **header,
                "ecabinet": software_version(),
                "database": {
                    "vendor": snapshot.vendor,
                    "member": db_member,
                    "migrations": snapshot.migrations,
                    "row_counts": snapshot.row_counts,
                },
                "media": {
                    "included": root is not None,
                    "storage": media.storage_name(),
                    "files": media_files,
                    "bytes": media_bytes,
                },
                "members": members,
            }
            _add_bytes(tar, "manifest.json", _json(manifest))
            tar.close()
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.rename(partial, out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        media.remove_tree(work)
    size = out_path.stat().st_size
    log_action(
        "backup.created",
        actor=None,
        actor_name="manage.py backup",
        data={"file": out_path.name, "bytes": size, "media_files": media_files, "vendor": snapshot.vendor},
    )
    return BackupResult(
        out_path, size, media_files, media_bytes, root is not None, time.monotonic() - started, manifest
    )


# --- Restore -------------------------------------------------------------------------------------


def _copy_member(source: BinaryIO, target: Path | None) -> dict[str, Any]:
    """Copy one member to target (or only hash it when target is None), in chunks."""
    digest, size = hashlib.sha256(), 0
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = open(target, "xb")  # noqa: SIM115
    try:
        while chunk := source.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return {"size": size, "sha256": digest.hexdigest()}


def _read_small(source: BinaryIO, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    data = source.read(SMALL_MEMBER_MAX + 1)
    if len(data) > SMALL_MEMBER_MAX:
        raise ArchiveError(f"{name} in the archive is too large.")
    try:
        value = json.loads(data)
    except ValueError:
        raise ArchiveError(f"{name} in the archive is not valid JSON.") from None
    if not isinstance(value, dict):
        raise ArchiveError(f"{name} in the archive is not a JSON object.")
    return value, {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _check_vendor(vendor: Any, connection: BaseDatabaseWrapper) -> None:
    if vendor != connection.vendor:
        raise ArchiveError(
            f"The archive holds a {vendor} database but this eCabinet uses {connection.vendor}: "
            "restore it on a system configured with the same database."
        )


def _unpack(reader: DecryptingReader, staging: Path, *, keep_media: bool, connection: BaseDatabaseWrapper) -> Any:
    """Decrypt and unpack into staging; return (manifest, hashes of what was read)."""
    seen: dict[str, dict[str, Any]] = {}
    header: dict[str, Any] | None = None
    manifest: dict[str, Any] | None = None
    tar = tarfile.open(fileobj=reader, mode="r|", bufsize=COPY_CHUNK)  # type: ignore[call-overload]  # noqa: SIM115
    for member in tar:
        name = member.name
        media.safe_relative(name)
        if not member.isfile():
            raise ArchiveError(f"The archive holds {name!r}, which is not a regular file.")
        if name in seen or manifest is not None:
            raise ArchiveError(f"The archive holds {name!r} twice or after its manifest.")
        source = tar.extractfile(member)
        if source is None:
            raise ArchiveError(f"{name!r} in the archive cannot be read.")
        if not seen:
            if name != "archive.json":
                raise ArchiveError("The archive does not start with archive.json.")
            header, seen[name] = _read_small(source, name)
            if header.get("format") != FORMAT or header.get("format_version") != FORMAT_VERSION:
                raise ArchiveError("The archive's format version is not one this eCabinet reads.")
            _check_vendor(header.get("database_vendor"), connection)
        elif name == "manifest.json":
            manifest, _ = _read_small(source, name)
        elif name == database.member_name(connection.vendor):
            seen[name] = _copy_member(source, staging / "db")
        elif name.startswith("media/"):
            relative = media.safe_relative(name[len("media/") :])
            seen[name] = _copy_member(source, staging / "media" / relative if keep_media else None)
        else:
            raise ArchiveError(f"The archive holds an unexpected member {name!r}.")
    reader.finish()
    if header is None or manifest is None:
        raise ArchiveError("The archive is incomplete: it has no manifest.")
    expected = manifest.get("members")
    if not isinstance(expected, dict) or set(expected) != set(seen):
        raise ArchiveError("The archive's members do not match its manifest.")
    for name, facts in seen.items():
        if expected[name] != facts:
            raise ArchiveError(f"{name} in the archive does not match the SHA-256 in its manifest.")
    _check_vendor((manifest.get("database") or {}).get("vendor"), connection)
    if database.member_name(connection.vendor) not in seen:
        raise ArchiveError("The archive holds no database.")
    return manifest


def _check_migrations(manifest: dict[str, Any]) -> None:
    """Refuse an archive whose database was migrated by code this eCabinet does not have."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app}.{name}"
        for app, name in sorted((manifest["database"].get("migrations") or {}).items())
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    ]
    if unknown:
        revision = (manifest.get("ecabinet") or {}).get("git_revision") or "unknown"
        raise ArchiveError(
            "The archive comes from a newer eCabinet: migrations "
            + ", ".join(unknown)
            + f" are not in this code. Restore it with the version that made it (git revision {revision})."
        )


def _verify_audit_chain() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit_chain", stdout=out)
    except CommandError as exc:
        return False, str(exc)
    return True, out.getvalue().strip()


def do_restore_backup(
    in_path: Path, *, key: bytes, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Replace the database and the media files with the archive's.

    Everything is checked before anything changes: the key, every frame, the members' SHA-256,
    the database vendor, the migrations, and (without `force`) that the target holds no data yet.
    Any refusal raises ArchiveError and leaves the database and MEDIA_ROOT as they were. Stop the
    web server and the worker first: the database is replaced underneath them. Audited as
    `backup.restored` in the restored trail.
    """
    started = time.monotonic()
    connection = connections[using]
    in_path = Path(in_path)
    root = media.media_root()
    try:
        source = open(in_path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise ArchiveError(f"{in_path} cannot be read: {exc.strerror}.") from None
    with source:
        reader = DecryptingReader(source, key)
        if not force:
            in_use = database.rows_in_use(connection)
            if in_use or media.has_files(root):
                raise ArchiveError(
                    f"The target is not empty ({sum(in_use.values())} rows in {len(in_use)} tables, "
                    f"{'some' if media.has_files(root) else 'no'} media files): restoring would replace them. "
                    "Run again with --force to replace them."
                )
        staging = media.new_staging(root) if root is not None else Path(tempfile.mkdtemp(prefix=".ecabinet-restore-"))
        try:
            manifest = _unpack(reader, staging, keep_media=root is not None, connection=connection)
            _check_migrations(manifest)
            if connection.vendor == "postgresql":
                database.pg_check_dump(staging / "db")
            # Everything is verified: from here on the target changes.
            database.restore(connection, staging / "db")
            media_included = bool((manifest.get("media") or {}).get("included"))
            media_restored = False
            if root is not None and media_included:
                media.swap_in(root, staging / "media", staging / "previous")
                media_restored = True
        finally:
            media.remove_tree(staging)
    audit_ok, audit_report = _verify_audit_chain()
    executor = MigrationExecutor(connection)
    pending = [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]
    if not pending:  # with migrations pending the audit table may not match the model yet
        _log_restored(in_path, manifest, force=force, audit_ok=audit_ok)
    return RestoreResult(
        manifest=manifest,
        media_files=int((manifest.get("media") or {}).get("files") or 0),
        media_restored=media_restored,
        seconds=time.monotonic() - started,
        audit_ok=audit_ok,
        audit_report=audit_report,
        pending_migrations=pending,
    )


def _log_restored(in_path: Path, manifest: dict[str, Any], *, force: bool, audit_ok: bool) -> None:
    log_action(
        "backup.restored",
        actor=None,
        actor_name="manage.py restore",
        data={
            "file": in_path.name,
            "created_at": manifest.get("created_at"),
            "forced": force,
            "audit_chain_intact": audit_ok,
        },
    )
