"""Who is on a websocket, resolved where the consumer chooses (docs/live.md, "Performance at 2,000
delegates").

channels' `AuthMiddlewareStack` makes two trips to Django's single database thread per socket
before the consumer runs (one to build the session store, one to load the session and the
user). A consumer that goes to the database thread anyway (the meeting room: access rules and
snapshot) can resolve the user in that same trip instead: `SessionKeyMiddleware` only reads the
session cookie, and the consumer calls `user_for_session` in its own sync code.

The rules are Django's own (`django.contrib.auth.get_user`, as on every page): no session, an
expired or deleted one ("sign out everywhere" deletes the rows), a backend no longer configured,
a user deleted or inactive (the backends' `get_user` refuses them), or a password changed since
the sign-in (the session's hash no longer matches; the session is flushed) give the anonymous
user, whom the consumer closes with code 4401.
"""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import parse_cookie

from core.http import AnyUser


def session_key_from_headers(headers: Any) -> str | None:
    """The session cookie's value from an ASGI scope's headers (None without one)."""
    for name, value in headers or ():
        if name == b"cookie":
            key = parse_cookie(value.decode("latin-1")).get(settings.SESSION_COOKIE_NAME)
            return key or None
    return None


class SessionKeyMiddleware:
    """ASGI middleware for websockets: `scope["session_key"]` from the cookie, no database work.
    The consumer resolves `scope["user"]` itself with `user_for_session`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        scope = {**scope, "session_key": session_key_from_headers(scope.get("headers"))}
        return await self.inner(scope, receive, send)


def user_for_session(session_key: str | None) -> AnyUser:
    """The signed-in user of a session, or the anonymous user (sync: the database thread)."""
    from django.contrib.auth import get_user
    from django.contrib.auth.models import AnonymousUser

    if not session_key:
        return AnonymousUser()
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    # `get_user` reads nothing of the request but its session.
    return get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]


def users_for_sessions(session_keys: list[str | None]) -> list[AnyUser]:
    """`user_for_session` for many sockets at once (sync: the database thread): with the database
    session engine, the sessions in one query and their users in another; the same answers, and
    any session that is not the plain case (no user in it, a backend that is not a ModelBackend,
    a hash that does not match the current secret) goes through `user_for_session` itself."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import constant_time_compare

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return [user_for_session(key) for key in session_keys]
    wanted = {key for key in session_keys if key}
    rows = Session.objects.filter(session_key__in=wanted, expire_date__gt=timezone.now()).values_list(
        "session_key", "session_data"
    )
    decoder = SessionStore()
    sessions = {key: decoder.decode(data) for key, data in rows}
    user_model = get_user_model()
    plain: dict[str, tuple[Any, Any]] = {}  # session key -> (user id, backend)
    for key, data in sessions.items():
        backend_path = data.get(BACKEND_SESSION_KEY)
        if SESSION_KEY not in data or backend_path not in settings.AUTHENTICATION_BACKENDS:
            continue
        backend = load_backend(backend_path)
        if type(backend).get_user is not ModelBackend.get_user:
            continue
        try:
            plain[key] = (user_model._meta.pk.to_python(data[SESSION_KEY]), backend)
        except Exception:  # noqa: S112 - not a valid id: Django's own rules decide below
            continue
    users = user_model._default_manager.in_bulk({user_id for user_id, _backend in plain.values()})
    answers: list[AnyUser] = []
    for wanted_key in session_keys:
        if not wanted_key or wanted_key not in sessions:
            answers.append(AnonymousUser())  # no such session, or it expired
            continue
        user_id, backend = plain.get(wanted_key, (None, None))
        user = users.get(user_id) if user_id is not None else None
        session_hash = sessions[wanted_key].get(HASH_SESSION_KEY)
        if user is None or not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
            answers.append(user_for_session(wanted_key))  # not the plain case: Django decides (flush, fallbacks)
        elif not backend.user_can_authenticate(user):
            answers.append(AnonymousUser())  # inactive
        else:
            answers.append(user)
    return answers
