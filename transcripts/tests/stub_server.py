"""A small OpenAI-compatible transcription server on loopback for the tests: it answers
`POST /v1/audio/transcriptions` with verbose_json, one segment covering the first half of the
uploaded WAV, whose text tells the WAV's length; it keeps what it received."""

from __future__ import annotations

import io
import json
import re
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    fields: dict[str, str]
    authorization: str
    seconds: float
    rate: int


@dataclass
class StubState:
    delay: float = 0.0
    status: int = 200
    answer: dict | None = None  # fixed answer instead of the computed one
    requests: list[Received] = field(default_factory=list)
    started: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))


def _parse(content_type: str, body: bytes) -> tuple[dict[str, str], bytes]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields, audio = {}, b""
    for part in message.iter_parts():
        name = re.search(r'name="([^"]+)"', part.get("Content-Disposition", ""))
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if name and name[1] == "file":
            audio = payload
        elif name:
            fields[name[1]] = payload.decode()
    return fields, audio


@contextmanager
def stub_server(state: StubState) -> Iterator[str]:
    """Serve on 127.0.0.1 for the duration; yields the base URL (…/v1)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            fields, audio = _parse(self.headers.get("Content-Type", ""), body)
            with wave.open(io.BytesIO(audio), "rb") as wav:
                rate = wav.getframerate()
                seconds = wav.getnframes() / rate
            state.requests.append(Received(fields, self.headers.get("Authorization", ""), seconds, rate))
            state.started.release()
            time.sleep(state.delay)
            if self.path != "/v1/audio/transcriptions":
                self.send_response(404)
                self.end_headers()
                return
            answer = state.answer or {
                "text": f"dài {seconds:.2f} giây",
                "segments": [{"id": 0, "start": 0.0, "end": seconds / 2, "text": f" dài {seconds:.2f} giây"}],
            }
            data = (
                json.dumps(answer, ensure_ascii=False).encode() if state.status == 200 else b'{"error": "overloaded"}'
            )
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
