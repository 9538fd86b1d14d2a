"""Per-voice (per-event) effects with SuperDirt's semantics: vowel, shape, bandf/bandq,
crush, coarse, and the sends (room, delay) to the voice's orbit.

SuperDirt runs one effect synth per module an event asks for, in the module order of
``synths/core-modules.scd``: sound -> vowel -> shape -> hpf -> bpf -> crush -> coarse ->
lpf; then the gate applies amp and the envelope. The voice renders its sample into its
scratch buffer and runs the same chain there (``voices._render_one``); amp and pan are
applied when the result is mixed into the bus and the sends. (SuperDirt pans the sample
before the chain: for the non-linear shape and crush a centred mono sample drives them
3 dB harder there than here.) Formulas, from ``synths/core-synths.scd``:

- vowel (``dirt_vowel``): five parallel SuperCollider ``BPF``s at the formants of the
  vowel (``Vowel(v, \\counterTenor)``: the published Csound formant table), gains
  ``dbamp(dB) * linlin(resonance, 0, 1, 50, 200)``, ``rq = (bw / f) /
  linlin(resonance, 0, 1, 0.1, 0.5)``; the sum is cross-faded with the input by
  ``XFade2(in, voweled, linlin(resonance, 0, 1, -0.5, 1), level 0.25)`` (equal power:
  ``in * 0.25 cos(pi/2 p) + voweled * 0.25 sin(pi/2 p)``, ``p = (pan + 1) / 2``).
  ``resonance`` is the event's (T_RESONANCE; NaN: the synth's default 0.5).
- shape (``dirt_shape``): ``s = min(shape, 1 - 4e-10)``, ``k = 2 s / (1 - s)``,
  ``y = (1 + k) x / (1 + k |x|)``.
- bandf/bandq (``dirt_bpf``): ``BPF(x, max(20, bandf), 1 / max(1, bandq)) * max(1, bandq)``.
- crush (``dirt_crush``): ``round(x, 0.5 ** (crush - 1))`` (round to a multiple of the step).
- coarse (``dirt_coarse``, on when coarse > 1): ``Latch(x, Impulse(sr / coarse))``: the
  input is held for ``coarse`` frames; the hold is taken at voice time ``t`` whenever
  ``floor(t / coarse)`` changes (and at t = 0), so fractional factors work too.

SuperCollider's ``BPF`` (a 2-pole band-pass with unit gain at the centre): ``w = 2 pi f /
sr``, ``b = rq w / 2``, ``C = 1 / tan(b)``, ``D = 2 cos(w)``, ``a0 = 1 / (1 + C)``,
``b1 = C D a0``, ``b2 = (1 - C) a0``; per sample ``y0 = x + b1 y1 + b2 y2``, ``out =
a0 (y0 - y2)``. The filter states are float64, the buffer float32.

Per-voice parameters are fixed for the life of the voice (SuperDirt's ``\\ir``
controls), so there is nothing to smooth; the voice's envelope starts and ends every
effect at silence. Every value is sanitised here: non-finite or silly values switch
the effect off or are clamped (documented next to each).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..layout import (ORBIT_PARAMS, T_BANDF, T_BANDQ, T_COARSE, T_CRUSH, T_CUTOFF, T_DELAY,
                      T_HCUTOFF, T_RESONANCE, T_ROOM, T_SHAPE, T_VOWEL)
from ..state import (VF_BP1A, VF_BP1B, VF_BP2A, VF_BP2B, VF_BPA0, VF_BPB1, VF_BPB2, VF_COARSE,
                     VF_CRUSH, VF_DELAY, VF_HOLDA, VF_HOLDB, VF_ROOM, VF_SHAPE, VF_VDRY,
                     VF_VOW, VF_VOWS, VI_FILT)

__all__ = ["FX_LP", "FX_HP", "FX_BP", "FX_SHAPE", "FX_CRUSH", "FX_COARSE", "FX_VOWEL",
           "FX_SEND", "FX_CHAIN", "VOWEL_TABLE", "prepare_voicefx", "bpf_coefs", "bpf_run",
           "shape_run", "crush_run", "coarse_run", "vowel_run", "vowel_coefs"]

# bits of vi[v, VI_FILT]: which stages the voice runs (0: none, the fast mix path)
FX_LP = 1
FX_HP = 2
FX_BP = 4
FX_SHAPE = 8
FX_CRUSH = 16
FX_COARSE = 32
FX_VOWEL = 64
FX_SEND = 128      # room or delay > 0: mixed into the orbit's sends as well
FX_CHAIN = FX_BP | FX_SHAPE | FX_CRUSH | FX_COARSE | FX_VOWEL

BPF_MIN_HZ = 20.0          # dirt_bpf: max(20, bandf)
FC_MAX_FRACTION = 0.45     # centre frequencies at most 0.45 sr (below Nyquist)
BANDQ_MAX = 1.0e4
CRUSH_MAX = 64.0
COARSE_MAX = 1.0e6
SEND_MAX = 10.0
SHAPE_MAX = 1.0 - 4e-10
VOWEL_DEFAULT_RESONANCE = 0.5

# Vowel(v, \counterTenor) (SuperDirt's register): the Csound manual's formant table.
# rows a e i o u; per formant: frequency Hz, level dB, bandwidth Hz
VOWEL_TABLE = np.array([
    [[660, 0, 80], [1120, -6, 90], [2750, -23, 120], [3000, -24, 130], [3350, -38, 140]],
    [[440, 0, 70], [1800, -14, 80], [2700, -18, 100], [3000, -20, 120], [3300, -20, 120]],
    [[270, 0, 40], [1850, -24, 90], [2900, -24, 100], [3350, -36, 120], [3590, -36, 120]],
    [[430, 0, 40], [820, -10, 80], [2700, -26, 100], [3000, -22, 120], [3300, -34, 120]],
    [[370, 0, 40], [630, -20, 60], [2750, -23, 100], [3000, -30, 120], [3400, -34, 120]],
], dtype=np.float64)


@njit(cache=True, nogil=True)
def _clamp(x, lo, hi):
    return lo if x < lo else (hi if x > hi else x)


@njit(cache=True, nogil=True)
def bpf_coefs(freq, rq, sr):
    """SuperCollider BPF coefficients (a0, b1, b2) for centre ``freq`` Hz, ``rq`` =
    bandwidth / centre. The centre is clamped to [20 Hz, 0.45 sr] and the half
    bandwidth angle to (0, 1.5] rad, so the filter is always stable."""
    f = _clamp(freq, BPF_MIN_HZ, FC_MAX_FRACTION * sr)
    w = 2.0 * math.pi * f / sr
    b = _clamp(rq * w * 0.5, 1e-7, 1.5)
    c = 1.0 / math.tan(b)
    d = 2.0 * math.cos(w)
    a0 = 1.0 / (1.0 + c)
    return a0, c * d * a0, (1.0 - c) * a0


@njit(cache=True, nogil=True)
def vowel_coefs(vowel, resonance, sr, out, o):
    """Fill ``out[o:o+15]`` with (gain * a0, b1, b2) of the five formant BPFs of vowel
    1..5 (a e i o u) and return the dry gain of dirt_vowel's cross-fade."""
    res = resonance if math.isfinite(resonance) else VOWEL_DEFAULT_RESONANCE
    res = _clamp(res, 0.0, 1.0)
    amp_scale = 50.0 + 150.0 * res                 # linlin(0, 1, 50, 200)
    rq_div = 0.1 + 0.4 * res                       # linlin(0, 1, 1/10, 1/2)
    pos = (res * 1.5 - 0.5 + 1.0) * 0.5            # XFade2 pan linlin(0, 1, -0.5, 1) -> 0..1
    dry = 0.25 * math.cos(0.5 * math.pi * pos)
    wet = 0.25 * math.sin(0.5 * math.pi * pos)
    k = vowel - 1
    for i in range(5):
        f = VOWEL_TABLE[k, i, 0]
        amp = 10.0 ** (VOWEL_TABLE[k, i, 1] / 20.0) * amp_scale
        rq = (VOWEL_TABLE[k, i, 2] / f) / rq_div
        a0, b1, b2 = bpf_coefs(f, rq, sr)
        out[o + 3 * i] = a0 * amp * wet
        out[o + 3 * i + 1] = b1
        out[o + 3 * i + 2] = b2
    return dry


@njit(cache=True, nogil=True)
def prepare_voicefx(row, sr, tf, ti):
    """Fill the effect columns of a voice from its trigger row and OR the stages it
    needs into ``ti[VI_FILT]``. NaN or 0 switch an effect off."""
    filt = ti[VI_FILT]
    bf = row[T_BANDF]
    if math.isfinite(bf) and bf > 0.0:
        q = row[T_BANDQ]
        q = _clamp(q, 1.0, BANDQ_MAX) if math.isfinite(q) else 1.0
        a0, b1, b2 = bpf_coefs(bf, 1.0 / q, sr)
        tf[VF_BPA0] = a0 * q                       # * max(bandq, 1): the makeup gain
        tf[VF_BPB1] = b1
        tf[VF_BPB2] = b2
        filt |= FX_BP
    sh = row[T_SHAPE]
    if math.isfinite(sh) and sh > 0.0:
        s = min(sh, SHAPE_MAX)
        tf[VF_SHAPE] = 2.0 * s / (1.0 - s)
        filt |= FX_SHAPE
    cr = row[T_CRUSH]
    if math.isfinite(cr) and cr > 0.0:
        tf[VF_CRUSH] = 0.5 ** (min(cr, CRUSH_MAX) - 1.0)
        filt |= FX_CRUSH
    co = row[T_COARSE]
    if math.isfinite(co) and co > 1.0:
        tf[VF_COARSE] = min(co, COARSE_MAX)
        filt |= FX_COARSE
    vw = row[T_VOWEL]
    if math.isfinite(vw) and vw >= 1.0 and vw < 6.0:
        tf[VF_VDRY] = vowel_coefs(np.int64(vw), row[T_RESONANCE], sr, tf, VF_VOW)
        filt |= FX_VOWEL
    room = row[T_ROOM]
    dly = row[T_DELAY]
    room = _clamp(room, 0.0, SEND_MAX) if math.isfinite(room) else 0.0
    dly = _clamp(dly, 0.0, SEND_MAX) if math.isfinite(dly) else 0.0
    tf[VF_ROOM] = room
    tf[VF_DELAY] = dly
    if room > 0.0 or dly > 0.0:
        filt |= FX_SEND
    ti[VI_FILT] = filt


@njit(cache=True, nogil=True)
def bpf_run(buf, o0, m, a0, b1, b2, y1, y2):
    """SuperCollider's BPF on ``buf[o0:o0+m]`` in place (``a0`` may carry a gain);
    returns the new (y1, y2)."""
    for j in range(o0, o0 + m):
        y0 = np.float64(buf[j]) + b1 * y1 + b2 * y2
        buf[j] = np.float32(a0 * (y0 - y2))
        y2 = y1
        y1 = y0
    return y1, y2


@njit(cache=True, nogil=True)
def shape_run(buf, o0, m, k):
    """dirt_shape: ``(1 + k) x / (1 + k |x|)``."""
    g = 1.0 + k
    for j in range(o0, o0 + m):
        x = np.float64(buf[j])
        buf[j] = np.float32(g * x / (1.0 + k * abs(x)))


@njit(cache=True, nogil=True)
def crush_run(buf, o0, m, step):
    """dirt_crush: round to the nearest multiple of ``step`` (halves round up)."""
    inv = 1.0 / step
    for j in range(o0, o0 + m):
        x = np.float64(buf[j])
        buf[j] = np.float32(math.floor(x * inv + 0.5) * step)


@njit(cache=True, nogil=True)
def coarse_run(buf, o0, m, t0, period, hold):
    """dirt_coarse: sample-and-hold; a new value is taken at voice time ``t`` when
    ``t == 0`` or ``floor(t / period)`` changed. Returns the held value."""
    inv = 1.0 / period
    prev = math.floor((t0 - 1) * inv) if t0 > 0 else -1.0
    for j in range(o0, o0 + m):
        t = t0 + (j - o0)
        cur = math.floor(t * inv)
        if cur != prev:
            hold = np.float64(buf[j])
            prev = cur
        buf[j] = np.float32(hold)
    return hold


@njit(cache=True, nogil=True)
def vowel_run(buf, o0, m, vf, v, so):
    """dirt_vowel on ``buf[o0:o0+m]`` for voice ``v``: five BPFs (coefficients
    ``vf[v, VF_VOW:VF_VOW+15]``, gains in the a0s) summed, plus ``vf[v, VF_VDRY]`` times
    the input; ``vf[v, so:so+10]`` holds the (y1, y2) of each formant and is updated
    (indices, not views: no reference counting). False if a state went non-finite."""
    co = VF_VOW
    dry = vf[v, VF_VDRY]
    a00, b10, b20 = vf[v, co], vf[v, co + 1], vf[v, co + 2]
    a01, b11, b21 = vf[v, co + 3], vf[v, co + 4], vf[v, co + 5]
    a02, b12, b22 = vf[v, co + 6], vf[v, co + 7], vf[v, co + 8]
    a03, b13, b23 = vf[v, co + 9], vf[v, co + 10], vf[v, co + 11]
    a04, b14, b24 = vf[v, co + 12], vf[v, co + 13], vf[v, co + 14]
    p0, q0, p1, q1 = vf[v, so], vf[v, so + 1], vf[v, so + 2], vf[v, so + 3]
    p2, q2, p3, q3 = vf[v, so + 4], vf[v, so + 5], vf[v, so + 6], vf[v, so + 7]
    p4, q4 = vf[v, so + 8], vf[v, so + 9]
    for j in range(o0, o0 + m):
        x = np.float64(buf[j])
        y0 = x + b10 * p0 + b20 * q0
        y1 = x + b11 * p1 + b21 * q1
        y2 = x + b12 * p2 + b22 * q2
        y3 = x + b13 * p3 + b23 * q3
        y4 = x + b14 * p4 + b24 * q4
        out = (dry * x + a00 * (y0 - q0) + a01 * (y1 - q1) + a02 * (y2 - q2)
               + a03 * (y3 - q3) + a04 * (y4 - q4))
        q0 = p0
        p0 = y0
        q1 = p1
        p1 = y1
        q2 = p2
        p2 = y2
        q3 = p3
        p3 = y3
        q4 = p4
        p4 = y4
        buf[j] = np.float32(out)
    vf[v, so] = p0
    vf[v, so + 1] = q0
    vf[v, so + 2] = p1
    vf[v, so + 3] = q1
    vf[v, so + 4] = p2
    vf[v, so + 5] = q2
    vf[v, so + 6] = p3
    vf[v, so + 7] = q3
    vf[v, so + 8] = p4
    vf[v, so + 9] = q4
    return (math.isfinite(p0) and math.isfinite(p1) and math.isfinite(p2)
            and math.isfinite(p3) and math.isfinite(p4))


@njit(cache=True, nogil=True)
def wants_a_voice(row):
    """True if a trigger asks for something only a voice has: a filter (as
    ``prepare_sampler`` switches them on), an effect or a send (as ``prepare_voicefx``
    does), or an orbit parameter. A single grain with any of these plays as a cloud of
    itself (render.py); keep this in step with the two preparers."""
    for c in (T_CUTOFF, T_HCUTOFF, T_BANDF, T_SHAPE, T_CRUSH, T_ROOM, T_DELAY):
        x = row[c]
        if math.isfinite(x) and x > 0.0:
            return True
    co = row[T_COARSE]
    if math.isfinite(co) and co > 1.0:
        return True
    vw = row[T_VOWEL]
    if math.isfinite(vw) and vw >= 1.0 and vw < 6.0:
        return True
    for c in ORBIT_PARAMS:
        if math.isfinite(row[c]):
            return True
    return False
