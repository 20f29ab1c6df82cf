"""What the audio bytes are, read with PyAV (FFmpeg): checking an uploaded file and joining the
console's WebM sessions into one file. Memory stays flat: packets are read one at a time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import av
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Container formats accepted for an upload (FFmpeg's names) and the MIME type stored for each.
ACCEPTED_FORMATS = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4",
    "ogg": "audio/ogg",
    "matroska,webm": "audio/webm",
}
# A file whose packets end this much before the duration its header declares was cut short.
TRUNCATION_TOLERANCE_S = 1.0


class MediaError(Exception):
    """The bytes are not usable audio; the message is for the user (Vietnamese through i18n)."""


@dataclass(frozen=True)
class Probe:
    format_name: str
    mime_type: str
    codec: str
    duration: float  # seconds of audio actually present


def probe_audio(path: Path, *, max_seconds: float) -> Probe:
    """Read the whole file's packets: refuse what is not audio by its bytes, what is cut short
    (packets stop before the declared duration, or a packet fails to read) and what is longer
    than `max_seconds`."""
    try:
        container = av.open(str(path), mode="r")
    except (av.FFmpegError, OSError, ValueError):
        raise MediaError(_("The file is not an audio recording (its content is not a known audio format).")) from None
    with container:
        format_name = container.format.name
        mime_type = ACCEPTED_FORMATS.get(format_name)
        if mime_type is None or not container.streams.audio:
            raise MediaError(
                _("The file is not an audio recording in an accepted format (WAV, MP3, M4A, OGG or WebM).")
            )
        if container.streams.video and any(s.frames > 1 for s in container.streams.video):
            raise MediaError(_("The file holds video; upload the sound recording only."))
        stream = container.streams.audio[0]
        declared = float(container.duration) / av.time_base if container.duration else None
        if declared is not None and declared > max_seconds + 1:
            raise MediaError(_too_long(max_seconds))
        end = 0.0
        decoded_any = False
        try:
            for packet in container.demux(stream):
                if packet.pts is None or packet.time_base is None:
                    continue
                packet_end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
                end = max(end, packet_end)
                if end > max_seconds + 1:
                    raise MediaError(_too_long(max_seconds))
                if not decoded_any:
                    packet.decode()  # the codec really reads it (a renamed file fails here)
                    decoded_any = True
        except (av.FFmpegError, ValueError) as exc:
            logger.info("audio file %s fails to read: %s", path.name, exc)
            raise MediaError(_("The audio file is damaged or incomplete (it cannot be read to the end).")) from None
        if not decoded_any or end <= 0:
            raise MediaError(_("The file holds no sound."))
        if format_name == "wav" and _riff_cut_short(path):
            raise MediaError(
                _("The audio file is incomplete: it stops before the end its header announces. Upload it again.")
            )
        start = float(stream.start_time * stream.time_base) if stream.start_time and stream.time_base else 0.0
        if declared is not None and end - start < declared - TRUNCATION_TOLERANCE_S and format_name != "matroska,webm":
            raise MediaError(
                _("The audio file is incomplete: it stops before the end its header announces. Upload it again.")
            )
        return Probe(
            format_name=format_name, mime_type=mime_type, codec=stream.codec_context.name, duration=end - start
        )


def _riff_cut_short(path: Path) -> bool:
    """A WAV file shorter than the size its RIFF header announces (FFmpeg's duration then comes
    from the bytes present, so the packets alone cannot tell). 0 and 0xFFFFFFFF mean "unknown"
    (a recorder that never finished the header) and are not judged."""
    with path.open("rb") as handle:
        head = handle.read(12)
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
        return False
    declared = int.from_bytes(head[4:8], "little" if head[:4] == b"RIFF" else "big")
    if declared in (0, 0xFFFFFFFF):
        return False
    return declared + 8 > path.stat().st_size


def _too_long(max_seconds: float) -> str:
    hours = max_seconds / 3600
    return _("The recording is longer than the limit of %(hours)s hours; split it and upload the parts.") % {
        "hours": f"{hours:g}"
    }


def join_webm_segments(segments: list[Path], target: Path) -> float:
    """Remux WebM/Opus sessions into one WebM file with continuous timestamps (no re-encoding; a
    pause or a lost chunk leaves no silence). Returns the duration in seconds."""
    output = av.open(str(target), mode="w", format="webm")
    out_stream = None
    position = 0  # in the sessions' time base (WebM: milliseconds)
    base = None
    try:
        for path in segments:
            try:
                source = av.open(str(path), mode="r")
            except (av.FFmpegError, OSError, ValueError):
                logger.warning("skipping an unreadable recording session %s", path.name)
                continue
            with source:
                if not source.streams.audio:
                    continue
                in_stream = source.streams.audio[0]
                base = base or in_stream.time_base
                if out_stream is None:
                    out_stream = output.add_stream_from_template(in_stream)
                try:
                    for packet in source.demux(in_stream):
                        if packet.dts is None or packet.size == 0:
                            continue
                        length = packet.duration or 0
                        packet.pts = position
                        packet.dts = position
                        packet.stream = out_stream
                        output.mux(packet)
                        position += length
                except (av.FFmpegError, ValueError) as exc:  # a damaged tail: keep what was read
                    logger.warning("recording session %s ends damaged: %s", path.name, exc)
        if out_stream is None:
            raise MediaError(_("The recording holds no readable audio."))
    finally:
        output.close()
    return float(position * base) if base is not None else 0.0
