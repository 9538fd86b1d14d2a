"""The master bus: non-finite guard, DC blocker, peak limiter, hard clamp.

Per sample, in this order (the guard comes first so a NaN can never poison the DC
blocker's or the limiter's state; the bus is also clamped to +-``C_PRECLAMP`` so the
states stay bounded whatever the voices do):

1. any non-finite bus sample -> 0 (counted in ``K_NONFINITE``);
2. DC blocker ``y = x - x1 + R y1`` (``R = 1 - 2 pi 10 Hz / sr``);
3. peak limiter without lookahead: a peak envelope (instant rise, exponential fall
   with a 100 ms time constant) of ``max(|L|, |R|)`` sets the gain
   ``min(1, ceiling / envelope)``. Without lookahead the attack has to be instant
   (``C_LIM_ATT = 1``; a smaller coefficient glides down one-pole and lets the
   first samples of a transient through to the clamp): the gain drops at the peak
   and then recovers smoothly along the envelope's exponential decay, so the
   signal is scaled, never clipped, and the release never pumps or clicks;
4. a hard clamp at the ceiling (-0.3 dBFS), so the ceiling is never exceeded
   whatever the rounding (counted in ``K_CLAMPED``; 0 in normal operation).

With ``C_PROTECT == 0`` (offline benchmarks only) steps 2-4 are skipped.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..state import (C_CEIL, C_DCR, C_LIM_ATT, C_LIM_REL, C_PRECLAMP, C_PROTECT, K_CLAMPED,
                     K_NONFINITE, M_DCX_L, M_DCX_R, M_DCY_L, M_DCY_R, M_ENV, M_GAIN, S_LIM_GAIN,
                     S_PEAK)

__all__ = ["master_process"]


@njit(cache=True, nogil=True)
def master_process(bus, out, o_out, n, ms, cfg, cnt, st):
    """Process ``bus[:, :n]`` into ``out[o_out:o_out+n]`` (interleaved float32)."""
    protect = cfg[C_PROTECT] != 0.0
    ceil = cfg[C_CEIL]
    ceil32 = np.float32(ceil)
    dcr = cfg[C_DCR]
    att = cfg[C_LIM_ATT]
    rel = cfg[C_LIM_REL]
    pre = cfg[C_PRECLAMP]
    xl = ms[M_DCX_L]
    yl = ms[M_DCY_L]
    xr = ms[M_DCX_R]
    yr = ms[M_DCY_R]
    g = ms[M_GAIN]
    env = ms[M_ENV]
    if not (math.isfinite(env) and math.isfinite(xl) and math.isfinite(yl) and math.isfinite(xr)
            and math.isfinite(yr) and math.isfinite(g)):
        xl = 0.0
        yl = 0.0
        xr = 0.0
        yr = 0.0
        g = 1.0
        env = 0.0
    peak = np.float32(st[S_PEAK])
    bad = 0
    clamped = 0
    for j in range(n):
        l = np.float64(bus[0, j])
        r = np.float64(bus[1, j])
        if not math.isfinite(l):
            l = 0.0
            bad += 1
        if not math.isfinite(r):
            r = 0.0
            bad += 1
        if protect:
            l = min(max(l, -pre), pre)
            r = min(max(r, -pre), pre)
            yl = l - xl + dcr * yl
            xl = l
            yr = r - xr + dcr * yr
            xr = r
            p = max(abs(yl), abs(yr))
            env *= rel
            if p > env:
                env = p
            target = ceil / env if env > ceil else 1.0
            if target < g:
                g += (target - g) * att
            else:
                g = target
            ol = np.float32(yl * g)
            orr = np.float32(yr * g)
            if abs(ol) > ceil32:
                ol = ceil32 if ol > 0 else -ceil32
                clamped += 1
            if abs(orr) > ceil32:
                orr = ceil32 if orr > 0 else -ceil32
                clamped += 1
        else:
            ol = np.float32(l)
            orr = np.float32(r)
            if not math.isfinite(ol):   # float32 overflow of a huge finite value
                ol = np.float32(0.0)
                bad += 1
            if not math.isfinite(orr):
                orr = np.float32(0.0)
                bad += 1
        out[o_out + j, 0] = ol
        out[o_out + j, 1] = orr
        a = max(abs(ol), abs(orr))
        if a > peak:
            peak = a
    ms[M_DCX_L] = xl
    ms[M_DCY_L] = yl
    ms[M_DCX_R] = xr
    ms[M_DCY_R] = yr
    ms[M_GAIN] = g
    ms[M_ENV] = env
    st[S_LIM_GAIN] = g
    st[S_PEAK] = peak
    cnt[K_NONFINITE] += bad
    cnt[K_CLAMPED] += clamped
