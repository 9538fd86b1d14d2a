"""The sampler voice: trigger -> voice parameters, and the per-block read loops.

Semantics (SuperDirt's ``DirtEvent`` and ``dirt_sample``, in output frames):

- rate. ``r0 = speed * u * 2**(note/12) * ratio`` source frames per output frame, where
  ``u`` is 1 for unit "r", ``cps * sample_seconds`` for unit "c" (the whole sample
  lasts 1/speed cycles) and ``sample_seconds`` for unit "s" (it lasts 1/speed seconds);
  ``ratio`` is sample rate / engine rate. ``accelerate`` adds ``accel`` speed units per
  second (SuperDirt: ``rate = speed + Sweep.kr(accelerate)``; it is not scaled by the
  unit, it is by note and ratio). Read position: ``D(t) = |r0| t + had t^2`` source
  frames travelled after ``t`` output frames (exact, so any block split gives the same
  samples).
- direction. Negative speed plays backwards. ``begin > end`` plays the segment
  ``[end, begin]`` reversed (SuperDirt's ``orderRange``); both flips multiply.
  Forwards the read position runs ``lo, lo + r, ...`` up to ``hi``; backwards
  ``hi - 1, hi - 1 - r, ...`` (so speed -1 over a whole sample is exactly ``x[::-1]``).
- loop N: the segment repeats N times (position wraps); natural length is the first
  ``t`` with ``D(t) >= N * (hi - lo)`` or, if deceleration turns it round, ``D(t) < 0``.
- envelope. Attack ``A`` frames: ``env = t / A``; then 1; the release starts at the
  gate ``G`` and lasts ``R`` frames: ``env = e_G * (1 - (t - G + 1) / R)`` (reaches 0
  on the last frame). ``G = sustain`` (frames) or, if sustain < 0, ``nat - R``; it is
  always clipped so the release ends by the natural end; A and R are at most 0.19098
  of the natural length (SuperDirt's fade rule). A cut or a steal moves the gate to the
  cutting frame with a fade of ``Engine(fade_s=0.005)``.
- interpolation: 4-point cubic Hermite (as SuperCollider's BufRd interpolation 4) or
  linear ``s = x[i] + f (x[i+1] - x[i])``.
- pan: equal power, ``L *= cos(pan pi/2)``, ``R *= sin(pan pi/2)``, on each channel.

Every trigger field is sanitised here: non-finite values fall back to defaults or make
the trigger rejected (never a NaN voice).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..layout import (INTERP_LINEAR, REJ_SILENT, T_ACCEL, T_AMP, T_ATTACK, T_BEGIN, T_CPS,
                      T_CUT, T_CUTOFF, T_END, T_EVENT, T_HCUTOFF, T_HRESONANCE, T_INTERP,
                      T_LOOP, T_NOTE, T_ORBIT, T_PAN, T_RELEASE, T_RESONANCE, T_SLOT,
                      T_SPEED, T_SUSTAIN, T_UNIT, UNIT_CYCLES, UNIT_SECONDS)
from ..state import (VF_AMP, VF_BASE, VF_DIR, VF_EG, VF_GL, VF_GR, VF_HAD, VF_HPG, VF_HPGT,
                     VF_HPK, VF_INVA, VF_INVR, VF_LPG, VF_LPGT, VF_LPK, VF_RD, VF_SEGLEN,
                     VF_XHI, VF_XLO, VI_A, VI_CUT, VI_EVENT, VI_FILT, VI_GATE, VI_INTERP,
                     VI_LIFE, VI_LOOP, VI_NAT, VI_ORBIT, VI_R, VI_SLOT, VI_STEREO)
from .filters import svf_g, svf_k

__all__ = ["prepare_sampler", "natural_frames", "read_span", "env_at", "MAX_LIFE"]

MAX_LIFE = 1 << 40          # frames (~7 centuries at 48 kHz): "forever"
AMP_MAX = 1.0e4             # +80 dB; the limiter takes it from there
NOTE_MAX = 480.0            # 40 octaves either way
ACCEL_MAX = 1.0e6
LOOP_MAX = 1.0e6
FADE_FRACTION = 0.19098     # SuperDirt: fadeTime = min(fadeTime, sustain * 0.19098)
DEFAULT_ATTACK_S = 0.001
DEFAULT_RELEASE_S = 0.005


@njit(cache=True, nogil=True)
def _in_range(t, rd, had, total):
    tt = np.float64(t)
    d = tt * (rd + had * tt)
    return d >= 0.0 and d < total


@njit(cache=True, nogil=True)
def natural_frames(rd, had, total):
    """Frames t = 0, 1, ... for which ``0 <= D(t) < total`` with ``D = t (rd + had t)``.

    ``rd > 0``. Solved in closed form, then corrected against the exact expression
    the read loop uses, so the last frame read is always inside the segment.
    """
    disc = rd * rd + 4.0 * had * total
    if had >= 0.0 or disc >= 0.0:
        t = 2.0 * total / (rd + math.sqrt(max(disc, 0.0)))
    else:
        t = -rd / had        # turns round before the end: back at D = 0 here
    if not t < MAX_LIFE:     # also catches NaN
        life = np.int64(MAX_LIFE)
    else:
        life = np.int64(math.ceil(t))
        if life < 1:
            life = np.int64(1)
    for _ in range(8):
        if life > 0 and not _in_range(life - 1, rd, had, total):
            life -= 1
        else:
            break
    for _ in range(8):
        if life < MAX_LIFE and _in_range(life, rd, had, total):
            life += 1
        else:
            break
    return life


@njit(cache=True, nogil=True)
def _finite_or(x, default):
    return x if math.isfinite(x) else default


@njit(cache=True, nogil=True)
def _clamp(x, lo, hi):
    return lo if x < lo else (hi if x > hi else x)


@njit(cache=True, nogil=True)
def _to_int(x, default, lo, hi):
    if not math.isfinite(x):
        return np.int64(default)
    return np.int64(_clamp(np.float64(math.floor(x)), np.float64(lo), np.float64(hi)))


@njit(cache=True, nogil=True)
def prepare_sampler(row, sr, off, length, ratio, stereo, tf, ti):
    """Fill the voice columns ``tf`` (float) / ``ti`` (int) from a trigger row.

    ``off``/``length`` locate the sample in the arena. Returns 0, or a ``REJ_*``
    reason if the trigger would be silent. Start frame, state, sample, sequence and
    event are filled in by the caller.
    """
    speed = row[T_SPEED]
    if not math.isfinite(speed) or speed == 0.0:
        return REJ_SILENT
    amp = _clamp(_finite_or(row[T_AMP], 0.0), -AMP_MAX, AMP_MAX)
    pan = _clamp(_finite_or(row[T_PAN], 0.5), 0.0, 1.0)
    b = _clamp(_finite_or(row[T_BEGIN], 0.0), 0.0, 1.0)
    e = _clamp(_finite_or(row[T_END], 1.0), 0.0, 1.0)
    note = _clamp(_finite_or(row[T_NOTE], 0.0), -NOTE_MAX, NOTE_MAX)
    accel = _clamp(_finite_or(row[T_ACCEL], 0.0), -ACCEL_MAX, ACCEL_MAX)
    unit = _to_int(row[T_UNIT], 0.0, 0.0, 3.0)
    seconds = length / (ratio * sr)
    uf = 1.0
    if unit == UNIT_CYCLES:
        cps = row[T_CPS]
        if not math.isfinite(cps) or cps <= 0.0:
            return REJ_SILENT
        uf = cps * seconds
    elif unit == UNIT_SECONDS:
        uf = seconds
    pitch = 2.0 ** (note / 12.0)
    r0 = speed * uf * pitch * ratio
    a1 = accel * pitch * ratio / sr          # rate change per output frame
    if not math.isfinite(r0) or abs(r0) < 1e-12 or not math.isfinite(a1):
        return REJ_SILENT
    seg_dir = -1.0 if b > e else 1.0
    lo = min(b, e) * length
    hi = max(b, e) * length
    seglen = hi - lo
    if not seglen > 0.0:
        return REJ_SILENT
    sgn = 1.0 if r0 > 0.0 else -1.0
    direction = sgn * seg_dir
    rd = abs(r0)
    had = 0.5 * a1 * sgn
    loops = math.floor(_clamp(_finite_or(row[T_LOOP], 1.0), 1.0, LOOP_MAX))
    nat = natural_frames(rd, had, loops * seglen)
    if nat < 1:
        return REJ_SILENT
    att_s = _finite_or(row[T_ATTACK], DEFAULT_ATTACK_S)
    if att_s == 0.0:
        att_s = DEFAULT_ATTACK_S
    rel_s = _finite_or(row[T_RELEASE], DEFAULT_RELEASE_S)
    if rel_s == 0.0:
        rel_s = DEFAULT_RELEASE_S
    a_fr = np.int64(round(_clamp(att_s, 0.0, 60.0) * sr))
    r_fr = np.int64(round(_clamp(rel_s, 0.0, 60.0) * sr))
    cap = np.int64(nat * FADE_FRACTION)
    if a_fr > cap:
        a_fr = cap
    if r_fr > cap:
        r_fr = cap
    if r_fr < 1:
        r_fr = np.int64(1)
    sus = row[T_SUSTAIN]
    gate = nat - r_fr
    if math.isfinite(sus) and sus >= 0.0 and sus < gate:
        gate = np.int64(sus)
    if gate < 0:
        gate = np.int64(0)
    life = gate + r_fr
    if life > nat:
        life = nat

    base = lo if direction > 0.0 else hi - 1.0
    tf[VF_BASE] = off + base
    tf[VF_DIR] = direction
    tf[VF_RD] = rd
    tf[VF_HAD] = had
    tf[VF_SEGLEN] = seglen
    th = pan * (math.pi / 2.0)
    tf[VF_GL] = amp * math.cos(th)
    tf[VF_GR] = amp * math.sin(th)
    tf[VF_AMP] = abs(amp)
    tf[VF_EG] = 1.0 if a_fr == 0 or gate >= a_fr else gate / a_fr
    tf[VF_INVA] = 1.0 / a_fr if a_fr > 0 else 0.0
    tf[VF_INVR] = 1.0 / r_fr
    tf[VF_XLO] = off - 2.0
    tf[VF_XHI] = off + length + 1.0
    filt = 0
    lpc = row[T_CUTOFF]
    if math.isfinite(lpc) and lpc > 0.0:
        filt |= 1
        g = svf_g(lpc, sr)
        tf[VF_LPG] = g
        tf[VF_LPGT] = g
        tf[VF_LPK] = svf_k(_finite_or(row[T_RESONANCE], 0.0))
    hpc = row[T_HCUTOFF]
    if math.isfinite(hpc) and hpc > 0.0:
        filt |= 2
        g = svf_g(hpc, sr)
        tf[VF_HPG] = g
        tf[VF_HPGT] = g
        tf[VF_HPK] = svf_k(_finite_or(row[T_HRESONANCE], 0.0))
    ti[VI_FILT] = filt
    ti[VI_A] = a_fr
    ti[VI_GATE] = gate
    ti[VI_R] = r_fr
    ti[VI_LIFE] = life
    ti[VI_NAT] = nat
    ti[VI_STEREO] = 1 if stereo else 0
    ti[VI_INTERP] = 1 if _to_int(row[T_INTERP], 0.0, 0.0, 1.0) == INTERP_LINEAR else 0
    ti[VI_LOOP] = 1 if loops > 1.0 else 0
    ti[VI_CUT] = _to_int(row[T_CUT], 0.0, -1e9, 1e9)
    ti[VI_ORBIT] = _to_int(row[T_ORBIT], 0.0, 0.0, 1e9)
    ti[VI_SLOT] = _to_int(row[T_SLOT], -1.0, -1e15, 1e15)
    ti[VI_EVENT] = _to_int(row[T_EVENT], -1.0, -1e15, 1e15)
    return 0


@njit(cache=True, nogil=True)
def _cubic(y0, y1, y2, y3, f):
    c1 = np.float32(0.5) * (y2 - y0)
    c2 = y0 - np.float32(2.5) * y1 + np.float32(2.0) * y2 - np.float32(0.5) * y3
    c3 = np.float32(0.5) * (y3 - y0) + np.float32(1.5) * (y1 - y2)
    return ((c3 * f + c2) * f + c1) * f + y1


@njit(cache=True, nogil=True)
def _fast(src0, src1, STEREO, LINEAR, ENV, t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0):
    """The common inner loop: mixed straight into the bus, no loop, no acceleration,
    read positions checked in bounds by the caller. Upper-case flags are literals, so
    numba compiles one branch-free loop per combination (``read_span`` picks it).
    Indices are unsigned (known >= 0) so numba emits no negative-index wrap-around."""
    one = np.uint64(1)
    two = np.uint64(2)
    for j in range(m):
        tt = np.float64(t0 + j)
        x = base + tt * rds
        i = np.int64(x)
        f = np.float32(x - i)
        u = np.uint64(i)
        k = np.uint64(o0 + j)
        if LINEAR:
            a = src0[u]
            s = a + f * (src0[u + one] - a)
        else:
            s = _cubic(src0[u - one], src0[u], src0[u + one], src0[u + two], f)
        if STEREO:
            if LINEAR:
                b = src1[u]
                s1 = b + f * (src1[u + one] - b)
            else:
                s1 = _cubic(src1[u - one], src1[u], src1[u + one], src1[u + two], f)
        else:
            s1 = s
        if ENV:
            env = np.float32(c0 + c1 * (tt - tref))
            s = s * env
            s1 = s1 * env
        d0[k] += s * gl
        d1[k] += s1 * gr


@njit(cache=True, nogil=True)
def _generic(src0, src1, stereo, linear, looping, mix, t0, m, base, direction, rd, had, seglen,
             xlo, xhi, c0, c1, tref, gl, gr, d0, d1, o0):
    """Every case (loop, accelerate, positions clamped to the sample): branches per
    sample, used for the rarer voices. Same arithmetic as ``_fast`` where they overlap."""
    for j in range(m):
        tt = np.float64(t0 + j)
        d = tt * (rd + had * tt)
        if looping:
            d = d - seglen * math.floor(d / seglen)
        x = min(max(base + direction * d, xlo), xhi)
        i = np.int64(x)
        f = np.float32(x - i)
        if linear:
            a = src0[i]
            s = a + f * (src0[i + 1] - a)
        else:
            s = _cubic(src0[i - 1], src0[i], src0[i + 1], src0[i + 2], f)
        if stereo:
            if linear:
                b = src1[i]
                s1 = b + f * (src1[i + 1] - b)
            else:
                s1 = _cubic(src1[i - 1], src1[i], src1[i + 1], src1[i + 2], f)
        else:
            s1 = s
        env = np.float32(c0 + c1 * (tt - tref))
        s = s * env
        s1 = s1 * env
        if mix:
            d0[o0 + j] += s * gl
            d1[o0 + j] += s1 * gr
        else:
            d0[o0 + j] = s
            if stereo:
                d1[o0 + j] = s1


@njit(cache=True, nogil=True)
def read_span(src0, src1, stereo, linear, looping, mix, t0, m, base, direction, rd, had,
              seglen, xlo, xhi, c0, c1, tref, gl, gr, d0, d1, o0):
    """Voice time ``t0..t0+m-1`` -> ``d*[o0:o0+m]``: added with gains ``gl``/``gr`` if
    ``mix``, else written (for filtering). Envelope ``c0 + c1 (t - tref)``.

    Picks a loop once per span. The common case (no loop, no acceleration; mixed
    straight into the bus, or written into the scratch for the voice's effects) runs
    one of 8 specialised branch-free loops, which need no clamp: the read position is
    linear in t, so checking both ends of the span bounds all of it. Looping and
    accelerating voices take the general loop.
    """
    if m <= 0:
        return
    rds = direction * rd
    fast = not looping and had == 0.0
    if fast:
        x_first = base + np.float64(t0) * rds
        x_last = base + np.float64(t0 + m - 1) * rds
        fast = (x_first >= xlo and x_first <= xhi and x_last >= xlo and x_last <= xhi)
    if not fast:
        _generic(src0, src1, stereo, linear, looping, mix, t0, m, base, direction, rd, had,
                 seglen, xlo, xhi, c0, c1, tref, gl, gr, d0, d1, o0)
        return
    if not mix:
        # written for the voice's effects: the same loop, added with gain 1 into zeros
        # (bit for bit what the general loop writes)
        for j in range(o0, o0 + m):
            d0[j] = 0.0
            d1[j] = 0.0
        gl = np.float32(1.0)
        gr = np.float32(1.0)
    env = not (c0 == 1.0 and c1 == 0.0)
    if stereo:
        if linear:
            if env:
                _fast(src0, src1, True, True, True,
                      t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0)
            else:
                _fast(src0, src1, True, True, False,
                      t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0)
        else:
            if env:
                _fast(src0, src1, True, False, True,
                      t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0)
            else:
                _fast(src0, src1, True, False, False,
                      t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0)
    else:
        if linear:
            if env:
                _fast(src0, src1, False, True, True,
                      t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0)
            else:
                _fast(src0, src1, False, True, False,
                      t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0)
        else:
            if env:
                _fast(src0, src1, False, False, True,
                      t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0)
            else:
                _fast(src0, src1, False, False, False,
                      t0, m, base, rds, c0, c1, tref, gl, gr, d0, d1, o0)


@njit(cache=True, nogil=True)
def env_at(t, a_fr, inva, gate, eg, invr, life):
    """Envelope value at voice time ``t`` (the same formulas the read loop uses)."""
    if t >= life:
        return 0.0
    if t >= gate:
        return eg * (1.0 - (t - gate + 1) * invr)
    if a_fr > 0 and t < a_fr:
        return t * inva
    return 1.0
