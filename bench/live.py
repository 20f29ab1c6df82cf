"""Benchmark of the meeting room (issue 5): N delegates on real websockets check in and vote in a burst.

    .venv/bin/python bench/live.py [--delegates 500] [--burst 2.0] [--processes 1] [--runs 1]
    .venv/bin/python bench/live.py --delegates 2000 --runs 5          # the goals of issue 12
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/live.py --delegates 2000 --processes 2 --runs 5

A script, not a test. It builds a throw-away database (a SQLite file, or a fresh PostgreSQL
database `ecabinet_bench_live` on the server of DATABASE_URL), a started meeting with N invited
delegates and a chair, a signed-in session for each, then starts the real ASGI server
(uvicorn, the same code as `make run`) on loopback: one process with the in-memory channel
layer, or --processes 2 behind one Redis (REDIS_URL), the delegates split between them.

Then, from this process (asyncio, the `websockets` client):
1. every delegate connects to /ws/meetings/<id>/ with its session cookie and waits for the snapshot;
2. every delegate checks in over the socket (the same action as the button);
3. the chair creates and opens a vote over HTTP; each delegate votes at a random moment within
   the --burst window after the "open" event reached it;
4. when every ballot is acknowledged (or a timeout), the chair closes the vote over HTTP; each
   delegate notes when the closed vote with its results reaches it.

Prints connections held, check-ins recorded, ballots recorded in the database vs sent, p50/p99 of
the vote acknowledgement latency, and p50/p99/max of the time from "close" to the result on
every client, with the servers' CPU per phase. With --runs N each run starts from scratch in
its own process (fresh database and servers); a table gives each run's numbers, the worst over
the runs and the goals met or missed (docs/live.md, "Performance at 2,000 delegates").

Whatever happens (an error, Ctrl-C, SIGTERM) each run stops its servers (they also die with
the benchmark if it is killed), removes its temporary directory and drops its PostgreSQL
database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
os.environ.setdefault("DEBUG", "1")
BENCH_DB = "ecabinet_bench_live"


def _prepare_environment(workdir: Path) -> dict[str, str]:
    """The environment both this process and the servers use (same database, same layer)."""
    env = dict(os.environ)
    env["MEDIA_ROOT"] = str(workdir / "media")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base = url.rsplit("/", 1)[0]
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        env["DATABASE_URL"] = f"{base}/{BENCH_DB}"
        env.setdefault("DB_CONN_MAX_AGE", "60")
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.update(env)
    return env


def _setup_data(delegates: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.actions import units as account_actions
    from accounts.models import Right, UnitKind, User
    from live.models import LiveState
    from meetings.models import Answer, Invitation, InvitationKind, InvitationRole, Meeting, MeetingStatus

    call_command("migrate", verbosity=0)
    unit = account_actions.do_create_unit(None, code="BENCH", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT)
    now = timezone.now()
    chair = User.objects.create(
        username="chutoa", full_name="Chủ tọa", unit=unit, must_change_password=False, password_changed_at=now
    )
    chair.grants.create(right=Right.LEADER)
    users = User.objects.bulk_create(
        [
            User(
                username=f"daibieu{n:04d}",
                full_name=f"Đại biểu {n:04d}",
                unit=unit,
                must_change_password=False,
                password_changed_at=now,
            )
            for n in range(delegates)
        ]
    )
    start = timezone.now() + timedelta(minutes=5)
    meeting = Meeting.objects.create(
        # A fresh id each run: channel-layer groups (named after the meeting) left in a shared
        # Redis by an earlier run are not this run's.
        pk=random.randint(10**8, 10**9),  # noqa: S311 - an id, not a secret
        title="Kỳ họp thứ mười (benchmark)",
        unit=unit,
        organiser=chair,
        chair=chair,
        start=start,
        end=start + timedelta(hours=3),
        place="Hội trường tỉnh",
        status=MeetingStatus.IN_PROGRESS,
        decided_at=timezone.now(),
    )
    Invitation.objects.bulk_create(
        [
            Invitation(
                meeting=meeting,
                kind=InvitationKind.USER,
                role=InvitationRole.ATTENDEE,
                user=u,
                answer=Answer.CONFIRMED,
            )
            for u in users
        ]
    )
    LiveState.objects.create(meeting=meeting, started_at=timezone.now(), started_by=chair)

    def session_for(user: Any) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(3 * 3600)
        store.create()
        return str(store.session_key)

    return {
        "meeting": meeting.pk,
        "chair_session": session_for(chair),
        "sessions": [session_for(u) for u in User.objects.filter(username__startswith="daibieu").order_by("pk")],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_servers(
    env: dict[str, str],
    processes: int,
    logdir: Path,
    servers: list[subprocess.Popen[bytes]],
    profile: str | None = None,
) -> list[int]:
    """Start the servers into `servers` (the caller stops them, also when one fails to start).
    With `profile` (a directory) each runs under bench/profile_server.py."""
    ports = []
    server = ["-m", "uvicorn"]
    if profile:
        server = [str(ROOT / "bench" / "profile_server.py")]
        env = {**env, "BENCH_PROFILE_DIR": str(Path(profile).resolve()), "PYTHONPATH": str(ROOT)}
    for n in range(processes):
        port = _free_port()
        log = open(logdir / f"server-{n}.log", "wb")  # noqa: SIM115 - closed with the process
        servers.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    *server,
                    "ecabinet.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--ws-per-message-deflate",
                    "false",
                    "--lifespan",
                    "off",
                    "--log-level",
                    "warning",
                    "--backlog",
                    "4096",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads yet in this process
            )
        )
        ports.append(port)
    deadline = time.monotonic() + 30
    for port in ports:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server on port {port} did not start; see {logdir}") from None
                time.sleep(0.2)
    return ports


def _post(port: int, session: str, path: str, fields: dict[str, str]) -> dict[str, Any]:
    token = secrets.token_hex(16)
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        method="POST",
        headers={
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
        return dict(json.loads(response.read()))


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Delegate:
    def __init__(self, port: int, session: str, meeting: int) -> None:
        self.port, self.session, self.meeting = port, session, meeting
        self.ws: Any = None
        self.pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.poll_open = asyncio.Event()
        self.poll_id: int | None = None
        self.option_ids: list[int] = []
        self.question_id: int | None = None
        self.result_at: float | None = None
        self.gaps = 0
        self.last_seq = 0

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/ws/meetings/{self.meeting}/",
            additional_headers={"Cookie": f"sessionid={self.session}", "Origin": f"http://127.0.0.1:{self.port}"},
            compression=None,
            open_timeout=120,
            ping_interval=None,
            max_size=2**22,
        )
        snapshot = json.loads(await self.ws.recv())
        assert snapshot["type"] == "snapshot", snapshot
        self.last_seq = snapshot["data"]["seq"]

    async def listen(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            kind = message.get("type")
            if kind in ("ok", "error") and message.get("ref") in self.pending:
                self.pending.pop(message["ref"]).set_result(message)
            elif kind == "snapshot":
                self.last_seq = message["data"]["seq"]
            elif kind == "event":
                seq = message.get("seq")
                if seq is not None:
                    if seq > self.last_seq + 1:
                        self.gaps += 1
                    self.last_seq = max(self.last_seq, seq)
                if message.get("kind") == "poll":
                    poll = message["data"]
                    if poll["state"] == "open" and not self.poll_open.is_set():
                        self.poll_id = poll["id"]
                        self.question_id = poll["questions"][0]["id"]
                        self.option_ids = [o["id"] for o in poll["questions"][0]["options"]]
                        self.poll_open.set()
                    elif poll["state"] == "closed" and poll.get("results") and self.result_at is None:
                        self.result_at = time.perf_counter()

    async def request(self, payload: dict[str, Any]) -> tuple[dict[str, Any], float]:
        ref = secrets.token_hex(6)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[ref] = future
        started = time.perf_counter()
        await self.ws.send(json.dumps({**payload, "ref": ref}))
        answer = await asyncio.wait_for(future, timeout=120)
        return answer, time.perf_counter() - started


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU consumed so far by these processes (Linux /proc)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return total


def _ms(value: float) -> float:
    return round(value * 1000, 1)


async def _run(args: argparse.Namespace, data: dict[str, Any], ports: list[int], pids: list[int]) -> dict[str, Any]:
    # The chair is another device: their requests (create and open, close) go from a process of
    # their own. From a thread of this one they waited for the GIL behind the 2,000 sockets'
    # frames (up to 0.3 s before the close even reached the server, counted in "result").
    chair = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        chair.submit(_ready).result(timeout=60)
        return await _phases(args, data, ports, pids, chair)
    finally:
        chair.shutdown(cancel_futures=True)


def _ready() -> bool:
    return True


async def _phases(
    args: argparse.Namespace, data: dict[str, Any], ports: list[int], pids: list[int], chair: ProcessPoolExecutor
) -> dict[str, Any]:
    from django.urls import reverse

    result: dict[str, Any] = {"delegates": len(data["sessions"])}
    meeting = data["meeting"]
    delegates = [Delegate(ports[n % len(ports)], s, meeting) for n, s in enumerate(data["sessions"])]
    gate = asyncio.Semaphore(64)

    async def connect(d: Delegate) -> bool:
        async with gate:
            try:
                await d.connect()
            except Exception as exc:  # counted, and printed once below
                d.ws = exc
                return False
        return True

    cpu, client_cpu = _cpu_seconds(pids), _cpu_seconds([os.getpid()])
    started = time.perf_counter()
    connected = await asyncio.gather(*(connect(d) for d in delegates))
    held = [d for d, ok in zip(delegates, connected, strict=True) if ok]
    result["connected"] = len(held)
    result["connect_s"] = round(time.perf_counter() - started, 2)
    result["connect_server_cpu_s"] = round(_cpu_seconds(pids) - cpu, 1)
    result["connect_client_cpu_s"] = round(_cpu_seconds([os.getpid()]) - client_cpu, 1)
    print(
        f"connections held: {len(held)}/{len(delegates)} in {result['connect_s']:.1f} s "
        f"(server CPU {result['connect_server_cpu_s']:.1f} s, client CPU {result['connect_client_cpu_s']:.1f} s)"
    )
    failures = [d.ws for d, ok in zip(delegates, connected, strict=True) if not ok]
    if failures:
        print(f"  first connection error: {failures[0]!r}")
    listeners = [asyncio.create_task(d.listen()) for d in held]

    cpu = _cpu_seconds(pids)
    started = time.perf_counter()
    checkins = await asyncio.gather(*(d.request({"type": "checkin"}) for d in held), return_exceptions=True)
    ok_checkins = [c for c in checkins if not isinstance(c, BaseException) and c[0]["type"] == "ok"]
    times = [c[1] for c in ok_checkins]
    result.update(
        checkins_ok=len(ok_checkins),
        checkin_p50_ms=_ms(_percentile(times, 50)),
        checkin_p99_ms=_ms(_percentile(times, 99)),
        checkin_server_cpu_s=round(_cpu_seconds(pids) - cpu, 1),
    )
    print(
        f"check-ins acknowledged: {len(ok_checkins)}/{len(held)} in {time.perf_counter() - started:.1f} s; "
        f"p50 {result['checkin_p50_ms']:.0f} ms, p99 {result['checkin_p99_ms']:.0f} ms "
        f"(server CPU {result['checkin_server_cpu_s']:.1f} s)"
    )

    loop = asyncio.get_running_loop()
    create_started = time.perf_counter()
    created = await loop.run_in_executor(
        chair,
        _post,
        ports[0],
        data["chair_session"],
        reverse("live:poll_create", args=[meeting]),
        {"question": "Thông qua Nghị quyết về kế hoạch đầu tư công năm 2027?", "open": "1"},
    )
    if "poll" not in created:
        raise SystemExit(f"the chair could not create the vote: {created}")
    poll_id = created["poll"]
    result["create_request_ms"] = _ms(time.perf_counter() - create_started)
    print(f"the chair's request creating and opening the vote took {result['create_request_ms']:.0f} ms")

    async def vote(d: Delegate) -> tuple[dict[str, Any], float] | None:
        try:
            await asyncio.wait_for(d.poll_open.wait(), timeout=60)
        except TimeoutError:
            return None
        await asyncio.sleep(random.uniform(0, args.burst))  # noqa: S311 - timing jitter, not security
        choice = random.choice(d.option_ids)  # noqa: S311 - a delegate's choice, not security
        return await d.request({"type": "vote", "poll": d.poll_id, "choices": {str(d.question_id): choice}})

    cpu = _cpu_seconds(pids)
    started = time.perf_counter()
    votes = await asyncio.gather(*(vote(d) for d in held), return_exceptions=True)
    burst = time.perf_counter() - started
    acked = [v for v in votes if isinstance(v, tuple) and v[0]["type"] == "ok"]
    refused = [v for v in votes if isinstance(v, tuple) and v[0]["type"] != "ok"]
    unanswered = [v for v in votes if not isinstance(v, tuple)]
    latencies = [v[1] for v in acked]
    result.update(
        ballots_acked=len(acked),
        ballots_refused=len(refused),
        ballots_unanswered=len(unanswered),
        ballot_p50_ms=_ms(_percentile(latencies, 50)),
        ballot_p99_ms=_ms(_percentile(latencies, 99)),
        ballot_max_ms=_ms(max(latencies, default=0)),
        vote_server_cpu_s=round(_cpu_seconds(pids) - cpu, 1),
    )
    print(
        f"ballots acknowledged: {len(acked)}/{len(held)} in {burst:.1f} s (refused {len(refused)}, "
        f"no answer {len(unanswered)}); ack p50 {result['ballot_p50_ms']:.0f} ms, "
        f"p99 {result['ballot_p99_ms']:.0f} ms, max {result['ballot_max_ms']:.0f} ms "
        f"(server CPU {result['vote_server_cpu_s']:.1f} s)"
    )
    if refused:
        print(f"  first refusal: {refused[0][0]}")

    closed_at = time.perf_counter()
    await loop.run_in_executor(
        chair,
        _post,
        ports[0],
        data["chair_session"],
        reverse("live:poll_close", args=[meeting, poll_id]),
        {},
    )
    result["close_request_ms"] = _ms(time.perf_counter() - closed_at)
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and any(d.result_at is None for d in held):
        await asyncio.sleep(0.01)
    arrivals = [d.result_at - closed_at for d in held if d.result_at is not None]
    result.update(
        results_received=len(arrivals),
        result_p50_ms=_ms(_percentile(arrivals, 50)),
        result_p99_ms=_ms(_percentile(arrivals, 99)),
        result_max_ms=_ms(max(arrivals, default=0)),
        result_min_ms=_ms(min(arrivals, default=0)),
        gaps=sum(d.gaps > 0 for d in held),
    )
    print(
        f"result received by {len(arrivals)}/{len(held)} clients; from close: "
        f"p50 {result['result_p50_ms']:.0f} ms, p99 {result['result_p99_ms']:.0f} ms, "
        f"max {result['result_max_ms']:.0f} ms, first {result['result_min_ms']:.0f} ms "
        f"(the chair's close request took {result['close_request_ms']:.0f} ms)"
    )
    print(f"clients that saw a gap in the event numbers (and would re-fetch a snapshot): {result['gaps']}")
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(d.ws.close() for d in held), return_exceptions=True)

    from polls.models import Participation

    recorded = await loop.run_in_executor(None, lambda: Participation.objects.filter(poll_id=poll_id).count())
    result["ballots_recorded"] = recorded
    # Lost: a delegate on a socket whose ballot is not in the database, or who never saw the result.
    result["lost"] = (len(delegates) - len(held)) + (len(held) - recorded) + (len(held) - len(arrivals))
    print(f"ballots recorded in the database: {recorded} (sent {len(held)}, acknowledged {len(acked)})")
    return result


# The goals of issue 12 for 2,000 delegates (docs/live.md, "Performance at 2,000 delegates").
GOALS: list[tuple[str, str, float]] = [
    ("connect_s", "all connected (s)", 5.0),
    ("checkin_p99_ms", "check-in ack p99 (ms)", 250.0),
    ("ballot_p99_ms", "ballot ack p99 (ms)", 100.0),
    ("result_p99_ms", "result p99 after close (ms)", 500.0),
    ("lost", "lost", 0.0),
]
COLUMNS = [
    ("connect_s", "connect s"),
    ("connect_server_cpu_s", "srv CPU s"),
    ("checkin_p50_ms", "checkin p50"),
    ("checkin_p99_ms", "checkin p99"),
    ("ballot_p50_ms", "ballot p50"),
    ("ballot_p99_ms", "ballot p99"),
    ("result_p50_ms", "result p50"),
    ("result_p99_ms", "result p99"),
    ("lost", "lost"),
    ("gaps", "gaps"),
]


def _summary(results: list[dict[str, Any]]) -> None:
    print(f"\n=== {len(results)} run(s) ===")
    print("run  " + "  ".join(f"{title:>11}" for _key, title in COLUMNS))
    for n, r in enumerate(results, 1):
        print(f"{n:<4} " + "  ".join(f"{r.get(key, float('nan')):>11}" for key, _title in COLUMNS))
    worst = {key: max(r.get(key, float("inf")) for r in results) for key, _title in COLUMNS}
    print("worst" + "  ".join(f"{worst[key]:>11}" for key, _title in COLUMNS))
    for key, title, limit in GOALS:
        value = worst.get(key, float("inf"))
        verdict = "ok" if value <= limit and not (key == "connect_s" and value >= limit) else "MISSED"
        print(f"  goal {title}: worst {value} (goal {'<' if key == 'connect_s' else '≤'} {limit:g}) {verdict}")


def _die_with_parent() -> None:
    """In a server process: be terminated if the benchmark dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _one_run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up, serve, measure, and clean up (servers, temp directory, PostgreSQL database) always."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    env: dict[str, str] = {}
    servers: list[subprocess.Popen[bytes]] = []
    try:
        env = _prepare_environment(workdir)
        # The servers run as in production: DEBUG off (no query log). This process and the
        # servers share the secret key, which signs the sessions this process creates.
        server_env = {**env, "DEBUG": "1" if args.debug else "0"}
        server_env.setdefault("SECRET_KEY", os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48))
        os.environ["SECRET_KEY"] = server_env["SECRET_KEY"]
        print(
            f"delegates {args.delegates}, burst {args.burst} s, server processes {args.processes}, "
            f"database {'postgresql' if env.get('DATABASE_URL') else 'sqlite'}, "
            f"channel layer {'redis' if env.get('REDIS_URL') else 'in-memory'}, DEBUG {server_env['DEBUG']}, "
            f"load average {os.getloadavg()[0]:.2f}, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"
        )
        started = time.perf_counter()
        data = _setup_data(args.delegates)
        print(f"set-up (database, users, sessions): {time.perf_counter() - started:.1f} s")
        ports = _start_servers(server_env, args.processes, workdir, servers, args.profile)
        result = asyncio.run(_run(args, data, ports, [s.pid for s in servers]))
        for n, server in enumerate(servers):
            print(f"server process {n}: {_cpu_seconds([server.pid]):.1f} s of CPU")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(f"benchmark client (this process): {usage.ru_utime + usage.ru_stime:.1f} s of CPU")
        return result
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        for log in sorted(workdir.glob("server-*.log")):
            lines = [
                line
                for line in log.read_text(errors="replace").splitlines()
                if "No directory at" not in line and "mw_instance = middleware" not in line
            ]
            if lines:
                print(f"--- {log.name} (last lines) ---\n" + "\n".join(lines[-15:]))
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet; nothing to close then
            pass
        if env.get("DATABASE_URL", "").startswith("postgres"):
            import psycopg

            with psycopg.connect(env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delegates", type=int, default=500)
    parser.add_argument("--burst", type=float, default=2.0, help="seconds over which the delegates vote")
    parser.add_argument("--processes", type=int, default=1, help="server processes (2 needs REDIS_URL)")
    parser.add_argument("--runs", type=int, default=1, help="consecutive runs, each from scratch; prints the worst")
    parser.add_argument(
        "--debug", action="store_true", help="run the servers with DEBUG=1 (default: DEBUG off, as in production)"
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="run the servers under bench/profile_server.py (cProfile + wall-clock samples into DIR)",
    )
    parser.add_argument("--result-file", help=argparse.SUPPRESS)  # one run's numbers, as JSON (used by --runs)
    args = parser.parse_args()
    if args.processes > 1 and not os.environ.get("REDIS_URL"):
        raise SystemExit("--processes > 1 needs REDIS_URL: processes share events through Redis")
    # A SIGTERM (or Ctrl-C) still runs the clean-up of `_one_run`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.delegates + 1024)), hard))

    if args.runs <= 1:
        result = _one_run(args)
        if args.result_file:
            Path(args.result_file).write_text(json.dumps(result))
        else:
            _summary([result])
        return
    # Each run in its own process: a fresh database, fresh servers, nothing carried over.
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-live-runs-") as tmp:
        for n in range(1, args.runs + 1):
            print(f"\n--- run {n}/{args.runs} ---", flush=True)
            out = Path(tmp) / f"run-{n}.json"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                *_child_arguments(args),
                "--result-file",
                str(out),
            ]
            child = subprocess.Popen(command, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509 - our own script
            try:
                child.wait()
            except BaseException:
                child.terminate()
                child.wait(timeout=60)
                raise
            if child.returncode != 0 or not out.exists():
                print(f"run {n} failed (exit code {child.returncode})")
                results.append({})
                continue
            results.append(json.loads(out.read_text()))
    _summary(results)


def _child_arguments(args: argparse.Namespace) -> list[str]:
    arguments = ["--delegates", str(args.delegates), "--burst", str(args.burst), "--processes", str(args.processes)]
    if args.profile:
        arguments += ["--profile", args.profile]
    return [*arguments, "--debug"] if args.debug else arguments


if __name__ == "__main__":
    main()
