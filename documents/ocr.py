"""Text of scanned pages and photographed documents by OCR (Debian tesseract-ocr + tesseract-ocr-vie).

OCR is optional at run time: without tesseract (or without its Vietnamese model) processing still
succeeds, the scanned pages simply have no text, and `documents.ocr` logs one warning per document
naming the Debian packages. tesseract runs as a subprocess with a fixed argument list, a time limit,
one thread (the web server shares the machine) and no network access of its own.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

logger = logging.getLogger("documents.ocr")

DEBIAN_PACKAGES = "tesseract-ocr tesseract-ocr-vie"
TESSERACT = "tesseract"
LANGUAGE = "vie"
DPI = 300
PAGE_TIMEOUT = 120.0  # seconds for one page; a page over it keeps no text
TOTAL_BUDGET = 1800.0  # seconds of OCR for one document; later pages are left without OCR
MAX_PIXELS = 40_000_000  # a poster-sized page is rendered below 300 dpi rather than filling memory
# A page with fewer letters and digits than this in its text layer counts as a scan (a page
# number or a stamp alone do not make a text layer).
MIN_TEXT_CHARS = 20


class OcrUnavailable(Exception):
    """tesseract or its Vietnamese model is missing: no OCR for this document."""


def needs_ocr(text: str) -> bool:
    return sum(char.isalnum() for char in text) < MIN_TEXT_CHARS


def is_blank(image: Image.Image) -> bool:
    """No dark pixel at all: nothing to read (a blank page or a flat colour)."""
    extrema = image.convert("L").getextrema()
    return isinstance(extrema[0], int | float) and extrema[0] > 160


@dataclass
class OcrSession:
    """OCR for one document: finds tesseract once, keeps the time budget, warns once."""

    work: Path
    budget: float = TOTAL_BUDGET
    spent: float = 0.0
    pages_done: int = 0
    unavailable: str = ""
    _binary: str | None = field(default=None, init=False)
    _checked: bool = field(default=False, init=False)

    def available(self) -> bool:
        if not self._checked:
            self._checked = True
            self._binary = shutil.which(TESSERACT)
            if self._binary is None:
                self._disable(f"{TESSERACT} is not installed")
        return self._binary is not None and not self.unavailable

    def _disable(self, reason: str) -> None:
        self.unavailable = reason
        logger.warning(
            "OCR skipped: %s. Scanned pages get no text; install the Debian packages %s (scripts/system-deps.sh does).",
            reason,
            DEBIAN_PACKAGES,
        )

    def read(self, image: Image.Image, *, label: str, dpi: int | None = None) -> str | None:
        """The text tesseract reads in `image` (`dpi`: its resolution when known, as for rendered
        pages); None when OCR is unavailable, over budget or failed on this image, "" when it
        found nothing."""
        if not self.available():
            return None
        if is_blank(image):
            return ""
        if self.spent >= self.budget:
            logger.warning("OCR budget of %.0f s used up: %s left without OCR", self.budget, label)
            return None
        source = self.work / "ocr-page.png"
        image.convert("L").save(source, format="PNG", compress_level=1)
        started = time.monotonic()
        try:
            return self._run(source, label, dpi)
        finally:
            self.spent += time.monotonic() - started
            self.pages_done += 1
            source.unlink(missing_ok=True)

    def _run(self, source: Path, label: str, dpi: int | None) -> str | None:
        assert self._binary is not None  # noqa: S101  (available() checked it)
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}
        if "TESSDATA_PREFIX" in os.environ:
            environment["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
        command = [self._binary, str(source), "stdout", "-l", LANGUAGE, "--psm", "3"]
        if dpi:
            command += ["--dpi", str(dpi)]
        try:
            result = subprocess.run(  # noqa: S603  (fixed argument list, no shell)
                command,
                capture_output=True,
                timeout=PAGE_TIMEOUT,
                env=environment,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            logger.warning("OCR of %s stopped after %.0f s", label, PAGE_TIMEOUT)
            return None
        except OSError as exc:
            self._disable(f"{self._binary} cannot be run ({exc})")
            return None
        if result.returncode != 0:
            error = result.stderr.decode("utf-8", "replace").strip()
            if "Failed loading language" in error or "Error opening data file" in error:
                self._disable(f"the {LANGUAGE!r} model of tesseract is not installed")
            else:
                logger.warning("OCR of %s failed (status %s): %s", label, result.returncode, error[-500:])
            return None
        return clean(result.stdout.decode("utf-8", "replace"))


def clean(text: str) -> str:
    """tesseract's output without its form feed and with one blank line at most between blocks."""
    lines = [line.rstrip() for line in text.replace("\f", "\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def render_scale(width_points: float, height_points: float) -> float:
    """pypdfium2's scale for DPI dots per inch, lowered for pages too large to render at it."""
    scale = DPI / 72
    pixels = width_points * height_points * scale * scale
    if pixels > MAX_PIXELS:
        scale *= (MAX_PIXELS / pixels) ** 0.5
    return scale
