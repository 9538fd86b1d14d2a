"""Slow, obviously correct reference implementations of the engine's kernels.

Written from the documented semantics (livesamp/engine/kernels/*.py docstrings and
SuperDirt), in float64, one sample at a time, with no attempt at speed. Tests compare
the numba kernels against these.
"""
from __future__ import annotations

import math

import numpy as np

from livesamp.engine import layout as L

SR = 48000


# --------------------------------------------------------------------------------------
# sampler voice
# --------------------------------------------------------------------------------------
def _interp_linear(y, x):
    i = math.floor(x)
    f = x - i
    return _at(y, i) + f * (_at(y, i + 1) - _at(y, i))


def _interp_cubic(y, x):
    """4-point, 3rd-order Hermite (Catmull-Rom), as SuperCollider's cubicinterp."""
    i = math.floor(x)
    f = x - i
    y0, y1, y2, y3 = _at(y, i - 1), _at(y, i), _at(y, i + 1), _at(y, i + 2)
    c0 = y1
    c1 = 0.5 * (y2 - y0)
    c2 = y0 - 2.5 * y1 + 2.0 * y2 - 0.5 * y3
    c3 = 0.5 * (y3 - y0) + 1.5 * (y1 - y2)
    return ((c3 * f + c2) * f + c1) * f + c0


def _at(y, i):
    """Sample value with silence outside the sample."""
    return float(y[i]) if 0 <= i < len(y) else 0.0


class NaiveVoice:
    """One sampler voice, straight from the spec."""

    def __init__(self, audio, row, sr=SR):
        audio = np.asarray(audio, np.float64)
        if audio.ndim == 1:
            audio = np.stack([audio, audio], axis=1)
        self.audio = audio
        n = len(audio)
        self.start = math.floor(row[L.T_FRAME])
        speed = row[L.T_SPEED]
        unit = int(row[L.T_UNIT])
        seconds = n / sr
        if unit == L.UNIT_CYCLES:
            speed = speed * row[L.T_CPS] * seconds
        elif unit == L.UNIT_SECONDS:
            speed = speed * seconds
        pitch = 2.0 ** (row[L.T_NOTE] / 12.0)
        self.r0 = speed * pitch                      # source frames per output frame
        self.a1 = row[L.T_ACCEL] * pitch / sr        # rate change per output frame
        b, e = row[L.T_BEGIN], row[L.T_END]
        lo, hi = min(b, e) * n, max(b, e) * n
        self.seglen = hi - lo
        self.direction = (1 if self.r0 > 0 else -1) * (-1 if b > e else 1)
        self.base = lo if self.direction > 0 else hi - 1
        self.loops = max(1, math.floor(row[L.T_LOOP]))
        self.linear = int(row[L.T_INTERP]) == L.INTERP_LINEAR
        # natural length: count frames while the travelled distance is in range
        self.nat = 0
        while self._in_segment(self.nat):
            self.nat += 1
        att = row[L.T_ATTACK] or 0.001
        rel = row[L.T_RELEASE] or 0.005
        self.A = min(round(att * sr), int(self.nat * 0.19098))
        self.R = max(1, min(round(rel * sr), int(self.nat * 0.19098)))
        sus = row[L.T_SUSTAIN]
        self.gate = self.nat - self.R
        if sus >= 0 and sus < self.gate:
            self.gate = int(sus)
        self.gate = max(self.gate, 0)
        self.life = min(self.gate + self.R, self.nat)
        self.eg = self._attack_sustain(self.gate)
        theta = row[L.T_PAN] * math.pi / 2
        self.gl = row[L.T_AMP] * math.cos(theta)
        self.gr = row[L.T_AMP] * math.sin(theta)
        self.cut = int(row[L.T_CUT])
        self.orbit = int(row[L.T_ORBIT])
        self.sample = int(row[L.T_SAMPLE])

    def _distance(self, t):
        rd = abs(self.r0)
        had = 0.5 * self.a1 * (1 if self.r0 > 0 else -1)
        return t * (rd + had * t)

    def _in_segment(self, t):
        d = self._distance(t)
        return 0 <= d < self.loops * self.seglen and t < 10_000_000

    def _attack_sustain(self, t):
        if self.A > 0 and t < self.A:
            return t / self.A
        return 1.0

    def env(self, t):
        if t < 0 or t >= self.life:
            return 0.0
        if t < self.gate:
            return self._attack_sustain(t)
        return self.eg * (1.0 - (t - self.gate + 1) / self.R)

    def cut_at(self, frame, fade):
        """A cut (or steal) at stream ``frame``: fade out over ``fade`` frames."""
        t = max(0, frame - self.start)
        if t >= self.life:
            return
        r = max(1, min(fade, self.nat - t))
        if t + r < self.life:
            self.eg = self.env(t)
            self.gate = t
            self.R = r
            self.life = t + r

    def position(self, t):
        d = self._distance(t)
        if self.loops > 1:
            d = d - self.seglen * math.floor(d / self.seglen)
        return self.base + self.direction * d

    def render(self, n_frames):
        """The voice's contribution to an output of ``n_frames`` from frame 0."""
        out = np.zeros((n_frames, 2))
        interp = _interp_linear if self.linear else _interp_cubic
        for t in range(self.life):
            k = self.start + t
            if k >= n_frames:
                break
            if k < 0:
                continue
            x = self.position(t)
            e = self.env(t)
            out[k, 0] += interp(self.audio[:, 0], x) * e * self.gl
            out[k, 1] += interp(self.audio[:, 1], x) * e * self.gr
        return out


def render(samples, triggers, n_frames, sr=SR, fade=240):
    """Sum of naive voices for ``triggers`` (rows), with cut groups; no voice limit,
    no master bus. ``samples``: list of arrays indexed by T_SAMPLE."""
    rows = sorted(enumerate(np.asarray(triggers, np.float64)), key=lambda ir: (ir[1][0], ir[0]))
    voices = []
    for _, row in rows:
        v = NaiveVoice(samples[int(row[L.T_SAMPLE])], row, sr)
        if v.cut != 0:
            for old in voices:
                same = v.cut > 0 or old.sample == v.sample
                if old.cut == v.cut and old.orbit == v.orbit and same:
                    old.cut_at(v.start, fade)
        voices.append(v)
    out = np.zeros((n_frames, 2))
    for v in voices:
        out += v.render(n_frames)
    return out


# --------------------------------------------------------------------------------------
# filters: the trapezoidal state-variable filter, by its defining equations
# --------------------------------------------------------------------------------------
def svf(x, fc, resonance, highpass=False, sr=SR):
    """Simper's TPT SVF with cutoff ``fc`` Hz and SuperDirt resonance (k = 0.001**res)."""
    fc = min(max(fc, 10.0), 0.45 * sr)
    g = math.tan(math.pi * fc / sr)
    k = 0.001 ** min(max(resonance, 0.0), 1.0)
    ic1 = ic2 = 0.0
    y = np.zeros(len(x))
    for n, v0 in enumerate(np.asarray(x, np.float64)):
        # solve the implicit trapezoidal step for the band-pass output v1
        v1 = (ic1 + g * (v0 - ic2)) / (1 + g * (g + k))
        v2 = ic2 + g * v1
        ic1 = 2 * v1 - ic1
        ic2 = 2 * v2 - ic2
        y[n] = (v0 - k * v1 - v2) if highpass else v2
    return y


def biquad_gain_db(fc, resonance, f, highpass=False, sr=SR):
    """Magnitude response of the bilinear-transformed 2-pole filter at ``f`` Hz."""
    fc = min(max(fc, 10.0), 0.45 * sr)
    g = math.tan(math.pi * fc / sr)
    k = 0.001 ** resonance
    z = np.exp(1j * 2 * math.pi * f / sr)
    s = (z - 1) / (z + 1) / g          # bilinear transform, prewarped at fc
    h = (s * s if highpass else 1.0) / (s * s + k * s + 1)
    return 20 * np.log10(np.abs(h))


# --------------------------------------------------------------------------------------
# master bus
# --------------------------------------------------------------------------------------
def master(x, sr=SR, ceiling_db=-0.3):
    """Guard, DC blocker, peak limiter and clamp, one sample at a time."""
    ceil = float(np.float32(10 ** (ceiling_db / 20)))
    if ceil > 10 ** (ceiling_db / 20):
        ceil = float(np.nextafter(np.float32(ceil), np.float32(0)))
    R = 1 - 2 * math.pi * 10 / sr
    att = 1.0   # instant attack
    decay = math.exp(-1 / (0.1 * sr))
    xl = yl = xr = yr = 0.0
    env = 0.0
    g = 1.0
    out = np.zeros((len(x), 2), np.float32)
    for n in range(len(x)):
        l, r = float(x[n, 0]), float(x[n, 1])
        l = l if math.isfinite(l) else 0.0
        r = r if math.isfinite(r) else 0.0
        l = min(max(l, -1e4), 1e4)
        r = min(max(r, -1e4), 1e4)
        yl, xl = l - xl + R * yl, l
        yr, xr = r - xr + R * yr, r
        env = max(env * decay, abs(yl), abs(yr))
        target = min(1.0, ceil / env) if env > 0 else 1.0
        g = g + (target - g) * att if target < g else target
        for c, y in ((0, yl * g), (1, yr * g)):
            y = float(np.float32(y))
            out[n, c] = max(-ceil, min(ceil, y))
    return out


def w2_voice_rows(E=256, seconds=30, sr=SR, src_frames=480000, seed=2):
    """The peer W2 workload (shared/reference/peers/workload.py) as trigger rows."""
    K = seconds * E
    k = np.arange(K)
    onset = (k * sr) // E
    rng = np.random.Generator(np.random.PCG64(seed + E))
    start = rng.uniform(0.0, src_frames - 2 * 48000 - 2, K)
    rate = rng.uniform(0.5, 2.0, K)
    pan = rng.uniform(-1.0, 1.0, K)
    rows = L.trigger_rows(K, frame=onset, sample=0, speed=rate, begin=start / src_frames,
                          amp=1.0 / math.sqrt(E), pan=(pan + 1) / 2, sustain=48000 - 240,
                          attack=240 / sr, release=240 / sr, interp=L.INTERP_LINEAR)
    return rows
