"""Slow, obviously correct references for the descriptor kernels (livesamp/bank/_descriptor_kernels.py).

Written from the kernels' docstrings with numpy whole-array operations or plain loops,
in float64; the tests compare the numba kernels against these.
"""
from __future__ import annotations

import math

import numpy as np


def blocks(x, hop):
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    nb = -(-n // hop)
    d = np.diff(x, prepend=x[:1])
    power, dpower, crossings = [], [], []
    signs = x >= 0
    prev = np.concatenate([signs[:1], signs[:-1]])
    for b in range(nb):
        sl = slice(b * hop, min(n, (b + 1) * hop))
        power.append(np.mean(x[sl] ** 2))
        dpower.append(np.mean(d[sl] ** 2))
        crossings.append(int(np.sum(signs[sl] != prev[sl])))
    return np.array(power), np.array(dpower), np.array(crossings)


def smooth_db(power, k):
    half = k // 2
    return np.array([10 * math.log10(np.mean(power[max(0, i - half):i + half + 1]) + 1e-20)
                     for i in range(len(power))])


def count_onsets(env_db, lo, hi, floor_db, rise_db, look, refractory):
    count, last, armed = 0, -refractory - 1, True
    for i in range(lo, hi):
        before = env_db[max(lo, i - look):i]
        m = min(env_db[i], before.min()) if len(before) else env_db[i]
        rising = env_db[i] - m >= rise_db and env_db[i] >= floor_db
        if rising and armed and i - last > refractory:
            count, last, armed = count + 1, i, False
        elif not rising:
            armed = True
    return count


def spectral_stats(power, freqs, edges):
    """Per frame: energy, centroid, spread, band-energy-weighted Wiener entropy."""
    lo, hi = edges[0], edges[-1]
    out = []
    for p in np.asarray(power, dtype=np.float64):
        band = p[lo:hi]
        f = freqs[lo:hi]
        e = band.sum()
        if e <= 0:
            out.append((0.0, 0.0, 0.0, 0.0))
            continue
        c = np.sum(band * f) / e
        s = math.sqrt(np.sum(band * (f - c) ** 2) / e)
        tiny = 1e-12 * e
        acc = 0.0
        for b0, b1 in zip(edges[:-1], edges[1:]):
            q = p[b0:b1] + tiny
            acc += q.sum() * np.exp(np.mean(np.log(q))) / np.mean(q)
        out.append((e, c, s, acc / (e + tiny * (hi - lo))))
    return tuple(np.array(col) for col in zip(*out))


def pitch_pick(acf, window_acf, tmin, tmax, sr):
    f0s, confs = [], []
    for a in np.asarray(acf, dtype=np.float64):
        if a[0] <= 0:
            f0s.append(0.0)
            confs.append(0.0)
            continue
        r = a[: tmax + 2] / (a[0] * window_acf[: tmax + 2])
        peaks = [t for t in range(tmin, tmax + 1) if r[t] > r[t - 1] and r[t] >= r[t + 1]]
        best = max((r[t] for t in peaks), default=0.0)
        if best <= 0:
            f0s.append(0.0)
            confs.append(0.0)
            continue
        t = next(t for t in peaks if r[t] >= 0.9 * best)
        a_, b_, c_ = r[t - 1], r[t], r[t + 1]
        den = a_ - 2 * b_ + c_
        period = t + (0.5 * (a_ - c_) / den if den != 0 else 0.0)
        vals = []
        for m in (1, 2, 3):
            tm = int(round(m * period))
            if tm > tmax:
                break
            vals.append(max(r[tm - 1], r[tm], r[tm + 1]))
        f0s.append(sr / period)
        confs.append(min(1.0, max(0.0, sum(vals) / len(vals))))
    return np.array(f0s), np.array(confs)
