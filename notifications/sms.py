"""SMS backends: `send(phone, text)` returns the provider's message id or raises SmsError.

Selected by the SMS_BACKEND setting: "console" (default; writes to the log) or "http"
(a JSON gateway, configured by SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN, SMS_MESSAGE_TEMPLATE
and SMS_GATEWAY_TIMEOUT).
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("notifications.sms")

_PLACEHOLDER = re.compile(r"\{(phone|text)\}")
# Keys under which gateways commonly return their message id.
_ID_KEYS = ("id", "message_id", "messageId", "msg_id", "sid")


class SmsError(Exception):
    pass


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> str:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """For laptops and tests: the message goes to the log instead of a phone."""

    def send(self, phone: str, text: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        logger.info("SMS to %s (%s): %s", phone, message_id, text)
        return message_id


def render_message(template: str, *, phone: str, text: str) -> bytes:
    """Fill {phone} and {text} in the JSON template, each escaped as the inside of a JSON string.

    One pass, so a message that happens to contain "{phone}" is not substituted again.
    """
    values = {"phone": phone, "text": text}
    body = _PLACEHOLDER.sub(lambda m: json.dumps(values[m.group(1)], ensure_ascii=False)[1:-1], template)
    try:
        json.loads(body)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SMS_MESSAGE_TEMPLATE does not produce valid JSON: {exc}") from exc
    return body.encode("utf-8")


def _message_id(raw: bytes) -> str:
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in _ID_KEYS:
            if data.get(key) not in (None, ""):
                return str(data[key])[:200]
    return ""


class HttpJsonSmsBackend(BaseSmsBackend):
    """POSTs the rendered template to the gateway with a bearer token."""

    def __init__(self) -> None:
        self.url: str = settings.SMS_GATEWAY_URL
        self.token: str = settings.SMS_GATEWAY_TOKEN
        self.template: str = settings.SMS_MESSAGE_TEMPLATE
        self.timeout: int = settings.SMS_GATEWAY_TIMEOUT
        if not self.url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("SMS_GATEWAY_URL must start with http:// or https://")

    def send(self, phone: str, text: str) -> str:
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url, data=render_message(self.template, phone=phone, text=text), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise SmsError(f"SMS gateway answered HTTP {exc.code} {exc.reason}: {detail}"[:1000]) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"SMS gateway {self.url} could not be reached: {reason}") from exc
        if not 200 <= status < 300:  # urllib raises for most, not for every non-2xx status
            raise SmsError(f"SMS gateway answered HTTP {status}: {raw[:500].decode('utf-8', 'replace')}")
        return _message_id(raw)


BACKENDS: dict[str, type[BaseSmsBackend]] = {"console": ConsoleSmsBackend, "http": HttpJsonSmsBackend}


def get_backend() -> BaseSmsBackend:
    try:
        backend_class = BACKENDS[settings.SMS_BACKEND]
    except KeyError:
        raise ImproperlyConfigured(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}.") from None
    return backend_class()
