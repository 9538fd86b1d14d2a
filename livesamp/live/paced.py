"""A silent output paced by the wall clock: the engine rendered block by block on a Python
thread, as fast as a sound card would ask for it, the blocks handed to the session's taps.

Used when `livesamp.io` offers no output (it is not installed, or no null backend): the
performance, the session log, recording and resample() all work, only nothing is heard.
It holds the GIL while rendering, unlike the io layer's GIL-free callback, so it is a
fallback, not a performance path.
"""
from __future__ import annotations

import threading
import time

__all__ = ["PacedOutput"]


class PacedOutput:
    def __init__(self, engine, blocksize: int, sr: int, taps: list, report=print):
        self.engine = engine
        self.blocksize = int(blocksize)
        self.sr = int(sr)
        self.taps = taps
        self.report = report
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.late_blocks = 0

    def describe(self) -> str:
        return "livesamp's paced null output (silent)"

    def start(self) -> None:
        start = self.engine.frame
        out = self.engine.render(self.blocksize)  # compiles the kernel now, not in the first block
        for tap in list(self.taps):
            tap(start, out)
        self._thread = threading.Thread(target=self._run, name="livesamp-paced-output", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t0 = time.monotonic()
        frame0 = self.engine.frame
        while not self._stop.is_set():
            due = t0 + (self.engine.frame - frame0) / self.sr
            wait = due - time.monotonic()
            if wait > 0:
                self._stop.wait(wait)
            elif wait < -0.25:
                self.late_blocks += 1
            start = self.engine.frame
            out = self.engine.render(self.blocksize)
            for tap in list(self.taps):
                tap(start, out)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    stop = close
