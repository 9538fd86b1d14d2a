"""Time: NTP timetags, the system clock, and frames of the audio stream.

A bundle's timetag says when (system clock, `time.time()`) the event should be heard.
The engine counts frames. A *stream clock* maps one to the other:

- `FixedStreamClock(t0, sr)`: frame 0 sounds at system time `t0` exactly; offline
  renders and tests, where the test decides what "now" is.
- `MeasuredStreamClock(frame_source, sr, block_frames, output_latency_s)`: a live
  stream. It watches the engine's frame counter against `time.time()` and keeps the
  offset. The counter advances a block at a time, when a callback finishes, so
  `t - frame/sr` observed at random moments is spread over one block period; its
  *minimum* over a sliding window is the moment a callback finished, which is the
  callback's start (the block's first frame) plus its render time. That minimum, plus
  one block period, plus the output latency (callback to DAC), is the system time at
  which frame 0 is heard. The window (a few seconds, in buckets) follows slow drift
  between the system clock and the audio clock; between updates the estimate is a
  step function of the minimum, which is steady while callbacks keep their period.
"""
from __future__ import annotations

import math
import threading
import time

__all__ = ["NTP_UNIX_OFFSET", "ntp_to_unix", "unix_to_ntp", "FixedStreamClock",
           "MeasuredStreamClock"]

NTP_UNIX_OFFSET = 2208988800  # seconds from 1900-01-01 (NTP) to 1970-01-01 (Unix)
_FRAC = 1 << 32


def ntp_to_unix(timetag: int) -> float:
    """NTP 64-bit timetag (seconds << 32 | fraction) -> Unix seconds (float)."""
    return ((timetag >> 32) - NTP_UNIX_OFFSET) + (timetag & 0xFFFFFFFF) / _FRAC


def unix_to_ntp(t: float) -> int:
    """Unix seconds -> NTP 64-bit timetag (fraction rounded to the nearest 2^-32 s)."""
    sec = math.floor(t)
    frac = round((t - sec) * _FRAC)
    if frac >= _FRAC:
        sec, frac = sec + 1, frac - _FRAC
    return ((sec + NTP_UNIX_OFFSET) << 32) | frac


class FixedStreamClock:
    """A stream whose frame 0 sounds at system time `t0` (seconds), at `sr` frames/s.

    `now` is the time source for "as soon as possible" messages and lateness (default
    `time.time`; tests pass their own)."""

    def __init__(self, t0: float, sr: int, now=time.time):
        self.t0 = float(t0)
        self.sr = int(sr)
        self.now = now

    def frame_at(self, t: float) -> float:
        """The stream frame heard at system time `t` (fractional)."""
        return (t - self.t0) * self.sr

    def time_of(self, frame: float) -> float:
        return self.t0 + frame / self.sr

    def now_frame(self) -> float:
        return self.frame_at(self.now())

    def observe(self) -> None:
        """Nothing to measure."""

    @property
    def ready(self) -> bool:
        return True


class MeasuredStreamClock:
    """A live stream's frames against the system clock, measured (see module docstring).

    Call `observe()` often (the OSC thread does, on every datagram and on idle ticks);
    each call is two clock reads. `ready` is False until the stream has advanced.
    """

    def __init__(self, frame_source, sr: int, block_frames: int, output_latency_s: float = 0.0,
                 window_s: float = 4.0, buckets: int = 8, now=time.time):
        self.frame_source = frame_source
        self.sr = int(sr)
        self.block_s = int(block_frames) / self.sr
        self.output_latency_s = float(output_latency_s)
        self.now = now
        self._bucket_s = window_s / buckets
        self._buckets = int(buckets)
        self._mins: list[tuple[int, float]] = []   # (bucket number, min of t - frame/sr)
        self._t0: float | None = None              # system time at which frame 0 is heard
        self._lock = threading.Lock()
        self.observations = 0

    @property
    def ready(self) -> bool:
        return self._t0 is not None

    @property
    def t0(self) -> float | None:
        return self._t0

    def observe(self) -> None:
        frame = self.frame_source()
        t = self.now()
        if frame <= 0:
            return
        d = t - frame / self.sr
        k = int(t // self._bucket_s)
        with self._lock:
            self.observations += 1
            mins = self._mins
            if mins and mins[-1][0] == k:
                if d < mins[-1][1]:
                    mins[-1] = (k, d)
                else:
                    return
            else:
                mins.append((k, d))
                while mins and mins[0][0] <= k - self._buckets:
                    mins.pop(0)
            low = min(m for _, m in mins)
            self._t0 = low + self.block_s + self.output_latency_s

    def frame_at(self, t: float) -> float:
        """The stream frame heard at system time `t` (fractional); observes first if
        nothing was measured yet."""
        if self._t0 is None:
            self.observe()
            if self._t0 is None:   # the stream has not started: assume it starts now
                return (t - self.now()) * self.sr + self.frame_source()
        return (t - self._t0) * self.sr

    def time_of(self, frame: float) -> float:
        if self._t0 is None:
            return self.now() + (frame - self.frame_source()) / self.sr
        return self._t0 + frame / self.sr

    def now_frame(self) -> float:
        return self.frame_at(self.now())
