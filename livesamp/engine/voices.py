"""The voice pool: planar arrays of voice state (``vf``/``vi`` in state.py).

``Engine(max_voices=N)`` lets N voices play at once; the pool has a few more slots
(``max(16, N // 8)``) so a voice that is cut or stolen can fade out (~5 ms) in its own
slot while the new voice starts at its exact frame in another.

Stealing: when N voices are playing, the quietest one (|amp| x envelope now; ties go
to the oldest) is faded out and counted in ``steals``. If no slot is free at all (more
than the reserve stolen within one fade time) the fading voice closest to its end is
cut off at once and counted in ``hard_steals``.

Mix order: voices are summed into the bus in the order they started (a list kept in
two spare rows of ``vi``), not in slot order, so the float rounding of the mix does
not depend on which slot a voice got, and the output is bit-identical however the
stream is cut into blocks.

Steal decisions are taken when the triggers of a block are started (all at the start
of the block, each voice then sounding from its own frame), so with a full pool the
choice of victim can depend on the block size; everything else is sample exact and
independent of how the stream is cut into blocks.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .layout import END_CUT, END_NONFINITE, END_STOLEN, NK_ENDED
from .rings import ring_push_one
from .kernels.filters import svf_run
from .kernels.sampler import env_at, read_span
from .state import (C_FADE, C_MAXV, C_SMOOTH, K_ACTIVE, K_ENDED, K_HARD_STEALS, K_KILLED,
                    K_STEALS, VF_AMP, VF_BASE, VF_DIR, VF_EG, VF_GL, VF_GR, VF_HAD, VF_HP1A,
                    VF_HP1B, VF_HP2A, VF_HP2B, VF_HPG, VF_HPGT, VF_HPK, VF_INVA, VF_INVR,
                    VF_LP1A, VF_LP1B, VF_LP2A, VF_LP2B, VF_LPG, VF_LPGT, VF_LPK, VF_RD,
                    VF_SEGLEN, VF_XHI, VF_XLO, VI_A, VI_CUT, VI_ENDREASON, VI_EVENT, VI_FILT,
                    VI_GATE, VI_INTERP, VI_LIFE, VI_LOOP, VI_NAT, VI_ORBIT, VI_R, VI_SAMPLE,
                    VI_SEQ, VI_SLOT, VI_START, VI_STATE, VI_STEREO, VI_LSLOT, VI_LSEQ, K_NLIST)

__all__ = ["allocate", "fade_voice", "cut_group", "render_voices", "voice_env", "list_append"]

FREE = 0
PLAYING = 1
FADING = 2


@njit(cache=True, nogil=True)
def voice_env(vf, vi, v, t):
    return env_at(t, vi[VI_A, v], vf[VF_INVA, v], vi[VI_GATE, v], vf[VF_EG, v],
                  vf[VF_INVR, v], vi[VI_LIFE, v])


@njit(cache=True, nogil=True)
def fade_voice(vf, vi, v, frame, fade, reason):
    """Start a ``fade``-frame release of voice ``v`` at stream ``frame``."""
    t_c = frame - vi[VI_START, v]
    if t_c < 0:
        t_c = 0
    life = vi[VI_LIFE, v]
    vi[VI_STATE, v] = FADING
    vi[VI_ENDREASON, v] = reason
    if t_c >= life:
        return
    rn = vi[VI_NAT, v] - t_c
    if rn > fade:
        rn = fade
    if rn < 1:
        rn = 1
    if t_c + rn < life:
        level = voice_env(vf, vi, v, t_c)
        vi[VI_GATE, v] = t_c
        vf[VF_EG, v] = level
        vi[VI_R, v] = rn
        vf[VF_INVR, v] = 1.0 / rn
        vi[VI_LIFE, v] = t_c + rn


@njit(cache=True, nogil=True)
def cut_group(vf, vi, cut, orbit, sample, frame, fade):
    """Fade every playing voice of cut group ``cut`` on ``orbit`` (``cut < 0``: only
    voices of the same sample, as SuperDirt). Returns how many."""
    n = 0
    for v in range(vi.shape[1]):
        if (vi[VI_STATE, v] == PLAYING and vi[VI_CUT, v] == cut and vi[VI_ORBIT, v] == orbit
                and (cut > 0 or vi[VI_SAMPLE, v] == sample)):
            fade_voice(vf, vi, v, np.int64(frame), np.int64(fade), np.int64(END_CUT))
            n += 1
    return n


@njit(cache=True, nogil=True)
def allocate(vf, vi, cfg, cnt, frame, nbuf, nidx):
    """A free voice slot for a voice starting at ``frame`` (stealing if needed), or -1."""
    maxv = np.int64(cfg[C_MAXV])
    fade = np.int64(cfg[C_FADE])
    free = np.int64(-1)
    playing = 0
    for v in range(vi.shape[1]):
        s = vi[VI_STATE, v]
        if s == FREE:
            if free < 0:
                free = v
        elif s == PLAYING:
            playing += 1
    if playing >= maxv:
        best = np.int64(-1)
        best_lvl = math.inf
        best_seq = 0
        for v in range(vi.shape[1]):
            if vi[VI_STATE, v] == PLAYING:
                lvl = vf[VF_AMP, v] * voice_env(vf, vi, v, frame - vi[VI_START, v])
                if best < 0 or lvl < best_lvl or (lvl == best_lvl and vi[VI_SEQ, v] < best_seq):
                    best = v
                    best_lvl = lvl
                    best_seq = vi[VI_SEQ, v]
        if best >= 0:
            fade_voice(vf, vi, best, np.int64(frame), np.int64(fade), np.int64(END_STOLEN))
            cnt[K_STEALS] += 1
    if free < 0:
        best = np.int64(-1)
        best_left = np.int64(0)
        for v in range(vi.shape[1]):
            if vi[VI_STATE, v] == FADING:
                left = vi[VI_LIFE, v] - (frame - vi[VI_START, v])
                if best < 0 or left < best_left:
                    best = v
                    best_left = left
        if best >= 0:
            _end_voice(vi, best, np.int64(frame), np.int64(END_STOLEN), cnt, nbuf, nidx)
            cnt[K_HARD_STEALS] += 1
            free = best
    return free


@njit(cache=True, nogil=True)
def _end_voice(vi, v, frame, reason, cnt, nbuf, nidx):
    vi[VI_STATE, v] = FREE
    cnt[K_ENDED] += 1
    ring_push_one(nbuf, nidx, np.float64(NK_ENDED), np.float64(frame),
                  np.float64(vi[VI_EVENT, v]), np.float64(vi[VI_SAMPLE, v]),
                  np.float64(vi[VI_SLOT, v]), np.float64(v), np.float64(reason), 0.0)


@njit(cache=True, nogil=True)
def _render_one(v, bs, n, vf, vi, src0, src1, s0, s1, b0, b1, smooth):
    """Render voice ``v`` into the bus for the block ``[bs, bs+n)``.

    Returns (voice time reached, False) or (-1, True) if it went non-finite.
    """
    start = vi[VI_START, v]
    o0 = start - bs if start > bs else 0
    t0 = bs + o0 - start
    life = vi[VI_LIFE, v]
    t_end = t0 + (n - o0)
    if t_end > life:
        t_end = life
    m = t_end - t0
    if m <= 0:
        return t_end, False
    stereo = vi[VI_STEREO, v] != 0
    linear = vi[VI_INTERP, v] != 0
    looping = vi[VI_LOOP, v] != 0
    filt = vi[VI_FILT, v]
    mix = filt == 0
    base = vf[VF_BASE, v]
    direction = vf[VF_DIR, v]
    rd = vf[VF_RD, v]
    had = vf[VF_HAD, v]
    seglen = vf[VF_SEGLEN, v]
    xlo = vf[VF_XLO, v]
    xhi = vf[VF_XHI, v]
    gl = np.float32(vf[VF_GL, v])
    gr = np.float32(vf[VF_GR, v])
    d0 = b0 if mix else s0
    d1 = b1 if mix else s1
    a_fr = vi[VI_A, v]
    gate = vi[VI_GATE, v]
    t = t0
    o = o0
    if a_fr > 0 and t < a_fr and t < gate:
        e = min(a_fr, gate, t_end)
        read_span(src0, src1, stereo, linear, looping, mix, t, e - t, base, direction, rd,
                  had, seglen, xlo, xhi, 0.0, vf[VF_INVA, v], 0.0, gl, gr, d0, d1, o)
        o += e - t
        t = e
    if t < gate and t < t_end:
        e = min(gate, t_end)
        read_span(src0, src1, stereo, linear, looping, mix, t, e - t, base, direction, rd,
                  had, seglen, xlo, xhi, 1.0, 0.0, 0.0, gl, gr, d0, d1, o)
        o += e - t
        t = e
    if t < t_end:
        eg = vf[VF_EG, v]
        read_span(src0, src1, stereo, linear, looping, mix, t, t_end - t, base, direction,
                  rd, had, seglen, xlo, xhi, eg, -eg * vf[VF_INVR, v], np.float64(gate - 1),
                  gl, gr, d0, d1, o)
    if mix:
        return t_end, False
    ok = True
    if filt & 1:
        g, a, b = svf_run(s0, o0, m, np.bool_(False), vf[VF_LPG, v], vf[VF_LPGT, v],
                          vf[VF_LPK, v], vf[VF_LP1A, v], vf[VF_LP2A, v], smooth)
        vf[VF_LP1A, v] = a
        vf[VF_LP2A, v] = b
        ok = ok and math.isfinite(a) and math.isfinite(b)
        if stereo:
            g, a, b = svf_run(s1, o0, m, np.bool_(False), vf[VF_LPG, v], vf[VF_LPGT, v],
                              vf[VF_LPK, v], vf[VF_LP1B, v], vf[VF_LP2B, v], smooth)
            vf[VF_LP1B, v] = a
            vf[VF_LP2B, v] = b
            ok = ok and math.isfinite(a) and math.isfinite(b)
        vf[VF_LPG, v] = g
    if filt & 2:
        g, a, b = svf_run(s0, o0, m, np.bool_(True), vf[VF_HPG, v], vf[VF_HPGT, v],
                          vf[VF_HPK, v], vf[VF_HP1A, v], vf[VF_HP2A, v], smooth)
        vf[VF_HP1A, v] = a
        vf[VF_HP2A, v] = b
        ok = ok and math.isfinite(a) and math.isfinite(b)
        if stereo:
            g, a, b = svf_run(s1, o0, m, np.bool_(True), vf[VF_HPG, v], vf[VF_HPGT, v],
                              vf[VF_HPK, v], vf[VF_HP1B, v], vf[VF_HP2B, v], smooth)
            vf[VF_HP1B, v] = a
            vf[VF_HP2B, v] = b
            ok = ok and math.isfinite(a) and math.isfinite(b)
        vf[VF_HPG, v] = g
    if not ok:
        return np.int64(-1), True
    if stereo:
        for j in range(o0, o0 + m):
            b0[j] += s0[j] * gl
            b1[j] += s1[j] * gr
    else:
        for j in range(o0, o0 + m):
            x = s0[j]
            b0[j] += x * gl
            b1[j] += x * gr
    return t_end, False


@njit(cache=True, nogil=True)
def _listed(vi, k):
    v = vi[VI_LSLOT, k]
    return vi[VI_STATE, v] != FREE and vi[VI_SEQ, v] == vi[VI_LSEQ, k]


@njit(cache=True, nogil=True)
def list_append(vi, cnt, v):
    """Append voice ``v`` (just started) to the mix order list."""
    n = cnt[K_NLIST]
    if n >= vi.shape[1]:     # stale entries of voices cut off this block: compact
        j = 0
        for k in range(n):
            if _listed(vi, k):
                vi[VI_LSLOT, j] = vi[VI_LSLOT, k]
                vi[VI_LSEQ, j] = vi[VI_LSEQ, k]
                j += 1
        n = j
    vi[VI_LSLOT, n] = v
    vi[VI_LSEQ, n] = vi[VI_SEQ, v]
    cnt[K_NLIST] = n + 1


@njit(cache=True, nogil=True)
def render_voices(bs, n, ob, vf, vi, arena, scratch, bus, cfg, cnt, nbuf, nidx):
    """Mix every sounding voice into ``bus[:, ob:ob+n]`` for stream frames
    ``[bs, bs+n)``, in the order the voices started."""
    src0 = arena[0]
    src1 = arena[1]
    s0 = scratch[0][ob:ob + n]
    s1 = scratch[1][ob:ob + n]
    b0 = bus[0][ob:ob + n]
    b1 = bus[1][ob:ob + n]
    smooth = cfg[C_SMOOTH]
    nlist = cnt[K_NLIST]
    j = 0
    for k in range(nlist):
        if not _listed(vi, k):
            continue
        v = vi[VI_LSLOT, k]
        keep = True
        if vi[VI_START, v] < bs + n:
            t_end, bad = _render_one(v, bs, n, vf, vi, src0, src1, s0, s1, b0, b1, smooth)
            if bad:
                cnt[K_KILLED] += 1
                _end_voice(vi, v, np.int64(bs), np.int64(END_NONFINITE), cnt, nbuf, nidx)
                keep = False
            elif t_end >= vi[VI_LIFE, v]:
                _end_voice(vi, v, vi[VI_START, v] + vi[VI_LIFE, v], vi[VI_ENDREASON, v], cnt,
                           nbuf, nidx)
                keep = False
        if keep:
            vi[VI_LSLOT, j] = v
            vi[VI_LSEQ, j] = vi[VI_LSEQ, k]
            j += 1
    cnt[K_NLIST] = j
    cnt[K_ACTIVE] = j
