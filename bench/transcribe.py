"""Benchmark of speech-to-text (issue 13). A script, not a test:

    .venv/bin/python bench/transcribe.py [--lengths 30 120 300] [--threads 2] [--backend local]

Synthesises Vietnamese speech with espeak-ng (`espeak-ng -v vi`: sentences of a provincial
meeting, read in turn with half a second between them) into clips of increasing length, then
transcribes each clip in a fresh child process with the production code path (transcripts.engine:
windows of TRANSCRIPTION_WINDOW_SECONDS decoded with PyAV, the default model, temperature 0, VAD,
language vi) and prints, per clip:
- RTF, the real-time factor: transcription time / audio length (model loading excluded; the
  issue's goal on 2 cores is 0.17, one hour of audio in ten minutes);
- WER, the word error rate against the synthesised text (word-level Levenshtein distance over the
  number of reference words, after lower-casing and removing punctuation);
- the peak resident memory of the child process, which must stay flat as the clips get longer.

espeak-ng's voice is robotic, and Whisper base is the smallest multilingual model: the WER here
says how the default model copes with clean synthetic speech, not what a room microphone gives.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SENTENCES = [
    "Xin chào các đồng chí, hôm nay chúng ta họp để bàn về kế hoạch phát triển kinh tế xã hội của tỉnh.",
    "Đề nghị các sở ngành báo cáo tình hình thực hiện nhiệm vụ trong quý vừa qua.",
    "Sở Tài chính trình bày dự toán ngân sách nhà nước năm tới.",
    "Sở Kế hoạch và Đầu tư báo cáo tiến độ các dự án trọng điểm của tỉnh.",
    "Công tác giải phóng mặt bằng còn chậm, cần tập trung tháo gỡ vướng mắc.",
    "Ủy ban nhân dân tỉnh yêu cầu các huyện hoàn thành việc chuyển đổi số trước cuối năm.",
    "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn đạt chín mươi tám phần trăm.",
    "Đề nghị Sở Nội vụ rà soát lại vị trí việc làm và biên chế của các đơn vị.",
    "Các đồng chí có ý kiến gì khác thì phát biểu ngay tại cuộc họp.",
    "Tôi đồng ý với phương án do cơ quan chủ trì soạn thảo đã trình bày.",
    "Cần bổ sung kinh phí cho việc số hóa hồ sơ lưu trữ trong năm tới.",
    "Giao Văn phòng Ủy ban tổng hợp ý kiến và hoàn thiện dự thảo kết luận.",
]


# --- word error rate --------------------------------------------------------------------------


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[^\w\s]", " ", text).split()


def wer(reference: str, hypothesis: str) -> float:
    """Word-level Levenshtein distance / number of reference words."""
    ref, hyp = words(reference), words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / max(len(ref), 1)


# --- clips ------------------------------------------------------------------------------------


def make_clip(
    seconds: float, folder: Path, cache: dict[int, tuple[bytes, wave._wave_params]]
) -> tuple[Path, str, float]:
    """A WAV of at least `seconds`: the sentences in turn, 0.5 s apart; with its reference text."""
    sys.path.insert(0, str(ROOT))
    from transcripts.engine import synth

    out = folder / f"clip-{int(seconds)}.wav"
    spoken: list[str] = []
    length = 0.0
    with wave.open(str(out), "wb") as writer:
        index = 0
        while length < seconds:
            number = index % len(SENTENCES)
            if number not in cache:
                part = folder / f"s{number}.wav"
                synth.synthesise(SENTENCES[number], part)
                with wave.open(str(part), "rb") as reader:
                    cache[number] = (reader.readframes(reader.getnframes()), reader.getparams())
            frames, params = cache[number]
            if index == 0:
                writer.setparams(params)
            else:
                gap = int(0.5 * params.framerate)
                writer.writeframes(b"\0" * gap * params.sampwidth)
                length += 0.5
            writer.writeframes(frames)
            length += len(frames) / params.sampwidth / params.framerate
            spoken.append(SENTENCES[number])
            index += 1
    return out, " ".join(spoken), length


# --- the child: one clip, one process ---------------------------------------------------------


def child(path: Path, backend_name: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings

    from transcripts.engine import get_backend
    from transcripts.engine.windows import transcribe_file

    loading = time.perf_counter()
    backend = get_backend(backend_name)
    loaded = time.perf_counter()
    texts = [
        p.text for done in transcribe_file(path, backend, settings.TRANSCRIPTION_WINDOW_SECONDS) for p in done.pieces
    ]
    finished = time.perf_counter()
    print(
        json.dumps(
            {
                "load": loaded - loading,
                "elapsed": finished - loaded,
                "text": " ".join(texts),
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "model": backend.model_name,
                "window": settings.TRANSCRIPTION_WINDOW_SECONDS,
            },
            ensure_ascii=False,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lengths", type=float, nargs="+", default=[30, 120, 300], help="clip lengths in seconds")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for the model (TRANSCRIPTION_CPU_THREADS)")
    parser.add_argument("--backend", default="local", choices=["local", "openai"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--show-text", action="store_true", help="print the recognised text of each clip")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.backend)
        return

    env = {**os.environ, "TRANSCRIPTION_CPU_THREADS": str(args.threads), "DEBUG": os.environ.get("DEBUG", "1")}
    print(f"cores: {os.cpu_count()}, model threads: {args.threads}, backend: {args.backend}")
    print(f"{'audio s':>8} {'load s':>7} {'work s':>7} {'RTF':>6} {'WER':>6} {'peak RSS MB':>12}")
    cache: dict = {}
    with tempfile.TemporaryDirectory(prefix="ecabinet-bench-stt-") as folder:
        for seconds in args.lengths:
            clip, reference, length = make_clip(seconds, Path(folder), cache)
            run = subprocess.run(  # noqa: S603 (this script, our interpreter)
                [sys.executable, __file__, "--child", str(clip), "--backend", args.backend],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if run.returncode != 0:
                print(run.stderr, file=sys.stderr)
                raise SystemExit(run.returncode)
            result = json.loads(run.stdout.strip().splitlines()[-1])
            rtf = result["elapsed"] / length
            print(
                f"{length:8.1f} {result['load']:7.2f} {result['elapsed']:7.1f} {rtf:6.3f} "
                f"{wer(reference, result['text']):6.1%} {result['maxrss_mb']:12.0f}",
                flush=True,
            )
            if args.show_text:
                print(f"  model {result['model']}, windows of {result['window']} s\n  {result['text']}")


if __name__ == "__main__":
    main()
