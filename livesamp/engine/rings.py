"""Lock-free single-producer single-consumer rings of float64 rows.

One type serves both directions: the command ring (scheduler -> audio thread, rows of
``TRIGGER_WIDTH``) and the notice ring (audio thread -> Python, rows of
``NOTICE_WIDTH``).

Layout: ``buf`` is ``(capacity, width)`` float64 with ``capacity`` a power of two;
``idx`` is an int64 array holding monotonic (never wrapping) indices, each on its own
cache line: ``idx[IDX_WRITE]`` and the producer's overflow count ``idx[IDX_OVERFLOW]``
are written only by the producer, ``idx[IDX_READ]`` only by the consumer.

Protocol: the producer writes the payload rows first, then publishes the new write
index with a release store; the consumer loads it with an acquire load, copies the
rows out, then publishes its read index with a release store (so the producer never
overwrites a row still being read). A full ring never blocks: the rows that do not
fit are dropped and counted in ``idx[IDX_OVERFLOW]``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .atomics import load_acquire, store_release

__all__ = ["Ring", "IDX_WRITE", "IDX_READ", "IDX_OVERFLOW", "ring_push", "ring_pop",
           "ring_push_one"]

IDX_WRITE = 0
IDX_OVERFLOW = 1
IDX_READ = 16     # 128 bytes after the write index: another cache line (and its pair)
IDX_LEN = 32


@njit(cache=True, nogil=True)
def ring_push(buf, idx, rows):
    """Producer: append ``rows`` (k, width); returns how many were accepted."""
    cap = buf.shape[0]
    mask = cap - 1
    width = buf.shape[1]
    w = idx[IDX_WRITE]
    r = load_acquire(idx, IDX_READ)
    free = cap - (w - r)
    k = rows.shape[0]
    m = k if k < free else free
    if m < 0:
        m = 0
    ncol = rows.shape[1] if rows.shape[1] < width else width
    for i in range(m):
        slot = (w + i) & mask
        for c in range(ncol):
            buf[slot, c] = rows[i, c]
        for c in range(ncol, width):
            buf[slot, c] = 0.0
    store_release(idx, IDX_WRITE, w + m)
    if m < k:
        idx[IDX_OVERFLOW] += k - m
    return m


@njit(cache=True, nogil=True)
def ring_push_one(buf, idx, a0, a1, a2, a3, a4, a5, a6, a7):
    """Producer: append one row (width >= 8: eight values, rest zero); False if full."""
    cap = buf.shape[0]
    w = idx[IDX_WRITE]
    r = load_acquire(idx, IDX_READ)
    if w - r >= cap:
        idx[IDX_OVERFLOW] += 1
        return False
    slot = w & (cap - 1)
    width = buf.shape[1]
    for c in range(8, width):
        buf[slot, c] = 0.0
    if width >= 8:
        buf[slot, 0] = np.float64(a0)
        buf[slot, 1] = np.float64(a1)
        buf[slot, 2] = np.float64(a2)
        buf[slot, 3] = np.float64(a3)
        buf[slot, 4] = np.float64(a4)
        buf[slot, 5] = np.float64(a5)
        buf[slot, 6] = np.float64(a6)
        buf[slot, 7] = np.float64(a7)
    store_release(idx, IDX_WRITE, w + 1)
    return True


@njit(cache=True, nogil=True)
def ring_pop(buf, idx, out):
    """Consumer: move up to ``out.shape[0]`` rows into ``out``; returns how many."""
    cap = buf.shape[0]
    mask = cap - 1
    width = buf.shape[1]
    r = idx[IDX_READ]
    w = load_acquire(idx, IDX_WRITE)
    m = w - r
    if m > out.shape[0]:
        m = out.shape[0]
    if m < 0:
        m = 0
    for i in range(m):
        slot = (r + i) & mask
        for c in range(width):
            out[i, c] = buf[slot, c]
    store_release(idx, IDX_READ, r + m)
    return m


@njit(cache=True, nogil=True)
def ring_count(idx):
    return load_acquire(idx, IDX_WRITE) - load_acquire(idx, IDX_READ)


class Ring:
    """A preallocated SPSC ring of float64 rows (see the module docstring).

    Exactly one thread may call the producer side (``push``) and exactly one the
    consumer side (``pop``) at a time; ``capacity`` must be a power of two.
    """

    def __init__(self, capacity: int, width: int) -> None:
        capacity = int(capacity)
        if capacity < 2 or capacity & (capacity - 1):
            raise ValueError(f"ring capacity must be a power of two >= 2, got {capacity}")
        a = np.empty((capacity, int(width)), np.float64)
        a.fill(0.0)          # touch every page now, not on the audio thread
        self.buf = a
        self.idx = np.zeros(IDX_LEN, np.int64)

    @property
    def capacity(self) -> int:
        return self.buf.shape[0]

    @property
    def width(self) -> int:
        return self.buf.shape[1]

    def push(self, rows: np.ndarray) -> int:
        """Append rows (k, width) float64; returns how many fitted (the rest is counted)."""
        rows = np.ascontiguousarray(rows, dtype=np.float64)
        if rows.ndim == 1:
            rows = rows.reshape(1, -1)
        if rows.ndim != 2 or rows.shape[1] != self.width:
            raise ValueError(f"ring rows must have shape (k, {self.width}), got {rows.shape}")
        return int(ring_push(self.buf, self.idx, rows))

    def pop(self, max_rows: int | None = None) -> np.ndarray:
        """Remove and return up to ``max_rows`` rows (all available if None)."""
        n = self.count() if max_rows is None else int(max_rows)
        out = np.empty((max(n, 0), self.width), np.float64)
        m = int(ring_pop(self.buf, self.idx, out))
        return out[:m]

    def count(self) -> int:
        """Rows waiting (a snapshot)."""
        return int(ring_count(self.idx))

    @property
    def overflows(self) -> int:
        """Rows dropped because the ring was full."""
        return int(self.idx[IDX_OVERFLOW])

    @property
    def pushed(self) -> int:
        """Total rows accepted so far (the write index)."""
        return int(self.idx[IDX_WRITE])

    def clear(self) -> None:
        """Forget everything (only while neither side is running)."""
        self.buf[...] = 0
        self.idx[...] = 0
