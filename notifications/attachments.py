"""Attachment builders, looked up by key when a delivery is sent.

A delivery stores a key and JSON arguments, never a dotted path: only functions registered
here can run, whatever the database holds. Register builders in a module named
`notification_attachments.py` in the owning app (imported at start-up by
NotificationsConfig.ready), for example::

    @register("meeting_invitation")
    def invitation_files(*, meeting_id: int) -> list[Attachment]:
        return [("giay-moi.pdf", pdf_bytes, "application/pdf")]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Attachment = tuple[str, bytes, str]  # filename, content, MIME type
Builder = Callable[..., list[Attachment]]

_BUILDERS: dict[str, Builder] = {}


class PermanentDeliveryError(Exception):
    """A failure that retrying cannot fix; the delivery fails at once."""


class UnknownAttachments(PermanentDeliveryError):
    pass


def register(key: str) -> Callable[[Builder], Builder]:
    def decorator(builder: Builder) -> Builder:
        existing = _BUILDERS.get(key)
        if existing is not None and existing is not builder:
            raise RuntimeError(f"an attachment builder for {key!r} is already registered")
        _BUILDERS[key] = builder
        return builder

    return decorator


def is_registered(key: str) -> bool:
    return key in _BUILDERS


def build(key: str, args: dict[str, Any]) -> list[Attachment]:
    """Run the builder registered under `key`; raises UnknownAttachments for any other key."""
    try:
        builder = _BUILDERS[key]
    except KeyError:
        raise UnknownAttachments(
            f"No attachment builder is registered under {key!r}; the email was not sent. "
            "Register one with notifications.attachments.register."
        ) from None
    return builder(**args)
