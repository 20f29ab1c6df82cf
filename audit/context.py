"""The request (IP, user agent) an action runs under, so actions need no request argument."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_current: ContextVar[RequestInfo] = ContextVar("audit_request_info", default=RequestInfo())  # noqa: B039


def current_request_info() -> RequestInfo:
    return _current.get()


def set_request_info(info: RequestInfo):  # type: ignore[no-untyped-def]
    return _current.set(info)


def reset_request_info(token) -> None:  # type: ignore[no-untyped-def]
    _current.reset(token)


def client_ip(meta: dict) -> str | None:
    # Behind the province's reverse proxy the first X-Forwarded-For hop is the client;
    # only trusted when TRUST_X_FORWARDED_FOR is on (see docs/configuration.md).
    from django.conf import settings

    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return meta.get("REMOTE_ADDR") or None
