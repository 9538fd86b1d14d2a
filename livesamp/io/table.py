"""The address table handed to the compiled callback, and the output tap.

``AddressTable(engine)`` lists, for every array the kernel touches, its address and
shape in one int64 array (the callback's ``userData``). It keeps a reference to every
array it lists, so they live as long as the stream. The sample arena may be swapped
for a bigger one while the stream runs: ``publish_arena`` stores the new address
first and then the new capacity, both with release stores; the callback loads the
capacity, then the address, with acquire loads.

The tap (optional, ``tap_frames > 0``): a float32 ring of the last ``tap_frames``
output frames (rounded up to a power of two), indexed by stream frame, plus a log of
(frame, n) per block. ``read_tap(start, n)`` returns frames ``[start, start + n)``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..engine.atomics import load_acquire, store_release
from ..engine.state import touched_zeros
from . import block as C

__all__ = ["AddressTable", "TapUnavailable"]


class TapUnavailable(LookupError):
    """The requested frames are not (or no longer) in the tap."""


@njit(cache=True, nogil=True)
def _store(tab, i, v):
    store_release(tab, i, v)


@njit(cache=True, nogil=True)
def _load(tab, i):
    return load_acquire(tab, i)


def _pow2(n: int) -> int:
    p = 2
    while p < n:
        p *= 2
    return p


class AddressTable:
    def __init__(self, engine, tap_frames: int = 0) -> None:
        self.engine = engine
        tap_cap = _pow2(max(int(tap_frames), 2))
        self.tap = touched_zeros((2, tap_cap), np.float32)
        self.tapinfo = np.zeros(8, np.int64)
        self.tapinfo[C.TAP_ENABLED] = 1 if tap_frames > 0 else 0
        self.tapinfo[C.TAP_FIRST] = -1
        self.blog = np.zeros((_pow2(max(tap_cap // 16, 64)), 2), np.int64)
        args = engine.kernel_args()
        self.arrays = list(args) + [self.tap, self.tapinfo, self.blog]
        assert len(self.arrays) == C.TABLE_LEN // C.ENTRY
        self.tab = np.zeros(C.TABLE_LEN, np.int64)
        for e, a in enumerate(self.arrays):
            if not a.flags.c_contiguous:
                raise ValueError(f"engine array {e} is not C-contiguous")
            self.tab[e * C.ENTRY] = a.ctypes.data
            self.tab[e * C.ENTRY + 1] = a.shape[0]
            self.tab[e * C.ENTRY + 2] = a.shape[1] if a.ndim == 2 else 1
        self._arenas = [engine.samples.arena]

    @property
    def address(self) -> int:
        return self.tab.ctypes.data

    def publish_arena(self, arena: np.ndarray) -> None:
        """Point the callback at a new (bigger) arena: address first, then capacity."""
        self._arenas.append(arena)
        e = C.E_ARENA * C.ENTRY
        _store(self.tab, e, arena.ctypes.data)
        _store(self.tab, e + 2, arena.shape[1])

    # --- tap ---------------------------------------------------------------------------
    @property
    def tap_enabled(self) -> bool:
        return bool(self.tapinfo[C.TAP_ENABLED])

    def tap_span(self) -> tuple[int, int]:
        """(first, end): stream frames currently readable from the tap."""
        end = int(_load(self.tapinfo, C.TAP_END))
        first = int(self.tapinfo[C.TAP_FIRST])
        if first < 0:
            return (0, 0)
        return (max(first, end - self.tap.shape[1]), end)

    def read_tap(self, start: int, n: int) -> np.ndarray:
        """Output frames ``[start, start + n)`` as (n, 2) float32."""
        if not self.tap_enabled:
            raise TapUnavailable("this output has no tap; open it with tap_seconds > 0")
        first, end = self.tap_span()
        if start < first or start + n > end:
            raise TapUnavailable(f"frames [{start}, {start + n}) are not in the tap, which "
                                 f"holds [{first}, {end})")
        mask = self.tap.shape[1] - 1
        idx = (np.arange(start, start + n) & mask)
        out = np.ascontiguousarray(self.tap[:, idx].T)
        end2 = int(_load(self.tapinfo, C.TAP_END))
        if end2 - self.tap.shape[1] > start:
            raise TapUnavailable(f"frames from {start} were overwritten while reading; "
                                 f"read sooner or open a longer tap")
        return out

    def tap_blocks(self) -> np.ndarray:
        """(frame, n) of the most recent tapped blocks, oldest first."""
        b = int(self.tapinfo[C.TAP_BLOCKS])
        cap = self.blog.shape[0]
        k = np.arange(max(0, b - cap), b) & (cap - 1)
        return self.blog[k].copy()
