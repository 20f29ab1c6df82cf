"""Vietnamese speech synthesised with espeak-ng (`espeak-ng -v vi`), for the demo data, the tests
and the benchmark: the only audio of known content we can make without recording anyone."""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 (a fixed program with arguments, no shell)
import tempfile
import wave
from pathlib import Path


class SynthUnavailable(Exception):
    """espeak-ng is not installed (apt-get install espeak-ng)."""


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesise(text: str, out: Path, *, speed: int = 150, voice: str = "vi") -> float:
    """Write `text` spoken in Vietnamese to the WAV file `out`; returns its length in seconds."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise SynthUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
    subprocess.run([program, "-v", voice, "-s", str(speed), "-w", str(out), text], check=True, capture_output=True)  # noqa: S603
    with wave.open(str(out), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


def conversation(lines: list[str], out: Path, *, gap: float = 0.6, speed: int = 150) -> list[tuple[float, float]]:
    """Speak each line in turn with `gap` seconds of silence between them, into one WAV file;
    returns each line's (start, end) in seconds of the file."""
    spans: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="ecabinet-synth-") as folder:
        parts = []
        for number, line in enumerate(lines):
            part = Path(folder) / f"{number}.wav"
            synthesise(line, part, speed=speed)
            parts.append(part)
        with wave.open(str(out), "wb") as writer:
            position = 0.0
            for number, part in enumerate(parts):
                with wave.open(str(part), "rb") as reader:
                    if number == 0:
                        writer.setparams(reader.getparams())
                    rate, width = reader.getframerate(), reader.getsampwidth()
                    frames = reader.readframes(reader.getnframes())
                if number:
                    silence = int(gap * rate)
                    writer.writeframes(b"\0" * silence * width)
                    position += silence / rate
                length = len(frames) / width / rate
                writer.writeframes(frames)
                spans.append((position, position + length))
                position += length
    return spans
