"""The sample table: one preallocated float32 arena plus per-sample offsets/lengths.

Layout: ``arena`` is planar ``(2, capacity_frames)`` float32 (row 0 left, row 1 right;
a mono sample is stored in both rows). Planar rather than interleaved ``(frames, 2)``
because the voice kernel reads one channel at a time: a mono voice touches half the
cache lines. Each sample is stored as ``PAD`` zero frames, the audio, ``PAD`` zero
frames, so interpolation taps never leave the sample and need no branch.

Publishing: ``add`` writes the audio, offset and metadata first, then publishes the
length with a release store. The kernel loads the length with an acquire load and
treats a length of 0 as "no such sample", so a sample is visible only once complete.

Growth: when the arena is full, ``add`` (off the audio thread) allocates an arena
twice as big, copies the used part, and calls ``on_swap(new_arena, old_arena)``; the engine then
publishes the new address to the live callback (address first, capacity second) and
keeps the old arena alive until the callback has moved on. Offsets do not change, so
voices playing across the swap keep playing. Ids are limited to ``max_samples``;
beyond that ``add`` raises ``SampleTableFull``.
"""
from __future__ import annotations

import threading
from typing import Callable

import numpy as np
from numba import njit

from .atomics import store_release
from .state import PAD

__all__ = ["SampleTable", "SampleTableFull", "META_RATIO", "META_STEREO"]

META_RATIO = 0    # sample rate / engine rate
META_STEREO = 1   # 1.0 if the two channels differ


class SampleTableFull(MemoryError):
    """No more sample ids (raise ``max_samples``)."""


@njit(cache=True, nogil=True)
def _publish(lengths, sid, n):
    store_release(lengths, sid, n)


class SampleTable:
    def __init__(self, capacity_frames: int = 1 << 22, max_samples: int = 4096,
                 on_swap: Callable[[np.ndarray, np.ndarray], None] | None = None) -> None:
        capacity_frames = int(capacity_frames)
        if capacity_frames < 64:
            raise ValueError(f"sample capacity must be >= 64 frames, got {capacity_frames}")
        self.arena = np.zeros((2, capacity_frames), np.float32)
        self.offsets = np.zeros(int(max_samples), np.int64)
        self.lengths = np.zeros(int(max_samples), np.int64)   # 0 = not (yet) a sample
        self.meta = np.zeros((2, int(max_samples)), np.float64)
        self.used = 0
        self.count = 0
        self.on_swap = on_swap
        self._lock = threading.Lock()   # serialises add() callers; never seen by the kernel

    @property
    def capacity_frames(self) -> int:
        return self.arena.shape[1]

    @property
    def max_samples(self) -> int:
        return self.offsets.shape[0]

    def add(self, audio: np.ndarray, samplerate_ratio: float = 1.0) -> int:
        """Store ``audio`` ((frames,), (frames, 1) or (frames, 2); float) and return its id.

        Non-finite values are replaced by 0. ``samplerate_ratio`` is the sample's rate
        divided by the engine's (1.0 when the bank already resampled it).
        """
        a = np.asarray(audio)
        if a.ndim == 1:
            a = a[:, None]
        if a.ndim != 2 or a.shape[1] not in (1, 2) or a.shape[0] < 1:
            raise ValueError("sample audio must have shape (frames,), (frames, 1) or "
                             f"(frames, 2) with frames >= 1, got {np.shape(audio)}")
        if not np.issubdtype(a.dtype, np.number):
            raise TypeError(f"sample audio must be numeric, got dtype {a.dtype}")
        ratio = float(samplerate_ratio)
        if not np.isfinite(ratio) or ratio <= 0:
            raise ValueError(f"samplerate_ratio must be a positive number, "
                             f"got {samplerate_ratio!r}")
        a = np.nan_to_num(a.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        stereo = a.shape[1] == 2 and not np.array_equal(a[:, 0], a[:, 1])
        n = a.shape[0]
        with self._lock:
            sid = self.count
            if sid >= self.max_samples:
                raise SampleTableFull(
                    f"sample table is full: {self.max_samples} ids; create the Engine with "
                    f"a larger max_samples")
            need = self.used + n + 2 * PAD
            if need > self.capacity_frames:
                self._grow(need)
            off = self.used + PAD
            self.arena[0, off:off + n] = a[:, 0]
            self.arena[1, off:off + n] = a[:, 1] if a.shape[1] == 2 else a[:, 0]
            self.arena[:, off + n:off + n + PAD] = 0.0
            self.offsets[sid] = off
            self.meta[META_RATIO, sid] = ratio
            self.meta[META_STEREO, sid] = 1.0 if stereo else 0.0
            _publish(self.lengths, sid, n)   # release: everything above is visible first
            self.used = off + n + PAD
            self.count = sid + 1
            return sid

    def _grow(self, need: int) -> None:
        new_cap = max(2 * self.capacity_frames, need + need // 4)
        try:
            arena = np.zeros((2, new_cap), np.float32)
        except MemoryError as exc:
            raise SampleTableFull(
                f"sample arena of {self.capacity_frames} frames is full and growing it to "
                f"{new_cap} frames failed: {exc}") from exc
        arena[:, :self.used] = self.arena[:, :self.used]
        old = self.arena
        self.arena = arena
        if self.on_swap is not None:
            self.on_swap(arena, old)

    def frames(self, sid: int) -> int:
        """Length of sample ``sid`` in frames (0 if there is no such sample)."""
        if not 0 <= sid < self.max_samples:
            return 0
        return int(self.lengths[sid])

    def audio(self, sid: int) -> np.ndarray:
        """A copy of sample ``sid`` as (frames, 2) float32."""
        n = self.frames(sid)
        if n == 0:
            raise KeyError(f"no sample with id {sid}; ids are 0..{self.count - 1}")
        off = int(self.offsets[sid])
        return np.ascontiguousarray(self.arena[:, off:off + n].T)
