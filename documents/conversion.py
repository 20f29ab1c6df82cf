"""Office files to PDF through one long-lived LibreOffice (documents/lo_bridge.py).

Starting soffice costs seconds; converting a short file costs a fraction of one. So each process
that converts (the task worker) keeps one bridge — system python with python3-uno, driving one
headless soffice — and sends it files one at a time. The bridge starts on first use, is replaced
when it dies or overruns DOCUMENT_CONVERSION_TIMEOUT, and is shut down when the process exits.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

from django.conf import settings

logger = logging.getLogger("documents.conversion")

BRIDGE_SCRIPT = Path(__file__).with_name("lo_bridge.py")
DEBIAN_PACKAGES = "libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui python3-uno"
# Office formats LibreOffice converts; PDFs and images are used as they are.
OFFICE_TYPES = frozenset({"docx", "doc", "xlsx", "xls", "pptx"})
# Number formats of converted spreadsheets (documents/lo_bridge.py): 23.800.000, not 23,800,000.
LOCALE = "vi-VN"
START_TIMEOUT = 120.0  # first start creates a fresh profile: a few seconds, far more on a busy host


class ConversionError(Exception):
    """LibreOffice could not convert this file (damaged, unsupported, or it crashed on it)."""


class ConversionTimeout(ConversionError):
    pass


class ConverterUnavailable(ConversionError):
    """LibreOffice or python3-uno is missing or does not start: nothing can be converted."""


def _missing_message(what: str) -> str:
    return (
        f"{what}. Install the Debian packages {DEBIAN_PACKAGES} (scripts/system-deps.sh does), "
        "or point LIBREOFFICE_BINARY / LIBREOFFICE_PYTHON at them."
    )


class _Bridge:
    """One running lo_bridge.py and the thread that reads its answers into a queue."""

    def __init__(self, python: str, soffice: str, locale: str = LOCALE) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="ecabinet-lo-"))
        self.log = (self.profile / "bridge.log").open("w+b")
        try:
            self.process = subprocess.Popen(  # noqa: S603  (fixed argument list, no shell)
                [
                    python,
                    str(BRIDGE_SCRIPT),
                    "--soffice",
                    soffice,
                    "--profile",
                    str(self.profile / "user"),
                    "--locale",
                    locale,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.log,
                # Its own process group: killing the group takes soffice with it.
                start_new_session=True,
            )
        except OSError as exc:
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise ConverterUnavailable(_missing_message(f"{python} cannot be run ({exc})")) from exc
        if self.process.stdin is None or self.process.stdout is None:  # pragma: no cover - PIPE gives both
            raise RuntimeError("no pipes to the LibreOffice bridge")
        self.stdin: IO[bytes] = self.process.stdin
        self.answers: queue.Queue[bytes | None] = queue.Queue()
        self.sockets: list[str] = []  # soffice's pipe files, known once it is ready
        self.reader = threading.Thread(
            target=self._read, args=(self.process.stdout,), daemon=True, name="lo-bridge-reader"
        )
        self.reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        for line in stream:
            self.answers.put(line)
        self.answers.put(None)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def answer(self, timeout: float) -> dict[str, Any] | None:
        """The next message, None if the bridge closed its output; queue.Empty on timeout."""
        line = self.answers.get(timeout=timeout)
        if line is None:
            return None
        try:
            message = json.loads(line)
        except ValueError:
            return {"ok": False, "error": f"unreadable answer {line[:200]!r}"}
        return message if isinstance(message, dict) else {"ok": False, "error": "unreadable answer"}

    def send(self, message: dict[str, Any]) -> None:
        self.stdin.write(json.dumps(message).encode() + b"\n")
        self.stdin.flush()

    def log_tail(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-2000:].decode("utf-8", "replace").strip()

    def stop(self, *, graceful: bool) -> None:
        if graceful and self.alive():
            try:
                # End of input: the bridge closes soffice properly and exits.
                self.stdin.close()
                self.process.wait(timeout=15)
            except (OSError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        # soffice removes its pipe files in /tmp when it exits cleanly, a killed one leaves them.
        for name in self.sockets:
            Path(name).unlink(missing_ok=True)
        self.reader.join(timeout=5)  # sees end of output now that the bridge is gone
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not (stream is self.process.stdout and self.reader.is_alive()):
                try:
                    stream.close()
                except OSError:
                    pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class Converter:
    """Converts office files to PDF, one at a time, through one bridge it keeps alive.

    Arguments left as None are read from settings on each use (LIBREOFFICE_PYTHON,
    LIBREOFFICE_BINARY, DOCUMENT_CONVERSION_TIMEOUT).
    """

    def __init__(self, *, python: str | None = None, soffice: str | None = None, timeout: float | None = None) -> None:
        self._python = python
        self._soffice = soffice
        self._timeout = timeout
        self._lock = threading.Lock()
        self._bridge: _Bridge | None = None

    @property
    def pid(self) -> int | None:
        """Process id of the running bridge (for tests and diagnostics), None when not running."""
        bridge = self._bridge
        return bridge.pid if bridge is not None and bridge.alive() else None

    def convert(self, source: Path | str, target: Path | str, *, file_type: str = "") -> int:
        """Write `source` as PDF to `target`; returns LibreOffice's page count.

        `file_type` (docx, xlsx, ...; detected from the bytes) forces the import filter, so a
        damaged file fails instead of being read as something else.
        """
        timeout = float(self._timeout if self._timeout is not None else settings.DOCUMENT_CONVERSION_TIMEOUT)
        request = {"in": str(Path(source).resolve()), "out": str(Path(target).resolve()), "type": file_type}
        with self._lock:
            bridge = self._running_bridge()
            try:
                bridge.send(request)
            except OSError:
                # Died while idle without us noticing yet: one fresh start, then the request.
                self._discard(graceful=False)
                bridge = self._running_bridge()
                bridge.send(request)
            started = time.monotonic()
            try:
                answer = bridge.answer(timeout)
            except queue.Empty:
                self._discard(graceful=False)
                raise ConversionTimeout(f"no result after {timeout:.0f} s; LibreOffice was restarted") from None
            if answer is None:
                detail = bridge.log_tail()
                self._discard(graceful=False)
                raise ConversionError(f"LibreOffice stopped while converting: {detail}")
            if not answer.get("ok"):
                if answer.get("fatal"):
                    self._discard(graceful=False)
                raise ConversionError(str(answer.get("error") or "conversion failed"))
            logger.info("Converted %s in %.1f s", Path(source).name, time.monotonic() - started)
            return int(answer.get("pages") or 0)

    def close(self) -> None:
        with self._lock:
            self._discard(graceful=True)

    def _running_bridge(self) -> _Bridge:
        """Caller holds the lock."""
        if self._bridge is not None and self._bridge.alive():
            return self._bridge
        if self._bridge is not None:
            logger.warning("LibreOffice bridge %s had stopped; starting a new one", self._bridge.pid)
            self._discard(graceful=False)
        python = self._python or settings.LIBREOFFICE_PYTHON
        soffice = self._soffice or settings.LIBREOFFICE_BINARY
        if not (os.path.isfile(python) and os.access(python, os.X_OK)) and shutil.which(python) is None:
            raise ConverterUnavailable(
                _missing_message(f"The python for LibreOffice ({python}) is missing or not executable")
            )
        if shutil.which(soffice) is None:
            raise ConverterUnavailable(_missing_message(f"LibreOffice ({soffice}) is not installed"))
        bridge = _Bridge(python, soffice)
        try:
            ready = bridge.answer(START_TIMEOUT)
        except queue.Empty:
            ready = {"ready": False, "error": f"no answer after {START_TIMEOUT:.0f} s"}
        if not ready or not ready.get("ready"):
            detail = (ready or {}).get("error") or bridge.log_tail() or "the bridge exited"
            missing = (ready or {}).get("missing")
            bridge.stop(graceful=False)
            if missing == "python3-uno":
                raise ConverterUnavailable(_missing_message(f"{python} cannot import uno ({detail})"))
            if missing:
                raise ConverterUnavailable(_missing_message(f"LibreOffice ({soffice}) is not installed"))
            raise ConverterUnavailable(f"LibreOffice did not start: {detail}")
        bridge.sockets = [str(name) for name in ready.get("sockets") or [] if "OSL_PIPE_" in str(name)]
        logger.info("LibreOffice bridge %s started (soffice %s)", bridge.pid, ready.get("soffice_pid"))
        self._bridge = bridge
        return bridge

    def _discard(self, *, graceful: bool) -> None:
        """Caller holds the lock."""
        if self._bridge is not None:
            bridge, self._bridge = self._bridge, None
            bridge.stop(graceful=graceful)


_converter: Converter | None = None
_converter_lock = threading.Lock()


def get_converter() -> Converter:
    """The process-wide converter, shut down when the process exits."""
    global _converter
    with _converter_lock:
        if _converter is None:
            _converter = Converter()
            atexit.register(_converter.close)
        return _converter
