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

__all__ = ["TapHub", "OutputTapReader", "output_tap_reader"]


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


class OutputTapReader:
    """Reads the live output's tap ring (`livesamp.io`: `tap_span()`, `read_tap(start, n)`)
    from where it left off: () -> (frame0, block) or None when nothing new arrived.

    If the ring was overwritten before it was read (this thread was starved for longer than
    the ring holds), it skips to the oldest frame still there; the hub counts the gap."""

    def __init__(self, output, max_block: int = 48000):
        self.output = output
        self.max_block = int(max_block)
        self.next: int | None = None
        self.skipped_frames = 0

    def __call__(self):
        from ..io import TapUnavailable

        first, end = self.output.tap_span()
        if end <= first:
            return None
        if self.next is None:
            self.next = first
        if self.next < first:
            self.skipped_frames += first - self.next
            self.next = first
        n = min(end - self.next, self.max_block)
        if n <= 0:
            return None
        try:
            block = self.output.read_tap(self.next, n)
        except TapUnavailable:
            self.next = None  # overwritten while reading: start again from what is there
            return None
        frame0 = self.next
        self.next += n
        return frame0, block


def output_tap_reader(output):
    """A reader of the live output's tap ring, or None when the output keeps no tap."""
    if output is None or not hasattr(output, "tap_span") or not hasattr(output, "read_tap"):
        return None
    table = getattr(output, "table", None)
    if table is not None and not getattr(table, "tap_enabled", True):
        return None
    return OutputTapReader(output)
