"""The numba kernels behind ``descriptors.describe`` (see there for what they measure).

Kept apart so that reading descriptors from the index never imports numba.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["blocks", "smooth_db", "count_onsets", "frames", "spectral_stats", "pitch_pick"]


@njit(cache=True)
def blocks(x, hop):
    """Mean power, mean power of the first difference (a gentle high-pass that keeps
    clicks and drops low tones) and zero crossings of consecutive blocks of ``hop`` samples."""
    n = x.shape[0]
    nb = (n + hop - 1) // hop
    power = np.zeros(nb)
    dpower = np.zeros(nb)
    crossings = np.zeros(nb, np.int64)
    prev = x[0] if n > 0 else 0.0
    prev_pos = prev >= 0.0
    for b in range(nb):
        lo = b * hop
        hi = min(lo + hop, n)
        s = 0.0
        ds = 0.0
        c = 0
        for i in range(lo, hi):
            v = x[i]
            s += v * v
            d = v - prev
            ds += d * d
            prev = v
            pos = v >= 0.0
            if pos != prev_pos:
                c += 1
            prev_pos = pos
        power[b] = s / (hi - lo)
        dpower[b] = ds / (hi - lo)
        crossings[b] = c
    return power, dpower, crossings


@njit(cache=True)
def smooth_db(power, k):
    """Centred moving average of ``k`` blocks, in dB (floor -200 dB)."""
    n = power.shape[0]
    out = np.empty(n)
    half = k // 2
    for i in range(n):
        lo = max(0, i - half)
        hi = min(n, i + half + 1)
        s = 0.0
        for j in range(lo, hi):
            s += power[j]
        out[i] = 10.0 * math.log10(s / (hi - lo) + 1e-20)
    return out


@njit(cache=True)
def count_onsets(env_db, lo, hi, floor_db, rise_db, look, refractory):
    """Onsets in blocks [lo, hi): the envelope rises ``rise_db`` above its minimum over the
    previous ``look`` blocks and is above ``floor_db``; at most one per ``refractory`` blocks."""
    count = 0
    last = -refractory - 1
    armed = True
    for i in range(lo, hi):
        m = env_db[i]
        for j in range(max(lo, i - look), i):
            if env_db[j] < m:
                m = env_db[j]
        rising = env_db[i] - m >= rise_db and env_db[i] >= floor_db
        if rising and armed and i - last > refractory:
            count += 1
            last = i
            armed = False
        elif not rising:
            armed = True
    return count


@njit(cache=True)
def frames(x, starts, n, window):
    """Windowed frames of ``n`` samples starting at ``starts`` (zero beyond the signal)."""
    out = np.zeros((starts.shape[0], n), np.float32)
    total = x.shape[0]
    for f in range(starts.shape[0]):
        s = starts[f]
        for i in range(min(n, total - s)):
            out[f, i] = x[s + i] * window[i]
    return out


@njit(cache=True)
def spectral_stats(power, freqs, band_edges):
    """Per frame: energy, centroid, spread and band-wise flatness of a power spectrum."""
    nf = power.shape[0]
    energy = np.zeros(nf)
    centroid = np.zeros(nf)
    spread = np.zeros(nf)
    flat = np.zeros(nf)
    nbands = band_edges.shape[0] - 1
    for f in range(nf):
        e = 0.0
        m1 = 0.0
        for k in range(band_edges[0], band_edges[nbands]):
            p = power[f, k]
            e += p
            m1 += p * freqs[k]
        energy[f] = e
        if e <= 0.0:
            continue
        c = m1 / e
        m2 = 0.0
        for k in range(band_edges[0], band_edges[nbands]):
            d = freqs[k] - c
            m2 += power[f, k] * d * d
        centroid[f] = c
        spread[f] = math.sqrt(m2 / e)
        tiny = 1e-12 * e
        acc = 0.0
        for b in range(nbands):
            lo = band_edges[b]
            hi = band_edges[b + 1]
            be = 0.0
            logs = 0.0
            for k in range(lo, hi):
                p = power[f, k] + tiny
                be += p
                logs += math.log(p)
            width = hi - lo
            acc += be * math.exp(logs / width) / (be / width)
        flat[f] = acc / (e + tiny * (band_edges[nbands] - band_edges[0]))
    return energy, centroid, spread, flat


@njit(cache=True)
def pitch_pick(acf, window_acf, tmin, tmax, sr):
    """Boersma's normalised autocorrelation: the period (parabolic refinement) and its
    confidence, the mean of r at 1, 2 and 3 periods (those within ``tmax``)."""
    nf = acf.shape[0]
    f0 = np.zeros(nf)
    conf = np.zeros(nf)
    r = np.zeros(tmax + 2)
    for f in range(nf):
        r0 = acf[f, 0]
        if r0 <= 0.0:
            continue
        for t in range(tmax + 2):
            r[t] = acf[f, t] / (r0 * window_acf[t])
        best = 0.0
        for t in range(tmin, tmax + 1):
            if r[t] > r[t - 1] and r[t] >= r[t + 1] and r[t] > best:
                best = r[t]
        if best <= 0.0:
            continue
        for t in range(tmin, tmax + 1):  # the shortest period nearly as strong as the best
            if r[t] > r[t - 1] and r[t] >= r[t + 1] and r[t] >= 0.9 * best:
                a, b, c = r[t - 1], r[t], r[t + 1]
                den = a - 2.0 * b + c
                shift = 0.5 * (a - c) / den if den != 0.0 else 0.0
                period = t + shift
                f0[f] = sr / period
                s = 0.0
                k = 0
                for m in range(1, 4):
                    tm = int(round(m * period))
                    if tm > tmax:
                        break
                    v = r[tm]
                    if r[tm - 1] > v:
                        v = r[tm - 1]
                    if r[tm + 1] > v:
                        v = r[tm + 1]
                    s += v
                    k += 1
                conf[f] = min(1.0, max(0.0, s / k))
                break
    return f0, conf
