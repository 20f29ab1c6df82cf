"""Typed readers for settings that come from the environment.

A bad value stops start-up with a message that names the variable and what it expects,
instead of failing later somewhere less obvious.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from core.keys import parse_key

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum {maximum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_key(name: str, *, length: int = 32) -> bytes | None:
    """A key from `name` or the file named by `name`_FILE; None when neither is set."""
    raw = env_str(name).strip()
    if not raw:
        return None
    source = f"{name}_FILE" if os.environ.get(f"{name}_FILE") else name
    return parse_key(raw, name=source, length=length)


def local_site_url(host: str, port: int) -> str:
    """The address of a server started with `make run HOST=... PORT=...`, for links in email and SMS.

    A wildcard bind address is not an address anyone can open, so it becomes the loopback one.
    """
    host = host.strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 - naming the wildcard, not binding to it
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
