"""Run the ASGI server (uvicorn, same arguments) under a profiler: `bench/live.py --profile DIR`.

Two views, written to DIR when the server is stopped (SIGTERM):

- cProfile of the event loop thread and of Django's database thread (the one thread that
  `database_sync_to_async` runs on), as `loop-<pid>.prof` and `db-<pid>.prof`
  (read with `python -m pstats`);
- a wall-clock sampler (every 2 ms, like py-spy's): for those two threads and all others
  together ("other": the threads that serve HTTP requests), how often each was found in each
  function, idle or not, in `samples-<pid>.txt` (the top frames, and the innermost frame of our
  own code). A thread that waits shows where it waits.

A tool for finding where time goes, not a measurement: the profilers slow the server down.
"""

from __future__ import annotations

import collections
import cProfile
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

OUT = Path(os.environ.get("BENCH_PROFILE_DIR", "."))
_profiles: dict[str, cProfile.Profile] = {}
_threads: dict[str, int] = {}
_samples: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
_own: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
ROOT = str(Path(__file__).resolve().parent.parent)


def _start(name: str) -> None:
    profile = _profiles[name] = cProfile.Profile()
    _threads[name] = threading.get_ident()
    profile.enable()


def _patch_db_thread() -> None:
    """Enable a profiler on the database thread the first time it runs something."""
    from asgiref import sync

    original = sync.SyncToAsync.thread_handler

    def thread_handler(self: Any, loop: Any, *args: Any, **kwargs: Any) -> Any:
        if "db" not in _profiles and self._thread_sensitive:
            _start("db")
        return original(self, loop, *args, **kwargs)

    sync.SyncToAsync.thread_handler = thread_handler  # type: ignore[method-assign]


def _frame_label(frame: Any) -> str:
    code = frame.f_code
    return f"{os.path.basename(code.co_filename)}:{code.co_name}"


def _sampler() -> None:
    while True:
        time.sleep(0.002)
        frames = sys._current_frames()
        names = {ident: name for name, ident in _threads.items()}
        for ident, frame in frames.items():
            if ident == threading.get_ident():
                continue
            name = names.get(ident, "other")
            stack: list[Any] = []
            own = None
            f: Any = frame
            while f is not None and len(stack) < 200:
                stack.append(f)
                if own is None and f.f_code.co_filename.startswith(ROOT) and "/.venv/" not in f.f_code.co_filename:
                    own = f
                f = f.f_back
            _samples[name][" < ".join(_frame_label(f) for f in stack[:4])] += 1
            if own is not None:
                _own[name][f"{_frame_label(own)}:{own.f_lineno}"] += 1


_dumped = threading.Event()


def _dump(*_args: Any) -> None:
    """Write the profiles (once) and exit: uvicorn re-raises SIGTERM after its graceful shutdown."""
    if _dumped.is_set():
        os._exit(0)
    _dumped.set()
    pid = os.getpid()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, profile in _profiles.items():
        profile.disable()
        profile.dump_stats(OUT / f"{name}-{pid}.prof")
    with open(OUT / f"samples-{pid}.txt", "w") as out:
        for name in sorted(_samples):
            total = sum(_samples[name].values()) or 1
            out.write(f"=== {name} thread: {total} samples (top stacks, innermost first) ===\n")
            for stack, n in _samples[name].most_common(40):
                out.write(f"{100 * n / total:5.1f}%  {stack}\n")
            out.write(f"--- {name} thread: innermost frame of our own code ---\n")
            for where, n in _own[name].most_common(30):
                out.write(f"{100 * n / total:5.1f}%  {where}\n")
    os._exit(0)


def main() -> None:
    import uvicorn.main

    # Run as a script, this file's folder (bench/, whose documents.py and live.py would hide the
    # apps of the same names) comes first on the path: the project's root instead.
    sys.path[0] = ROOT
    _patch_db_thread()
    signal.signal(signal.SIGTERM, _dump)
    signal.signal(signal.SIGINT, _dump)
    threading.Thread(target=_sampler, daemon=True).start()
    _start("loop")
    sys.argv = ["uvicorn", *sys.argv[1:]]
    try:
        uvicorn.main.main()
    finally:
        _dump()


if __name__ == "__main__":
    main()
