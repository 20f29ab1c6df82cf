"""Any server that offers OpenAI's `POST /v1/audio/transcriptions` (a GPU server running
PhoWhisper or Whisper large behind vLLM, faster-whisper-server, LocalAI, or OpenAI itself).

Each window is sent as a 16-bit mono WAV with `response_format=verbose_json` (which carries the
segments with their times), `language=vi` and `temperature=0`. TRANSCRIPTION_API_URL is the
server's base URL (`https://gpu.example/v1` or the full `.../audio/transcriptions`),
TRANSCRIPTION_API_KEY (or `_FILE`) its bearer token, TRANSCRIPTION_API_MODEL the model name.
"""

from __future__ import annotations

import io
import json
import secrets
import urllib.error
import urllib.request
import wave

import numpy as np
from django.conf import settings

from transcripts.engine import BackendError, Piece, clean_pieces
from transcripts.engine.audio import SAMPLE_RATE

PATH = "/audio/transcriptions"


def wav_bytes(samples: np.ndarray) -> bytes:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return buffer.getvalue()


def multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"ecabinet-{secrets.token_hex(12)}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: audio/wav\r\n\r\n".encode()
    )
    parts.append(content)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class OpenAIBackend:
    name = "openai"

    def __init__(self, url: str, *, model: str, api_key: str = "", language: str = "vi", timeout: int = 120) -> None:
        if not url.startswith(("http://", "https://")):
            raise BackendError("TRANSCRIPTION_API_URL must be set to the server's http(s) URL for the openai backend.")
        url = url.rstrip("/")
        self.url = url if url.endswith(PATH) else url + PATH
        self.model_name = model
        self.api_key = api_key
        self.language = language
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> OpenAIBackend:
        return cls(
            settings.TRANSCRIPTION_API_URL,
            model=settings.TRANSCRIPTION_API_MODEL,
            api_key=settings.TRANSCRIPTION_API_KEY,
            language=settings.TRANSCRIPTION_LANGUAGE,
            timeout=settings.TRANSCRIPTION_API_TIMEOUT,
        )

    def transcribe(self, samples: np.ndarray) -> list[Piece]:
        if len(samples) == 0:
            return []
        fields = {
            "model": self.model_name,
            "language": self.language,
            "temperature": "0",
            "response_format": "verbose_json",
            "timestamp_granularities[]": "segment",
        }
        body, content_type = multipart(fields, "window.wav", wav_bytes(samples))
        request = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310 (http(s) only, checked above)
        request.add_header("Content-Type", content_type)
        request.add_header("Accept", "application/json")
        if self.api_key:
            request.add_header("Authorization", f"Bearer {self.api_key}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace")
            raise BackendError(f"The transcription server answered {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise BackendError(f"The transcription server cannot be reached: {exc}") from exc
        except ValueError as exc:
            raise BackendError(f"The transcription server did not answer with JSON: {exc}") from exc
        return parse_answer(answer, len(samples) / SAMPLE_RATE)


def parse_answer(answer: object, length: float) -> list[Piece]:
    """Segments of a verbose_json answer; a server that gives only `text` yields one piece."""
    if not isinstance(answer, dict):
        raise BackendError("The transcription server's answer is not a JSON object.")
    segments = answer.get("segments")
    if isinstance(segments, list):
        try:
            pieces = [Piece(float(s["start"]), float(s["end"]), str(s.get("text", ""))) for s in segments]
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendError(f"A segment in the server's answer is malformed: {exc}") from exc
    elif isinstance(answer.get("text"), str):
        pieces = [Piece(0.0, length, answer["text"])]
    else:
        raise BackendError("The transcription server's answer has neither segments nor text.")
    return clean_pieces(pieces, length)
