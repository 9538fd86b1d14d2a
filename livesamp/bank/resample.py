"""Band-limited resampling with a Kaiser-windowed sinc (no scipy).

The method is the one of Smith's "Digital Audio Resampling" (as in resampy and
libsamplerate's sinc converters): each output frame is a weighted sum of the input
frames within ``num_zeros`` zero crossings of a sinc low-pass filter, whose cutoff is
the lower of the two Nyquist frequencies times ``rolloff``. The filter is tabulated
finely (``_PRECISION`` points per zero crossing) and linearly interpolated. Output
positions are computed with integer arithmetic, so long files do not drift. When the
reduced ratio has few phases (44.1 <-> 48 kHz has 160 or 147) the weights of every phase
are computed exactly once and the kernel only multiplies and adds.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numba import njit

__all__ = ["resample", "resampled_length"]

_NUM_ZEROS = 32
_PRECISION = 512
_ROLLOFF = 0.94
_KAISER_BETA = 9.6
_MAX_PHASES = 4096


def resampled_length(frames: int, sr_in: int, sr_out: int) -> int:
    """Frames of ``frames`` input frames at ``sr_in`` after resampling to ``sr_out``."""
    return -(-frames * sr_out // sr_in)  # ceil without floats


@lru_cache(maxsize=4)
def _filter_table(num_zeros: int, precision: int, rolloff: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Half of the windowed-sinc filter, sampled ``precision`` times per zero crossing."""
    x = np.arange(num_zeros * precision + 1, dtype=np.float64) / precision
    window = np.i0(beta * np.sqrt(np.clip(1.0 - (x / num_zeros) ** 2, 0.0, 1.0))) / np.i0(beta)
    table = rolloff * np.sinc(rolloff * x) * window
    table[-1] = 0.0
    delta = np.append(np.diff(table), 0.0)
    table.flags.writeable = False
    delta.flags.writeable = False
    return table, delta


@njit(cache=True)
def _resample_kernel(x, sr_in, sr_out, table, delta, precision, out):  # pragma: no cover - jitted
    n_in = x.shape[0]
    n_out = out.shape[0]
    channels = x.shape[1]
    scale = min(1.0, sr_out / sr_in)
    nwin = table.shape[0] - 1
    half = int(math.ceil((nwin / precision) / scale))
    acc = np.zeros(channels)
    for m in range(n_out):
        num = m * sr_in
        n = num // sr_out
        frac = (num - n * sr_out) / sr_out  # output position is n + frac input frames
        for c in range(channels):
            acc[c] = 0.0
        k0 = max(n - half + 1, 0)
        k1 = min(n + half, n_in - 1)
        for k in range(k0, k1 + 1):
            d = abs(n + frac - k) * scale * precision
            i = int(d)
            if i >= nwin:
                continue
            w = table[i] + (d - i) * delta[i]
            for c in range(channels):
                acc[c] += w * x[k, c]
        for c in range(channels):
            out[m, c] = acc[c] * scale


def _windowed_sinc(x: np.ndarray) -> np.ndarray:
    """The filter at ``x`` input periods from its centre (cutoff = input Nyquist)."""
    ax = np.abs(x)
    inside = ax < _NUM_ZEROS
    r = np.sqrt(np.clip(1.0 - (ax / _NUM_ZEROS) ** 2, 0.0, 1.0))
    return np.where(inside, _ROLLOFF * np.sinc(_ROLLOFF * x) * np.i0(_KAISER_BETA * r) / np.i0(_KAISER_BETA), 0.0)


def _phase_weights(up: int, down: int) -> tuple[np.ndarray, int]:
    """Weights (phases, taps) for output frames at input position n + p/up, taps n-half+1..n+half."""
    scale = min(1.0, up / down)
    half = int(math.ceil(_NUM_ZEROS / scale))
    frac = np.arange(up, dtype=np.float64)[:, None] / up
    j = np.arange(-half + 1, half + 1, dtype=np.float64)[None, :]
    return np.ascontiguousarray(scale * _windowed_sinc((frac - j) * scale)), half


@njit(cache=True)
def _poly_kernel(x, down, up, weights, half, out):  # pragma: no cover - jitted
    n_in = x.shape[0]
    channels = x.shape[1]
    taps = weights.shape[1]
    for m in range(out.shape[0]):
        num = m * down
        n = num // up
        p = num - n * up
        first = n - half + 1
        j0 = max(0, -first)
        j1 = min(taps, n_in - first)
        for c in range(channels):
            acc = 0.0
            for j in range(j0, j1):
                acc += weights[p, j] * x[first + j, c]
            out[m, c] = acc


def resample(audio: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """Resample ``audio`` (frames, or frames x channels) from ``sr_in`` to ``sr_out`` Hz.

    Returns float32 of the same number of dimensions, ``resampled_length(frames, sr_in,
    sr_out)`` frames long. Equal rates return a float32 copy. Pass band up to 0.94 of
    the lower Nyquist frequency; stop band attenuation about 90 dB.
    """
    sr_in, sr_out = int(sr_in), int(sr_out)
    if sr_in <= 0 or sr_out <= 0:
        raise ValueError(f"sample rates must be positive, got {sr_in} -> {sr_out}")
    x = np.asarray(audio)
    if x.ndim not in (1, 2):
        raise ValueError(f"audio must be (frames,) or (frames, channels), got shape {x.shape}")
    if sr_in == sr_out:
        return np.array(x, dtype=np.float32)
    g = math.gcd(sr_in, sr_out)
    x2 = np.ascontiguousarray(x.reshape(x.shape[0], -1), dtype=np.float64)
    out = np.empty((resampled_length(x2.shape[0], sr_in, sr_out), x2.shape[1]), dtype=np.float64)
    up, down = sr_out // g, sr_in // g
    if up <= _MAX_PHASES:
        weights, half = _phase_weights(up, down)
        _poly_kernel(x2, down, up, weights, half, out)
    else:
        table, delta = _filter_table(_NUM_ZEROS, _PRECISION, _ROLLOFF, _KAISER_BETA)
        _resample_kernel(x2, down, up, table, delta, _PRECISION, out)
    out32 = out.astype(np.float32)
    return out32[:, 0] if x.ndim == 1 else out32
