"""Synthesis primitives for the default bank: noise colours, envelopes, oscillators,
filters, and level helpers.

Everything works on float64 numpy arrays at ``SR`` (48 kHz) unless a rate is passed.
Randomness always comes from an explicit ``numpy.random.Generator``, so a recipe with
the same seed is bit-identical. Recursive filters and oscillators that need per-sample
state are small numba kernels (``cache=True``); everything else is vectorised numpy.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numba import njit

__all__ = [
    "SR", "frames", "seconds", "white", "coloured", "pink", "brown", "grains", "impulses",
    "exp_env", "perc", "swell", "ar", "fade", "phase", "sine", "glide", "saw", "square",
    "modal", "svf", "lowpass", "highpass", "bandpass", "dc_block", "karplus",
    "soft_clip", "normalise", "pan", "stereo", "delay",
]

SR = 48000


# -- time ------------------------------------------------------------------------------

def frames(dur_s: float, sr: int = SR) -> int:
    """Whole number of frames in ``dur_s`` seconds (at least 1)."""
    return max(1, int(round(dur_s * sr)))


def seconds(n: int, sr: int = SR) -> np.ndarray:
    """Time of each of ``n`` frames, in seconds."""
    return np.arange(n, dtype=np.float64) / sr


# -- noise -----------------------------------------------------------------------------

def white(rng: np.random.Generator, n: int) -> np.ndarray:
    """Gaussian white noise, unit RMS."""
    return rng.standard_normal(n)


def coloured(rng: np.random.Generator, n: int, slope_db_per_octave: float, sr: int = SR) -> np.ndarray:
    """Noise whose power falls (or rises) by ``slope_db_per_octave`` per octave; unit RMS.

    -3 is pink, -6 brown (red), +3 blue. Shaped in the frequency domain, with a
    12 dB/octave roll-off below 20 Hz so brown noise holds no DC and does not wander.
    """
    size = 1 << max(1, (n - 1).bit_length())  # a fast FFT length; the excess is dropped
    spec = np.fft.rfft(rng.standard_normal(size))
    spec *= _slope_gain(size, float(slope_db_per_octave), sr)
    x = np.fft.irfft(spec, size)[:n]
    return x / (np.sqrt(np.mean(x * x)) + 1e-12)


@lru_cache(maxsize=32)
def _slope_gain(size: int, slope_db_per_octave: float, sr: int) -> np.ndarray:
    f = np.fft.rfftfreq(size, 1.0 / sr)
    gain = (np.maximum(f, 20.0) / 1000.0) ** (slope_db_per_octave / (20.0 * math.log10(2.0)))
    gain *= np.minimum(f / 20.0, 1.0) ** 2  # roll off below 20 Hz: no DC, no wandering
    gain.flags.writeable = False
    return gain


def pink(rng: np.random.Generator, n: int) -> np.ndarray:
    return coloured(rng, n, -3.0)


def brown(rng: np.random.Generator, n: int) -> np.ndarray:
    return coloured(rng, n, -6.0)


def impulses(rng: np.random.Generator, rate_hz: np.ndarray | float, n: int, sr: int = SR,
             heavy_tail: float = 0.0) -> np.ndarray:
    """Sparse random impulses (a Bernoulli process of ``rate_hz`` per second).

    Amplitudes are random in (0.2, 1] with random sign; with ``heavy_tail`` > 0 they
    follow a Pareto law of that exponent instead (a few loud pops, many faint ones),
    scaled to a maximum of 1.
    """
    rate = np.broadcast_to(np.asarray(rate_hz, dtype=np.float64), (n,))
    hit = rng.random(n) < rate / sr
    k = int(hit.sum())
    if heavy_tail > 0:
        amp = rng.pareto(heavy_tail, k) + 1.0
        amp /= max(amp.max(initial=1.0), 1.0)
    else:
        amp = rng.uniform(0.2, 1.0, k)
    x = np.zeros(n)
    x[hit] = amp * rng.choice([-1.0, 1.0], k)
    return x


def grains(rng: np.random.Generator, rate_hz: np.ndarray | float, n: int, grain_s: float = 0.0015,
           sr: int = SR) -> np.ndarray:
    """Noise made of tiny noise grains starting at random times (bead and bubble sounds)."""
    gate = np.abs(impulses(rng, rate_hz, n, sr))
    m = max(2, frames(grain_s, sr))
    window = np.hanning(m + 2)[1:-1]
    gate = np.convolve(gate, window)[:n]
    return gate * rng.standard_normal(n)


# -- envelopes -------------------------------------------------------------------------

def exp_env(n: int, tau_s: float, sr: int = SR) -> np.ndarray:
    """exp(-t / tau): falls to 37 % after ``tau_s`` seconds."""
    return np.exp(-seconds(n, sr) / tau_s)


def perc(n: int, attack_s: float, tau_s: float, sr: int = SR) -> np.ndarray:
    """Percussive envelope: raised-cosine attack of ``attack_s``, then exponential decay."""
    t = seconds(n, sr)
    env = np.exp(-np.maximum(t - attack_s, 0.0) / tau_s)
    if attack_s > 0:
        rise = t < attack_s
        env[rise] *= 0.5 - 0.5 * np.cos(np.pi * t[rise] / attack_s)
    return env


def swell(n: int, peak_at: float, rise_power: float = 2.0, fall_power: float = 1.5) -> np.ndarray:
    """A hump from 0 up to 1 at ``peak_at`` (fraction of the length) and back to 0.

    Sine-shaped on each side, sharpened by the powers (bigger = more sudden peak).
    """
    u = np.linspace(0.0, 1.0, n)
    env = np.empty(n)
    rise = u < peak_at
    env[rise] = np.sin(0.5 * np.pi * u[rise] / peak_at) ** rise_power
    env[~rise] = np.cos(0.5 * np.pi * (u[~rise] - peak_at) / (1.0 - peak_at)) ** fall_power
    return env


def ar(n: int, attack_s: float, release_s: float, sr: int = SR) -> np.ndarray:
    """Steady envelope with raised-cosine attack and release (for sustained textures)."""
    env = np.ones(n)
    return fade(env, attack_s, release_s, sr)


def fade(x: np.ndarray, in_s: float, out_s: float, sr: int = SR) -> np.ndarray:
    """Copy of ``x`` (frames or frames x channels) with raised-cosine fades at both ends."""
    y = np.array(x, dtype=np.float64)
    n = y.shape[0]
    shape = (-1,) + (1,) * (y.ndim - 1)
    k_in = min(frames(in_s, sr), n) if in_s > 0 else 0
    if k_in:
        y[:k_in] *= _ramp(k_in).reshape(shape)
    k_out = min(frames(out_s, sr), n) if out_s > 0 else 0
    if k_out:
        y[n - k_out:] *= _ramp(k_out)[::-1].reshape(shape)
    return y


def _ramp(k: int) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.pi * (np.arange(k) + 0.5) / k)


# -- oscillators -----------------------------------------------------------------------

def phase(freq_hz: np.ndarray | float, n: int, sr: int = SR, start: float = 0.0) -> np.ndarray:
    """Running phase in cycles of an oscillator whose frequency is ``freq_hz`` (scalar or per frame)."""
    f = np.broadcast_to(np.asarray(freq_hz, dtype=np.float64), (n,))
    ph = np.empty(n)
    ph[0] = 0.0
    np.cumsum(f[:-1] / sr, out=ph[1:])
    return ph + start


def sine(freq_hz: np.ndarray | float, n: int, sr: int = SR, start: float = 0.0) -> np.ndarray:
    return np.sin(2.0 * np.pi * phase(freq_hz, n, sr, start))


def glide(f_from: float, f_to: float, n: int, tau_s: float, sr: int = SR) -> np.ndarray:
    """Frequency gliding exponentially (in pitch) from ``f_from`` towards ``f_to``.

    After ``tau_s`` seconds, 63 % of the way in octaves.
    """
    k = 1.0 - np.exp(-seconds(n, sr) / tau_s)
    return f_from * (f_to / f_from) ** k


@njit(cache=True)
def _polyblep_kernel(freq, sr, shape, start):  # pragma: no cover - jitted
    n = freq.shape[0]
    y = np.empty(n)
    ph = start
    for i in range(n):
        dt = freq[i] / sr
        if dt > 0.5:
            dt = 0.5
        v = 2.0 * ph - 1.0
        v -= _blep(ph, dt)
        if shape == 1:  # square = saw(ph) - saw(ph + 1/2)
            ph2 = ph + 0.5
            if ph2 >= 1.0:
                ph2 -= 1.0
            v -= 2.0 * ph2 - 1.0 - _blep(ph2, dt)
        y[i] = v
        ph += dt
        while ph >= 1.0:
            ph -= 1.0
    return y


@njit(cache=True, inline="always")
def _blep(t, dt):  # pragma: no cover - jitted
    if t < dt:
        t = t / dt
        return t + t - t * t - 1.0
    if t > 1.0 - dt:
        t = (t - 1.0) / dt
        return t * t + t + t + 1.0
    return 0.0


def saw(freq_hz: np.ndarray | float, n: int, sr: int = SR, start: float = 0.0) -> np.ndarray:
    """Band-limited (polyBLEP) rising sawtooth in [-1, 1]."""
    f = np.ascontiguousarray(np.broadcast_to(np.asarray(freq_hz, dtype=np.float64), (n,)))
    return _polyblep_kernel(f, float(sr), 0, float(start))


def square(freq_hz: np.ndarray | float, n: int, sr: int = SR, start: float = 0.0) -> np.ndarray:
    """Band-limited (polyBLEP) square wave in [-1, 1]."""
    f = np.ascontiguousarray(np.broadcast_to(np.asarray(freq_hz, dtype=np.float64), (n,)))
    return _polyblep_kernel(f, float(sr), 1, float(start))


def modal(freqs_hz, amps, taus_s, n: int, rng: np.random.Generator | None = None, sr: int = SR) -> np.ndarray:
    """Sum of exponentially decaying sine partials (modes of a struck object).

    Partials above 0.45 * sr are dropped. With ``rng`` the start phases are random,
    else all start at 0 (a clean attack).
    """
    t = seconds(n, sr)
    x = np.zeros(n)
    for f, a, tau in zip(freqs_hz, amps, taus_s):
        if f >= 0.45 * sr:
            continue
        ph0 = rng.uniform(0.0, 2.0 * np.pi) if rng is not None else 0.0
        x += a * np.sin(2.0 * np.pi * f * t + ph0) * np.exp(-t / tau)
    return x


# -- filters ---------------------------------------------------------------------------

_MODES = {"lowpass": 0, "bandpass": 1, "highpass": 2}


@njit(cache=True)
def _svf_kernel(x, cutoff, q, mode, sr):  # pragma: no cover - jitted
    # Trapezoidal state-variable filter (A. Simper / Cytomic), stable under modulation.
    n = x.shape[0]
    y = np.empty(n)
    ic1 = 0.0
    ic2 = 0.0
    nyq_safe = 0.49 * sr
    last_fc = -1.0
    last_q = -1.0
    k = a1 = a2 = a3 = 0.0
    for i in range(n):
        fc = cutoff[i] if cutoff.shape[0] > 1 else cutoff[0]
        qi = q[i] if q.shape[0] > 1 else q[0]
        if fc != last_fc or qi != last_q:  # coefficients only when the settings move
            last_fc = fc
            last_q = qi
            if fc > nyq_safe:
                fc = nyq_safe
            elif fc < 1.0:
                fc = 1.0
            g = math.tan(math.pi * fc / sr)
            k = 1.0 / qi
            a1 = 1.0 / (1.0 + g * (g + k))
            a2 = g * a1
            a3 = g * a2
        v0 = x[i]
        v3 = v0 - ic2
        v1 = a1 * ic1 + a2 * v3
        v2 = ic2 + a2 * ic1 + a3 * v3
        ic1 = 2.0 * v1 - ic1
        ic2 = 2.0 * v2 - ic2
        if mode == 0:
            y[i] = v2
        elif mode == 1:
            y[i] = k * v1  # unity gain at the centre
        else:
            y[i] = v0 - k * v1 - v2
    return y


def svf(x: np.ndarray, cutoff_hz, q=0.7071, mode: str = "lowpass", sr: int = SR, stages: int = 1) -> np.ndarray:
    """State-variable filter; ``cutoff_hz`` and ``q`` may be per-frame arrays (sweeps).

    ``mode`` is "lowpass", "bandpass" (unity gain at the centre) or "highpass";
    ``stages`` cascades identical sections for a steeper slope. Works on mono or on
    frames x channels (each channel filtered alike).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        return np.stack([svf(x[:, c], cutoff_hz, q, mode, sr, stages) for c in range(x.shape[1])], axis=1)
    n = x.shape[0]
    fc = _per_frame(cutoff_hz, n)
    qq = _per_frame(q, n)
    y = np.ascontiguousarray(x)
    for _ in range(stages):
        y = _svf_kernel(y, fc, qq, _MODES[mode], float(sr))
    return y


def _per_frame(value, n: int) -> np.ndarray:
    """A length-1 array for a constant, else a contiguous float64 array of ``n`` values."""
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0:
        return a.reshape(1)
    if a.shape != (n,):
        raise ValueError(f"expected a scalar or {n} values per frame, got shape {a.shape}")
    return np.ascontiguousarray(a)


def lowpass(x, cutoff_hz, q=0.7071, stages: int = 1, sr: int = SR):
    return svf(x, cutoff_hz, q, "lowpass", sr, stages)


def highpass(x, cutoff_hz, q=0.7071, stages: int = 1, sr: int = SR):
    return svf(x, cutoff_hz, q, "highpass", sr, stages)


def bandpass(x, centre_hz, q=1.0, stages: int = 1, sr: int = SR):
    return svf(x, centre_hz, q, "bandpass", sr, stages)


def dc_block(x, sr: int = SR):
    """Remove DC and sub-audio drift (high-pass at 20 Hz)."""
    return highpass(x, 20.0, 0.7071, 1, sr)


@njit(cache=True)
def _karplus_kernel(excite, n, period, loss, brightness):  # pragma: no cover - jitted
    y = np.zeros(n)
    m = excite.shape[0]
    for i in range(n):
        v = excite[i] if i < m else 0.0
        if i >= period + 1:
            v += loss * (brightness * y[i - period] + (1.0 - brightness) * y[i - period - 1])
        elif i >= period:
            v += loss * y[i - period]
        y[i] = v
    return y


def karplus(rng: np.random.Generator, freq_hz: float, n: int, tau_s: float, brightness: float = 0.5,
            excite_lowpass_hz: float | None = None, pluck_at: float | None = None, sr: int = SR) -> np.ndarray:
    """Karplus-Strong plucked string of about ``freq_hz`` decaying with time constant ``tau_s``.

    ``brightness`` in [0.5, 1) keeps more high partials (0.5 = classic averaging).
    The string starts as a noise burst; with ``pluck_at`` (0-1 along the string) half of
    it is the triangle of a string pulled at that point, which gives a firm fundamental.
    The delay is whole frames, so the pitch is rounded to sr / (period + 1 - brightness).
    """
    period = max(2, int(round(sr / freq_hz - (1.0 - brightness))))
    burst = rng.uniform(-1.0, 1.0, period)
    if pluck_at is not None:
        u = np.arange(period) / period
        p = min(max(pluck_at, 0.05), 0.95)
        burst = 0.5 * burst + 1.5 * np.where(u < p, u / p, (1.0 - u) / (1.0 - p))
    if excite_lowpass_hz is not None:
        burst = lowpass(burst, excite_lowpass_hz, sr=sr)
    burst -= burst.mean()
    loss = math.exp(-period / (tau_s * sr))
    return _karplus_kernel(burst, n, period, loss, brightness)


# -- level and space -------------------------------------------------------------------

def soft_clip(x: np.ndarray, drive: float = 1.0) -> np.ndarray:
    """tanh saturation normalised so a full-scale input stays full scale."""
    return np.tanh(drive * x) / math.tanh(drive)


def normalise(x: np.ndarray, peak_db: float = -1.0, max_rms_db: float | None = None) -> np.ndarray:
    """Scale to a peak of ``peak_db`` dBFS, then down if the RMS exceeds ``max_rms_db``."""
    peak = float(np.max(np.abs(x)))
    if peak == 0.0 or not np.isfinite(peak):
        raise ValueError("cannot normalise silent or non-finite audio")
    y = x * (10.0 ** (peak_db / 20.0) / peak)
    if max_rms_db is not None:
        rms = float(np.sqrt(np.mean(y * y)))
        limit = 10.0 ** (max_rms_db / 20.0)
        if rms > limit:
            y *= limit / rms
    return y


def pan(x: np.ndarray, position) -> np.ndarray:
    """Equal-power pan of a mono signal; ``position`` 0 = left, 0.5 = centre, 1 = right."""
    p = np.clip(np.asarray(position, dtype=np.float64), 0.0, 1.0) * (0.5 * np.pi)
    return np.stack([x * np.cos(p), x * np.sin(p)], axis=1)


def stereo(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.stack([left, right], axis=1)


def delay(x: np.ndarray, offset: int, n: int | None = None) -> np.ndarray:
    """``x`` moved ``offset`` frames later inside a zero buffer of ``n`` frames."""
    n = x.shape[0] + offset if n is None else n
    y = np.zeros((n,) + x.shape[1:])
    m = max(0, min(x.shape[0], n - offset))
    y[offset:offset + m] = x[:m]
    return y
