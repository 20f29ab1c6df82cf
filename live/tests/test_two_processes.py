"""Realtime across processes: two real ASGI server processes share one Redis channel layer, and
an event caused by a client of process A reaches a client of process B, numbered in sequence.

Needs Redis: runs when REDIS_URL is set (the CI's PostgreSQL + Redis stage), skipped otherwise.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from meetings.models import Meeting

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="needs a Redis server (REDIS_URL)"),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_env() -> dict[str, str]:
    """Point the servers at the test database this test writes to."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(settings["NAME"])}
    user, host, port = settings["USER"] or "postgres", settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}", "DB_CONN_MAX_AGE": "0"}


@pytest.fixture
def two_servers(tmp_path) -> Iterator[list[int]]:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(_database_env())
    env.update({"DEBUG": "1", "REDIS_URL": REDIS_URL, "MEDIA_ROOT": str(tmp_path / "media")})
    ports = [_free_port(), _free_port()]
    servers = []
    for port in ports:
        log = (tmp_path / f"server-{port}.log").open("wb")
        servers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "ecabinet.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--lifespan",
                    "off",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        logs = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("server-*.log"))
                        pytest.fail(f"the servers did not start:\n{logs}")
                    time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        for log_file in sorted(tmp_path.glob("server-*.log")):  # shown by pytest when the test failed
            print(log_file.name, log_file.read_text(errors="replace")[-3000:])


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _open(port: int, session: str, meeting: Meeting) -> Any:
    import websockets

    socket_ = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/meetings/{meeting.pk}/",
        additional_headers={"Cookie": f"sessionid={session}", "Origin": f"http://127.0.0.1:{port}"},
        open_timeout=20,
    )
    first = json.loads(await asyncio.wait_for(socket_.recv(), timeout=20))
    assert first["type"] == "snapshot"
    return socket_, first["data"]["seq"]


async def _next_event(socket_: Any, kind: str) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(socket_.recv(), timeout=20))
        if message["type"] == "event" and message["kind"] == kind:
            return dict(message)


def test_events_from_process_a_reach_screens_on_process_b(two_servers, meeting, leader, attendee, colleague) -> None:
    """A check-in over A's socket updates the counts on B; the chair starting the meeting from
    A's socket-less HTTP side is a numbered event that B receives with the next number."""
    port_a, port_b = two_servers
    session_a, session_b, session_chair = _session(attendee), _session(colleague), _session(leader)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], int, dict[str, Any]]:
        socket_a, _seq_a = await _open(port_a, session_a, meeting)
        socket_b, seq_b = await _open(port_b, session_b, meeting)
        try:
            await socket_a.send(json.dumps({"type": "checkin", "ref": "a1"}))
            counts_on_b = await _next_event(socket_b, "attendance")
            answer_on_a = None
            while answer_on_a is None:
                message = json.loads(await asyncio.wait_for(socket_a.recv(), timeout=20))
                if message["type"] in ("ok", "error"):
                    answer_on_a = message
            await asyncio.get_running_loop().run_in_executor(None, _start_over_http, port_a, session_chair, meeting)
            started_on_b = await _next_event(socket_b, "meeting")
            return counts_on_b, started_on_b, seq_b, answer_on_a
        finally:
            await socket_a.close()
            await socket_b.close()

    counts, started, seq_before, answer = asyncio.run(scenario())
    assert answer == {"type": "ok", "ref": "a1", "data": {"status": "present"}}
    assert counts["data"]["counts"]["present"] == 1
    assert started["seq"] == seq_before + 1 and started["data"]["status"] == "in_progress"


def _start_over_http(port: int, session: str, meeting: Meeting) -> None:
    import urllib.request

    from django.urls import reverse

    token = "a" * 32
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{reverse('live:start', args=[meeting.pk])}",
        data=b"",
        method="POST",
        headers={
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "Accept": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
        assert json.loads(response.read()) == {"ok": True}


def test_an_outsider_is_refused_by_either_process(two_servers, meeting, outsider) -> None:
    import websockets

    session = _session(outsider)

    async def attempt(port: int) -> int | None:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/meetings/{meeting.pk}/",
            additional_headers={"Cookie": f"sessionid={session}", "Origin": f"http://127.0.0.1:{port}"},
        ) as socket_:
            try:
                await asyncio.wait_for(socket_.recv(), timeout=20)
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
        return None

    for port in two_servers:
        try:
            code = asyncio.run(attempt(port))
        except websockets.exceptions.InvalidStatus as refused:  # closed before the handshake: 403
            code = refused.response.status_code
        assert code in (4404, 403)
