"""``Sample``: one playable variant of a named sound, with its provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .errors import SampleLoadError
from .provenance import Provenance

if TYPE_CHECKING:
    from .base import Bank

__all__ = ["Sample"]


@dataclass(frozen=True)
class Sample:
    """Variant ``index`` of the sound ``name`` in bank ``bank``.

    Cheap to make (no audio is touched); ``audio()`` loads on first use, the bank caches
    it. Two samples are equal when name, index, bank, provenance and rate are equal.
    """

    name: str
    index: int
    bank: str
    provenance: Provenance
    sr: int = 48000
    _source: Bank | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        """``name:index`` as written in the mini-notation, e.g. ``big_swoosh:2``."""
        return f"{self.name}:{self.index}"

    def audio(self) -> np.ndarray:
        """Read-only float32 (frames, 2) at ``self.sr`` Hz. May block on first call."""
        if self._source is None:
            raise SampleLoadError(f"sample {self.label} from bank {self.bank!r} has no audio source")
        return self._source.audio(self.name, self.index, self.sr)

    def describe(self) -> str:
        """One line for the audience view: ``big_swoosh:2 (default): synthesised by ...``."""
        return f"{self.label} ({self.bank}): {self.provenance.short()}"
