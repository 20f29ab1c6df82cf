"""GET /healthz: database, channel layer and task queue; 200 only when all are healthy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import tasks


def test_healthy_system_returns_200_with_every_check(client, db) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "channel_layer", "task_queue"}
    assert body["checks"]["task_queue"]["oldest_waiting_seconds"] == 0


def test_a_task_waiting_too_long_makes_it_unhealthy(client, db, settings) -> None:
    result = tasks.ping_task.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=10))
    settings.TASK_QUEUE_MAX_WAIT_SECONDS = 300
    response = client.get("/healthz")
    assert response.status_code == 503
    queue = response.json()["checks"]["task_queue"]
    assert queue["ok"] is False and queue["waiting"] == 1 and queue["oldest_waiting_seconds"] >= 600


def test_a_fresh_waiting_task_is_still_healthy(client, db) -> None:
    tasks.ping_task.enqueue()
    assert client.get("/healthz").json()["checks"]["task_queue"]["waiting"] == 1
    assert client.get("/healthz").status_code == 200


def test_a_broken_channel_layer_makes_it_unhealthy(client, db, settings) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"]["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_worker_runs_an_enqueued_task() -> None:
    # transaction=True: the worker closes and reopens its database connection.
    from django.core.management import call_command

    result = tasks.ping_task.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
async def test_signed_in_user_can_ping_over_websocket(snv_member) -> None:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.test import Client

    from conftest import login
    from ecabinet.asgi import application

    client = await sync_to_async(lambda: login(Client(), snv_member))()
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    communicator = WebsocketCommunicator(
        application, "/ws/ping/", headers=[(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1")]
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()
    # The thread that ran the sync code keeps its own connection; close it so the
    # test database can be dropped on PostgreSQL.
    from django.db import connections

    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
async def test_anonymous_websocket_is_refused(db) -> None:
    from channels.testing import WebsocketCommunicator

    from ecabinet.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[(b"origin", b"http://127.0.0.1")])
    connected, code = await communicator.connect()
    assert not connected and code == 4401
