"""Reading audio for speech-to-text: any container PyAV opens (wav, mp3, m4a, ogg, webm), decoded
window by window and resampled to 16 kHz mono float32, the input every Whisper model expects.

Only one window is ever held in memory, so memory stays flat however long the recording is; each
window is read by seeking, so a resumed transcription reads only what is left.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

SAMPLE_RATE = 16_000
# Where a window may end early to cut in a pause rather than inside a word: the quietest
# CUT_FRAME in the last CUT_SEARCH seconds of a full window.
CUT_SEARCH = 5.0
CUT_FRAME = 0.1


class AudioError(Exception):
    """The file cannot be read as audio."""


def probe_duration(path: Path) -> float:
    """Length of the audio in seconds. A browser's MediaRecorder writes webm without a duration,
    so the packets are walked (without decoding) when the header does not say."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AudioError("no audio stream")
            stream = container.streams.audio[0]
            if container.duration:
                return container.duration / av.time_base
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
            end = 0.0
            for packet in container.demux(stream):
                if packet.pts is not None and packet.time_base is not None:
                    end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
            return end
    except av.FFmpegError as exc:
        raise AudioError(str(exc)) from exc


def read_window(path: Path, start: float, end: float) -> np.ndarray:
    """The samples of [start, end) seconds, 16 kHz mono float32 (shorter at the end of the file)."""
    wanted = max(0, round((end - start) * SAMPLE_RATE))
    out = np.zeros(wanted, dtype=np.float32)
    filled = 0
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AudioError("no audio stream")
            stream = container.streams.audio[0]
            if start > 0:
                try:
                    container.seek(int(start * av.time_base), backward=True)
                except av.FFmpegError:  # not seekable: decode from the start and skip
                    container.seek(0)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            position: float | None = None  # seconds of the next resampled sample

            def take(chunk: np.ndarray) -> bool:
                nonlocal position, filled
                if position is None:  # set from the first frame before any chunk
                    return True
                offset = round((position - start) * SAMPLE_RATE)
                position += len(chunk) / SAMPLE_RATE
                if offset < 0:
                    chunk = chunk[-offset:]
                    offset = 0
                if offset >= wanted:
                    return True
                # Samples go where their time says (filled only grows), so a gap stays silent.
                piece = chunk[: wanted - offset]
                out[offset : offset + len(piece)] = piece
                filled = max(filled, offset + len(piece))
                return offset + len(chunk) >= wanted

            done = False
            for frame in container.decode(stream):
                if position is None:
                    position = float(frame.time) if frame.time is not None else 0.0
                for resampled in resampler.resample(frame):
                    if take(resampled.to_ndarray()[0]):
                        done = True
                        break
                if done:
                    break
            if not done and position is not None:
                for resampled in resampler.resample(None):
                    if take(resampled.to_ndarray()[0]):
                        break
    except av.FFmpegError as exc:
        raise AudioError(str(exc)) from exc
    return out[:filled]


def quiet_cut(samples: np.ndarray, search: float = CUT_SEARCH) -> int:
    """Index at which to end a full window: the middle of its quietest CUT_FRAME within the last
    `search` seconds, so that a word is not cut in two between windows."""
    frame = int(CUT_FRAME * SAMPLE_RATE)
    first = max(0, len(samples) - int(search * SAMPLE_RATE))
    tail = samples[first:]
    count = len(tail) // frame
    if count < 2:
        return len(samples)
    energy = np.square(tail[: count * frame].reshape(count, frame)).mean(axis=1)
    # The latest of the quietest frames (ties go late: longer windows, fewer of them).
    quietest = count - 1 - int(np.argmin(energy[::-1]))
    return first + quietest * frame + frame // 2
