"""Offline rendering: the same scheduler and kernels as live, against a virtual clock."""
from __future__ import annotations

import numpy as np

from .schedule.clock import DEFAULT_CPS

__all__ = ["render"]


def render(pattern, cycles=4, cps: float = DEFAULT_CPS, sr: int = 48000, banks=None,
           blocksize: int = 256, tail_s: float = 0.0) -> np.ndarray:
    """Render `pattern` (a Pattern or a mini-notation string of sample names) for `cycles`
    cycles; returns float32 (frames, 2). Renders of the same pattern are bit-identical."""
    from .live.session import Session

    session = Session(sr=sr, cps=cps, banks=banks, blocksize=blocksize)
    session.play(0, pattern)
    audio = session.render(cycles)
    if tail_s > 0:
        session.hush()
        audio = np.concatenate([audio, session.render_frames(int(tail_s * sr))])
    return audio
