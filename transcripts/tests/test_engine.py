"""The speech engine: the default model assembled from the two installed packages (checked against
Whisper base, SHA-256 pinned), Vietnamese speech synthesised with espeak-ng transcribed by the real
model, and windows that tile the audio exactly. No word error rate is asserted (bench/transcribe.py
measures it)."""

from __future__ import annotations

import io
import json
import struct
import wave
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from transcripts.engine import Piece, get_backend
from transcripts.engine import model as speech_model
from transcripts.engine.audio import SAMPLE_RATE, AudioError, probe_duration, quiet_cut, read_window
from transcripts.engine.windows import next_window, transcribe_file

needs_espeak = pytest.mark.skipif(not __import__("shutil").which("espeak-ng"), reason="espeak-ng is not installed")


def write_wav(path: Path, samples: np.ndarray, rate: int = 22050) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def pulses(seconds: float, rate: int = 22050) -> np.ndarray:
    """A tone that is silent for 0.1 s at every whole second: quiet points to cut at."""
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.3 * np.sin(2 * np.pi * 440 * t)
    tone[(t % 1.0) < 0.1] = 0.0
    return tone.astype(np.float32)


def test_the_model_is_assembled_from_the_packages_and_pinned(tmp_path) -> None:
    target = tmp_path / "whisper-base"
    speech_model.prepare_model(target)
    assert speech_model.is_ready(target)
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "model.bin", "tokenizer.json", "vocabulary.json"]
    with (target / "model.bin").open("rb") as model:
        spec, shapes = speech_model.read_tensor_shapes(model)
    assert spec == "WhisperSpec" and shapes["decoder/embeddings/weight"] == [51865, 512]


def test_a_model_that_does_not_match_the_pinned_hash_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(speech_model, "MODEL_SHA256", "0" * 64)
    with pytest.raises(speech_model.ModelError, match="SHA-256"):
        speech_model.prepare_model(tmp_path / "m")
    assert not (tmp_path / "m" / "model.bin").exists() and list((tmp_path / "m").iterdir()) == []


def test_a_config_of_another_model_is_refused(tmp_path) -> None:
    _parts, side = speech_model.part_files()
    config = json.loads((side / "config.json").read_text())
    config["alignment_heads"] = [[0, 0]]
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "vocabulary.json").write_text(json.dumps(["a"] * 51864))
    with pytest.raises(speech_model.ModelError, match="alignment heads.*vocabulary of 51864"):
        speech_model.check_config(tmp_path / "config.json", tmp_path / "vocabulary.json")


def test_tensors_of_another_size_are_refused() -> None:
    def text(value: str) -> bytes:
        return struct.pack("<H", len(value) + 1) + value.encode() + b"\0"

    def tensor(name: str, shape: list[int]) -> bytes:
        return (
            text(name)
            + struct.pack("<B", len(shape))
            + b"".join(struct.pack("<I", d) for d in shape)
            + struct.pack("<BI", 0, 0)
        )

    small = [("encoder/position_encodings/encodings", [1500, 384]), ("decoder/embeddings/weight", [51865, 384])]
    blob = (
        struct.pack("<I", 6)
        + text("WhisperSpec")
        + struct.pack("<II", 3, len(small))
        + b"".join(tensor(n, s) for n, s in small)
    )
    with pytest.raises(speech_model.ModelError, match="d_model 384"):
        speech_model.check_tensors(io.BytesIO(blob))


def test_the_prepare_command_reports_the_model(capsys, settings, tmp_path) -> None:
    settings.TRANSCRIPTION_MODEL_DIR = tmp_path / "m"
    call_command("prepare_speech_model")
    assert "assembled, SHA-256 " + speech_model.MODEL_SHA256 in capsys.readouterr().out
    call_command("prepare_speech_model")
    assert "already in place" in capsys.readouterr().out


def test_windows_are_read_at_16_khz_mono_from_any_offset(tmp_path) -> None:
    path = write_wav(tmp_path / "p.wav", pulses(12.0))
    assert probe_duration(path) == pytest.approx(12.0, abs=0.01)
    window = read_window(path, 5.0, 7.5)
    assert window.dtype == np.float32 and len(window) == pytest.approx(2.5 * SAMPLE_RATE, abs=2)
    # 5.0-5.1 s is silent, the rest of the second is tone
    assert np.abs(window[: int(0.08 * SAMPLE_RATE)]).max() < 0.01
    assert np.abs(window[int(0.2 * SAMPLE_RATE) : int(0.8 * SAMPLE_RATE)]).max() > 0.2
    assert len(read_window(path, 11.0, 20.0)) == pytest.approx(SAMPLE_RATE, abs=2)  # the file ends


def test_a_full_window_ends_in_a_quiet_moment() -> None:
    samples = pulses(10.0, rate=SAMPLE_RATE)
    cut = quiet_cut(samples, 3.0) / SAMPLE_RATE
    assert 7.0 <= cut <= 10.0 and cut % 1.0 < 0.1  # inside one of the silent tenths


def test_windows_tile_the_audio_without_gap_or_overlap(tmp_path) -> None:
    path = write_wav(tmp_path / "p.wav", pulses(23.5))

    class Echo:
        name, model_name = "echo", "echo"

        def transcribe(self, samples: np.ndarray) -> list[Piece]:
            return [Piece(0.0, len(samples) / SAMPLE_RATE, "x")]

    done = list(transcribe_file(path, Echo(), 6.0))
    assert done[0].start == 0.0 and done[-1].end == pytest.approx(23.5, abs=0.01)
    for before, after in zip(done, done[1:], strict=False):
        assert after.start == before.end and 4.0 <= before.end - before.start <= 6.0
        assert before.pieces[0].end == pytest.approx(before.end, abs=0.01)


def test_no_window_spans_two_stretches() -> None:
    stretches = [(0.0, 7.0), (7.0, 9.0)]
    first, second = next_window(stretches, 0.0, 10.0), next_window(stretches, 7.0, 10.0)
    assert first is not None and first.limit == 7.0
    assert second is not None and second.limit == 9.0
    assert next_window(stretches, 9.0, 10.0) is None


def test_a_file_that_is_not_audio_is_an_audio_error(tmp_path) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(b"RIFF not really")
    with pytest.raises(AudioError):
        probe_duration(path)


@needs_espeak
def test_vietnamese_speech_is_transcribed_by_the_default_model(tmp_path, capsys) -> None:
    from transcripts.engine import synth

    path = tmp_path / "cau.wav"
    length = synth.synthesise("Xin chào các đồng chí. Cuộc họp bắt đầu.", path)
    pieces = [p for done in transcribe_file(path, get_backend("local"), 30.0) for p in done.pieces]
    assert pieces and all(0.0 <= p.start <= p.end <= length + 0.01 for p in pieces)
    text = " ".join(p.text for p in pieces)
    assert any(ch in text for ch in "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ")
    # the operators' command prints the same as JSON lines
    call_command("transcribe", str(path), "--json", "--backend", "local")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["text"] for line in lines] == [p.text for p in pieces]
