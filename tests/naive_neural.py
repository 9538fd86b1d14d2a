"""Slow references for the neural voice's numba kernels, written from their docstrings:
float64, one sample (or one tap) at a time, no tricks (no recursion, no phasor)."""
from __future__ import annotations

import math

import numpy as np


def synth(f0, harm, noise, hop, sr, f_max, bank, offset):
    """The harmonic-plus-noise synth: controls linearly interpolated between frame centres
    (frame i at sample i * hop, held after the last); phase at sample n is the sum of
    2 pi f(m) / sr over m < n; harmonic k (1-based) sounds in frame a..a+1 when k times the
    larger of the two frames' f0 is below f_max; noise is sum_b g_b(n) bank[b, (offset + n) % L]."""
    n_frames = len(f0)
    n = (n_frames - 1) * hop + 1
    out = np.zeros(n)
    phase = 0.0
    loop = bank.shape[1]
    for i in range(n):
        a = min(i // hop, n_frames - 1)
        b = min(a + 1, n_frames - 1)
        t = (i - a * hop) / hop if b != a else 0.0
        f = f0[a] + (f0[b] - f0[a]) * t
        top = max(f0[a], f0[b])
        s = 0.0
        for k in range(1, harm.shape[1] + 1):
            if top <= 0 or k * top >= f_max:
                break
            amp = harm[a, k - 1] + (harm[b, k - 1] - harm[a, k - 1]) * t
            s += amp * math.sin(k * phase)
        for band in range(noise.shape[1]):
            g = noise[a, band] + (noise[b, band] - noise[a, band]) * t
            s += g * bank[band, (offset + i) % loop]
        out[i] = s
        phase += 2 * math.pi * f / sr
    return out


def decimate(x, h, q):
    """y[m] = sum_j h[j] x[m q + c - j], c = len(h) // 2, zeros outside x."""
    c = len(h) // 2
    out = []
    for m in range((len(x) + q - 1) // q):
        s = 0.0
        for j in range(len(h)):
            i = m * q + c - j
            if 0 <= i < len(x):
                s += h[j] * x[i]
        out.append(s)
    return np.array(out)


def harm_mel(ph, f0, grid_idx, grid_w, grid_hz, n_mel):
    """Harmonic k (1-based) of frame b adds ph[b, k-1] * grid_w[g, m] to band grid_idx[g, m],
    g = round(k f0[b] / grid_hz) clipped to the table; powers below 1e-14 add nothing."""
    out = np.zeros((ph.shape[0], n_mel))
    for b in range(ph.shape[0]):
        for k in range(ph.shape[1]):
            if ph[b, k] < 1e-14:
                continue
            g = min(int(math.floor((k + 1) * f0[b] / grid_hz + 0.5)), grid_idx.shape[0] - 1)
            for m in range(grid_idx.shape[1]):
                out[b, grid_idx[g, m]] += ph[b, k] * grid_w[g, m]
    return out
