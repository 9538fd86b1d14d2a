"""The voice pool: one record of voice state per voice (``vf``/``vi`` in state.py).

Records, not planar field arrays: the renderer handles one voice at a time, and with
fields-major (planar) arrays every voice touched ~48 cache lines per block; with a
record per voice it touches 4, which made the 256-voice job ~2x faster.

``Engine(max_voices=N)`` lets N voices play at once; the pool has a few more slots
(``max(16, N // 8)``) so a voice that is cut or stolen can fade out (~5 ms) in its own
slot while the new voice starts at its exact frame in another.

Stealing: when N voices are playing, the quietest one (|amp| x envelope now; ties go
to the oldest) is faded out and counted in ``steals``. If no slot is free at all (more
than the reserve stolen within one fade time) the fading voice closest to its end is
cut off at once and counted in ``hard_steals``.

Mix order: voices are summed into the bus in the order they started (a list kept in
two spare columns of ``vi``), not in slot order, so the float rounding of the mix does
not depend on which slot a voice got, and the output is bit-identical however the
stream is cut into blocks.

Allocation happens at the trigger's own frame: the triggers of a block are started
before the block is rendered, each voice then sounding from its own frame, and a
voice counts as playing only if it still sounds at that frame. So steal decisions,
like everything else, do not depend on how the stream is cut into blocks.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .layout import END_CUT, END_NONFINITE, END_STOLEN, NK_ENDED
from .rings import ring_push_one
from .kernels.filters import svf_run
from .kernels.grains import KIND_VOICE_CLOUD, render_cloud
from .kernels.orbits import H_NORB, H_OFF_DL, H_OFF_DR, H_OFF_RV, O_SENT_DL, O_SENT_RV
from .kernels.sampler import env_at, read_span
from .kernels.voicefx import (FX_BP, FX_COARSE, FX_CRUSH, FX_HP, FX_LP, FX_SEND, FX_SHAPE,
                              FX_VOWEL, bpf_run, coarse_run, crush_run, shape_run, vowel_run)
from .state import (C_FADE, C_MAXV, C_SMOOTH, K_ACTIVE, K_ENDED, K_HARD_STEALS, K_KILLED,
                    K_STEALS, VF_AMP, VF_BASE, VF_DIR, VF_EG, VF_GL, VF_GR, VF_HAD, VF_HP1A,
                    VF_HP1B, VF_HP2A, VF_HP2B, VF_HPG, VF_HPGT, VF_HPK, VF_INVA, VF_INVR,
                    VF_LP1A, VF_LP1B, VF_LP2A, VF_LP2B, VF_LPG, VF_LPGT, VF_LPK, VF_RD,
                    VF_SEGLEN, VF_XHI, VF_XLO, VF_BP1A, VF_BP1B, VF_BP2A, VF_BP2B, VF_BPA0,
                    VF_BPB1, VF_BPB2, VF_COARSE, VF_CRUSH, VF_DELAY, VF_HOLDA, VF_HOLDB, VF_ROOM,
                    VF_SHAPE, VF_VOWS, VI_A, VI_CUT, VI_ENDREASON, VI_EVENT, VI_FILT,
                    VI_GATE, VI_INTERP, VI_LIFE, VI_LOOP, VI_NAT, VI_ORBIT, VI_R, VI_SAMPLE,
                    VI_SEQ, VI_SLOT, VI_START, VI_STATE, VI_STEREO, VI_LSLOT, VI_LSEQ, K_NLIST,
                    VI_KIND)

__all__ = ["allocate", "fade_voice", "cut_group", "render_voices", "voice_env", "list_append"]

FREE = 0
PLAYING = 1
FADING = 2


@njit(cache=True, nogil=True)
def voice_env(vf, vi, v, t):
    return env_at(t, vi[v, VI_A], vf[v, VF_INVA], vi[v, VI_GATE], vf[v, VF_EG],
                  vf[v, VF_INVR], vi[v, VI_LIFE])


@njit(cache=True, nogil=True)
def fade_voice(vf, vi, v, frame, fade, reason):
    """Start a ``fade``-frame release of voice ``v`` at stream ``frame``."""
    t_c = frame - vi[v, VI_START]
    if t_c < 0:
        t_c = 0
    life = vi[v, VI_LIFE]
    vi[v, VI_STATE] = FADING
    vi[v, VI_ENDREASON] = reason
    if t_c >= life:
        return
    rn = vi[v, VI_NAT] - t_c
    if rn > fade:
        rn = fade
    if rn < 1:
        rn = 1
    if t_c + rn < life:
        level = voice_env(vf, vi, v, t_c)
        vi[v, VI_GATE] = t_c
        vf[v, VF_EG] = level
        vi[v, VI_R] = rn
        vf[v, VF_INVR] = 1.0 / rn
        vi[v, VI_LIFE] = t_c + rn


@njit(cache=True, nogil=True)
def cut_group(vf, vi, cut, orbit, sample, frame, fade):
    """Fade every playing voice of cut group ``cut`` on ``orbit`` (``cut < 0``: only
    voices of the same sample, as SuperDirt). Returns how many."""
    n = 0
    for v in range(vi.shape[0]):
        if (vi[v, VI_STATE] == PLAYING and vi[v, VI_CUT] == cut and vi[v, VI_ORBIT] == orbit
                and (cut > 0 or vi[v, VI_SAMPLE] == sample)):
            fade_voice(vf, vi, v, np.int64(frame), np.int64(fade), np.int64(END_CUT))
            n += 1
    return n


@njit(cache=True, nogil=True)
def allocate(vf, vi, cfg, cnt, frame, may_cut_off, nbuf, nidx):
    """A free voice slot for a voice starting at ``frame``, stealing if needed.

    Voices count as playing only if they are still sounding at ``frame`` (a voice
    that ends earlier in the block keeps its slot until it is rendered, but does not
    count). Returns -2 if no slot is free and ``may_cut_off`` is False (the caller
    renders up to ``frame`` to free the slots of voices that ended, then asks again),
    -1 if nothing at all can be had.
    """
    maxv = np.int64(cfg[C_MAXV])
    fade = np.int64(cfg[C_FADE])
    free = np.int64(-1)
    playing = 0
    for v in range(vi.shape[0]):
        s = vi[v, VI_STATE]
        if s == FREE:
            if free < 0:
                free = v
        elif s == PLAYING and vi[v, VI_START] + vi[v, VI_LIFE] > frame:
            playing += 1
    if playing >= maxv:
        best = np.int64(-1)
        best_lvl = math.inf
        best_seq = 0
        for v in range(vi.shape[0]):
            if vi[v, VI_STATE] == PLAYING and vi[v, VI_START] + vi[v, VI_LIFE] > frame:
                lvl = vf[v, VF_AMP] * voice_env(vf, vi, v, frame - vi[v, VI_START])
                if best < 0 or lvl < best_lvl or (lvl == best_lvl and vi[v, VI_SEQ] < best_seq):
                    best = v
                    best_lvl = lvl
                    best_seq = vi[v, VI_SEQ]
        if best >= 0:
            fade_voice(vf, vi, best, np.int64(frame), np.int64(fade), np.int64(END_STOLEN))
            cnt[K_STEALS] += 1
    if free < 0:
        if not may_cut_off:
            return np.int64(-2)
        best = np.int64(-1)
        best_left = np.int64(0)
        for v in range(vi.shape[0]):
            if vi[v, VI_STATE] == FADING:
                left = vi[v, VI_LIFE] - (frame - vi[v, VI_START])
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
    vi[v, VI_STATE] = FREE
    cnt[K_ENDED] += 1
    ring_push_one(nbuf, nidx, np.float64(NK_ENDED), np.float64(frame),
                  np.float64(vi[v, VI_EVENT]), np.float64(vi[v, VI_SAMPLE]),
                  np.float64(vi[v, VI_SLOT]), np.float64(v), np.float64(reason), 0.0)


@njit(cache=True, nogil=True)
def _render_one(v, bs, n, vf, vi, src0, src1, s0, s1, b0, b1, smooth, fxf, fxbuf, ob,
                gf, gi, cnt):
    """Render voice ``v`` into the bus (and its sends) for the block ``[bs, bs+n)``
    (``ob``: the block's offset in the bus and send buffers).

    Returns (voice time reached, False) or (-1, True) if it went non-finite.
    """
    start = vi[v, VI_START]
    o0 = start - bs if start > bs else 0
    t0 = bs + o0 - start
    life = vi[v, VI_LIFE]
    t_end = t0 + (n - o0)
    if t_end > life:
        t_end = life
    m = t_end - t0
    if m <= 0:
        return t_end, False
    if vi[v, VI_KIND] == KIND_VOICE_CLOUD:     # a grain cloud: its grains into the scratch
        render_cloud(v, bs, o0, t0, m, vf, vi, gf, gi, cnt, src0, src1, s0, s1)
        if not _post_chain(v, vf, vi, s0, s1, o0, m, t0, True, smooth):
            return np.int64(-1), True
        _mix_out(v, vf, vi, s0, s1, b0, b1, o0, m, True, fxf, fxbuf, ob)
        return t_end, False
    stereo = vi[v, VI_STEREO] != 0
    linear = vi[v, VI_INTERP] != 0
    looping = vi[v, VI_LOOP] != 0
    filt = vi[v, VI_FILT]
    mix = filt == 0
    base = vf[v, VF_BASE]
    direction = vf[v, VF_DIR]
    rd = vf[v, VF_RD]
    had = vf[v, VF_HAD]
    seglen = vf[v, VF_SEGLEN]
    xlo = vf[v, VF_XLO]
    xhi = vf[v, VF_XHI]
    gl = np.float32(vf[v, VF_GL])
    gr = np.float32(vf[v, VF_GR])
    d0 = b0 if mix else s0
    d1 = b1 if mix else s1
    a_fr = vi[v, VI_A]
    gate = vi[v, VI_GATE]
    t = t0
    o = o0
    if a_fr > 0 and t < a_fr and t < gate:
        e = min(a_fr, gate, t_end)
        read_span(src0, src1, stereo, linear, looping, mix, t, e - t, base, direction, rd,
                  had, seglen, xlo, xhi, 0.0, vf[v, VF_INVA], 0.0, gl, gr, d0, d1, o)
        o += e - t
        t = e
    if t < gate and t < t_end:
        e = min(gate, t_end)
        read_span(src0, src1, stereo, linear, looping, mix, t, e - t, base, direction, rd,
                  had, seglen, xlo, xhi, 1.0, 0.0, 0.0, gl, gr, d0, d1, o)
        o += e - t
        t = e
    if t < t_end:
        eg = vf[v, VF_EG]
        read_span(src0, src1, stereo, linear, looping, mix, t, t_end - t, base, direction,
                  rd, had, seglen, xlo, xhi, eg, -eg * vf[v, VF_INVR], np.float64(gate - 1),
                  gl, gr, d0, d1, o)
    if mix:
        return t_end, False
    if not _post_chain(v, vf, vi, s0, s1, o0, m, t0, stereo, smooth):
        return np.int64(-1), True
    _mix_out(v, vf, vi, s0, s1, b0, b1, o0, m, stereo, fxf, fxbuf, ob)
    return t_end, False


@njit(cache=True, nogil=True)
def _svf_stage(v, vf, vi, s0, s1, o0, m, stereo, smooth, highpass):
    """The voice's lowpass or highpass SVF on ``s*[o0:o0+m]``; False if it went
    non-finite."""
    if highpass:
        fg, fgt, fk, c1a, c2a, c1b, c2b = VF_HPG, VF_HPGT, VF_HPK, VF_HP1A, VF_HP2A, VF_HP1B, VF_HP2B
    else:
        fg, fgt, fk, c1a, c2a, c1b, c2b = VF_LPG, VF_LPGT, VF_LPK, VF_LP1A, VF_LP2A, VF_LP1B, VF_LP2B
    g, a, b = svf_run(s0, o0, m, highpass, vf[v, fg], vf[v, fgt], vf[v, fk], vf[v, c1a],
                      vf[v, c2a], smooth)
    vf[v, c1a] = a
    vf[v, c2a] = b
    ok = math.isfinite(a) and math.isfinite(b)
    if stereo:
        g, a, b = svf_run(s1, o0, m, highpass, vf[v, fg], vf[v, fgt], vf[v, fk], vf[v, c1b],
                          vf[v, c2b], smooth)
        vf[v, c1b] = a
        vf[v, c2b] = b
        ok = ok and math.isfinite(a) and math.isfinite(b)
    vf[v, fg] = g
    return ok


@njit(cache=True, nogil=True)
def _post_chain(v, vf, vi, s0, s1, o0, m, t0, stereo, smooth):
    """The voice's effects on its scratch ``s*[o0:o0+m]`` (voice time ``t0`` at ``o0``),
    in SuperDirt's module order: vowel, shape, hpf, bpf, crush, coarse, lpf (see
    kernels/voicefx.py). Returns False if a filter state went non-finite."""
    filt = vi[v, VI_FILT]
    ok = True
    if filt & FX_VOWEL:
        ok = vowel_run(s0, o0, m, vf, v, VF_VOWS)
        if stereo:
            ok = vowel_run(s1, o0, m, vf, v, VF_VOWS + 10) and ok
    if filt & FX_SHAPE:
        shape_run(s0, o0, m, vf[v, VF_SHAPE])
        if stereo:
            shape_run(s1, o0, m, vf[v, VF_SHAPE])
    if filt & FX_HP:
        ok = _svf_stage(v, vf, vi, s0, s1, o0, m, stereo, smooth, True) and ok
    if filt & FX_BP:
        a0, b1, b2 = vf[v, VF_BPA0], vf[v, VF_BPB1], vf[v, VF_BPB2]
        y1, y2 = bpf_run(s0, o0, m, a0, b1, b2, vf[v, VF_BP1A], vf[v, VF_BP2A])
        vf[v, VF_BP1A] = y1
        vf[v, VF_BP2A] = y2
        ok = ok and math.isfinite(y1) and math.isfinite(y2)
        if stereo:
            y1, y2 = bpf_run(s1, o0, m, a0, b1, b2, vf[v, VF_BP1B], vf[v, VF_BP2B])
            vf[v, VF_BP1B] = y1
            vf[v, VF_BP2B] = y2
            ok = ok and math.isfinite(y1) and math.isfinite(y2)
    if filt & FX_CRUSH:
        crush_run(s0, o0, m, vf[v, VF_CRUSH])
        if stereo:
            crush_run(s1, o0, m, vf[v, VF_CRUSH])
    if filt & FX_COARSE:
        vf[v, VF_HOLDA] = coarse_run(s0, o0, m, t0, vf[v, VF_COARSE], vf[v, VF_HOLDA])
        if stereo:
            vf[v, VF_HOLDB] = coarse_run(s1, o0, m, t0, vf[v, VF_COARSE], vf[v, VF_HOLDB])
    if filt & FX_LP:
        ok = _svf_stage(v, vf, vi, s0, s1, o0, m, stereo, smooth, False) and ok
    return ok


@njit(cache=True, nogil=True)
def _mix_out(v, vf, vi, s0, s1, b0, b1, o0, m, stereo, fxf, fxbuf, ob):
    """Mix the voice's scratch into the bus with its pan gains and, if it has sends,
    into its orbit's reverb (mono: room x (L + R)) and delay (room, delay: VF_ROOM,
    VF_DELAY) send buses at block offset ``ob`` (see kernels/orbits.py)."""
    gl = np.float32(vf[v, VF_GL])
    gr = np.float32(vf[v, VF_GR])
    if stereo:
        for j in range(o0, o0 + m):
            b0[j] += s0[j] * gl
            b1[j] += s1[j] * gr
    else:
        for j in range(o0, o0 + m):
            x = s0[j]
            b0[j] += x * gl
            b1[j] += x * gr
    if not vi[v, VI_FILT] & FX_SEND:
        return
    norb = np.int64(fxf[0, H_NORB])
    if norb < 1 or norb > fxbuf.shape[0]:
        return
    orb = vi[v, VI_ORBIT] % norb
    r = 1 + orb
    room = vf[v, VF_ROOM]
    dly = vf[v, VF_DELAY]
    if room > 0.0:
        rv = np.int64(fxf[0, H_OFF_RV]) + ob        # offsets into the orbit's row, no views
        rl = np.float32(vf[v, VF_GL] * room)
        rr = np.float32(vf[v, VF_GR] * room)
        fxf[r, O_SENT_RV] = 1.0
        if stereo:
            for j in range(o0, o0 + m):
                fxbuf[orb, rv + j] += s0[j] * rl + s1[j] * rr
        else:
            rg = rl + rr
            for j in range(o0, o0 + m):
                fxbuf[orb, rv + j] += s0[j] * rg
    if dly > 0.0:
        dl = np.int64(fxf[0, H_OFF_DL]) + ob
        dr = np.int64(fxf[0, H_OFF_DR]) + ob
        ql = np.float32(vf[v, VF_GL] * dly)
        qr = np.float32(vf[v, VF_GR] * dly)
        fxf[r, O_SENT_DL] = 1.0
        if stereo:
            for j in range(o0, o0 + m):
                fxbuf[orb, dl + j] += s0[j] * ql
                fxbuf[orb, dr + j] += s1[j] * qr
        else:
            for j in range(o0, o0 + m):
                x = s0[j]
                fxbuf[orb, dl + j] += x * ql
                fxbuf[orb, dr + j] += x * qr


@njit(cache=True, nogil=True)
def _listed(vi, k):
    v = vi[k, VI_LSLOT]
    return vi[v, VI_STATE] != FREE and vi[v, VI_SEQ] == vi[k, VI_LSEQ]


@njit(cache=True, nogil=True)
def list_append(vi, cnt, v):
    """Append voice ``v`` (just started) to the mix order list."""
    n = cnt[K_NLIST]
    if n >= vi.shape[0]:     # stale entries of voices cut off this block: compact
        j = 0
        for k in range(n):
            if _listed(vi, k):
                vi[j, VI_LSLOT] = vi[k, VI_LSLOT]
                vi[j, VI_LSEQ] = vi[k, VI_LSEQ]
                j += 1
        n = j
    vi[n, VI_LSLOT] = v
    vi[n, VI_LSEQ] = vi[v, VI_SEQ]
    cnt[K_NLIST] = n + 1


@njit(cache=True, nogil=True)
def render_voices(bs, n, ob, vf, vi, arena, scratch, bus, cfg, cnt, nbuf, nidx, fxf, fxbuf,
                  gf, gi):
    """Mix every sounding voice into ``bus[:, ob:ob+n]`` (and its orbit's sends in
    ``fxbuf``) for stream frames ``[bs, bs+n)``, in the order the voices started."""
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
        v = vi[k, VI_LSLOT]
        keep = True
        if vi[v, VI_START] < bs + n:
            t_end, bad = _render_one(v, bs, n, vf, vi, src0, src1, s0, s1, b0, b1, smooth,
                                     fxf, fxbuf, ob, gf, gi, cnt)
            if bad:
                cnt[K_KILLED] += 1
                _end_voice(vi, v, np.int64(bs), np.int64(END_NONFINITE), cnt, nbuf, nidx)
                keep = False
            elif t_end >= vi[v, VI_LIFE]:
                _end_voice(vi, v, vi[v, VI_START] + vi[v, VI_LIFE], vi[v, VI_ENDREASON], cnt,
                           nbuf, nidx)
                keep = False
        if keep:
            vi[j, VI_LSLOT] = v
            vi[j, VI_LSEQ] = vi[k, VI_LSEQ]
            j += 1
    cnt[K_NLIST] = j
    cnt[K_ACTIVE] = j
