"""One output block, as the audio callback runs it (``process_block``).

The live callback (``_callback.pa_callback``) and ``NullOutput`` both call it. It
reaches the engine's preallocated arrays through an int64 *address table* with, per
array, ``[address, shape0, shape1]`` (see ``table.AddressTable``); ``numba.carray``
turns each entry into a non-owning view.

Per block:

1. read the clock (``clock_gettime(CLOCK_MONOTONIC)``, called from compiled code);
2. ``render_block`` -- the same kernel offline rendering runs -- into PortAudio's
   buffer;
3. optional tap: copy the block into a float32 ring indexed by stream frame, and log
   (frame, n) of the block, so tests can compare live output with an offline render;
4. count the callback, count an xrun if PortAudio's status flags report an output
   underflow/overflow (on JACK that includes any xrun in the graph, e.g. a late
   driver wake-up) and, separately, an overrun if this block itself took longer
   than its duration (the xruns the engine causes), store
   ``time_info`` for the clock mapping, and the load: time spent in the callback /
   block duration, smoothed one-pole (``S_LOAD``) and its maximum (``S_LOAD_MAX``).

Contract: no allocation, no locks, no Python objects, never raises (no bounds
checks; all indices come from the engine's own state).
"""
from __future__ import annotations

import numpy as np
from numba import carray, njit

from ..engine.atomics import as_voidptr, load_acquire, monotonic_ns, store_release
from ..engine.render import render_block
from ..engine.state import K_CALLBACKS, K_FRAME, K_OVERRUNS, K_XRUNS, S_CB_FRAME, S_CUR_TIME, \
    S_DAC_TIME, S_LOAD, S_LOAD_MAX, C_SR

__all__ = ["process_block", "TABLE_LEN", "ENTRY", "TAP_ENABLED", "TAP_END", "TAP_FIRST",
           "TAP_BLOCKS"]

# address-table entries (index of [addr, shape0, shape1])
(E_RING_BUF, E_RING_IDX, E_PEND, E_PEND_KEY, E_ORDER, E_VF, E_VI, E_TMPF, E_TMPI, E_ARENA,
 E_S_OFF, E_S_LEN, E_S_META, E_NBUF, E_NIDX, E_CFG, E_CNT, E_ST, E_MS, E_SCRATCH, E_BUS,
 E_GF, E_GI, E_FXF, E_FXBUF, E_TAP, E_TAPINFO, E_BLOG) = range(28)
ENTRY = 3
TABLE_LEN = 28 * ENTRY

# tapinfo[...] (int64)
TAP_ENABLED = 0
TAP_END = 1       # stream frame after the last tapped frame (release-published)
TAP_FIRST = 2     # first tapped stream frame (-1 until the first block)
TAP_BLOCKS = 3    # blocks logged so far (monotonic; blog[k & mask] = (frame, n))

# PortAudio status flags
PA_OUTPUT_UNDERFLOW = 4
PA_OUTPUT_OVERFLOW = 8


@njit(cache=True, nogil=True)
def _f64_1(tab, e):
    return carray(as_voidptr(tab[e * ENTRY]), (tab[e * ENTRY + 1],), np.float64)


@njit(cache=True, nogil=True)
def _i64_1(tab, e):
    return carray(as_voidptr(tab[e * ENTRY]), (tab[e * ENTRY + 1],), np.int64)


@njit(cache=True, nogil=True)
def _f64_2(tab, e):
    return carray(as_voidptr(tab[e * ENTRY]), (tab[e * ENTRY + 1], tab[e * ENTRY + 2]),
                  np.float64)


@njit(cache=True, nogil=True)
def _i64_2(tab, e):
    return carray(as_voidptr(tab[e * ENTRY]), (tab[e * ENTRY + 1], tab[e * ENTRY + 2]),
                  np.int64)


@njit(cache=True, nogil=True)
def _f32_2(tab, e):
    return carray(as_voidptr(tab[e * ENTRY]), (tab[e * ENTRY + 1], tab[e * ENTRY + 2]),
                  np.float32)


@njit(cache=True, nogil=True)
def process_block(tab, o, n, status, dac_time, cur_time):
    """One audio block into ``o`` ((n, 2) float32): render, tap, count, time."""
    t0 = monotonic_ns()
    # the arena can be swapped for a bigger one: capacity first (acquire), then address
    cap = load_acquire(tab, E_ARENA * ENTRY + 2)
    addr = load_acquire(tab, E_ARENA * ENTRY)
    arena = carray(as_voidptr(addr), (2, cap), np.float32)
    cnt = _i64_1(tab, E_CNT)
    st = _f64_1(tab, E_ST)
    cfg = _f64_1(tab, E_CFG)
    frame0 = cnt[K_FRAME]
    render_block(o, n, _f64_2(tab, E_RING_BUF), _i64_1(tab, E_RING_IDX), _f64_2(tab, E_PEND),
                 _i64_2(tab, E_PEND_KEY), _i64_1(tab, E_ORDER), _f64_2(tab, E_VF),
                 _i64_2(tab, E_VI), _f64_1(tab, E_TMPF), _i64_1(tab, E_TMPI), arena,
                 _i64_1(tab, E_S_OFF), _i64_1(tab, E_S_LEN), _f64_2(tab, E_S_META),
                 _f64_2(tab, E_NBUF), _i64_1(tab, E_NIDX), cfg, cnt, st, _f64_1(tab, E_MS),
                 _f32_2(tab, E_SCRATCH), _f32_2(tab, E_BUS), _f64_2(tab, E_GF),
                 _i64_2(tab, E_GI), _f64_2(tab, E_FXF), _f32_2(tab, E_FXBUF))
    info = _i64_1(tab, E_TAPINFO)
    if info[TAP_ENABLED] != 0:
        tap = _f32_2(tab, E_TAP)
        mask = tap.shape[1] - 1
        for j in range(n):
            k = (frame0 + j) & mask
            tap[0, k] = o[j, 0]
            tap[1, k] = o[j, 1]
        blog = _i64_2(tab, E_BLOG)
        b = info[TAP_BLOCKS]
        bk = b & (blog.shape[0] - 1)
        blog[bk, 0] = frame0
        blog[bk, 1] = n
        if info[TAP_FIRST] < 0:
            info[TAP_FIRST] = frame0
        info[TAP_BLOCKS] = b + 1
        store_release(info, TAP_END, frame0 + n)
    if n > 0:
        cnt[K_CALLBACKS] += 1
    if status & (PA_OUTPUT_UNDERFLOW | PA_OUTPUT_OVERFLOW):
        cnt[K_XRUNS] += 1
    st[S_DAC_TIME] = dac_time
    st[S_CUR_TIME] = cur_time
    st[S_CB_FRAME] = frame0
    if n > 0:
        budget_ns = n * 1e9 / cfg[C_SR]
        load = (monotonic_ns() - t0) / budget_ns
        st[S_LOAD] += 0.05 * (load - st[S_LOAD])
        if load > st[S_LOAD_MAX]:
            st[S_LOAD_MAX] = load
        if load > 1.0:
            cnt[K_OVERRUNS] += 1
    return 0




from ..engine.jitcache import ensure_fresh as _ensure_fresh  # noqa: E402

_ensure_fresh(process_block)   # before _callback.py compiles or loads the cfunc
