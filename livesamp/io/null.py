"""``NullOutput``: the engine rendered in real time with no sound card.

A Python thread calls the same block function as the live callback
(``block.process_block``: render kernel, tap, counters, load) once per block and
sleeps until the next block is due, so time-based code (the scheduler) behaves as
with a device. The rendered audio is discarded (or kept in the tap). If the thread
falls more than ``max_late_blocks`` behind, it skips ahead and counts an xrun.
The render itself runs without the GIL (``nogil`` kernel).
"""
from __future__ import annotations

import threading
import time

import numpy as np

from .block import process_block
from .table import AddressTable

__all__ = ["NullOutput"]


class NullOutput:
    """Render ``engine`` at real-time pace on a background thread, without a device."""

    def __init__(self, engine, blocksize: int = 256, tap_seconds: float = 0.0,
                 max_late_blocks: int = 8) -> None:
        if not 1 <= int(blocksize) <= 65536:
            raise ValueError(f"blocksize must be in 1..65536, got {blocksize!r}")
        self.engine = engine
        self.blocksize = int(blocksize)
        self.max_late_blocks = int(max_late_blocks)
        self.table = AddressTable(engine, tap_frames=int(round(tap_seconds * engine.sr)))
        self._out = np.zeros((self.blocksize, 2), np.float32)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._t0 = 0.0
        self._closed = False
        engine._swap_listeners.append(self.table.publish_arena)

    def start(self) -> None:
        if self._closed:
            raise RuntimeError("this output is closed")
        if self._thread is not None:
            return
        if self.engine._live not in (None, self):
            raise RuntimeError("the engine is already played by another output")
        self.engine._live = self
        process_block(self.table.tab, self._out[:0], 0, 0, 0.0, 0.0)   # load the kernel
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="livesamp-null-output",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        period = self.blocksize / self.engine.sr
        tab = self.table.tab
        out = self._out
        n = self.blocksize
        self._t0 = time.monotonic()
        due = self._t0
        k = 0
        while not self._stop.is_set():
            now = time.monotonic()
            status = 0
            if now - due > self.max_late_blocks * period:
                due = now          # too far behind: resynchronise, report an underflow
                status = 4
            dac = due + period
            process_block(tab, out, n, status, dac, now - self._t0)
            k += 1
            due += period
            delay = due - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        if self.engine._live is self:
            self.engine._live = None

    def close(self) -> None:
        if self._closed:
            return
        self.stop()
        self._closed = True
        try:
            self.engine._swap_listeners.remove(self.table.publish_arena)
        except ValueError:
            pass

    def __enter__(self) -> "NullOutput":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def active(self) -> bool:
        return self._thread is not None

    @property
    def samplerate(self) -> float:
        return float(self.engine.sr)

    @property
    def latency(self) -> float:
        return self.blocksize / self.engine.sr

    @property
    def callbacks(self) -> int:
        return self.engine.callbacks

    def read_tap(self, start_frame: int, n_frames: int) -> np.ndarray:
        return self.table.read_tap(int(start_frame), int(n_frames))

    def tap_span(self) -> tuple[int, int]:
        return self.table.tap_span()

    def tap_blocks(self) -> np.ndarray:
        return self.table.tap_blocks()

    def __repr__(self) -> str:
        return f"NullOutput(blocksize={self.blocksize}, {'active' if self.active else 'stopped'})"
