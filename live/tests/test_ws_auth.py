"""Who is on a meeting-room socket (core/ws_auth.py): the session's user by Django's own rules,
read in the consumer's batch instead of channels' middleware. An expired or deleted session, an
inactive account or a password changed since the sign-in closes the socket with 4401, and the
batched reading gives the same answer as the one-by-one reading for every kind of session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from conftest import login
from core.ws_auth import user_for_session, users_for_sessions
from live.tests.test_consumers import ORIGIN, _close_connections  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _session_of(user) -> str:  # type: ignore[no-untyped-def]
    return str(login(Client(), user).cookies["sessionid"].value)


async def _connect(meeting, session_key: str) -> tuple[bool, int | None]:  # type: ignore[no-untyped-def]
    from ecabinet.asgi import application

    headers = [ORIGIN, (b"cookie", f"sessionid={session_key}".encode())]
    communicator = WebsocketCommunicator(application, f"/ws/meetings/{meeting.pk}/", headers=headers)
    ok, code = await communicator.connect()
    if ok:
        await communicator.disconnect()
    return ok, code


async def test_a_signed_in_attendee_gets_in(meeting, attendee, _close_connections) -> None:  # noqa: F811
    key = await sync_to_async(_session_of)(attendee)
    assert await _connect(meeting, key) == (True, None)


async def test_an_expired_session_is_closed_4401(meeting, attendee, _close_connections) -> None:  # noqa: F811
    key = await sync_to_async(_session_of)(attendee)
    await database_sync_to_async(Session.objects.filter(session_key=key).update)(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert await _connect(meeting, key) == (False, 4401)


async def test_a_session_ended_everywhere_is_closed_4401(meeting, attendee, _close_connections) -> None:  # noqa: F811
    from accounts.actions.sessions import end_sessions

    key = await sync_to_async(_session_of)(attendee)
    await database_sync_to_async(end_sessions)(attendee)
    assert await _connect(meeting, key) == (False, 4401)


async def test_an_inactive_account_is_closed_4401(meeting, attendee, _close_connections) -> None:  # noqa: F811
    key = await sync_to_async(_session_of)(attendee)
    await database_sync_to_async(type(attendee).objects.filter(pk=attendee.pk).update)(is_active=False)
    assert await _connect(meeting, key) == (False, 4401)


async def test_a_password_changed_since_the_sign_in_is_closed_4401(meeting, attendee, _close_connections) -> None:  # noqa: F811
    key = await sync_to_async(_session_of)(attendee)

    def change_password() -> None:
        attendee.set_password("Một-mật-khẩu-mới-2026")
        attendee.save()

    await database_sync_to_async(change_password)()
    assert await _connect(meeting, key) == (False, 4401)


async def test_a_made_up_session_key_is_closed_4401(meeting, _close_connections) -> None:  # noqa: F811
    assert await _connect(meeting, "khongtontai0123456789abcdefghijk") == (False, 4401)


@pytest.mark.django_db
def test_the_batched_reading_answers_like_django_for_every_kind_of_session(
    attendee, colleague, secretary, leader
) -> None:
    valid, expired, inactive, changed = (_session_of(u) for u in (attendee, colleague, secretary, leader))
    other = _session_of(colleague)
    Session.objects.filter(session_key=expired).update(expire_date=timezone.now() - timedelta(seconds=1))
    type(secretary).objects.filter(pk=secretary.pk).update(is_active=False)
    leader.set_password("Một-mật-khẩu-mới-2026")
    leader.save()
    keys = [valid, expired, inactive, changed, None, "", "khongtontai0123456789abcdefghijk", other, valid]
    batched = [u.pk for u in users_for_sessions(keys)]
    one_by_one = [u.pk for u in (user_for_session(k) for k in keys)]
    assert batched == one_by_one == [attendee.pk, None, None, None, None, None, None, colleague.pk, attendee.pk]
