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
- `DacStreamClock(engine, stream_time, sr)`: a PortAudio stream that reports when each
  callback's first frame reaches the DAC (outputBufferDacTime): PortAudio's own word,
  mapped to the system clock through a measured offset. Preferred when available: with
  JACK the frame-counter estimate and PortAudio's DAC time differ by one period (the
  device buffer PortAudio's `latency` leaves out).

`stream_clock_for(session)` picks DAC time when the output offers `stream_time`, else
the frame-counter measurement.
"""
from __future__ import annotations

import math
import threading
import time

__all__ = ["NTP_UNIX_OFFSET", "ntp_to_unix", "unix_to_ntp", "FixedStreamClock",
           "MeasuredStreamClock", "DacStreamClock", "stream_clock_for"]

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


class DacStreamClock:
    """A PortAudio stream's own word on when frames are heard.

    Each callback records PortAudio's `outputBufferDacTime` of its first frame and that
    frame (`Engine.stats()`: dac_time, callback_frame), in the stream's clock. Reading
    the stream's clock (`stream_time()`, PortAudio's Pa_GetStreamTime) and `time.time()`
    back to back gives their offset; the tightest quarter of the last `keep` pairs is
    averaged (a short window: NTP slews the system clock by up to 500 ppm). Then frame
    f is heard at `dac_time + (f - callback_frame)/sr + offset`. The callback's numbers are
    sampled every `every_s` and the median of the last `keep_dac` is used, so a torn read
    (a callback between the two loads) cannot move the estimate, while an xrun (which
    shifts frames against the stream clock) is followed within `keep_dac/2` samples. Until the stream reports a
    DAC time, `fallback` (a MeasuredStreamClock) answers.
    """

    def __init__(self, engine, stream_time, sr: int, fallback=None, every_s: float = 0.05,
                 keep: int = 16, keep_dac: int = 8, now=time.time):
        self.engine = engine
        self.stream_time = stream_time
        self.sr = int(sr)
        self.fallback = fallback
        self.every_s = every_s
        self.keep = keep
        self.keep_dac = keep_dac   # few: after an xrun the stream's frames move against its clock
        self.now = now
        self._offsets: list[tuple[float, float]] = []   # (read spread, system - stream)
        self._bases: list[float] = []                   # stream time at which frame 0 is heard
        self._t0: float | None = None
        self._next = 0.0
        self.observations = 0

    @property
    def ready(self) -> bool:
        return self._t0 is not None or (self.fallback is not None and self.fallback.ready)

    @property
    def t0(self) -> float | None:
        return self._t0 if self._t0 is not None else getattr(self.fallback, "t0", None)

    def observe(self) -> None:
        if self.fallback is not None:
            self.fallback.observe()
        a = self.now()
        if a < self._next:
            return
        self._next = a + self.every_s
        st = self.engine.stats(reset_peak=False)
        dac, cb_frame = st["dac_time"], st["callback_frame"]
        if not dac > 0 or cb_frame <= 0:
            return
        a = self.now()
        s = self.stream_time()
        b = self.now()
        self.observations += 1
        offs = self._offsets
        offs.append((b - a, (a + b) / 2 - s))
        if len(offs) > self.keep:
            offs.pop(0)
        bases = self._bases
        bases.append(dac - cb_frame / self.sr)
        if len(bases) > self.keep_dac:
            bases.pop(0)
        tight = sorted(offs)[:max(1, len(offs) // 4)]
        offset = sum(o for _, o in tight) / len(tight)
        base = sorted(bases)[len(bases) // 2]
        self._t0 = base + offset

    def frame_at(self, t: float) -> float:
        if self._t0 is None:
            if self.fallback is not None:
                return self.fallback.frame_at(t)
            return (t - self.now()) * self.sr + self.engine.frame
        return (t - self._t0) * self.sr

    def time_of(self, frame: float) -> float:
        if self._t0 is None:
            if self.fallback is not None:
                return self.fallback.time_of(frame)
            return self.now() + (frame - self.engine.frame) / self.sr
        return self._t0 + frame / self.sr

    def now_frame(self) -> float:
        return self.frame_at(self.now())


def stream_clock_for(session):
    """The best stream clock for a running session: DAC times when its output offers a
    `stream_time` callable (PortAudio's stream clock), else the measured frame counter."""
    engine = session.engine
    output = session.output
    latency = getattr(output, "latency", 0.0)
    measured = MeasuredStreamClock(lambda: engine.frame, session.sr, session.blocksize,
                                   output_latency_s=latency if isinstance(latency, (int, float)) else 0.0)
    stream_time = getattr(output, "stream_time", None)
    if callable(stream_time):
        return DacStreamClock(engine, stream_time, session.sr, fallback=measured)
    return measured
