"""Generated sounds of known kinds, for the descriptor, naming and import tests.

Each maker takes a numpy Generator and returns (mono float64 audio, sample rate); the
parameters are drawn over wide ranges (length, level, colour, envelope, rate, background
noise), so a naming rule that passes has to hold for a family, not for one sound.
``KINDS`` maps each kind to the name family it should get.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _svf_bandpass(x, g, k):
    out = np.empty_like(x)
    ic1 = ic2 = 0.0
    for i in range(len(x)):
        a1 = 1.0 / (1.0 + g[i] * (g[i] + k))
        v1 = a1 * ic1 + g[i] * a1 * (x[i] - ic2)
        v2 = ic2 + g[i] * v1
        ic1, ic2 = 2 * v1 - ic1, 2 * v2 - ic2
        out[i] = v1
    return out


def _bandpass(x, sr, f_hz, q):
    """Time-varying 2-pole state-variable band-pass (f_hz: array or scalar)."""
    f = np.broadcast_to(np.asarray(f_hz, dtype=float), x.shape)
    g = np.ascontiguousarray(np.tan(np.pi * np.clip(f, 20, 0.45 * sr) / sr))
    return _svf_bandpass(np.ascontiguousarray(x, dtype=np.float64), g, 1.0 / q)


def _highpass(x, sr, f_hz):
    spec = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1 / sr)
    spec *= 1.0 / np.sqrt(1.0 + (f_hz / np.maximum(freqs, 1e-3)) ** 4)
    return np.fft.irfft(spec, len(x))


def _level(x, rng, lo_db=-24.0, hi_db=-1.0):
    peak = np.max(np.abs(x)) + 1e-12
    return x / peak * 10 ** (rng.uniform(lo_db, hi_db) / 20)


def _floor(x, rng):
    if rng.random() < 0.5:
        x = x + rng.standard_normal(len(x)) * 10 ** (rng.uniform(-75, -55) / 20)
    return x


def _pad(x, rng, sr):
    pre = np.zeros(int(rng.uniform(0, 0.03) * sr))
    post = np.zeros(int(rng.uniform(0, 0.1) * sr))
    return np.concatenate([pre, x, post])


def noise_burst(rng):
    """Short bright noise (hi-hat, 'ts'): 20-250 ms, high-passed 2-7 kHz, fast decay."""
    sr = int(rng.choice([44100, 48000]))
    dur = rng.uniform(0.02, 0.25)
    n = int(dur * sr)
    t = np.arange(n) / sr
    x = _highpass(rng.standard_normal(n), sr, rng.uniform(2000, 7000))
    env = np.exp(-t / rng.uniform(0.01, 0.12)) * np.minimum(1, t / 0.001)
    return _floor(_pad(_level(x * env, rng), rng, sr), rng), sr


def sweep(rng):
    """Noise whose band sweeps (swoosh): 0.6-3 s, band-pass moving over 1.5-5 octaves."""
    sr = int(rng.choice([44100, 48000]))
    dur = rng.uniform(0.6, 3.0)
    n = int(dur * sr)
    u = np.linspace(0, 1, n)
    lo, hi = rng.uniform(250, 900), rng.uniform(3000, 9000)
    shape = rng.integers(3)
    path = u if shape == 0 else (1 - u) if shape == 1 else np.sin(np.pi * u)
    f = lo * (hi / lo) ** path
    x = _bandpass(rng.standard_normal(n), sr, f, rng.uniform(1.0, 4.0))
    env = np.sin(np.pi * u) ** rng.uniform(0.5, 2.0)
    return _floor(_pad(_level(x * env, rng), rng, sr), rng), sr


def bright_tone(rng):
    """Short bright tone (ping): 0.08-0.8 s, 800-4000 Hz, sine or a few partials, decaying."""
    sr = int(rng.choice([44100, 48000]))
    dur = rng.uniform(0.08, 0.8)
    n = int(dur * sr)
    t = np.arange(n) / sr
    f0 = rng.uniform(800, 4000)
    x = np.sin(2 * np.pi * f0 * t)
    for k in range(2, 2 + rng.integers(0, 3)):
        if k * f0 < 0.45 * sr:
            x += rng.uniform(0.05, 0.4) * np.sin(2 * np.pi * k * f0 * t + rng.uniform(0, 6))
    env = np.exp(-t / rng.uniform(0.03, 0.3)) * np.minimum(1, t / 0.002)
    return _floor(_pad(_level(x * env, rng), rng, sr), rng), sr


def low_drone(rng):
    """Long low tone (hum): 2-8 s, 40-180 Hz with harmonics, steady, slow fades, drifting."""
    sr = int(rng.choice([44100, 48000]))
    dur = rng.uniform(2.0, 8.0)
    n = int(dur * sr)
    t = np.arange(n) / sr
    f0 = rng.uniform(40, 180) * (1 + 0.005 * np.sin(2 * np.pi * rng.uniform(0.1, 0.5) * t))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    x = np.zeros(n)
    for k in range(1, 1 + rng.integers(1, 9)):
        x += np.sin(k * phase + rng.uniform(0, 6)) / k ** rng.uniform(1, 2)
    fade = rng.uniform(0.05, 0.5)
    env = np.clip(t / fade, 0, 1) * np.clip((dur - t) / fade, 0, 1)
    return _floor(_level(x * env, rng), rng), sr


def thump(rng):
    """Short low thump (thud): 0.1-0.6 s, sine dropping to 40-70 Hz or low-passed noise."""
    sr = int(rng.choice([44100, 48000]))
    dur = rng.uniform(0.1, 0.6)
    n = int(dur * sr)
    t = np.arange(n) / sr
    if rng.random() < 0.7:
        f_end, f_start = rng.uniform(40, 70), rng.uniform(90, 220)
        f = f_end + (f_start - f_end) * np.exp(-t / rng.uniform(0.005, 0.04))
        x = np.sin(2 * np.pi * np.cumsum(f) / sr)
        if rng.random() < 0.5:  # a click at the start
            x[: int(0.002 * sr)] += rng.uniform(0.1, 0.5) * rng.standard_normal(int(0.002 * sr))
    else:
        x = _bandpass(rng.standard_normal(n), sr, rng.uniform(50, 120), rng.uniform(2, 6))
    env = np.exp(-t / rng.uniform(0.04, 0.2)) * np.minimum(1, t / 0.002)
    return _floor(_pad(_level(x * env, rng), rng, sr), rng), sr


def click_train(rng):
    """Dense clicks (crackle): 0.5-4 s, 15-120 random clicks a second, heavy-tailed levels."""
    sr = int(rng.choice([44100, 48000]))
    dur = rng.uniform(0.5, 4.0)
    n = int(dur * sr)
    x = np.zeros(n)
    rate = rng.uniform(15, 120)
    times = np.sort(rng.uniform(0, dur, int(rate * dur)))
    click_n = int(rng.uniform(0.0003, 0.002) * sr) + 1
    shape = np.exp(-np.arange(click_n) / (click_n / 3)) * rng.choice([-1, 1], click_n)
    for tt in times:
        i = int(tt * sr)
        amp = min(1.0, rng.pareto(2.0) * 0.2 + 0.05)
        seg = x[i:i + click_n]
        seg += amp * shape[: len(seg)]
    if rng.random() < 0.5:
        x += rng.standard_normal(n) * 10 ** (rng.uniform(-50, -40) / 20)
    return _floor(_level(x, rng), rng), sr


KINDS = {
    "noise_burst": (noise_burst, "tss"),
    "sweep": (sweep, "swoosh"),
    "bright_tone": (bright_tone, "ping"),
    "low_drone": (low_drone, "hum"),
    "thump": (thump, "thud"),
    "click_train": (click_train, "crackle"),
}


def make(kind: str, seed: int):
    maker, _ = KINDS[kind]
    return maker(np.random.default_rng([seed, list(KINDS).index(kind)]))
