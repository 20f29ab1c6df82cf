"""`make run` (scripts/serve.sh) runs one web server and exactly one task worker, and Ctrl-C or a
SIGTERM stops them all: started for real on a free port with a temporary SQLite database."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # seconds; only bounds a hang, nothing is asserted about speed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_stat(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, state, start time) of a live process from /proc, None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]), fields[0], fields[19]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> dict[int, str]:
    """Every live process below `root`, with its start time (to tell a reused pid apart)."""
    children: dict[int, list[int]] = {}
    starts: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := proc_stat(int(entry.name))) and stat[1] != "Z":
            children.setdefault(stat[0], []).append(int(entry.name))
            starts[int(entry.name)] = stat[2]
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = starts[child]
            todo.append(child)
    return found


def still_running(processes: dict[int, str]) -> list[str]:
    alive = []
    for pid, start in processes.items():
        stat = proc_stat(pid)
        if stat and stat[1] != "Z" and stat[2] == start:
            alive.append(f"{pid}: {cmdline(pid)}")
    return alive


def wait_for(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.3)


def healthz(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:  # 503 still proves the server answers
        return json.loads(exc.read())
    except OSError:
        return None


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of `make run` (DEBUG on) with a migrated temporary SQLite database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SITE_URL", "PORT", "HOST"}}
    env.pop("ECABINET_TESTING", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "DEBUG": "1",
            "SQLITE_PATH": str(tmp_path_factory.mktemp("serve") / "db.sqlite3"),
            "PY": sys.executable,
            "PYTHONUNBUFFERED": "1",
        }
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True, timeout=600
    )
    return env


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    with log.open("wb") as out:
        # Its own session: the test can send it a terminal's Ctrl-C (SIGINT to its process group).
        script = subprocess.Popen(  # noqa: S603
            ["scripts/serve.sh"],
            cwd=ROOT,
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield script, port
        finally:
            if script.poll() is None:  # the test failed half-way: leave nothing behind
                for pid in descendants(script.pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                script.kill()
                script.wait()


def enqueue_ping(env: dict[str, str]) -> str:
    code = "from core.tasks import ping_task; print(ping_task.enqueue().id)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def task_status(env: dict[str, str], task_id: str) -> str | None:
    with contextlib.closing(sqlite3.connect(env["SQLITE_PATH"], timeout=20)) as db:
        row = db.execute(  # SQLite stores the UUID as 32 hex digits
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?", (uuid.UUID(task_id).hex,)
        ).fetchone()
    return row[0] if row else None


def stop_by_sigterm(script: subprocess.Popen[bytes]) -> None:
    os.kill(script.pid, signal.SIGTERM)


def stop_by_ctrl_c(script: subprocess.Popen[bytes]) -> None:
    os.killpg(script.pid, signal.SIGINT)  # what the terminal sends to its foreground process group


@pytest.mark.parametrize("stop", [stop_by_sigterm, stop_by_ctrl_c], ids=["sigterm", "ctrl-c"])
def test_one_server_and_one_task_worker_run_and_all_stop(
    demo_env: dict[str, str], tmp_path: Path, stop: Callable[[subprocess.Popen[bytes]], None]
) -> None:
    log = tmp_path / "serve.log"
    with serving(demo_env, log) as (script, port):
        wait_for(lambda: script.poll() is not None or healthz(port), "GET /healthz")
        assert script.poll() is None, log.read_text()

        # The worker really works: a task enqueued now gets done (by the process that runs tasks,
        # which under an autoreloader is a second, later process).
        task_id = enqueue_ping(demo_env)
        wait_for(lambda: task_status(demo_env, task_id) == "SUCCESSFUL", "the task worker to run a task")

        processes = descendants(script.pid)
        commands = [cmdline(pid) for pid in processes]
        workers = [c for c in commands if "db_worker" in c]
        servers = [c for c in commands if "uvicorn" in c]
        assert len(workers) == 1, commands
        assert len(servers) == 1, commands

        stop(script)
        script.wait(timeout=START_TIMEOUT)
        assert still_running(processes) == [], log.read_text()
        assert script.returncode != 0  # stopped by a signal, as the caller (make) should know
