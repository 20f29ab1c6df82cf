"""Recording fixtures: the live room's meeting (chaired by `leader`, organised by `organiser`,
`secretary` as support staff, two attendees, an outsider of another unit), a PPC leader, media
files in a temporary MEDIA_ROOT, and small audio files made with PyAV."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from accounts.models import Right
from conftest import make_user
from live.tests.conftest import attendee, colleague, leader, meeting, organiser, outsider, room, secretary, started
from recordings.actions import capture

__all__ = ["attendee", "colleague", "leader", "meeting", "organiser", "outsider", "room", "secretary", "started"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_UPLOAD_TEMP_DIR = tmp_path / "uploads"


@pytest.fixture
def ppc_leader(province):  # type: ignore[no-untyped-def]
    return make_user("ubnd.chutich", province["root"], Right.LEADER, full_name="Đinh Công Minh")


def tone(seconds: float, *, fmt: str = "webm", freq: float = 440.0, rate: int = 48000) -> bytes:
    """`seconds` of a sine tone encoded in a container PyAV writes (webm/ogg: Opus; wav: PCM;
    mp3: MP3)."""
    codec = {"webm": "libopus", "ogg": "libopus", "wav": "pcm_s16le", "mp3": "libmp3lame"}[fmt]
    buf = io.BytesIO()
    out = av.open(buf, "w", format=fmt)
    stream: Any = out.add_stream(codec, rate=rate)
    stream.layout = "mono"
    n = int(rate * seconds)
    samples = (0.3 * np.sin(2 * np.pi * freq * np.arange(n) / rate)).astype(np.float32).reshape(1, -1)
    if codec == "pcm_s16le":
        samples = (samples * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
    else:
        frame = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
    frame.sample_rate = rate
    for packet in stream.encode(frame):
        out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    return buf.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def send(user, recording, seq: int, data: bytes, *, at: dt.datetime, duration: float = 5.0, **kw):  # type: ignore[no-untyped-def]
    return capture.do_store_chunk(
        user, recording, seq=seq, sha256=sha(data), wall_start=at, duration=duration, data=data, **kw
    )


def split(data: bytes, parts: int) -> list[bytes]:
    """Bytes of one WebM stream cut in `parts` pieces, as MediaRecorder hands them out."""
    size = -(-len(data) // parts)
    return [data[i : i + size] for i in range(0, len(data), size)]
