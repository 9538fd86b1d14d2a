"""Per-voice resonant filters: a trapezoidal (TPT) state-variable filter.

Andrew Simper's "linear trapezoidal integrated SVF" form: stable for every cutoff and
every k > 0, and well behaved under modulation, so coefficient changes never blow up.
``g = tan(pi fc / sr)`` with ``fc`` clamped to [10 Hz, 0.45 sr]; ``k = 1/Q``.
Resonance follows SuperDirt (``RLPF``/``RHPF`` with ``rq = resonance.linexp(0, 1, 1,
0.001)``): ``k = 0.001 ** resonance``, so resonance 0 is Q = 1 and 1 is Q = 1000.

Coefficient smoothing: when the target ``g`` differs from the current one, ``g``
glides one-pole towards it (``Engine(filter_smooth_s=...)``, default 5 ms) and the
coefficients are recomputed per sample until it arrives; otherwise a constant-
coefficient loop runs. Per sample:

    v3 = x - ic2;  v1 = a1 ic1 + a2 v3;  v2 = ic2 + a2 ic1 + a3 v3
    ic1 = 2 v1 - ic1;  ic2 = 2 v2 - ic2
    low = v2;  high = x - k v1 - v2
    a1 = 1 / (1 + g (g + k)),  a2 = g a1,  a3 = g a2
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["svf_g", "svf_k", "svf_run", "FC_MIN_HZ", "FC_MAX_FRACTION"]

FC_MIN_HZ = 10.0
FC_MAX_FRACTION = 0.45
K_MIN = 0.001


@njit(cache=True, nogil=True)
def svf_g(fc, sr):
    """Prewarped integrator gain for cutoff ``fc`` Hz (clamped to [10, 0.45 sr])."""
    hi = FC_MAX_FRACTION * sr
    if not fc > FC_MIN_HZ:
        fc = FC_MIN_HZ
    elif fc > hi:
        fc = hi
    return math.tan(math.pi * fc / sr)


@njit(cache=True, nogil=True)
def svf_k(resonance):
    """Damping ``k = 1/Q`` from SuperDirt's 0..1 resonance."""
    r = resonance
    if not math.isfinite(r) or r < 0.0:
        r = 0.0
    elif r > 1.0:
        r = 1.0
    return max(K_MIN ** r, K_MIN)


@njit(cache=True, nogil=True)
def svf_run(buf, o0, m, highpass, g, gt, k, ic1, ic2, smooth):
    """Filter ``buf[o0:o0+m]`` in place; returns the new (g, ic1, ic2).

    ``smooth`` is the one-pole coefficient of the g glide (0 < smooth <= 1).
    """
    if g == gt:
        a1 = 1.0 / (1.0 + g * (g + k))
        a2 = g * a1
        a3 = g * a2
        for j in range(o0, o0 + m):
            x = np.float64(buf[j])
            v3 = x - ic2
            v1 = a1 * ic1 + a2 * v3
            v2 = ic2 + a2 * ic1 + a3 * v3
            ic1 = 2.0 * v1 - ic1
            ic2 = 2.0 * v2 - ic2
            if highpass:
                buf[j] = np.float32(x - k * v1 - v2)
            else:
                buf[j] = np.float32(v2)
        return g, ic1, ic2
    for j in range(o0, o0 + m):
        if g != gt:
            g += (gt - g) * smooth
            if abs(gt - g) <= 1e-9 * gt:
                g = gt
        a1 = 1.0 / (1.0 + g * (g + k))
        a2 = g * a1
        a3 = g * a2
        x = np.float64(buf[j])
        v3 = x - ic2
        v1 = a1 * ic1 + a2 * v3
        v2 = ic2 + a2 * ic1 + a3 * v3
        ic1 = 2.0 * v1 - ic1
        ic2 = 2.0 * v2 - ic2
        if highpass:
            buf[j] = np.float32(x - k * v1 - v2)
        else:
            buf[j] = np.float32(v2)
    return g, ic1, ic2
