"""The Clock: maps cycles to frames of the audio stream, exactly, across tempo changes.

Tempo is piecewise constant: each segment starts at an exact (cycle, frame) anchor, so
frame(c) = anchor_frame + (c - anchor_cycle) / cps * sr, computed in Fractions and rounded
once. With no tempo change, an event at cycle c lands at frame round(c / cps * sr).
"""
from __future__ import annotations

import math
import threading
from fractions import Fraction

__all__ = ["Clock", "DEFAULT_CPS", "LOOKAHEAD_S"]

DEFAULT_CPS = 0.5625  # 135 bpm at 4 beats per cycle, Tidal's default

# How far ahead of the audio a live scheduler packs events: Tidal's total offset with
# BootTidal's values (oLatency 0.1 s + one 50 ms frame). It leaves ~130 ms for a
# starved scheduler thread (a shared VM stalled one by over 80 ms); changes still
# sound within it.
LOOKAHEAD_S = 0.15


def _exact(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"tempo must be finite, got {x!r}")
    return Fraction(x)


class Clock:
    """Cycles <-> stream frames for one stream at `sr` frames per second."""

    def __init__(self, cps=DEFAULT_CPS, sr: int = 48000, origin_frame: int = 0):
        cps = _exact(cps)
        if cps <= 0:
            raise ValueError(f"cps must be positive, got {float(cps)}")
        self.sr = int(sr)
        self._lock = threading.Lock()
        # (anchor_cycle, anchor_frame (exact Fraction), cps)
        self._segments: list[tuple[Fraction, Fraction, Fraction]] = [
            (Fraction(0), Fraction(origin_frame), cps)]

    @property
    def cps(self) -> float:
        return float(self._segments[-1][2])

    @property
    def bpm(self) -> float:
        """Beats per minute at 4 beats per cycle."""
        return self.cps * 60 * 4

    def _segment_for_cycle(self, cycle: Fraction):
        segs = self._segments
        for i in range(len(segs) - 1, -1, -1):
            if cycle >= segs[i][0] or i == 0:
                return segs[i]
        return segs[0]

    def _segment_for_frame(self, frame: Fraction):
        segs = self._segments
        for i in range(len(segs) - 1, -1, -1):
            if frame >= segs[i][1] or i == 0:
                return segs[i]
        return segs[0]

    def frame_exact(self, cycle) -> Fraction:
        cycle = _exact(cycle)
        c0, f0, cps = self._segment_for_cycle(cycle)
        return f0 + (cycle - c0) / cps * self.sr

    def frame_at(self, cycle) -> int:
        """The stream frame of a cycle position (rounded half to even)."""
        return round(self.frame_exact(cycle))

    def cycle_at(self, frame) -> Fraction:
        """The exact cycle position at a stream frame."""
        frame = _exact(frame)
        c0, f0, cps = self._segment_for_frame(frame)
        return c0 + (frame - f0) * cps / self.sr

    def cps_at(self, cycle) -> float:
        return float(self._segment_for_cycle(_exact(cycle))[2])

    def set_cps(self, cps, at_cycle=None) -> None:
        """Change tempo from `at_cycle` on (default: the last anchor's cycle if later ones
        would be rewritten; callers pass the scheduler's cursor so nothing already scheduled
        moves)."""
        cps = _exact(cps)
        if cps <= 0:
            raise ValueError(f"cps must be positive, got {float(cps)}")
        with self._lock:
            if at_cycle is None:
                at_cycle = self._segments[-1][0]
            at_cycle = _exact(at_cycle)
            frame = self.frame_exact(at_cycle)
            segs = [s for s in self._segments if s[0] < at_cycle]
            segs.append((at_cycle, frame, cps))
            # keep the history short: old segments matter only for frames already played
            self._segments = segs[-64:]

    def set_bpm(self, bpm, at_cycle=None) -> None:
        """Tempo in beats per minute, 4 beats per cycle (setbpm 135 == setcps 0.5625)."""
        self.set_cps(_exact(bpm) / 240, at_cycle)
