"""numba kernels of the neural voice: analysis helpers and the harmonic-plus-noise synth.

Every kernel is self-contained (no calls into other files), so numba's per-file cache
never runs a stale copy of a helper. None allocates inside its loops; the synth
(``synth_into``) allocates nothing at all: it writes into the caller's buffer.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["decimate", "yin_pick", "harmonic_peaks", "noise_bands", "synth_into", "hold_f0", "frame_rms_db_into",
           "guard_into", "envelope_expand", "envelope_expand_grad"]


@njit(cache=True)
def decimate(x, h, q):
    """``y[m] = sum_j h[j] * x[m*q + c - j]`` with ``c = len(h) // 2`` (zeros outside x):
    the FIR low-pass ``h`` evaluated only at every ``q``-th sample."""
    n = x.shape[0]
    taps = h.shape[0]
    c = taps // 2
    m_count = (n + q - 1) // q
    y = np.zeros(m_count)
    for m in range(m_count):
        centre = m * q + c
        s = 0.0
        for j in range(taps):
            i = centre - j
            if 0 <= i < n:
                s += h[j] * x[i]
        y[m] = s
    return y


@njit(cache=True)
def yin_pick(cmnd, lo, hi, threshold):
    """Per frame of the cumulative-mean-normalised difference ``cmnd`` (frames, lags): the
    lag (fractional, parabolic) of the first dip under ``threshold`` in ``[lo, hi]``, taken
    down to its local minimum, else of the global minimum there; and that minimum's value.
    Frames whose ``cmnd`` row is all NaN (silence) give lag 0 and value 1."""
    nf = cmnd.shape[0]
    lags = np.zeros(nf)
    vals = np.ones(nf)
    for f in range(nf):
        if not (cmnd[f, lo] == cmnd[f, lo]):
            continue
        best = -1
        for t in range(lo, hi + 1):
            if cmnd[f, t] < threshold:
                while t + 1 <= hi and cmnd[f, t + 1] < cmnd[f, t]:
                    t += 1
                best = t
                break
        if best < 0:
            best = lo
            for t in range(lo + 1, hi + 1):
                if cmnd[f, t] < cmnd[f, best]:
                    best = t
        v = cmnd[f, best]
        frac = float(best)
        if lo < best < hi:
            a = cmnd[f, best - 1]
            b = cmnd[f, best]
            c = cmnd[f, best + 1]
            den = a - 2.0 * b + c
            if den > 1e-12:
                d = 0.5 * (a - c) / den
                if -1.0 < d < 1.0:
                    frac = best + d
                    v = b - 0.25 * (a - c) * d
        lags[f] = frac
        vals[f] = min(max(v, 0.0), 1.0)
    return lags, vals


@njit(cache=True)
def hold_f0(f0, voiced, fallback):
    """f0 with every unvoiced frame given the f0 of the nearest voiced frame (the earlier one
    on a tie; ``fallback`` everywhere when no frame is voiced): a smooth pitch track for
    conditioning and synthesis."""
    n = f0.shape[0]
    prev = np.full(n, -1, np.int64)
    last = -1
    for i in range(n):
        if voiced[i]:
            last = i
        prev[i] = last
    out = np.empty(n)
    nxt = -1
    for i in range(n - 1, -1, -1):
        if voiced[i]:
            nxt = i
        p = prev[i]
        if p < 0 and nxt < 0:
            out[i] = fallback
        elif p < 0:
            out[i] = f0[nxt]
        elif nxt < 0 or i - p <= nxt - i:
            out[i] = f0[p]
        else:
            out[i] = f0[nxt]
    return out


@njit(cache=True)
def harmonic_peaks(logpow, f0, voiced, bin_hz, radius, n_harm, f_max, salience):
    """Sine amplitudes (in |X| units: multiply by 2 / sum(window)) of harmonics ``k * f0``,
    k = 1..n_harm, per voiced frame: the largest bin within ``radius`` x the harmonic
    spacing of ``k * f0``, refined by a parabola through ln-power (Hann: nearly exact).
    0 for unvoiced frames and harmonics at or above ``f_max``. Second result: whether each
    harmonic stands out, its peak more than ``salience`` (ln-power) above the lowest bin
    within half a harmonic spacing (only those are masked out of the noise estimate)."""
    nf, nb = logpow.shape
    out = np.zeros((nf, n_harm), np.float32)
    salient = np.zeros((nf, n_harm), np.bool_)
    for f in range(nf):
        if not voiced[f] or f0[f] <= 0.0:
            continue
        spacing = f0[f] / bin_hz
        r = max(1, int(radius * spacing + 0.5))
        half = max(2, int(0.5 * spacing))
        for k in range(n_harm):
            fk = (k + 1) * f0[f]
            if fk >= f_max:
                break
            centre = int(fk / bin_hz + 0.5)
            lo = max(1, centre - r)
            hi = min(nb - 2, centre + r)
            if lo > hi:
                break
            best = lo
            for b in range(lo + 1, hi + 1):
                if logpow[f, b] > logpow[f, best]:
                    best = b
            a = logpow[f, best - 1]
            b0 = logpow[f, best]
            c = logpow[f, best + 1]
            den = a - 2.0 * b0 + c
            peak = b0
            if den < -1e-12:
                d = 0.5 * (a - c) / den
                if -1.0 < d < 1.0:
                    peak = b0 - 0.25 * (a - c) * d
            out[f, k] = math.exp(0.5 * peak)
            low = peak
            for b in range(max(0, centre - half), min(nb, centre + half + 1)):
                if logpow[f, b] < low:
                    low = logpow[f, b]
            salient[f, k] = peak - low > salience
    return out, salient


@njit(cache=True)
def noise_bands(power, f0, salient, bin_hz, mask_bins, band_lo, weight_lo, n_bands, min_weight):
    """Residual power per noise band and frame: the tri-weighted mean of ``power`` over the
    bins of each band that lie more than ``mask_bins`` (a float) from every salient
    harmonic (``salient`` (frames, K); harmonic k, 1-based, at k * f0). Bin ``i``
    belongs to band ``band_lo[i]`` with weight ``weight_lo[i]`` and to the next band with
    ``1 - weight_lo[i]``. A band left with less than ``min_weight`` of unmasked bins is
    interpolated (in log power, by band index) from the nearest measured bands of its frame;
    with none, it takes its smallest power."""
    nf, nb = power.shape
    n_harm = salient.shape[1]
    out = np.zeros((nf, n_bands), np.float32)
    mask = np.zeros(nb, np.bool_)
    acc = np.zeros(n_bands)
    wsum = np.zeros(n_bands)
    pmin = np.zeros(n_bands)
    logv = np.zeros(n_bands)
    for f in range(nf):
        mask[:] = False
        for k in range(n_harm):
            if not salient[f, k]:
                continue
            pos = (k + 1) * f0[f] / bin_hz
            for b in range(max(0, int(math.ceil(pos - mask_bins))), min(nb, int(pos + mask_bins) + 1)):
                mask[b] = True
        acc[:] = 0.0
        wsum[:] = 0.0
        pmin[:] = np.inf
        for k in range(nb):
            p = power[f, k]
            lo = band_lo[k]
            w = weight_lo[k]
            hi = lo + 1
            if w > 0.0 and p < pmin[lo]:
                pmin[lo] = p
            if hi < n_bands and w < 1.0 and p < pmin[hi]:
                pmin[hi] = p
            if mask[k]:
                continue
            acc[lo] += w * p
            wsum[lo] += w
            if hi < n_bands:
                acc[hi] += (1.0 - w) * p
                wsum[hi] += 1.0 - w
        valid = 0
        for b in range(n_bands):
            if wsum[b] >= min_weight:
                logv[b] = math.log(acc[b] / wsum[b] + 1e-30)
                valid += 1
        for b in range(n_bands):
            if wsum[b] >= min_weight:
                out[f, b] = math.exp(logv[b])
                continue
            if valid == 0:
                out[f, b] = pmin[b] if pmin[b] < np.inf else 0.0
                continue
            lo = b - 1
            while lo >= 0 and wsum[lo] < min_weight:
                lo -= 1
            hi = b + 1
            while hi < n_bands and wsum[hi] < min_weight:
                hi += 1
            if lo < 0:
                out[f, b] = math.exp(logv[hi])
            elif hi >= n_bands:
                out[f, b] = math.exp(logv[lo])
            else:
                t = (b - lo) / (hi - lo)
                out[f, b] = math.exp(logv[lo] + (logv[hi] - logv[lo]) * t)
    return out


@njit(cache=True, nogil=True)
def synth_into(out, f0, harm, noise, hop, sr, f_max, bank, offset, phase0):
    """Render the harmonic-plus-noise controls into ``out`` (samples,) float32; returns the
    final phase.

    Frame ``i`` is centred on sample ``i * hop``; f0 (Hz), the harmonic amplitudes ``harm``
    (frames, K) and the noise-band gains ``noise`` (frames, B) are linearly interpolated
    between frame centres (held after the last). Harmonics use the Chebyshev recursion
    sin(k p) = 2 cos(p) sin((k-1) p) - sin((k-2) p), run for one frame's samples at a time
    (so the compiler vectorises over samples); cos p and sin p come from a rotating phasor
    (renormalised every frame), so a sample costs no sin or cos. A harmonic at or above
    ``f_max`` at either end of a frame is left out of that frame. Noise is
    ``sum_b gain_b * bank[b, (offset + n) % len]``: looped band noises, no FFT. Non-finite
    (or absurd: |x| >= 1e30, f0 >= 1e9) controls count as 0. Allocates five scratch rows of
    ``hop`` samples per call."""
    n = out.shape[0]
    nf = f0.shape[0]
    n_harm = harm.shape[1]
    n_bands = noise.shape[1]
    loop = bank.shape[1]
    two_pi = 2.0 * math.pi
    phase = phase0
    for i in range(n):
        out[i] = 0.0
    if nf == 0 or n == 0:
        return phase
    s_prev = np.empty(hop)
    s_cur = np.empty(hop)
    c2 = np.empty(hop)
    acc = np.empty(hop)
    ramp = np.empty(hop)
    for i in range(hop):
        ramp[i] = i / hop
    seg_count = (n + hop - 1) // hop
    for seg in range(seg_count):
        start = seg * hop
        m = min(hop, n - start)
        a = min(seg, nf - 1)
        b = min(seg + 1, nf - 1)
        fa = f0[a]
        fb = f0[b]
        if not (0.0 <= fa < 1e9):
            fa = 0.0
        if not (0.0 <= fb < 1e9):
            fb = 0.0
        for i in range(m):
            acc[i] = 0.0
        # the phasor: angle step w(i) = w_a + dw * i, phase at sample i of the frame
        w_a = two_pi * fa / sr
        dw = two_pi * (fb - fa) / (sr * hop)
        zr = math.cos(phase)
        zi = math.sin(phase)
        rr = math.cos(w_a)
        ri = math.sin(w_a)
        qr = math.cos(dw)
        qi = math.sin(dw)
        for i in range(m):
            s_prev[i] = 0.0
            s_cur[i] = zi
            c2[i] = 2.0 * zr
            t = zr * rr - zi * ri
            zi = zr * ri + zi * rr
            zr = t
            t = rr * qr - ri * qi
            ri = rr * qi + ri * qr
            rr = t
        phase += m * w_a + dw * (m * (m - 1) / 2.0)
        if phase > two_pi:
            phase -= two_pi * math.floor(phase / two_pi)
        f_top = max(fa, fb)
        k_max = 0
        if f_top > 0.0:
            k_max = n_harm
            if f_top * n_harm >= f_max:
                k_max = int(f_max / f_top)
                if k_max * f_top >= f_max:
                    k_max -= 1
        while k_max > 0 and harm[a, k_max - 1] == 0.0 and harm[b, k_max - 1] == 0.0:
            k_max -= 1          # silent top harmonics
        for k in range(k_max):
            ha = harm[a, k]
            hb = harm[b, k]
            if not (-1e30 < ha < 1e30):
                ha = 0.0
            if not (-1e30 < hb < 1e30):
                hb = 0.0
            d = hb - ha
            if ha != 0.0 or hb != 0.0:
                for i in range(m):      # add harmonic k and step to k + 1 in one pass
                    s = s_cur[i]
                    acc[i] += (ha + d * ramp[i]) * s
                    s_cur[i] = c2[i] * s - s_prev[i]
                    s_prev[i] = s
            else:
                for i in range(m):
                    s = s_cur[i]
                    s_cur[i] = c2[i] * s - s_prev[i]
                    s_prev[i] = s
        j0 = (offset + start) % loop
        for band in range(n_bands):
            ga = noise[a, band]
            gb = noise[b, band]
            if not (-1e30 < ga < 1e30):
                ga = 0.0
            if not (-1e30 < gb < 1e30):
                gb = 0.0
            if ga == 0.0 and gb == 0.0:
                continue
            d = gb - ga
            first = min(m, loop - j0)
            for i in range(first):
                acc[i] += (ga + d * ramp[i]) * bank[band, j0 + i]
            for i in range(first, m):
                acc[i] += (ga + d * ramp[i]) * bank[band, j0 + i - loop]
        for i in range(m):
            out[start + i] = acc[i]
    return phase


@njit(cache=True, nogil=True)
def frame_rms_db_into(level, x, hop):
    """``level[f]``: RMS in dB of ``x`` over the 20 ms window [f hop - hop, f hop + hop)
    (clipped to the signal; +1e-20 before the log)."""
    n = x.shape[0]
    for f in range(level.shape[0]):
        c = f * hop
        lo = min(max(c - hop, 0), n)
        hi = min(max(c + hop, 0), n)
        acc = 0.0
        for i in range(lo, hi):
            acc += x[i] * x[i]
        level[f] = 10.0 * math.log10(acc / max(hi - lo, 1) + 1e-20)


@njit(cache=True, nogil=True)
def guard_into(out, x, ref_db, hop, limit_db, knee):
    """The level guard of a rendered voice, in place on ``x`` (float64), result in ``out``
    (float32, same length): non-finite samples become 0; then up to three times, every frame
    whose 20 ms RMS is more than 0.01 dB over ``ref_db + limit_db`` sets a gain of its excess
    plus 0.05 dB (below; a frame's gain is the least of its own and its neighbours', and
    gains in dB are interpolated linearly between frame centres, held after the last);
    finally a soft clip: identity below ``knee``, then a tanh curve that stays under 1."""
    n = x.shape[0]
    count = ref_db.shape[0]
    for i in range(n):
        v = x[i]
        if not (-1e300 < v < 1e300):
            x[i] = 0.0
    if count > 0 and n > 0:
        level = np.empty(count)
        gain = np.empty(count)
        least = np.empty(count)
        for _ in range(3):
            frame_rms_db_into(level, x, hop)
            over = False
            for f in range(count):
                excess = level[f] - (ref_db[f] + limit_db)
                gain[f] = min(0.0, -excess - 0.05)
                if excess > 0.01:
                    over = True
            if not over:
                break
            for f in range(count):
                least[f] = min(gain[f], gain[max(f - 1, 0)], gain[min(f + 1, count - 1)])
            for i in range(n):
                f = i // hop
                if f >= count - 1:
                    g = least[count - 1]
                else:
                    t = (i - f * hop) / hop
                    g = least[f] + (least[f + 1] - least[f]) * t
                if g != 0.0:
                    x[i] *= 10.0 ** (g / 20.0)
    room = 1.0 - knee
    for i in range(n):
        v = x[i]
        if v > knee:
            v = knee + 0.999 * room * math.tanh((v - knee) / room)
        elif v < -knee:
            v = -(knee + 0.999 * room * math.tanh((-v - knee) / room))
        out[i] = v


@njit(cache=True, nogil=True)
def envelope_expand(raw, i0, t, n_env, out):
    """``out[b, k] = raw[b, i0] + (raw[b, i0 + 1] - raw[b, i0]) * t`` (i0, t of harmonic k of
    row b) for the harmonics, then the rest of ``raw`` (past ``n_env``) copied after them."""
    rows, n_harm = i0.shape
    rest = raw.shape[1] - n_env
    for b in range(rows):
        for k in range(n_harm):
            j = i0[b, k]
            lo = raw[b, j]
            out[b, k] = lo + (raw[b, j + 1] - lo) * t[b, k]
        for m in range(rest):
            out[b, n_harm + m] = raw[b, n_env + m]


@njit(cache=True, nogil=True)
def envelope_expand_grad(dy, i0, t, n_env, draw):
    """The gradient of ``envelope_expand``: d/d out ``dy`` -> d/d raw ``draw``."""
    rows, n_harm = i0.shape
    rest = draw.shape[1] - n_env
    for b in range(rows):
        for j in range(n_env):
            draw[b, j] = 0.0
        for k in range(n_harm):
            j = i0[b, k]
            w = t[b, k]
            g = dy[b, k]
            draw[b, j] += g * (1.0 - w)
            draw[b, j + 1] += g * w
        for m in range(rest):
            draw[b, n_env + m] = dy[b, n_harm + m]


@njit(cache=True)
def harm_mel(ph, f0, grid_idx, grid_w, grid_hz, n_mel):
    """Mel power (B, n_mel) of harmonic powers ``ph`` (B, K) at k * f0: harmonic k of frame
    b adds ``ph[b, k] * grid_w[g, m]`` to band ``grid_idx[g, m]``, g its 2 Hz grid cell."""
    nb, nk = ph.shape
    nm = grid_idx.shape[1]
    last = grid_idx.shape[0] - 1
    out = np.zeros((nb, n_mel), ph.dtype)
    for b in range(nb):
        for k in range(nk):
            p = ph[b, k]
            if p < 1e-14:       # below -140 dB: nothing
                continue
            g = int((k + 1) * f0[b] / grid_hz + 0.5)
            if g > last:
                g = last
            for m in range(nm):
                out[b, grid_idx[g, m]] += p * grid_w[g, m]
    return out


@njit(cache=True)
def harm_mel_grad(dmel, f0, ph, grid_idx, grid_w, grid_hz):
    """The transpose of ``harm_mel``: d loss / d ph (B, K) from d loss / d mel (B, n_mel)
    (0 where ``ph`` is below -140 dB, as ``harm_mel`` skipped it)."""
    nb, nk = ph.shape
    nm = grid_idx.shape[1]
    last = grid_idx.shape[0] - 1
    out = np.zeros((nb, nk), dmel.dtype)
    for b in range(nb):
        for k in range(nk):
            if ph[b, k] < 1e-14:
                continue
            g = int((k + 1) * f0[b] / grid_hz + 0.5)
            if g > last:
                g = last
            s = 0.0
            for m in range(nm):
                s += dmel[b, grid_idx[g, m]] * grid_w[g, m]
            out[b, k] = s
    return out
