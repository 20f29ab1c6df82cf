"""The OpenAI-compatible backend against a transcription server on loopback: what it sends (a
16 kHz WAV, language vi, temperature 0, verbose_json, the bearer key), how it reads segments,
and a clear error when the server fails."""

from __future__ import annotations

import numpy as np
import pytest

from transcripts.engine import BackendError
from transcripts.engine.openai_api import OpenAIBackend
from transcripts.tests.stub_server import StubState, stub_server


def samples(seconds: float) -> np.ndarray:
    return (0.1 * np.sin(np.arange(int(16000 * seconds)) / 10)).astype(np.float32)


def test_a_window_is_sent_as_wav_with_the_settings_of_the_issue() -> None:
    state = StubState()
    with stub_server(state) as url:
        backend = OpenAIBackend(url, model="phowhisper-large", api_key="k-123")
        pieces = backend.transcribe(samples(3.0))
    [received] = state.requests
    assert received.rate == 16000 and received.seconds == pytest.approx(3.0)
    assert received.fields["model"] == "phowhisper-large"
    assert received.fields["language"] == "vi"
    assert received.fields["temperature"] == "0"
    assert received.fields["response_format"] == "verbose_json"
    assert received.authorization == "Bearer k-123"
    assert [(p.start, p.end, p.text) for p in pieces] == [(0.0, 1.5, "dài 3.00 giây")]


def test_the_full_endpoint_url_is_accepted_too() -> None:
    state = StubState()
    with stub_server(state) as url:
        OpenAIBackend(url + "/audio/transcriptions", model="m").transcribe(samples(1.0))
    assert len(state.requests) == 1 and state.requests[0].authorization == ""


def test_segments_are_kept_inside_the_window_and_blank_ones_dropped() -> None:
    state = StubState(
        answer={
            "segments": [
                {"start": -1, "end": 0.5, "text": " a "},
                {"start": 0.5, "end": 9, "text": "b"},
                {"start": 1, "end": 1.2, "text": "  "},
            ]
        }
    )
    with stub_server(state) as url:
        pieces = OpenAIBackend(url, model="m").transcribe(samples(2.0))
    assert [(p.start, p.end, p.text) for p in pieces] == [(0.0, 0.5, "a"), (0.5, 2.0, "b")]


def test_a_server_giving_only_text_yields_one_piece() -> None:
    state = StubState(answer={"text": "xin chào"})
    with stub_server(state) as url:
        pieces = OpenAIBackend(url, model="m").transcribe(samples(2.0))
    assert [(p.start, p.end, p.text) for p in pieces] == [(0.0, 2.0, "xin chào")]


def test_a_failing_server_is_a_clear_error() -> None:
    state = StubState(status=503)
    with stub_server(state) as url, pytest.raises(BackendError, match="503"):
        OpenAIBackend(url, model="m").transcribe(samples(1.0))


def test_an_unreachable_server_is_a_clear_error() -> None:
    with stub_server(StubState()) as url:
        pass  # stopped: nothing listens there any more
    with pytest.raises(BackendError, match="cannot be reached"):
        OpenAIBackend(url, model="m", timeout=5).transcribe(samples(1.0))


def test_the_backend_needs_an_http_url() -> None:
    with pytest.raises(BackendError, match="TRANSCRIPTION_API_URL"):
        OpenAIBackend("", model="m")
