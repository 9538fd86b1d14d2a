"""numba kernels of unit analysis (segmentation and per-unit descriptors): see analysis.py.

Spectra, spectral statistics and pitch picking reuse ``livesamp.bank._descriptor_kernels``;
what is here is what a corpus needs on top: novelty, peak picking, onset refinement and
the per-unit reductions.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["flux", "pick_peaks", "refine_onsets", "unit_time_stats", "unit_frame_means", "mel_bands",
           "log_floor_db"]


@njit(cache=True)
def mel_bands(power, band, weight, n_bands):
    """Mel-band energies of power spectra (frames, bins): bin ``k`` adds ``weight[k, i] *
    power[f, k]`` to band ``band[k, i]`` for i = 0, 1 (-1: none). Triangular filters that
    only overlap their neighbours touch every bin at most twice: O(bins), not O(bins x bands)."""
    nf, nk = power.shape
    out = np.zeros((nf, n_bands))
    for f in range(nf):
        for k in range(nk):
            p = power[f, k]
            b0 = band[k, 0]
            if b0 >= 0:
                out[f, b0] += weight[k, 0] * p
            b1 = band[k, 1]
            if b1 >= 0:
                out[f, b1] += weight[k, 1] * p
    return out


@njit(cache=True)
def flux(logmel):
    """Spectral flux: per frame, the mean over bands of the rise (dB) since the previous frame."""
    nf, nb = logmel.shape
    out = np.zeros(nf)
    for f in range(1, nf):
        s = 0.0
        for b in range(nb):
            d = logmel[f, b] - logmel[f - 1, b]
            if d > 0.0:
                s += d
        out[f] = s / nb
    return out


@njit(cache=True)
def pick_peaks(nov, pre_max, post_max, pre_avg, post_avg, delta, wait, gate):
    """Frames ``i`` where ``nov[i]`` is the maximum of ``nov[i - pre_max : i + post_max + 1]``,
    at least ``delta`` above the mean of ``nov[i - pre_avg : i + post_avg + 1]``, ``gate[i]``
    is true, and more than ``wait`` frames after the previous pick (librosa's peak_pick)."""
    n = nov.shape[0]
    out = np.empty(n, np.int64)
    count = 0
    last = -wait - 1
    for i in range(n):
        if not gate[i] or i - last <= wait:
            continue
        v = nov[i]
        is_max = True
        for j in range(max(0, i - pre_max), min(n, i + post_max + 1)):
            if nov[j] > v:
                is_max = False
                break
        if not is_max:
            continue
        a = max(0, i - pre_avg)
        b = min(n, i + post_avg + 1)
        m = 0.0
        for j in range(a, b):
            m += nov[j]
        m /= b - a
        if v >= m + delta:
            out[count] = i
            count += 1
            last = i
    return out[:count]


@njit(cache=True)
def refine_onsets(approx, block_power, block, before, after, rel):
    """Move each approximate onset (a sample index) to where the sound starts: in the
    blocks of ``block`` samples from ``approx - before`` to ``approx + after``, the first
    block whose power is within ``rel`` (a power ratio < 1) of the loudest there, minus one
    block. Returns sample indices (multiples of ``block``)."""
    nb = block_power.shape[0]
    out = np.empty(approx.shape[0], np.int64)
    for k in range(approx.shape[0]):
        b0 = max(0, (approx[k] - before) // block)
        b1 = min(nb, (approx[k] + after) // block + 1)
        if b1 <= b0:
            out[k] = approx[k]
            continue
        top = 0.0
        for b in range(b0, b1):
            if block_power[b] > top:
                top = block_power[b]
        first = b0
        for b in range(b0, b1):
            if block_power[b] >= rel * top:
                first = b
                break
        out[k] = max(0, first - 1) * block
    return out


@njit(cache=True)
def unit_time_stats(x, starts, ends):
    """Per unit ``[starts[u], ends[u])`` of ``x``: mean power and zero crossings per sample
    pair (a crossing between x[i-1] and x[i], both inside, changes the sign bit ``x >= 0``)."""
    nu = starts.shape[0]
    power = np.zeros(nu)
    zcr = np.zeros(nu)
    for u in range(nu):
        a, b = starts[u], ends[u]
        s = 0.0
        c = 0
        for i in range(a, b):
            v = np.float64(x[i])
            s += v * v
            if i > a and (x[i] >= 0.0) != (x[i - 1] >= 0.0):
                c += 1
        power[u] = s / max(1, b - a)
        zcr[u] = c / max(1, b - a - 1)
    return power, zcr


@njit(cache=True)
def unit_frame_means(starts, ends, hop, energy, centroid, spread, flat, mfcc):
    """Per unit, over the frames whose centre ``f * hop`` lies in ``[start, end)`` (the
    nearest frame if none does): energy-weighted mean centroid, spread and flatness (0
    when the frames hold no energy), and the plain mean of each MFCC.

    Returns (centroid, spread, flatness, mfcc_mean (units, n_mfcc), first frame, frame count).
    """
    nu = starts.shape[0]
    nf = energy.shape[0]
    nc = mfcc.shape[1]
    c_out = np.zeros(nu)
    s_out = np.zeros(nu)
    f_out = np.zeros(nu)
    m_out = np.zeros((nu, nc))
    first = np.zeros(nu, np.int64)
    count = np.zeros(nu, np.int64)
    for u in range(nu):
        f0 = (starts[u] + hop - 1) // hop
        f1 = (ends[u] + hop - 1) // hop
        if f1 > nf:
            f1 = nf
        if f1 <= f0:  # no frame centre inside: the nearest frame
            f0 = min(nf - 1, (starts[u] + ends[u]) // 2 // hop)
            f1 = f0 + 1
        first[u] = f0
        count[u] = f1 - f0
        e = 0.0
        c = 0.0
        s = 0.0
        fl = 0.0
        for f in range(f0, f1):
            w = energy[f]
            e += w
            c += w * centroid[f]
            s += w * spread[f]
            fl += w * flat[f]
            for j in range(nc):
                m_out[u, j] += mfcc[f, j]
        if e > 0.0:
            c_out[u] = c / e
            s_out[u] = s / e
            f_out[u] = fl / e
        for j in range(nc):
            m_out[u, j] /= f1 - f0
    return c_out, s_out, f_out, m_out, first, count


@njit(cache=True)
def log_floor_db(mel, floor):
    """10 log10(mel + floor), elementwise (floor > 0)."""
    out = np.empty(mel.shape)
    for i in range(mel.shape[0]):
        for j in range(mel.shape[1]):
            out[i, j] = 10.0 * math.log10(mel[i, j] + floor)
    return out
