"""Benchmark of encrypted backups (issue 11). A script, not a test:

    .venv/bin/python bench/backup.py [--media-mb 200] [--file-mb 5]

Makes a throw-away SQLite database (migrated) and a MEDIA_ROOT of --media-mb MB of random files
(incompressible, like PDFs and scans) of about --file-mb MB each, then runs, each in its own
process as an operator would:

- `manage.py backup` of that system;
- `manage.py restore --force` of the archive into a second database (migrated, so a restore over
  a used schema is measured) and an empty MEDIA_ROOT;

and prints each one's throughput (MB of database + media per second of the command's wall time,
Django's start-up not counted) and peak memory (the process's RSS high-water mark after loading
Django and at the end: the difference is what the command adds). Memory should not grow
with --media-mb: files are streamed, the archive is encrypted in 1 MiB frames.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


CHILD = """
import json, sys, time
from pathlib import Path
import django
django.setup()
from django.core.management import call_command

def hwm():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0

before = hwm()
started = time.monotonic()
call_command(*sys.argv[1:], stdout=open("/dev/null", "w"))
print(json.dumps({"seconds": time.monotonic() - started, "before": before, "peak": hwm()}))
"""


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a management command in a fresh process; return (seconds the command took, peak RSS
    in MB after loading Django, peak RSS in MB at the end). Django's start-up is not timed."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    return facts["seconds"], facts["before"], facts["peak"]


def make_media(root: Path, total_mb: int, file_mb: int) -> int:
    written = 0
    index = 0
    block = os.urandom(MB)
    while written < total_mb * MB:
        folder = root / "documents" / "versions" / f"{index // 20:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        size = min(file_mb * MB, total_mb * MB - written)
        with open(folder / f"tai-lieu-{index:04d}.pdf", "wb") as fh:
            left = size
            while left:
                # a fresh prefix per MiB keeps every block different without paying urandom for all
                piece = os.urandom(16) + block[16 : min(MB, left)]
                fh.write(piece[:left])
                left -= len(piece[:left])
        written += size
        index += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--media-mb", type=int, default=200)
    parser.add_argument("--file-mb", type=int, default=5)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ecabinet-bench-backup-"))
    try:
        env = {
            **os.environ,
            "DEBUG": "1",
            "BACKUP_KEY": base64.b64encode(os.urandom(32)).decode(),
            "SQLITE_PATH": str(work / "source.sqlite3"),
            "MEDIA_ROOT": str(work / "media"),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        env["DJANGO_SETTINGS_MODULE"] = "ecabinet.settings"
        run(["migrate", "--verbosity=0"], env)
        media_bytes = make_media(work / "media", options.media_mb, options.file_mb)
        db_bytes = (work / "source.sqlite3").stat().st_size
        total_mb = (media_bytes + db_bytes) / MB

        archive = work / "ecabinet.backup"
        backup_s, backup_base, backup_peak = run(["backup", str(archive)], env)
        restore_env = {**env, "SQLITE_PATH": str(work / "restored.sqlite3"), "MEDIA_ROOT": str(work / "restored")}
        run(["migrate", "--verbosity=0"], {**restore_env, "MEDIA_ROOT": str(work / "unused")})
        restore_s, restore_base, restore_peak = run(["restore", str(archive), "--force"], restore_env)

        files = len(list((work / "media").rglob("*.pdf")))
        print(
            f"data: {media_bytes / MB:.0f} MB of media in {files} files + {db_bytes / MB:.1f} MB SQLite database; "
            f"archive {archive.stat().st_size / MB:.1f} MB"
        )
        for label, seconds, base, peak in (
            ("backup ", backup_s, backup_base, backup_peak),
            ("restore", restore_s, restore_base, restore_peak),
        ):
            print(
                f"{label}: {seconds:6.2f} s  {total_mb / seconds:7.1f} MB/s  peak RSS {peak:6.1f} MB "
                f"(Django loaded: {base:.1f} MB, the command added {peak - base:.1f} MB)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
