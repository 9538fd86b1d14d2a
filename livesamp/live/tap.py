"""The master tap on our side: blocks of the master output, each with its first stream frame,
handed to whoever listens (the recorder, resample captures).

Live, a `TapHub` thread polls the output's tap ring (the audio callback's copy of what it
played; `livesamp.io` owns it) and fans the blocks out; offline, `Session.render_frames`
feeds the hub directly. Listeners run on the hub's thread and must be quick: they copy and
return (the recorder's writer thread does the file work).
"""
from __future__ import annotations

import threading
import time

import numpy as np

__all__ = ["TapHub", "output_tap_reader"]


class TapHub:
    """Fan-out of master output blocks: `feed(frame0, block)` calls every listener."""

    def __init__(self, report=print):
        self._listeners: list = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.report = report
        self.frame = None           # the frame after the last block fed
        self.gaps = 0               # blocks that did not follow on (a tap ring overflow)

    def add(self, listener) -> int | None:
        """Start feeding `listener`; returns the frame its first block starts at (None: not
        known yet, nothing was fed so far)."""
        with self._lock:
            self._listeners = [*self._listeners, listener]
            return self.frame

    def remove(self, listener) -> None:
        with self._lock:
            self._listeners = [x for x in self._listeners if x is not listener]

    def feed(self, frame0: int, block: np.ndarray) -> None:
        with self._lock:
            if self.frame is not None and frame0 != self.frame:
                self.gaps += 1
            self.frame = frame0 + len(block)
            listeners = self._listeners
        for listener in listeners:
            try:
                listener(frame0, block)
            except Exception as e:  # noqa: BLE001 - one bad listener must not stop the others
                self.report(f"tap listener {listener!r} failed: {type(e).__name__}: {e}")
                self.remove(listener)

    # -- live polling -----------------------------------------------------------------------
    def start(self, reader, interval_s: float = 0.02) -> None:
        """Poll `reader()` -> (frame0, block) or None every interval on a thread of its own."""
        if self._thread is not None:
            return
        self._stop.clear()

        def run():
            while not self._stop.is_set():
                try:
                    while True:
                        got = reader()
                        if got is None:
                            break
                        self.feed(*got)
                except Exception as e:  # noqa: BLE001 - keep tapping; say why once a while
                    self.report(f"master tap: {type(e).__name__}: {e}")
                    time.sleep(0.5)
                self._stop.wait(interval_s)

        self._thread = threading.Thread(target=run, name="livesamp-tap", daemon=True)
        self._thread.start()

    def stop(self, reader=None) -> None:
        """Stop polling (after a last read, so the blocks played so far are delivered)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        if reader is not None:
            got = reader()
            while got is not None:
                self.feed(*got)
                got = reader()


def output_tap_reader(output):
    """A reader of the live output's tap ring: () -> (frame0, block) or None when empty.

    Returns None when the output has no tap (then recording and resample() say so)."""
    tap = getattr(output, "tap", None)
    if tap is None:
        return None
    read = getattr(tap, "read", None)
    if callable(read):
        return read
    return None
