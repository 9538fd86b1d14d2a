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

    def signal(self, n_frames):
        """The voice's enveloped signal before pan and amp, (n_frames, 2)."""
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
            out[k, 0] = interp(self.audio[:, 0], x) * e
            out[k, 1] = interp(self.audio[:, 1], x) * e
        return out

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


# --------------------------------------------------------------------------------------
# per-voice effects (SuperDirt's core-synths), by their defining formulas
# --------------------------------------------------------------------------------------
# Vowel(v, \counterTenor): (frequency Hz, level dB, bandwidth Hz) of 5 formants, a e i o u
# (the Csound manual's formant table, which SuperCollider's Vowel class uses)
COUNTERTENOR = {
    "a": [(660, 0, 80), (1120, -6, 90), (2750, -23, 120), (3000, -24, 130), (3350, -38, 140)],
    "e": [(440, 0, 70), (1800, -14, 80), (2700, -18, 100), (3000, -20, 120), (3300, -20, 120)],
    "i": [(270, 0, 40), (1850, -24, 90), (2900, -24, 100), (3350, -36, 120), (3590, -36, 120)],
    "o": [(430, 0, 40), (820, -10, 80), (2700, -26, 100), (3000, -22, 120), (3300, -34, 120)],
    "u": [(370, 0, 40), (630, -20, 60), (2750, -23, 100), (3000, -30, 120), (3400, -34, 120)],
}


def sc_bpf(x, freq, rq, sr=SR):
    """SuperCollider's BPF: bilinear 2-pole band-pass, unit gain at ``freq``.
    (The engine clamps freq to [20, 0.45 sr] and the half-bandwidth angle to 1.5 rad.)"""
    freq = min(max(freq, 20.0), 0.45 * sr)
    w = 2 * math.pi * freq / sr
    half_bw = min(max(rq * w / 2, 1e-7), 1.5)
    c = 1 / math.tan(half_bw)
    d = 2 * math.cos(w)
    a0 = 1 / (1 + c)
    b1 = c * d * a0
    b2 = (1 - c) * a0
    y1 = y2 = 0.0
    out = np.zeros(len(x))
    for n, v in enumerate(np.asarray(x, np.float64)):
        y0 = v + b1 * y1 + b2 * y2
        out[n] = a0 * (y0 - y2)
        y1, y2 = y0, y1
    return out


def dirt_bpf(x, bandf, bandq, sr=SR):
    """dirt_bpf: BPF(x, max(20, bandf), 1/bandq) * bandq with bandq = max(1, bandq)."""
    q = max(1.0, bandq)
    return sc_bpf(x, max(20.0, bandf), 1 / q, sr) * q


def dirt_shape(x, shape):
    s = min(shape, 1.0 - 4e-10)
    k = 2 * s / (1 - s)
    x = np.asarray(x, np.float64)
    return (1 + k) * x / (1 + k * np.abs(x))


def dirt_crush(x, crush):
    """round(x, 0.5 ** (crush - 1)): SuperCollider rounds to the nearest multiple."""
    step = 0.5 ** (crush - 1)
    return np.array([math.floor(v / step + 0.5) * step for v in np.asarray(x, np.float64)])


def dirt_coarse(x, coarse):
    """Latch(x, Impulse(sr / coarse)), the impulse at sample 0 and whenever the phase
    n / coarse passes an integer."""
    out = np.zeros(len(x))
    held = 0.0
    for n, v in enumerate(np.asarray(x, np.float64)):
        if n == 0 or math.floor(n / coarse) != math.floor((n - 1) / coarse):
            held = v
        out[n] = held
    return out


def dirt_vowel(x, vowel, resonance=0.5, sr=SR):
    """dirt_vowel: the formant BPFs (amp dbamp * linlin(res, 0, 1, 50, 200), rq (bw/f) /
    linlin(res, 0, 1, 0.1, 0.5)) summed, cross-faded with the input by XFade2(pan =
    linlin(res, 0, 1, -0.5, 1), level 0.25), equal power."""
    x = np.asarray(x, np.float64)
    voweled = np.zeros(len(x))
    for f, db, bw in COUNTERTENOR[vowel]:
        amp = 10 ** (db / 20) * (50 + 150 * resonance)
        rq = (bw / f) / (0.1 + 0.4 * resonance)
        voweled += sc_bpf(x, f, rq, sr) * amp
    pan = -0.5 + 1.5 * resonance
    pos = (pan + 1) / 2
    return 0.25 * math.cos(math.pi / 2 * pos) * x + 0.25 * math.sin(math.pi / 2 * pos) * voweled


VOWELS = "aeiou"


def voice_chain(sig, row, sr=SR):
    """SuperDirt's module order on one channel of a voice's (unpanned) signal:
    vowel, shape, hpf, bpf, crush, coarse, lpf."""
    x = np.asarray(sig, np.float64)
    if row[L.T_VOWEL] >= 1:
        res = row[L.T_RESONANCE]
        x = dirt_vowel(x, VOWELS[int(row[L.T_VOWEL]) - 1], 0.5 if math.isnan(res) else res, sr)
    if row[L.T_SHAPE] > 0:
        x = dirt_shape(x, row[L.T_SHAPE])
    if row[L.T_HCUTOFF] > 0:
        x = svf(x, row[L.T_HCUTOFF], row[L.T_HRESONANCE], True, sr)
    if row[L.T_BANDF] > 0:
        x = dirt_bpf(x, row[L.T_BANDF], row[L.T_BANDQ], sr)
    if row[L.T_CRUSH] > 0:
        x = dirt_crush(x, row[L.T_CRUSH])
    if row[L.T_COARSE] > 1:
        x = dirt_coarse(x, row[L.T_COARSE])
    if row[L.T_CUTOFF] > 0:
        x = svf(x, row[L.T_CUTOFF], row[L.T_RESONANCE], False, sr)
    return x


# --------------------------------------------------------------------------------------
# orbit effects: reverb (FDN) and delay, one sample at a time
# --------------------------------------------------------------------------------------
FDN_LINES_48K = (1777, 1979, 2203, 2411, 2677, 2927, 3259, 3533)
DIFFUSERS_48K = (229, 173, 613, 449)


def hadamard8():
    h = np.array([[1.0]])
    for _ in range(3):
        h = np.block([[h, h], [h, -h]])
    return h / math.sqrt(8)


def lag_coef(seconds, sr=SR):
    """SuperCollider Lag: a one-pole that covers 60 dB in ``seconds``."""
    return 1 - 0.001 ** (1 / (seconds * sr))


class NaiveOrbit:
    """One orbit's reverb and delay (kernels/orbits.py docstring), without sleeping.

    ``set(size=..., dry=..., delaytime=..., delayfeedback=..., lock=..., cps=...)``
    changes parameters (targets; the current values glide). ``step(rev_in, dl, dr)``
    returns the wet (L, R) of one frame."""

    def __init__(self, sr=SR, max_delay_s=4.0, glide_s=0.02, delay_glide_s=0.3):
        self.sr = sr
        self.lines = [deque_zeros(max(16, round(n * sr / 48000))) for n in FDN_LINES_48K]
        self.diff = [deque_zeros(max(8, round(n * sr / 48000))) for n in DIFFUSERS_48K]
        self.z = np.zeros(8)
        self.H = hadamard8()
        self.kg = lag_coef(glide_s, sr)
        self.kd = lag_coef(delay_glide_s, sr)
        self.dlen = math.ceil(max_delay_s * sr) + 8
        self.dline = np.zeros((self.dlen, 2))
        self.w = 0
        self.p = dict(size=0.1, dry=0.0, delaytime=0.25, delayfeedback=0.5, lock=0.0, cps=0.5)
        self._targets()
        self.g = self.gt.copy()
        self.wet = self.wett
        self.d = self.dt
        self.fb = self.fbt
        self.rev_awake = False
        self.dl_awake = False

    def _targets(self):
        p = self.p
        s = min(max(p["size"], 0.0), 1.0)
        t60 = min(0.675 / -math.log10(0.01 * 98 ** s), 60.0)
        self.gt = np.array([10 ** (-3 * len(line) / (t60 * self.sr)) for line in self.lines])
        self.wett = 1 - min(max(p["dry"], 0.0), 1.0)
        t = p["delaytime"] / p["cps"] if p["lock"] else p["delaytime"]
        self.dt = min(max(t * self.sr, 1.0), self.dlen - 4.0)
        self.fbt = min(max(p["delayfeedback"], 0.0), 0.99)

    def set(self, **params):
        """New targets; an effect that has had no input yet takes them at once (the
        engine's sleeping effects do)."""
        self.p.update(params)
        self._targets()
        if not self.rev_awake:
            self.g = self.gt.copy()
            self.wet = self.wett
        if not self.dl_awake:
            self.d = self.dt
            self.fb = self.fbt

    def step(self, rev_in, dl, dr):
        self.rev_awake = self.rev_awake or rev_in != 0
        self.dl_awake = self.dl_awake or dl != 0 or dr != 0
        # reverb: 4 Schroeder all-passes, then the FDN
        x = rev_in
        for buf in self.diff:
            old = buf[0]
            v = x + 0.6 * old
            x = old - 0.6 * v
            buf.append(v)
        y = np.array([line[0] for line in self.lines])
        self.z = y + 0.15 * (self.z - y)
        mixed = self.H @ (self.g * self.z)
        signs = np.array([1, -1, 1, -1, -1, 1, -1, 1], float)
        for i, line in enumerate(self.lines):
            line.append(mixed[i] + 0.5 * x * signs[i])
        rl = 0.5 * (y[0] + y[2] + y[4] + y[6]) * self.wet
        rr = 0.5 * (y[1] + y[3] + y[5] + y[7]) * self.wet
        self.wet += (self.wett - self.wet) * self.kg
        self.g += (self.gt - self.g) * self.kg
        # delay: y[n] = line[n - D] (linear interpolation), line[n] = x + fb y
        pos = self.w - self.d
        i0 = math.floor(pos)
        f = pos - i0
        a = self.dline[i0 % self.dlen]
        b = self.dline[(i0 + 1) % self.dlen]
        yd = a + f * (b - a)
        self.dline[self.w] = np.array([dl, dr]) + self.fb * yd
        self.w = (self.w + 1) % self.dlen
        self.d += (self.dt - self.d) * self.kd
        self.fb += (self.fbt - self.fb) * self.kg
        return rl + yd[0], rr + yd[1]


class deque_zeros:
    """A delay line of ``n`` frames: ``[0]`` is the frame written ``n`` frames ago."""

    def __init__(self, n):
        self.buf = [0.0] * n
        self.i = 0

    def __len__(self):
        return len(self.buf)

    def __getitem__(self, k):
        return self.buf[self.i]

    def append(self, v):
        self.buf[self.i] = v
        self.i = (self.i + 1) % len(self.buf)


ORBIT_COLUMNS = {"size": L.T_SIZE, "dry": L.T_DRY, "delaytime": L.T_DELAYTIME,
                 "delayfeedback": L.T_DELAYFB, "lock": L.T_LOCK}


def render_fx(samples, triggers, n_frames, sr=SR, n_orbits=16):
    """Voices with their effect chains, sends and orbits, summed (no master bus, no
    cut groups, no voice limit)."""
    rows = sorted(enumerate(np.asarray(triggers, np.float64)), key=lambda ir: (ir[1][0], ir[0]))
    dry = np.zeros((n_frames, 2))
    rev = np.zeros((n_orbits, n_frames))
    dls = np.zeros((n_orbits, n_frames, 2))
    changes = {}     # frame -> [(orbit, params)]
    for _, row in rows:
        v = NaiveVoice(samples[int(row[L.T_SAMPLE])], row, sr)
        sig = v.signal(n_frames)
        lo, hi = v.start, min(v.start + v.life, n_frames)   # voice time 0..life
        chained = np.zeros((n_frames, 2))
        for c in range(2):
            chained[lo:hi, c] = voice_chain(sig[lo:hi, c], row, sr)
        out = chained * np.array([v.gl, v.gr])
        dry += out
        o = int(row[L.T_ORBIT]) % n_orbits
        rev[o] += (out[:, 0] + out[:, 1]) * row[L.T_ROOM]
        dls[o] += out * row[L.T_DELAY]
        params = {k: row[c] for k, c in ORBIT_COLUMNS.items() if np.isfinite(row[c])}
        params["cps"] = row[L.T_CPS]
        changes.setdefault(v.start, []).append((o, params))
    wet = np.zeros((n_frames, 2))
    for o in range(n_orbits):
        mine = {f: [p for (oo, p) in lst if oo == o] for f, lst in changes.items()}
        if not rev[o].any() and not dls[o].any():
            continue
        orbit = NaiveOrbit(sr)
        for k in range(n_frames):
            for params in mine.get(k, ()):
                orbit.set(**params)
            wet[k] += orbit.step(rev[o, k], dls[o, k, 0], dls[o, k, 1])
    return dry + wet


# --------------------------------------------------------------------------------------
# grains: single grains (kind 1, density 0) and clouds (kernels/grains.py)
# --------------------------------------------------------------------------------------
def grain_env(kind, p):
    """The grain envelopes of phase p = t / L: hann, tukey, expodec, rexpodec."""
    if kind == 1:
        u = min(2 * p, 2 - 2 * p, 0.5)
        return math.sin(math.pi * u) ** 2
    if kind in (2, 3):
        q = 1 - p if kind == 3 else p
        return (1000.0 ** -q - 0.001) / 0.999
    return math.sin(math.pi * p) ** 2


def grain(audio, start, L, pos, rate, backwards, amp, pan, cubic, env, n_frames):
    """One grain into a (n_frames, 2) float64 array: ``pos`` fraction of the sample,
    ``rate`` > 0; a backward grain plays its span [x0, x0 + rate L) reversed."""
    audio = np.asarray(audio, np.float64)
    if audio.ndim == 1:
        audio = np.stack([audio, audio], axis=1)
    n = len(audio)
    x0 = pos * n
    out = np.zeros((n_frames, 2))
    gl = amp * math.cos(pan * math.pi / 2)
    gr = amp * math.sin(pan * math.pi / 2)
    interp = _interp_cubic if cubic else _interp_linear
    for t in range(L):
        k = start + t
        if k < 0 or k >= n_frames:
            continue
        x = x0 + rate * (L - 1 - t) if backwards else x0 + rate * t
        x = min(max(x, -2.0), n + 1.0)
        e = grain_env(env, t / L)
        out[k, 0] += interp(audio[:, 0], x) * e * gl
        out[k, 1] += interp(audio[:, 1], x) * e * gr
    return out


def grain_from_row(audio, row, n_frames, sr=SR):
    """A single-grain trigger (kind 1, density 0) as the spec describes it."""
    frames = max(1, round(row[L.T_GRAIN_SIZE] * sr))
    r = row[L.T_SPEED] * 2.0 ** (row[L.T_NOTE] / 12.0)
    pos = row[L.T_GRAIN_POS]
    if not math.isfinite(pos):
        pos = row[L.T_BEGIN]
    cubic = int(row[L.T_INTERP]) != L.INTERP_LINEAR
    return grain(audio, int(row[L.T_FRAME]), frames, min(max(pos, 0.0), 1.0), abs(r), r < 0,
                 row[L.T_AMP], row[L.T_PAN], cubic, int(row[L.T_GRAIN_ENV]), n_frames)


class SplitMix64:
    """splitmix64 (Steele, Lea, Flood 2014); uniform() = top 53 bits / 2**53."""

    M = (1 << 64) - 1

    def __init__(self, seed):
        self.state = int(seed) & self.M

    def uniform(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.M
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.M
        z ^= z >> 31
        return (z >> 11) / float(1 << 53)


def cloud(audio, row, n_frames, sr=SR, cut_at=None, fade=240):
    """A cloud trigger (kind 1, density > 0), sustain given, straight from the spec:
    onsets, the draws of each grain (position, rate, pan, reverse, async gap), grains
    cut at the voice's end, times the voice envelope. ``cut_at``: a cut (or steal) at
    that stream frame fades the voice out over ``fade`` frames."""
    start = int(row[L.T_FRAME])
    sus = int(row[L.T_SUSTAIN])
    cap = int(max(sus, 1) * 0.19098)
    A = min(round((row[L.T_ATTACK] or 0.001) * sr), cap)
    R = max(1, min(round((row[L.T_RELEASE] or 0.005) * sr), cap))
    gate, life = sus, sus + R
    eg = 1.0 if A == 0 or gate >= A else gate / A

    def env(t):
        if t >= life:
            return 0.0
        if t >= gate:
            return eg * (1 - (t - gate + 1) / R)
        return t / A if A > 0 and t < A else 1.0

    if cut_at is not None:
        t_c = max(0, cut_at - start)
        if t_c < life:
            r_n = max(1, min(fade, life - t_c))
            if t_c + r_n < life:
                eg, gate, R, life = env(t_c), t_c, r_n, t_c + r_n
    L_g = max(1, round(row[L.T_GRAIN_SIZE] * sr))
    period = sr / row[L.T_GRAIN_DENSITY]
    rate = row[L.T_SPEED] * 2.0 ** (row[L.T_NOTE] / 12.0)
    pos0 = row[L.T_GRAIN_POS] if math.isfinite(row[L.T_GRAIN_POS]) else row[L.T_BEGIN]
    rng = SplitMix64(int(row[L.T_GRAIN_SEED]))
    asyn = row[L.T_GRAIN_ASYNC] >= 0.5
    onsets = []
    k, nxt = 0, 0.0
    while True:
        o = math.floor(nxt) if asyn else math.floor(k * period)
        if o >= life:
            break
        onsets.append((o, [rng.uniform() for _ in range(4)]))
        if asyn:
            nxt += -period * math.log(1 - rng.uniform())
        k += 1
    out = np.zeros((n_frames, 2))
    cubic = int(row[L.T_INTERP]) != L.INTERP_LINEAR
    for o, (u_pos, u_rate, u_pan, u_rev) in onsets:
        pos = min(max(pos0 + row[L.T_GRAIN_POSJIT] * (2 * u_pos - 1), 0.0), 1.0)
        r = rate * 2.0 ** (row[L.T_GRAIN_RATEJIT] * (2 * u_rate - 1) / 12)
        pan = min(max(row[L.T_PAN] + row[L.T_GRAIN_SPREAD] * (u_pan - 0.5), 0.0), 1.0)
        backwards = (r < 0) != (u_rev < row[L.T_GRAIN_REVERSE])
        out += grain(audio, start + o, L_g, pos, abs(r), backwards, row[L.T_AMP], pan, cubic,
                     int(row[L.T_GRAIN_ENV]), n_frames)
    for k in range(n_frames):
        out[k] *= env(k - start) if k >= start else 0.0
    return out
