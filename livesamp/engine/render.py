"""The one render kernel: offline rendering and the live callback both call
``render_block``, so a live stream and an offline render of the same triggers from
the same start frame are the same samples.

Per sub-block of at most ``Engine(block=...)`` frames starting at stream frame ``bs``:

1. drain the command ring into the pending set (rows keep their ring index as a
   sequence number; non-finite frames and frames too far ahead are rejected);
2. sort the pending triggers with ``frame < bs + n`` by (frame, sequence); a trigger
   whose frame is already past starts at ``bs`` and is counted late;
3. start them, each at its own frame inside the block (sample accurate); cuts,
   voice counting and stealing look at the voices as they are at that frame; only
   when no slot is free is the block rendered up to that frame first (to free the
   slots of voices that ended);
4. render the voices into the bus (each from its own start frame) and their orbits'
   send buses, then the single grains (kernels/grains.py; clouds are voices); 5. the orbits' effects (kernels/orbits.py: parameter changes of the
   block's triggers at their frames) add their output to the bus; 6. the master bus
   into ``out``.

Every voice is computed from its own voice time and voices are mixed in start
order, so the output does not depend on how the stream is cut into blocks.

Contract (it runs on the audio thread): no allocation, no locks, no Python objects,
never raises; every index that comes from shared data is checked or masked.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .atomics import load_acquire, store_release
from .kernels.grains import (as_one_grain_cloud, mix_grains, prepare_cloud, release_cloud,
                             start_grain)
from .kernels.master import master_process
from .kernels.orbits import orbit_event, orbits_process
from .kernels.sampler import prepare_sampler
from .kernels.voicefx import prepare_voicefx, wants_a_voice
from .layout import (KIND_GRAIN, KIND_SAMPLER, NK_LATE, NK_REJECTED, NK_STARTED, NK_STATS,
                     REJ_FRAME, REJ_KIND, REJ_NO_VOICE, REJ_SAMPLE, REJ_TOO_FAR, T_EVENT, T_FRAME,
                     T_GRAIN_DENSITY, T_KIND, T_SAMPLE, T_SLOT)
from .rings import IDX_READ, IDX_WRITE, ring_push_one
from .state import (C_BLOCK, C_FADE, C_MAXAHEAD, C_SR, C_STATS_EVERY, K_ACTIVE, K_CUTS,
                    K_FRAME, K_LATE, K_NEXT_STATS, K_SEG, K_PEND, K_PENDFULL, K_REJECTED, K_STARTED,
                    MAX_BLOCK, PAD, S_LOAD, VI_CUT, VI_ENDREASON, VI_ORBIT, VI_SAMPLE,
                    VI_SEQ, VI_START, VI_STATE, VI_LSLOT, VI_NAT)
from .voices import allocate, cut_group, list_append, render_voices

__all__ = ["render_block"]

KEY_SEQ = 0      # pend_key[i, KEY_SEQ]: ring index of pending row i (push order)
KEY_FRAME = 1    # pend_key[i, KEY_FRAME]: floor of its frame


@njit(cache=True, nogil=True)
def _id(x):
    return x if math.isfinite(x) and abs(x) < 1e15 else -1.0


@njit(cache=True, nogil=True)
def _reject(row, frame, reason, cnt, nbuf, nidx):
    cnt[K_REJECTED] += 1
    ring_push_one(nbuf, nidx, np.float64(NK_REJECTED), np.float64(frame), _id(row[T_EVENT]),
                  _id(row[T_SAMPLE]), _id(row[T_SLOT]), -1.0, np.float64(reason), 0.0)


@njit(cache=True, nogil=True, _nrt=False)    # no refcounts: ~40 atomics per trigger
def _start_trigger(row, seq, f, bs, vf, vi, tmpf, tmpi, arena, s_off, s_len, s_meta, cfg,
                   cnt, nbuf, nidx, scratch, bus, fxf, fxbuf, gf, gi):
    """Start one trigger of the block ``[bs, ...)`` at its frame ``f`` (``bs`` if that is
    past). Frames before ``cnt[K_SEG]`` are already mixed into the bus; if no slot is
    free this renders the voices up to the trigger's frame first. Kind 1 with density
    0 is a single grain (grain pool, no voice; with effects, a cloud of one grain); kind
    1 with a density, a cloud voice."""
    if f < bs:
        cnt[K_LATE] += 1
        ring_push_one(nbuf, nidx, np.float64(NK_LATE), np.float64(bs), _id(row[T_EVENT]),
                      _id(row[T_SAMPLE]), _id(row[T_SLOT]), -1.0,
                      np.float64(bs) - math.floor(row[T_FRAME]), 0.0)
        f = bs
    kind = row[T_KIND]
    if kind != KIND_SAMPLER and kind != KIND_GRAIN:
        _reject(row, np.float64(f), np.float64(REJ_KIND), cnt, nbuf, nidx)
        return
    sidf = row[T_SAMPLE]
    if not (sidf >= 0.0 and sidf < s_len.shape[0]):   # also false for NaN
        _reject(row, np.float64(f), np.float64(REJ_SAMPLE), cnt, nbuf, nidx)
        return
    sid = np.int64(sidf)
    length = load_acquire(s_len, sid)
    off = s_off[sid]
    if length <= 0 or off < PAD or off + length + PAD > arena.shape[1]:
        _reject(row, np.float64(f), np.float64(REJ_SAMPLE), cnt, nbuf, nidx)
        return
    cloud = kind == KIND_GRAIN and row[T_GRAIN_DENSITY] > 0.0
    if kind == KIND_GRAIN and not cloud and wants_a_voice(row):
        as_one_grain_cloud(row, cfg[C_SR])     # effects need a voice: a cloud of one grain
        cloud = True
    if kind == KIND_GRAIN and not cloud:
        reason = start_grain(row, f, cfg[C_SR], np.float64(off), np.float64(length),
                             s_meta[0, sid], s_meta[1, sid] != 0.0, arena.shape[1], gf, gi,
                             cnt)
        if reason != 0:
            _reject(row, np.float64(f), np.float64(reason), cnt, nbuf, nidx)
        return
    tmpf[:] = 0.0
    tmpi[:] = 0
    reason = prepare_sampler(row, cfg[C_SR], np.float64(off), np.float64(length),
                             s_meta[0, sid], s_meta[1, sid] != 0.0, tmpf, tmpi)
    if reason == 0 and cloud:
        reason = prepare_cloud(row, cfg[C_SR], np.float64(off), np.float64(length),
                               s_meta[0, sid], s_meta[1, sid] != 0.0, tmpi[VI_NAT], tmpf, tmpi)
    if reason != 0:
        _reject(row, np.float64(f), np.float64(reason), cnt, nbuf, nidx)
        return
    prepare_voicefx(row, cfg[C_SR], tmpf, tmpi)     # per-voice effects and sends, any kind
    fade = np.int64(cfg[C_FADE])
    cut = tmpi[VI_CUT]
    if cut != 0:
        cnt[K_CUTS] += cut_group(vf, vi, cut, tmpi[VI_ORBIT], sid, f, fade)
    v = allocate(vf, vi, cfg, cnt, f, False, nbuf, nidx)
    if v == -2:     # every slot taken (voices that ended before f still hold theirs)
        seg = cnt[K_SEG]
        if f > seg:
            render_voices(seg, f - seg, seg - bs, vf, vi, arena, scratch, bus, cfg, cnt,
                          nbuf, nidx, fxf, fxbuf, gf, gi)
            cnt[K_SEG] = f
        v = allocate(vf, vi, cfg, cnt, f, True, nbuf, nidx)
    if v < 0:
        _reject(row, np.float64(f), np.float64(REJ_NO_VOICE), cnt, nbuf, nidx)
        return
    tmpi[VI_STATE] = 1
    tmpi[VI_START] = f
    tmpi[VI_SAMPLE] = sid
    tmpi[VI_SEQ] = seq
    tmpi[VI_ENDREASON] = 0
    release_cloud(vi, v, gi, cnt)   # grains a cloud in this slot left (killed, hard-stolen)
    for k in range(tmpf.shape[0]):
        vf[v, k] = tmpf[k]
    for k in range(VI_LSLOT):       # columns from VI_LSLOT on hold the mix order list
        vi[v, k] = tmpi[k]
    list_append(vi, cnt, v)
    cnt[K_STARTED] += 1
    ring_push_one(nbuf, nidx, np.float64(NK_STARTED), np.float64(f), _id(row[T_EVENT]),
                  np.float64(sid),
                  _id(row[T_SLOT]), np.float64(v), 0.0, 0.0)


@njit(cache=True, nogil=True)
def _before(pend_key, i, j):
    fi = pend_key[i, KEY_FRAME]
    fj = pend_key[j, KEY_FRAME]
    return fi < fj or (fi == fj and pend_key[i, KEY_SEQ] < pend_key[j, KEY_SEQ])


@njit(cache=True, nogil=True)
def _sort_due(order, k, pend_key):
    """Shell sort ``order[:k]`` (pending row indices) by (frame, sequence), in place."""
    gap = 1
    while gap < k // 3:
        gap = 3 * gap + 1
    while gap >= 1:
        for i in range(gap, k):
            x = order[i]
            j = i
            while j >= gap and _before(pend_key, x, order[j - gap]):
                order[j] = order[j - gap]
                j -= gap
            order[j] = x
        gap //= 3


@njit(cache=True, nogil=True)
def _sort_indices_desc(order, k):
    """Shell sort ``order[:k]`` descending (for swap-removal)."""
    gap = 1
    while gap < k // 3:
        gap = 3 * gap + 1
    while gap >= 1:
        for i in range(gap, k):
            x = order[i]
            j = i
            while j >= gap and order[j - gap] < x:
                order[j] = order[j - gap]
                j -= gap
            order[j] = x
        gap //= 3


@njit(cache=True, nogil=True)
def _drain(ring_buf, ring_idx, pend, pend_key, bs, cfg, cnt, nbuf, nidx):
    cap = ring_buf.shape[0]
    mask = cap - 1
    width = pend.shape[1] if pend.shape[1] < ring_buf.shape[1] else ring_buf.shape[1]
    pn = cnt[K_PEND]
    r = ring_idx[IDX_READ]
    w = load_acquire(ring_idx, IDX_WRITE)
    maxahead = cfg[C_MAXAHEAD]
    while r < w and pn < pend.shape[0]:
        slot = r & mask
        fr = ring_buf[slot, T_FRAME]
        if not math.isfinite(fr):
            _reject(ring_buf[slot], np.float64(bs), np.float64(REJ_FRAME), cnt, nbuf, nidx)
        elif fr - bs > maxahead:
            _reject(ring_buf[slot], np.float64(bs), np.float64(REJ_TOO_FAR), cnt, nbuf, nidx)
        else:
            for c in range(width):
                pend[pn, c] = ring_buf[slot, c]
            pend_key[pn, KEY_SEQ] = r
            # very late frames (even -1e300) are clamped: they start at once anyway
            pend_key[pn, KEY_FRAME] = np.int64(math.floor(max(fr, bs - 1e12)))
            pn += 1
        r += 1
    store_release(ring_idx, IDX_READ, r)
    if r < w:
        cnt[K_PENDFULL] += 1
    cnt[K_PEND] = pn


@njit(cache=True, nogil=True)
def render_block(out, n, ring_buf, ring_idx, pend, pend_key, order, vf, vi, tmpf, tmpi,
                 arena, s_off, s_len, s_meta, nbuf, nidx, cfg, cnt, st, ms, scratch, bus,
                 gf, gi, fxf, fxbuf):
    """Render ``n`` frames into ``out[:n]`` (interleaved float32) and advance the frame."""
    step = np.int64(cfg[C_BLOCK])
    if step < 1 or step > MAX_BLOCK:
        step = np.int64(MAX_BLOCK)
    done = np.int64(0)
    while done < n:
        m = n - done
        if m > step:
            m = step
        bs = cnt[K_FRAME]
        end = bs + m
        _drain(ring_buf, ring_idx, pend, pend_key, bs, cfg, cnt, nbuf, nidx)
        pn = cnt[K_PEND]
        k = np.int64(0)
        for i in range(pn):
            if pend_key[i, KEY_FRAME] < end:
                order[k] = i
                k += 1
        if k > 0:
            _sort_due(order, k, pend_key)
        for c in range(2):
            for j in range(m):
                bus[c, j] = 0.0
        # start the block's triggers in order, each at its own frame, then render
        cnt[K_SEG] = bs
        for q in range(k):
            i = order[q]
            started = cnt[K_STARTED]
            _start_trigger(pend[i], pend_key[i, KEY_SEQ], pend_key[i, KEY_FRAME], bs, vf, vi,
                           tmpf, tmpi, arena, s_off, s_len, s_meta, cfg, cnt, nbuf, nidx,
                           scratch, bus, fxf, fxbuf, gf, gi)
            if cnt[K_STARTED] != started:     # its orbit parameters, at its frame
                orbit_event(pend[i], max(pend_key[i, KEY_FRAME], bs) - bs, fxf)
        seg = cnt[K_SEG]
        render_voices(seg, end - seg, seg - bs, vf, vi, arena, scratch, bus, cfg, cnt, nbuf,
                      nidx, fxf, fxbuf, gf, gi)
        mix_grains(bs, m, gf, gi, arena, bus[0], bus[1], cnt)     # single grains, start order
        orbits_process(fxf, fxbuf, bus, m)
        if k > 0:
            # remove the started rows: move the last rows into their places (the
            # pending set is unordered; the key array keeps the scan above cheap)
            _sort_indices_desc(order, k)
            for q in range(k):
                i = order[q]
                pn -= 1
                if i != pn:
                    for c in range(pend.shape[1]):
                        pend[i, c] = pend[pn, c]
                    pend_key[i, KEY_SEQ] = pend_key[pn, KEY_SEQ]
                    pend_key[i, KEY_FRAME] = pend_key[pn, KEY_FRAME]
            cnt[K_PEND] = pn
        master_process(bus, out, done, m, ms, cfg, cnt, st)
        cnt[K_FRAME] = end
        every = np.int64(cfg[C_STATS_EVERY])
        if every > 0 and end >= cnt[K_NEXT_STATS]:
            nxt = cnt[K_NEXT_STATS] + every
            cnt[K_NEXT_STATS] = nxt if nxt > end else end + every
            ring_push_one(nbuf, nidx, np.float64(NK_STATS), np.float64(end), -1.0, -1.0, -1.0, -1.0,
                          np.float64(cnt[K_ACTIVE]), st[S_LOAD])
        done += m
