"""Slow, obviously correct references for the concatenative-synthesis kernels
(livesamp/concat/_analysis_kernels.py, _knn_kernels.py) and for the whole per-unit
analysis of ``livesamp.concat.analysis`` given its unit bounds.

Written from the docstrings with plain loops or whole-array numpy in float64; every frame
is windowed and transformed on its own (no chunks), mel filters and the DCT are built
by loops, autocorrelations by direct sums.
"""
from __future__ import annotations

import math

import numpy as np

import naive_descriptors as nd

N_MEL, N_MFCC = 40, 13


# -- kernels ---------------------------------------------------------------------------------

def flux(logmel):
    logmel = np.asarray(logmel, dtype=np.float64)
    out = [0.0]
    for f in range(1, len(logmel)):
        out.append(sum(max(0.0, a - b) for a, b in zip(logmel[f], logmel[f - 1])) / logmel.shape[1])
    return np.array(out)


def pick_peaks(nov, pre_max, post_max, pre_avg, post_avg, delta, wait, gate):
    picks, last = [], -wait - 1
    n = len(nov)
    for i in range(n):
        if not gate[i] or i - last <= wait:
            continue
        if nov[i] < max(nov[max(0, i - pre_max):i + post_max + 1]):
            continue
        if nov[i] >= np.mean(nov[max(0, i - pre_avg):min(n, i + post_avg + 1)]) + delta:
            picks.append(i)
            last = i
    return np.array(picks, dtype=np.int64)


def refine_onsets(approx, block_power, block, before, after, rel):
    out = []
    for a in approx:
        b0, b1 = max(0, (a - before) // block), min(len(block_power), (a + after) // block + 1)
        if b1 <= b0:
            out.append(a)
            continue
        region = block_power[b0:b1]
        first = b0 + next(i for i, p in enumerate(region) if p >= rel * region.max())
        out.append(max(0, first - 1) * block)
    return np.array(out, dtype=np.int64)


def unit_time_stats(x, starts, ends):
    x = np.asarray(x, dtype=np.float64)
    power, zcr = [], []
    for a, b in zip(starts, ends):
        seg = x[a:b]
        power.append(np.mean(seg ** 2))
        signs = seg >= 0
        zcr.append(np.sum(signs[1:] != signs[:-1]) / max(1, len(seg) - 1))
    return np.array(power), np.array(zcr)


def knn(data, q, w, alive, k, max_d2=np.inf):
    """(ids, d2) of the k nearest alive rows within max_d2: sort everything by (d2, id)."""
    d2 = np.sum(np.asarray(w) * (np.asarray(data) - np.asarray(q)) ** 2, axis=1)
    ids = [i for i in np.lexsort((np.arange(len(d2)), d2)) if alive[i] and d2[i] <= max_d2][:k]
    return np.array(ids, dtype=np.int64), d2[ids]


# -- analysis pieces -------------------------------------------------------------------------

def mel_filters(n, sr, lo=20.0, hi=16000.0):
    def mel(f):
        return 2595.0 * math.log10(1.0 + f / 700.0)

    def hz(m):
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    top = min(hi, sr / 2.0)
    pts = [hz(mel(lo) + (mel(top) - mel(lo)) * i / (N_MEL + 1)) for i in range(N_MEL + 2)]
    fb = np.zeros((N_MEL, n // 2 + 1))
    for m in range(N_MEL):
        left, centre, right = pts[m], pts[m + 1], pts[m + 2]
        for k in range(n // 2 + 1):
            f = k * sr / n
            if left < f < right:
                fb[m, k] = (f - left) / (centre - left) if f <= centre else (right - f) / (right - centre)
    return fb


def dct(n_out=N_MFCC, n_in=N_MEL):
    c = np.zeros((n_out, n_in))
    for k in range(n_out):
        scale = math.sqrt(1.0 / n_in) if k == 0 else math.sqrt(2.0 / n_in)
        for m in range(n_in):
            c[k, m] = scale * math.cos(math.pi * k * (m + 0.5) / n_in)
    return c


def _frame(x, centre, n):
    """x[centre - n/2 : centre + n/2], zeros outside the sound."""
    out = np.zeros(n)
    for i in range(n):
        j = centre - n // 2 + i
        if 0 <= j < len(x):
            out[i] = x[j]
    return out


def band_edges(n, sr):
    bin_hz = sr / n
    top = min(int(16000.0 / bin_hz), n // 2)
    edges = [max(1, int(20.0 / bin_hz))]
    while edges[-1] < top:
        edges.append(min(max(edges[-1] * 2, edges[-1] + 8), top))
    if len(edges) > 2 and edges[-1] - edges[-2] < 8:
        edges.pop(-2)
    return np.array(edges)


def unit_descriptors(x, sr, starts, ends):
    """The analysis's descriptor rows for units [starts, ends) of mono x (see analysis.py)."""
    x = np.asarray(x, dtype=np.float64)
    n = max(256, 1 << round(math.log2(0.043 * sr)))
    hop = n // 4
    window = np.hanning(n + 2)[1:-1]
    freqs = np.arange(n // 2 + 1) * sr / n
    edges = band_edges(n, sr)
    fb = mel_filters(n, sr)
    n_frames = len(x) // hop + 1
    powers = np.array([np.abs(np.fft.rfft(window * _frame(x, f * hop, n))) ** 2 for f in range(n_frames)])
    energy, centroid, spread, flat = nd.spectral_stats(powers, freqs, edges)
    mel = powers @ fb.T
    floor = max(mel.max() * 1e-8, 1e-20)
    mfcc = (10 * np.log10(mel + floor)) @ dct().T
    power, zcr = unit_time_stats(x, starts, ends)
    # pitch: frames of 2n centred on up to 3 evenly chosen frames of the unit
    npf = 2 * n
    pwin = np.hanning(npf + 2)[1:-1]
    wac = np.array([np.sum(pwin[:npf - t] * pwin[t:]) for t in range(npf)])
    wac /= wac[0]
    tmax, tmin = min(int(sr / 35.0), npf // 3), max(2, int(sr / 4000.0))
    rows = []
    for u, (a, b) in enumerate(zip(starts, ends)):
        frames = [f for f in range(n_frames) if a <= f * hop < b]
        if not frames:
            frames = [min(n_frames - 1, (a + b) // 2 // hop)]
        e = energy[frames]
        if e.sum() > 0:
            c, s, fl = (np.sum(e * v[frames]) / e.sum() for v in (centroid, spread, flat))
        else:
            c = s = fl = 0.0
        k = min(3, len(frames))
        picks = sorted(set(int(round(v)) for v in np.linspace(frames[0], frames[-1], k)))
        acfs = []
        for f in picks:
            seg = pwin * _frame(x, f * hop, npf)
            acfs.append([np.dot(seg[:npf - t], seg[t:]) for t in range(tmax + 2)])
        f0, conf = nd.pitch_pick(np.array(acfs), wac, tmin, tmax, float(sr))
        w = energy[picks]
        confidence = float(np.dot(conf, w) / w.sum()) if w.sum() > 0 else 0.0
        voiced = (conf >= 0.5) & (f0 > 0)
        pitch = float(np.median(f0[voiced])) if voiced.any() else 0.0
        rows.append([10 * math.log10(power[u] + 1e-20), c, s, fl, pitch, confidence, zcr[u], (b - a) / sr,
                     *mfcc[frames].mean(axis=0)])
    return np.array(rows)
