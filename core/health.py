"""Checks behind GET /healthz: database, channel layer, task queue."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.utils import timezone


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:300]}


async def _channel_roundtrip() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "no channel layer configured"}
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    return {"ok": message.get("token") == token, "backend": type(layer).__name__}


def check_channel_layer() -> dict[str, Any]:
    try:
        return async_to_sync(_channel_roundtrip)()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def check_task_queue() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        waiting = DBTaskResult.objects.ready().count()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": str(exc)[:300]}
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {
        "ok": age <= settings.TASK_QUEUE_MAX_WAIT_SECONDS,
        "waiting": waiting,
        "oldest_waiting_seconds": round(age, 1),
        "max_wait_seconds": settings.TASK_QUEUE_MAX_WAIT_SECONDS,
    }


def health_report() -> dict[str, Any]:
    checks = {
        "database": check_database(),
        "channel_layer": check_channel_layer(),
        "task_queue": check_task_queue(),
    }
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks, "time": timezone.now().isoformat()}
