"""Per-orbit global effects: a reverb and a stereo delay per orbit, as SuperDirt's
``dirt_reverb`` and ``dirt_delay`` (``synths/core-synths-global.scd``).

Routing. Every voice mixes its dry signal straight into the master bus (nothing per
orbit processes the dry signal, so plain voices keep the fast mix path) and, when it
has sends, into its orbit's send buses: ``room`` x (L + R) into the reverb's mono input
(SuperDirt sums the channels), ``delay`` x (L, R) into the delay's stereo input. The
orbit is ``T_ORBIT`` modulo ``Engine(orbits=...)`` (SuperDirt wraps orbit indices too).
The orbits' wet outputs are added to the master bus before ``master_process``.
SuperDirt's ``room`` and ``delay`` are orbit-wide levels set by the latest event;
here they are per-event sends, which is the same when the events of an orbit agree
and lets them differ.

Orbit parameters (``T_SIZE``, ``T_DRY``, ``T_DELAYTIME``, ``T_DELAYFB``, ``T_LOCK``) are
taken from a trigger only where its column is finite (NaN: leave as is), as SuperDirt's
global effects take the values of the events that carry them; ``T_CPS`` of every
trigger is the orbit's tempo for ``lock``. A change takes effect at the trigger's frame
(queued per block in ``fxf``, applied at its frame offset by the orbit pass) and glides
there: gains with a one-pole lag (``Engine(fx_glide_s=0.02)``, SuperCollider ``Lag``
semantics: 60 dB in that time), the delay time with ``Engine(delay_glide_s=0.3)``.

Reverb (``size``, ``dry``): an 8-line feedback delay network (lines 37-74 ms, prime
lengths at 48 kHz), Hadamard feedback matrix, a one-pole low-pass (pole 0.15) in
every line, fed through 4 Schroeder all-pass diffusers (g 0.6); even lines to the left,
odd lines to the right. ``size`` sets the decay as SuperDirt's loop gain does there
(``depth = size.linexp(0, 1, 0.01, 0.98)`` per ~0.225 s trip): ``T60 = 0.675 /
-log10(0.01 * 98 ** size)`` seconds (0.34 s at 0, 0.67 s at 0.5, 3.2 s at 0.9, capped
at 60 s), each line's gain ``10 ** (-3 L / (T60 sr))``. ``dry``: the wet output is
scaled by ``1 - dry`` (dirt_reverb's ``snd * (1 - dry)``). Defaults as dirt_reverb /
DirtOrbit: size 0.1, dry 0.

Delay (``delaytime``, ``delayfeedback``, ``lock``): per channel ``y[n] = d[n - D]``,
``d[n] = x[n] + fb y[n]`` (SuperDirt's CombL form: the first echo at D, then each
``fb`` times the previous), read with linear interpolation at a fractional, gliding
``D``. ``D = delaytime`` seconds, times ``1 / cps`` with ``lock`` 1, clipped to
[1 frame, ``Engine(max_delay_s=4)``]; ``fb`` clipped to [0, 0.99]. Defaults 0.25 s and
0.5 (Strudel's; SuperDirt's synth defaults of 0 make ``delay`` alone inaudible).

Sleep. Each effect of each orbit runs only while it is awake: it wakes at the first
frame with a non-zero input and falls asleep after its input has been zero and its
output below 1e-6 (-120 dB) for longer than its longest line (reverb: twice its longest
line plus the diffusers; delay: D + 64 frames). Both are decided per frame, so the
output does not depend on how the stream is cut into blocks; a sleeping effect costs
nothing, and parameter changes while asleep apply at once (no glide: nothing sounds).
A non-finite input sample is taken as 0.

State: ``fxf`` (float64): row 0 the layout and coefficients (H_*), rows 1..orbits one
row of parameters and state per orbit (O_*), then the queue of parameter changes of
the current block (Q_*). ``fxbuf`` (float32): one row per orbit holding its send buses
and every delay line (offsets in the header).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..layout import T_CPS, T_DELAYFB, T_DELAYTIME, T_DRY, T_LOCK, T_ORBIT, T_SIZE

__all__ = ["FXW", "fx_shapes", "orbits_reset", "orbit_event", "orbits_process",
           "reverb_t60", "FDN_MS", "AP_MS", "H_NORB", "O_RV_ON", "O_DL_ON"]

FXW = 64                     # columns of fxf
EPS = 1e-6                   # below this an output counts as silent
FB_MAX = 0.99
T60_MAX = 60.0
DAMP = 0.15                  # one-pole low-pass pole in every FDN line
AP_G = 0.6                   # diffuser all-pass coefficient
IN_G = 0.5                   # FDN input gain (per line, alternating signs)
OUT_G = 0.5                  # FDN output gain (4 lines per channel)
DEFAULT_SIZE = 0.1
DEFAULT_DRY = 0.0
DEFAULT_DELAYTIME = 0.25
DEFAULT_DELAYFB = 0.5
DEFAULT_CPS = 0.5
# line lengths (prime frame counts at 48 kHz; scaled for other rates)
FDN_FRAMES_48K = (1777, 1979, 2203, 2411, 2677, 2927, 3259, 3533)
AP_FRAMES_48K = (229, 173, 613, 449)
FDN_MS = tuple(1000.0 * f / 48000 for f in FDN_FRAMES_48K)
AP_MS = tuple(1000.0 * f / 48000 for f in AP_FRAMES_48K)

# --- header: fxf[0, H_*] ---------------------------------------------------------------
H_NORB = 0       # orbits
H_NQ = 1         # queued parameter changes this block
H_QROW0 = 2      # first queue row
H_QCAP = 3       # queue rows
H_SR = 4
H_KG = 5         # gain glide coefficient per frame
H_KD = 6         # delay time glide coefficient per frame
H_OFF_RV = 7     # fxbuf row offsets: reverb send (mono), delay sends L/R, delay lines L/R
H_OFF_DL = 8
H_OFF_DR = 9
H_OFF_LL = 10
H_OFF_LR = 11
H_DLEN = 12      # delay line length (frames)
H_QREV = 13      # reverb: silent frames before it sleeps
H_ROWLEN = 14
H_LLEN = 16      # 8 FDN line lengths
H_LOFF = 24      # 8 FDN line offsets
H_APLEN = 32     # 4 diffuser lengths
H_APOFF = 36     # 4 diffuser offsets

# --- orbit rows: fxf[1 + orbit, O_*] --------------------------------------------------------
O_RV_ON = 0      # reverb awake
O_RV_Q = 1       # reverb: consecutive silent frames
O_DL_ON = 2      # delay awake
O_DL_Q = 3
O_SENT_RV = 4    # a voice wrote into the reverb send this block
O_SENT_DL = 5
O_SIZE = 6       # parameters as last set
O_DRY = 7
O_DTIME = 8
O_DFB = 9
O_LOCK = 10
O_CPS = 11
O_CPS_SEEN = 12  # the tempo last queued (so unchanged tempos are not queued again)
O_WET = 13       # reverb output gain now / target (1 - dry)
O_WETT = 14
O_D = 15         # delay time in frames now / target
O_DT = 16
O_FB = 17        # feedback now / target
O_FBT = 18
O_W = 19         # delay write index
O_G = 20         # 8 FDN line gains now
O_GT = 28        # 8 targets
O_Z = 36         # 8 low-pass states
O_POS = 44       # 8 line positions
O_APPOS = 52     # 4 diffuser positions

# --- queue rows: fxf[H_QROW0 + i, Q_*] ------------------------------------------------------
Q_FRAME = 0      # frame offset in the block
Q_ORBIT = 1
Q_SIZE = 2       # NaN: unchanged
Q_DRY = 3
Q_DTIME = 4
Q_DFB = 5
Q_LOCK = 6
Q_CPS = 7


def _lengths(sr: int):
    lines = [max(16, round(f * sr / 48000)) for f in FDN_FRAMES_48K]
    aps = [max(8, round(f * sr / 48000)) for f in AP_FRAMES_48K]
    return lines, aps


def fx_shapes(n_orbits: int, sr: int, max_delay_s: float, block: int, queue_rows: int):
    """Shapes of (fxf, fxbuf) for ``n_orbits`` orbits."""
    lines, aps = _lengths(sr)
    dlen = int(math.ceil(max_delay_s * sr)) + 8
    rowlen = 3 * block + 2 * dlen + sum(lines) + sum(aps)
    return (1 + n_orbits + queue_rows, FXW), (max(n_orbits, 1), rowlen)


def reverb_t60(size: float) -> float:
    """Decay time (s) of the reverb for ``size`` (SuperDirt's loop gain per trip)."""
    s = min(max(size, 0.0), 1.0)
    return min(0.675 / -math.log10(0.01 * 98.0 ** s), T60_MAX)


def orbits_reset(fxf: np.ndarray, n_orbits: int, sr: int, max_delay_s: float, block: int,
                 glide_s: float, delay_glide_s: float) -> None:
    """Write the header and every orbit's defaults (after fxf/fxbuf were zeroed)."""
    lines, aps = _lengths(sr)
    dlen = int(math.ceil(max_delay_s * sr)) + 8
    h = fxf[0]
    h[H_NORB] = n_orbits
    h[H_NQ] = 0
    h[H_QROW0] = 1 + n_orbits
    h[H_QCAP] = fxf.shape[0] - 1 - n_orbits
    h[H_SR] = sr
    # SuperCollider Lag: 60 dB in t seconds -> one-pole coefficient 1 - 0.001 ** (1 / (t sr))
    h[H_KG] = 1.0 - 0.001 ** (1.0 / (max(glide_s, 1e-6) * sr))
    h[H_KD] = 1.0 - 0.001 ** (1.0 / (max(delay_glide_s, 1e-6) * sr))
    off = 0
    h[H_OFF_RV] = off
    off += block
    h[H_OFF_DL] = off
    off += block
    h[H_OFF_DR] = off
    off += block
    h[H_OFF_LL] = off
    off += dlen
    h[H_OFF_LR] = off
    off += dlen
    h[H_DLEN] = dlen
    for i, n in enumerate(lines):
        h[H_LLEN + i] = n
        h[H_LOFF + i] = off
        off += n
    for i, n in enumerate(aps):
        h[H_APLEN + i] = n
        h[H_APOFF + i] = off
        off += n
    h[H_ROWLEN] = off
    h[H_QREV] = 2 * max(lines) + sum(aps) + 64
    for o in range(n_orbits):
        r = fxf[1 + o]
        r[O_SIZE] = DEFAULT_SIZE
        r[O_DRY] = DEFAULT_DRY
        r[O_DTIME] = DEFAULT_DELAYTIME
        r[O_DFB] = DEFAULT_DELAYFB
        r[O_LOCK] = 0.0
        r[O_CPS] = DEFAULT_CPS
        r[O_CPS_SEEN] = DEFAULT_CPS
        _rev_targets(fxf, 1 + o)
        _dl_targets(fxf, 1 + o)
        _rev_snap(fxf, 1 + o)
        _dl_snap(fxf, 1 + o)


@njit(cache=True, nogil=True)
def _rev_targets(fxf, r):
    sr = fxf[0, H_SR]
    s = min(max(fxf[r, O_SIZE], 0.0), 1.0)
    t60 = min(0.675 / -math.log10(0.01 * 98.0 ** s), T60_MAX)
    for i in range(8):
        fxf[r, O_GT + i] = 10.0 ** (-3.0 * fxf[0, H_LLEN + i] / (t60 * sr))
    fxf[r, O_WETT] = 1.0 - min(max(fxf[r, O_DRY], 0.0), 1.0)


@njit(cache=True, nogil=True)
def _dl_targets(fxf, r):
    sr = fxf[0, H_SR]
    t = fxf[r, O_DTIME]
    if fxf[r, O_LOCK] != 0.0:
        t = t / fxf[r, O_CPS]
    d = t * sr
    hi = fxf[0, H_DLEN] - 4.0
    if not d >= 1.0:          # also NaN
        d = 1.0
    elif d > hi:
        d = hi
    fxf[r, O_DT] = d
    fxf[r, O_FBT] = min(max(fxf[r, O_DFB], 0.0), FB_MAX)


@njit(cache=True, nogil=True)
def _rev_snap(fxf, r):
    for i in range(8):
        fxf[r, O_G + i] = fxf[r, O_GT + i]
    fxf[r, O_WET] = fxf[r, O_WETT]


@njit(cache=True, nogil=True)
def _dl_snap(fxf, r):
    fxf[r, O_D] = fxf[r, O_DT]
    fxf[r, O_FB] = fxf[r, O_FBT]


@njit(cache=True, nogil=True)
def orbit_index(x, norb):
    """The orbit of a T_ORBIT value (as the voice's VI_ORBIT, modulo the orbits)."""
    if not math.isfinite(x):
        return np.int64(0)
    o = np.int64(min(max(math.floor(x), 0.0), 1e9))
    return o % norb


@njit(cache=True, nogil=True)
def orbit_event(row, off, fxf):
    """Queue the orbit parameters a started trigger carries, at frame offset ``off``
    of the current block (nothing if it carries none and the tempo is unchanged)."""
    norb = np.int64(fxf[0, H_NORB])
    if norb <= 0:
        return
    o = orbit_index(row[T_ORBIT], norb)
    r = 1 + o
    size = row[T_SIZE]
    dry = row[T_DRY]
    dtime = row[T_DELAYTIME]
    dfb = row[T_DELAYFB]
    lock = row[T_LOCK]
    cps = row[T_CPS]
    new_cps = math.isfinite(cps) and cps > 0.0 and cps != fxf[r, O_CPS_SEEN]
    if not (math.isfinite(size) or math.isfinite(dry) or math.isfinite(dtime)
            or math.isfinite(dfb) or math.isfinite(lock) or new_cps):
        return
    nq = np.int64(fxf[0, H_NQ])
    if nq >= np.int64(fxf[0, H_QCAP]):
        return
    q = np.int64(fxf[0, H_QROW0]) + nq
    fxf[q, Q_FRAME] = off
    fxf[q, Q_ORBIT] = o
    fxf[q, Q_SIZE] = size
    fxf[q, Q_DRY] = dry
    fxf[q, Q_DTIME] = dtime
    fxf[q, Q_DFB] = dfb
    fxf[q, Q_LOCK] = lock
    if new_cps:
        fxf[q, Q_CPS] = min(max(cps, 1e-6), 1e6)
        fxf[r, O_CPS_SEEN] = cps
    else:
        fxf[q, Q_CPS] = np.nan
    fxf[0, H_NQ] = nq + 1


@njit(cache=True, nogil=True)
def _apply(fxf, r, q):
    """Apply queue row ``q`` to orbit row ``r`` (finite fields only)."""
    rev = False
    dl = False
    v = fxf[q, Q_SIZE]
    if math.isfinite(v):
        fxf[r, O_SIZE] = min(max(v, 0.0), 1.0)
        rev = True
    v = fxf[q, Q_DRY]
    if math.isfinite(v):
        fxf[r, O_DRY] = min(max(v, 0.0), 1.0)
        rev = True
    v = fxf[q, Q_DTIME]
    if math.isfinite(v):
        fxf[r, O_DTIME] = min(max(v, 0.0), 1e6)
        dl = True
    v = fxf[q, Q_DFB]
    if math.isfinite(v):
        fxf[r, O_DFB] = min(max(v, 0.0), FB_MAX)
        dl = True
    v = fxf[q, Q_LOCK]
    if math.isfinite(v):
        fxf[r, O_LOCK] = 1.0 if v != 0.0 else 0.0
        dl = True
    v = fxf[q, Q_CPS]
    if math.isfinite(v):
        fxf[r, O_CPS] = v
        dl = True
    if rev:
        _rev_targets(fxf, r)
        if fxf[r, O_RV_ON] == 0.0:
            _rev_snap(fxf, r)
    if dl:
        _dl_targets(fxf, r)
        if fxf[r, O_DL_ON] == 0.0:
            _dl_snap(fxf, r)


@njit(cache=True, nogil=True)
def _ap_step(buf, off, pos, n, x):
    d = np.float64(buf[off + pos])
    v = x + AP_G * d
    buf[off + pos] = np.float32(v)
    pos += 1
    if pos >= n:
        pos = 0
    return d - AP_G * v, pos


@njit(cache=True, nogil=True)
def _rev_frames(fxf, r, buf, rv, b0, b1, j0, j1):
    """Run the awake reverb of orbit row ``r`` over frames ``j0..j1`` (or until it
    falls asleep); returns the frame after the last one processed."""
    h = fxf[0]
    st = fxf[r]
    kg = h[H_KG]
    qlim = h[H_QREV]
    n0, n1, n2, n3 = np.int64(h[H_LLEN]), np.int64(h[H_LLEN + 1]), np.int64(h[H_LLEN + 2]), np.int64(h[H_LLEN + 3])
    n4, n5, n6, n7 = np.int64(h[H_LLEN + 4]), np.int64(h[H_LLEN + 5]), np.int64(h[H_LLEN + 6]), np.int64(h[H_LLEN + 7])
    f0, f1, f2, f3 = np.int64(h[H_LOFF]), np.int64(h[H_LOFF + 1]), np.int64(h[H_LOFF + 2]), np.int64(h[H_LOFF + 3])
    f4, f5, f6, f7 = np.int64(h[H_LOFF + 4]), np.int64(h[H_LOFF + 5]), np.int64(h[H_LOFF + 6]), np.int64(h[H_LOFF + 7])
    an0, an1, an2, an3 = np.int64(h[H_APLEN]), np.int64(h[H_APLEN + 1]), np.int64(h[H_APLEN + 2]), np.int64(h[H_APLEN + 3])
    ao0, ao1, ao2, ao3 = np.int64(h[H_APOFF]), np.int64(h[H_APOFF + 1]), np.int64(h[H_APOFF + 2]), np.int64(h[H_APOFF + 3])
    p0, p1, p2, p3 = np.int64(st[O_POS]), np.int64(st[O_POS + 1]), np.int64(st[O_POS + 2]), np.int64(st[O_POS + 3])
    p4, p5, p6, p7 = np.int64(st[O_POS + 4]), np.int64(st[O_POS + 5]), np.int64(st[O_POS + 6]), np.int64(st[O_POS + 7])
    a0, a1, a2, a3 = np.int64(st[O_APPOS]), np.int64(st[O_APPOS + 1]), np.int64(st[O_APPOS + 2]), np.int64(st[O_APPOS + 3])
    g0, g1, g2, g3 = st[O_G], st[O_G + 1], st[O_G + 2], st[O_G + 3]
    g4, g5, g6, g7 = st[O_G + 4], st[O_G + 5], st[O_G + 6], st[O_G + 7]
    t0, t1, t2, t3 = st[O_GT], st[O_GT + 1], st[O_GT + 2], st[O_GT + 3]
    t4, t5, t6, t7 = st[O_GT + 4], st[O_GT + 5], st[O_GT + 6], st[O_GT + 7]
    z0, z1, z2, z3 = st[O_Z], st[O_Z + 1], st[O_Z + 2], st[O_Z + 3]
    z4, z5, z6, z7 = st[O_Z + 4], st[O_Z + 5], st[O_Z + 6], st[O_Z + 7]
    wet = st[O_WET]
    wett = st[O_WETT]
    quiet = st[O_RV_Q]
    on = 1.0
    hs = 1.0 / math.sqrt(8.0)
    j = j0
    while j < j1:
        x = np.float64(rv[j])
        if not abs(x) < 1e30:
            x = 0.0
        xin = x
        x, a0 = _ap_step(buf, ao0, a0, an0, x)
        x, a1 = _ap_step(buf, ao1, a1, an1, x)
        x, a2 = _ap_step(buf, ao2, a2, an2, x)
        x, a3 = _ap_step(buf, ao3, a3, an3, x)
        x *= IN_G
        y0 = np.float64(buf[f0 + p0])
        y1 = np.float64(buf[f1 + p1])
        y2 = np.float64(buf[f2 + p2])
        y3 = np.float64(buf[f3 + p3])
        y4 = np.float64(buf[f4 + p4])
        y5 = np.float64(buf[f5 + p5])
        y6 = np.float64(buf[f6 + p6])
        y7 = np.float64(buf[f7 + p7])
        z0 = y0 + DAMP * (z0 - y0)
        z1 = y1 + DAMP * (z1 - y1)
        z2 = y2 + DAMP * (z2 - y2)
        z3 = y3 + DAMP * (z3 - y3)
        z4 = y4 + DAMP * (z4 - y4)
        z5 = y5 + DAMP * (z5 - y5)
        z6 = y6 + DAMP * (z6 - y6)
        z7 = y7 + DAMP * (z7 - y7)
        u0 = g0 * z0
        u1 = g1 * z1
        u2 = g2 * z2
        u3 = g3 * z3
        u4 = g4 * z4
        u5 = g5 * z5
        u6 = g6 * z6
        u7 = g7 * z7
        # fast Walsh-Hadamard transform (8 points), scaled to be orthonormal
        c0 = u0 + u1
        c1 = u0 - u1
        c2 = u2 + u3
        c3 = u2 - u3
        c4 = u4 + u5
        c5 = u4 - u5
        c6 = u6 + u7
        c7 = u6 - u7
        d0 = c0 + c2
        d2 = c0 - c2
        d1 = c1 + c3
        d3 = c1 - c3
        d4 = c4 + c6
        d6 = c4 - c6
        d5 = c5 + c7
        d7 = c5 - c7
        buf[f0 + p0] = np.float32((d0 + d4) * hs + x)
        buf[f4 + p4] = np.float32((d0 - d4) * hs - x)
        buf[f1 + p1] = np.float32((d1 + d5) * hs - x)
        buf[f5 + p5] = np.float32((d1 - d5) * hs + x)
        buf[f2 + p2] = np.float32((d2 + d6) * hs + x)
        buf[f6 + p6] = np.float32((d2 - d6) * hs - x)
        buf[f3 + p3] = np.float32((d3 + d7) * hs - x)
        buf[f7 + p7] = np.float32((d3 - d7) * hs + x)
        p0 += 1
        if p0 >= n0:
            p0 = 0
        p1 += 1
        if p1 >= n1:
            p1 = 0
        p2 += 1
        if p2 >= n2:
            p2 = 0
        p3 += 1
        if p3 >= n3:
            p3 = 0
        p4 += 1
        if p4 >= n4:
            p4 = 0
        p5 += 1
        if p5 >= n5:
            p5 = 0
        p6 += 1
        if p6 >= n6:
            p6 = 0
        p7 += 1
        if p7 >= n7:
            p7 = 0
        ol = (y0 + y2 + y4 + y6) * OUT_G
        orr = (y1 + y3 + y5 + y7) * OUT_G
        b0[j] += np.float32(ol * wet)
        b1[j] += np.float32(orr * wet)
        wet += (wett - wet) * kg
        g0 += (t0 - g0) * kg
        g1 += (t1 - g1) * kg
        g2 += (t2 - g2) * kg
        g3 += (t3 - g3) * kg
        g4 += (t4 - g4) * kg
        g5 += (t5 - g5) * kg
        g6 += (t6 - g6) * kg
        g7 += (t7 - g7) * kg
        j += 1
        if xin == 0.0 and abs(ol) < EPS and abs(orr) < EPS:
            quiet += 1.0
            if quiet > qlim:
                on = 0.0
                break
        else:
            quiet = 0.0
    st[O_POS], st[O_POS + 1], st[O_POS + 2], st[O_POS + 3] = p0, p1, p2, p3
    st[O_POS + 4], st[O_POS + 5], st[O_POS + 6], st[O_POS + 7] = p4, p5, p6, p7
    st[O_APPOS], st[O_APPOS + 1], st[O_APPOS + 2], st[O_APPOS + 3] = a0, a1, a2, a3
    st[O_G], st[O_G + 1], st[O_G + 2], st[O_G + 3] = g0, g1, g2, g3
    st[O_G + 4], st[O_G + 5], st[O_G + 6], st[O_G + 7] = g4, g5, g6, g7
    st[O_Z], st[O_Z + 1], st[O_Z + 2], st[O_Z + 3] = z0, z1, z2, z3
    st[O_Z + 4], st[O_Z + 5], st[O_Z + 6], st[O_Z + 7] = z4, z5, z6, z7
    st[O_WET] = wet
    st[O_RV_Q] = 0.0 if on == 0.0 else quiet
    st[O_RV_ON] = on
    return j


@njit(cache=True, nogil=True)
def _dl_frames(fxf, r, buf, xl, xr, b0, b1, j0, j1):
    """Run the awake delay of orbit row ``r`` over frames ``j0..j1`` (or until it
    falls asleep); returns the frame after the last one processed."""
    h = fxf[0]
    st = fxf[r]
    kg = h[H_KG]
    kd = h[H_KD]
    n = np.int64(h[H_DLEN])
    nf = np.float64(n)
    ol = np.int64(h[H_OFF_LL])
    orr = np.int64(h[H_OFF_LR])
    d = st[O_D]
    dt = st[O_DT]
    fb = st[O_FB]
    fbt = st[O_FBT]
    w = np.int64(st[O_W])
    quiet = st[O_DL_Q]
    on = 1.0
    j = j0
    while j < j1:
        il = np.float64(xl[j])
        ir = np.float64(xr[j])
        if not abs(il) < 1e30:
            il = 0.0
        if not abs(ir) < 1e30:
            ir = 0.0
        p = np.float64(w) - d
        if p < 0.0:
            p += nf
        i0 = np.int64(p)
        f = p - np.float64(i0)
        if i0 >= n:         # rounding at the wrap
            i0 -= n
        i1 = i0 + 1
        if i1 >= n:
            i1 = 0
        l0 = np.float64(buf[ol + i0])
        r0 = np.float64(buf[orr + i0])
        yl = l0 + f * (np.float64(buf[ol + i1]) - l0)
        yr = r0 + f * (np.float64(buf[orr + i1]) - r0)
        buf[ol + w] = np.float32(il + fb * yl)
        buf[orr + w] = np.float32(ir + fb * yr)
        w += 1
        if w >= n:
            w = 0
        b0[j] += np.float32(yl)
        b1[j] += np.float32(yr)
        d += (dt - d) * kd
        fb += (fbt - fb) * kg
        j += 1
        if il == 0.0 and ir == 0.0 and abs(yl) < EPS and abs(yr) < EPS:
            quiet += 1.0
            if quiet > max(d, dt) + 64.0:
                on = 0.0
                break
        else:
            quiet = 0.0
    st[O_D] = d
    st[O_FB] = fb
    st[O_W] = w
    st[O_DL_Q] = 0.0 if on == 0.0 else quiet
    st[O_DL_ON] = on
    return j


@njit(cache=True, nogil=True)
def _first_nonzero(x, j0, j1):
    for k in range(j0, j1):
        if x[k] != 0.0:
            return k
    return j1


@njit(cache=True, nogil=True)
def _run_segment(fxf, r, buf, rv, xl, xr, b0, b1, j0, j1):
    """Frames ``j0..j1`` of one orbit (no parameter change inside): each effect sleeps,
    wakes at its first non-zero input frame, runs, and may fall asleep again."""
    j = j0
    while j < j1:
        if fxf[r, O_RV_ON] == 0.0:
            if fxf[r, O_SENT_RV] == 0.0:
                break
            k = _first_nonzero(rv, j, j1)
            if k >= j1:
                break
            fxf[r, O_RV_ON] = 1.0
            fxf[r, O_RV_Q] = 0.0
            _rev_snap(fxf, r)
            j = k
        j = _rev_frames(fxf, r, buf, rv, b0, b1, j, j1)
    j = j0
    while j < j1:
        if fxf[r, O_DL_ON] == 0.0:
            if fxf[r, O_SENT_DL] == 0.0:
                break
            k = min(_first_nonzero(xl, j, j1), _first_nonzero(xr, j, j1))
            if k >= j1:
                break
            fxf[r, O_DL_ON] = 1.0
            fxf[r, O_DL_Q] = 0.0
            _dl_snap(fxf, r)
            j = k
        j = _dl_frames(fxf, r, buf, xl, xr, b0, b1, j, j1)


@njit(cache=True, nogil=True)
def orbits_process(fxf, fxbuf, bus, n):
    """Apply the block's queued parameter changes at their frames, run every awake
    orbit over ``n`` frames adding its wet output to ``bus[:, :n]``, clear the sends."""
    norb = np.int64(fxf[0, H_NORB])
    if norb > fxbuf.shape[0]:
        norb = fxbuf.shape[0]
    nq = np.int64(fxf[0, H_NQ])
    q0 = np.int64(fxf[0, H_QROW0])
    orv = np.int64(fxf[0, H_OFF_RV])
    odl = np.int64(fxf[0, H_OFF_DL])
    odr = np.int64(fxf[0, H_OFF_DR])
    b0 = bus[0]
    b1 = bus[1]
    for o in range(norb):
        r = 1 + o
        active = (fxf[r, O_RV_ON] != 0.0 or fxf[r, O_SENT_RV] != 0.0
                  or fxf[r, O_DL_ON] != 0.0 or fxf[r, O_SENT_DL] != 0.0)
        if not active and nq == 0:
            continue
        buf = fxbuf[o]
        rv = buf[orv:orv + n]
        xl = buf[odl:odl + n]
        xr = buf[odr:odr + n]
        j = np.int64(0)
        qi = np.int64(0)
        while True:
            while qi < nq and fxf[q0 + qi, Q_ORBIT] != o:
                qi += 1
            nxt = n
            if qi < nq:
                fr = fxf[q0 + qi, Q_FRAME]
                nxt = np.int64(fr) if fr < n else n
                if nxt < j:
                    nxt = j
            if active and nxt > j:
                _run_segment(fxf, r, buf, rv, xl, xr, b0, b1, j, nxt)
            j = nxt
            if qi >= nq:
                break
            _apply(fxf, r, q0 + qi)
            qi += 1
        if fxf[r, O_SENT_RV] != 0.0:
            rv[:] = 0.0
            fxf[r, O_SENT_RV] = 0.0
        if fxf[r, O_SENT_DL] != 0.0:
            xl[:] = 0.0
            xr[:] = 0.0
            fxf[r, O_SENT_DL] = 0.0
    fxf[0, H_NQ] = 0.0
