"""The ``Bank`` protocol, and the small helpers banks share.

A bank is a named set of sounds, each sound a name with one or more variants
(``n`` index). The library asks banks only these questions; audio is loaded lazily by
``audio()`` and cached by the bank, so repeated calls are cheap and return the same
read-only array. ``audio()`` may block (decode, resample, generate): call it off the
audio thread, or call ``preload()`` at start-up.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from .provenance import Provenance

__all__ = ["Bank", "to_engine_audio"]


@runtime_checkable
class Bank(Protocol):
    """What a sample bank offers the ``SampleLibrary``."""

    @property
    def name(self) -> str:
        """Short name shown in provenance and used by ``get(..., bank=...)``."""

    def names(self) -> list[str]:
        """Sorted sound names this bank holds."""

    def count(self, name: str) -> int:
        """Number of variants of ``name`` (0 if the bank does not hold it)."""

    def provenance(self, name: str, index: int) -> Provenance:
        """Provenance of variant ``index`` (0 <= index < count), without loading audio."""

    def audio(self, name: str, index: int, sr: int) -> np.ndarray:
        """Variant ``index`` as read-only float32 (frames, 2) at ``sr`` Hz; cached."""

    def preload(self, sr: int) -> None:
        """Load (and resample to ``sr``) every sound now, so later ``audio()`` calls are instant."""


def to_engine_audio(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """Mono or multichannel audio as read-only float32 (frames, 2) at ``sr_out``.

    Mono is copied to both channels; more than two channels keep the first two.
    """
    a = np.asarray(x)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[1] < 1:
        raise ValueError(f"audio must be (frames,) or (frames, channels), got shape {a.shape}")
    if sr_in != sr_out:
        from .resample import resample  # numba kernel: imported only when needed

        a = resample(a[:, :2], sr_in, sr_out)
    if a.shape[1] == 1:
        out = np.repeat(a.astype(np.float32, copy=False), 2, axis=1)
    else:
        out = np.array(a[:, :2], dtype=np.float32, order="C")  # always a private copy
    out.flags.writeable = False
    return out
