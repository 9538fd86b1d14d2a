"""What the stage's live visual draws: the master output (level, waveform, spectrum) from
the output's tap ring, and a level per slot from the voices the engine says are sounding.

The master is read where it is *heard*: the tap holds blocks as the callback rendered
them, ahead of the DAC by the output latency, so the window ends at the stream clock's
frame for now. The engine mixes every slot into one bus, so a slot's level is not
measured from audio: it is the gain of its sounding voices (from the trigger values, as
the packer applies them), each fading with a short time constant after its start, which
is what a meter on a percussive voice shows.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["MasterMeter", "SlotLevels", "trigger_amp"]

_FLOOR_DB = -60.0


def _db(x: float) -> float:
    return max(_FLOOR_DB, 20.0 * math.log10(x)) if x > 0 else _FLOOR_DB


def trigger_amp(value) -> float:
    """The linear amplitude the packer gives a hap's value (SuperDirt: amp * gain^4)."""
    if not isinstance(value, dict):
        return 0.4
    try:
        gain = float(value.get("gain", 1.0)) * float(value.get("velocity", 1.0))
        amp = float(value.get("amp", 0.4))
    except (TypeError, ValueError):
        return 0.4
    return amp * gain ** 4 if gain > 0 else 0.0


class SlotLevels:
    """Per-slot level from started and ended voices (see the module docstring).

    `start(slot, voice, amp, t)` and `end(voice, t)` take system times at which the sound
    is heard; `levels(now)` gives {slot: dB} for slots with a sounding voice."""

    def __init__(self, tau_s: float = 0.35, max_voices: int = 4096):
        self.tau_s = float(tau_s)
        self.max_voices = int(max_voices)
        self._voices: dict[int, list] = {}   # voice -> [slot, amp, start_t, end_t or None]

    def start(self, slot: int, voice: int, amp: float, t: float) -> None:
        if len(self._voices) >= self.max_voices:
            self._voices.pop(next(iter(self._voices)))
        old = self._voices.get(voice)
        if old is not None and old[3] is None:
            old[3] = t   # the voice was reused: the old sound ended when the new one began
        self._voices[voice] = [slot, amp, t, None]

    def end(self, voice: int, t: float) -> None:
        v = self._voices.get(voice)
        if v is not None and v[3] is None:
            v[3] = t

    def levels(self, now: float) -> dict[int, float]:
        power: dict[int, float] = {}
        gone = []
        for voice, (slot, amp, t0, t1) in self._voices.items():
            if t1 is not None and t1 <= now:
                gone.append(voice)
                continue
            if t0 > now:
                continue
            a = amp * math.exp(-(now - t0) / self.tau_s)
            if a < 1e-4:
                if t1 is None and now - t0 > 30 * self.tau_s:
                    gone.append(voice)
                continue
            power[slot] = power.get(slot, 0.0) + a * a
        for voice in gone:
            self._voices.pop(voice, None)
        return {slot: round(_db(math.sqrt(p)), 1) for slot, p in power.items()}


class MasterMeter:
    """The master output around the heard frame: `update(heard_frame)` reads what the tap
    holds since the last call, and describes the `window` frames that end at
    `heard_frame`: peak and RMS in dBFS, a waveform (`points` values in -100..100, the
    signed extreme of each stretch) and a spectrum (`bands` log-spaced bands, dB).

    `reader` is a tap reader (`() -> (frame0, block) or None`, live/tap.py); without one
    (no tap), `update` returns None."""

    def __init__(self, reader, sr: int, window: int = 2048, points: int = 96, bands: int = 28,
                 keep: int = 16384):
        self.reader = reader
        self.sr = int(sr)
        self.window = int(window)
        self.points = int(points)
        self._buf = np.zeros(int(keep), np.float32)   # mono, a ring by absolute frame
        self._end: int | None = None                  # frame after the newest in _buf
        self._hann = np.hanning(self.window).astype(np.float32)
        freqs = np.fft.rfftfreq(self.window, 1.0 / self.sr)
        edges = np.geomspace(40.0, min(16000.0, self.sr / 2 * 0.95), int(bands) + 1)
        self._band_bins = [np.flatnonzero((freqs >= lo) & (freqs < hi)) for lo, hi in zip(edges, edges[1:])]
        self._band_bins = [b if len(b) else np.array([int(np.argmin(abs(freqs - lo)))])
                           for b, lo in zip(self._band_bins, edges)]
        self._norm = float(np.sum(self._hann)) / 2.0

    def _read(self) -> None:
        if self.reader is None:
            return
        n = len(self._buf)
        for _ in range(64):
            got = self.reader()
            if got is None:
                return
            frame0, block = got
            mono = np.asarray(block, np.float32)
            mono = mono.mean(axis=1) if mono.ndim == 2 else mono
            if len(mono) > n:
                frame0 += len(mono) - n
                mono = mono[-n:]
            if self._end is not None and frame0 > self._end:   # a gap: zero what was skipped
                self._buf[np.arange(self._end, min(frame0, self._end + n)) % n] = 0.0
            self._buf[(frame0 + np.arange(len(mono))) % n] = mono
            end = frame0 + len(mono)
            self._end = end if self._end is None else max(self._end, end)

    def update(self, heard_frame: float) -> dict | None:
        self._read()
        if self._end is None:
            return None
        n = len(self._buf)
        end = int(min(self._end, max(heard_frame, self._end - n + self.window)))
        x = self._buf[np.arange(end - self.window, end) % n]
        peak = float(np.max(np.abs(x)))
        rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
        chunks = x[: (len(x) // self.points) * self.points].reshape(self.points, -1)
        hi, lo = chunks.max(axis=1), chunks.min(axis=1)
        wave = np.where(hi >= -lo, hi, lo)
        spec = np.abs(np.fft.rfft(x * self._hann)) / self._norm
        bands = [_db(float(spec[b].max())) for b in self._band_bins]
        return {
            "peak": round(_db(peak), 1), "rms": round(_db(rms), 1),
            "wave": [int(round(100 * max(-1.0, min(1.0, float(v))))) for v in wave],
            "spec": [int(round(b)) for b in bands],
        }
