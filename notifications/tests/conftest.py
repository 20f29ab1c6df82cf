"""Real servers on loopback for the outside channels: SMTP (aiosmtpd) and an HTTP SMS gateway."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from notifications.attachments import register

TEST_ATTACHMENTS = "notifications_test_files"
PDF_BYTES = b"%PDF-1.4\n% giay moi hop\n" + bytes(range(256))


@register(TEST_ATTACHMENTS)
def _test_files(*, name: str) -> list[tuple[str, bytes, str]]:
    return [(f"{name}.pdf", PDF_BYTES, "application/pdf")]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpRecorder:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpRecorder]:  # type: ignore[no-untyped-def]
    recorder = SmtpRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield recorder
    finally:
        controller.stop()


@dataclass
class Gateway:
    url: str = ""
    status: int = 200
    reply: bytes = b'{"id": "vnpt-0001", "status": "accepted"}'
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def sms_gateway(settings) -> Iterator[Gateway]:  # type: ignore[no-untyped-def]
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            gateway.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "raw": raw,
                    "json": json.loads(raw.decode("utf-8")),
                }
            )
            self.send_response(gateway.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(gateway.reply)))
            self.end_headers()
            self.wfile.write(gateway.reply)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/api/sms/send"
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_TOKEN = "bi-mat-0123456789"
    settings.SMS_GATEWAY_TIMEOUT = 5
    settings.SMS_MESSAGE_TEMPLATE = '{"to": "{phone}", "message": "{text}"}'
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
