"""Grains: the grain pool, single grains (trigger kind 1, density 0) and clouds
(kind 1, density > 0: a voice that spawns grains inside the kernel).

Grain semantics (output frames; ``L`` grain frames, ``t = 0 .. L-1`` grain time):

- read position ``x(t) = x0 + r t`` source frames, ``r = speed * 2**(note/12) * ratio``
  (``T_UNIT`` and ``T_ACCEL`` do not apply to grains). A forward grain starts at
  ``x0 = pos * length``; a backward grain (negative speed, or a cloud's reverse draw)
  plays the same span ``[x0, x0 + |r| L)`` reversed: ``x(t) = x0 + |r| (L - 1 - t)``.
  ``pos`` is ``T_GRAIN_POS`` (NaN: ``T_BEGIN``), a fraction of the sample.
- positions are clamped to ``[-2, length + 1]`` (the zero padding around every sample,
  as the sampler's clamp): a grain never reads another sample; past the ends it reads
  silence.
- interpolation linear or 4-point cubic Hermite (``T_INTERP``, as the sampler);
- envelope of ``p = t / L`` (``T_GRAIN_ENV``): 0 hann ``sin^2(pi p)`` (periodic), 1
  tukey (cosine tapers over the first and last quarter: ``sin^2(pi u)``, ``u =
  min(2p, 2 - 2p, 1/2)``), 2 expodec ``(1000^-p - 0.001) / 0.999`` (instant attack,
  exponential decay to 0), 3 rexpodec (expodec of ``1 - p``, reversed);
- gains ``amp * cos(pan pi/2)``, ``amp * sin(pan pi/2)`` (equal power), stereo samples
  per channel.

Single grains go into the grain pool and are mixed into the bus (``mix_grains``) after
the voices, in start order. They have no voice: no notices (``stats()['grains']``
counts them, ``'grain_drops'`` the ones a full pool dropped), no cut groups. A single
grain that carries a filter, an effect, a send or an orbit parameter
(``voicefx.wants_a_voice``) becomes a cloud of that one grain instead
(``as_one_grain_cloud``): it takes a voice, so its effects, sends and notices work as
for any voice, and it sounds the same grain.

Clouds take a voice slot (cut groups, steals, notices, the voice envelope: attack,
``T_SUSTAIN`` frames (< 0: the sample's natural length at the cloud's rate), release),
and spawn grains into the pool while they sound: onsets at voice times
``floor(k * sr / density)`` (``T_GRAIN_ASYNC`` 0) or a Poisson process of that rate
(1: exponential gaps). Each onset draws, from the cloud's own RNG (splitmix64 seeded
by ``T_GRAIN_SEED``, state in the voice record), in this order: position
``pos + posjit (2u - 1)`` (clamped to 0..1), rate ``r * 2**(ratejit (2u - 1) / 12)``,
pan ``pan + spread (u - 1/2)`` (clamped), reverse ``u < T_GRAIN_REVERSE``, and for
async clouds the gap ``-(sr / density) log(1 - u)``. Draws happen for dropped grains
too, so a cloud is the same sound in any render. The grains sound into the voice's
scratch (in spawn order), get the voice envelope, then the voice's filters/effects
and sends like a sampler voice. When the cloud ends its grains stop with it.

Pool layout (``EngineState.gf`` float64 / ``gi`` int64, one row per grain)::

    gi[g, GI_START]  stream frame of grain time 0      gf[g, GF_X0]    x(0), arena frames
    gi[g, GI_LEN]    L, frames                          gf[g, GF_RATE]  signed r
    gi[g, GI_P0]     x(0) * 2**32 (fixed point)         gf[g, GF_XLO]   position clamp
    gi[g, GI_R]      r * 2**32 (fixed point)            gf[g, GF_XHI]
    gi[g, GI_VAR]    cubic + 2 stereo + 4 envelope      gf[g, GF_GL]    gains
    gi[g, GI_FAST]   1: the SIMD kernel renders it      gf[g, GF_GR]
    gi[g, GI_NEXT]   next grain of its cloud + 1 (0: last)   gf[g, GF_INVL]  1 / L
    gi[g, GI_TAB]    envelope table + 1 (0: none)

Two columns of ``gi`` are not per grain: ``gi[k, GI_FREE]`` (k < ``cnt[K_GFREE]``) is
the stack of free grains (allocation and release are O(1)), ``gi[k, GI_LIST]`` (k <
``cnt[K_GLIST]``) the single grains in start order.

Rendering: the SIMD kernel (grain_simd.py: AVX2, |r| <= 2, the grain's whole span
inside the sample's clamp range) or a scalar float64 loop for every other grain; the
choice is made once per grain. Both compute each sample from the grain and the
frame alone, so a grain sounds the same however the stream is cut into blocks.
One exception: grains free their pool entries at the end of the block they end in, so
when the pool is full (an overload, counted in ``grain_drops``), which grains are
dropped can depend on the block size.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..layout import (INTERP_LINEAR, REJ_SILENT, T_AMP, T_ATTACK, T_BEGIN, T_GRAIN_ASYNC,
                      T_GRAIN_DENSITY, T_GRAIN_ENV, T_GRAIN_POS, T_GRAIN_POSJIT,
                      T_GRAIN_RATEJIT, T_GRAIN_REVERSE, T_GRAIN_SEED, T_GRAIN_SIZE,
                      T_GRAIN_SPREAD, T_INTERP, T_NOTE, T_PAN, T_RELEASE, T_SPEED,
                      T_SUSTAIN)
from ..state import (K_GFREE, K_GLIST, K_GRAIN_DROPS, K_GRAINS, VF_AMP, VF_EG, VF_GAMP,
                     VF_GL, VF_GNEXT, VF_GPAN, VF_GPERIOD, VF_GPOS, VF_GPOSJ, VF_GR,
                     VF_GRATE, VF_GRJ, VF_GREV, VF_GSPREAD, VF_INVA, VF_INVR, VI_A,
                     VI_GASYNC, VI_GATE, VI_GHEAD, VI_GK, VI_GLEN, VI_GRNG, VI_GSLEN,
                     VI_GSOFF, VI_GTAIL, VI_GVAR, VI_KIND, VI_LIFE, VI_NAT, VI_R,
                     VI_START, VI_STEREO)
from .grain_simd import SIMD, env_fill, grain_pair, grain_span

__all__ = ["NGF", "NGI", "grain_shapes", "KIND_VOICE_CLOUD", "grains_reset", "grain_alloc", "grain_free",
           "start_grain", "mix_grains", "render_grain", "prepare_cloud", "render_cloud",
           "release_cloud", "env_value", "rng_next", "rng_uniform", "MAX_GRAIN_FRAMES",
           "grains_active"]

GI_START = 0
GI_LEN = 1
GI_P0 = 2
GI_R = 3
GI_VAR = 4
GI_FAST = 5
GI_NEXT = 6
GI_FREE = 7
GI_LIST = 8
GI_TAB = 9       # envelope table + 1 (0: none)
NGI = 10

GF_X0 = 0
GF_RATE = 1
GF_XLO = 2
GF_XHI = 3
GF_GL = 4
GF_GR = 5
GF_INVL = 6
NGF = 8

# envelope tables: gf rows after the pool, viewed as float32 by the SIMD kernel; slot i
# holds env(t) for t = 0 .. L-1 of one (envelope, L), exactly the values the lanes
# compute (env_fill runs the same code), so a grain sounds the same with or without
# one. Records in gi rows after the pool (TM_*), then a header row (TH_*).
N_TAB = 8
TAB_MAX = 16384              # longest grain with a table (frames)
TAB_STRIDE = TAB_MAX + 8     # float32 values per table
TM_KIND = 0
TM_LEN = 1                   # 0: empty slot
TM_USERS = 2                 # grains using it
TM_STAMP = 3                 # last use (TH_CLOCK), for least-recently-used replacement
TH_CLOCK = 0
TH_MISS_KIND = 1             # the last (envelope, L) a single grain found no table for
TH_MISS_LEN = 2

KIND_VOICE_CLOUD = 1         # vi[v, VI_KIND]: 0 sampler voice, 1 cloud
MAX_GRAIN_FRAMES = 1 << 22   # ~87 s at 48 kHz (grain time stays exact in float32)
FIX = 4294967296.0           # 2**32: fixed-point scale of positions and rates
FIX_MAX_FRAMES = 1 << 30     # positions beyond this use the scalar path
SIMD_MAX_RATE = 2.0          # 8 lanes then read at most 16 consecutive frames
WINDOW_REACH = 18            # the SIMD kernel reads up to base + 17
AMP_MAX = 1.0e4
NOTE_MAX = 480.0
JIT_SEMITONES_MAX = 48.0
FADE_FRACTION = 0.19098      # SuperDirt: fades at most this fraction of the sustain
DEFAULT_ATTACK_S = 0.001
DEFAULT_RELEASE_S = 0.005


# --- pool ----------------------------------------------------------------------------
def grain_shapes(max_grains: int) -> tuple:
    """Shapes of ``gf`` and ``gi`` for a pool of ``max_grains``: the grains, then the
    envelope tables (gf) and their records plus a header row (gi)."""
    tab_rows = N_TAB * TAB_STRIDE // (2 * NGF)
    return (max_grains + tab_rows, NGF), (max_grains + N_TAB + 1, NGI)


def grains_reset(gi: np.ndarray, cnt: np.ndarray) -> None:
    """Every grain free, no tables (after gi and cnt were zeroed)."""
    n = gi.shape[0] - N_TAB - 1
    gi[:n, GI_FREE] = np.arange(n - 1, -1, -1)    # grain 0 is handed out first
    cnt[K_GFREE] = n
    cnt[K_GLIST] = 0


def grains_active(gi: np.ndarray, cnt: np.ndarray) -> int:
    """Grains allocated (sounding or about to)."""
    return int(gi.shape[0] - N_TAB - 1 - cnt[K_GFREE])


@njit(cache=True, nogil=True, _nrt=False)
def _pool(gi):
    return gi.shape[0] - N_TAB - 1


@njit(cache=True, nogil=True, _nrt=False)
def grain_alloc(gi, cnt):
    """A free grain, or -1 (pool full)."""
    top = cnt[K_GFREE]
    if top <= 0 or top > _pool(gi):
        return np.int64(-1)
    g = gi[top - 1, GI_FREE]
    if g < 0 or g >= _pool(gi):
        return np.int64(-1)
    cnt[K_GFREE] = top - 1
    return g


@njit(cache=True, nogil=True, _nrt=False)
def grain_free(gi, cnt, g):
    """Return grain ``g`` to the pool (and its envelope table reference)."""
    tab = gi[g, GI_TAB]
    if tab > 0 and tab <= N_TAB:
        r = _pool(gi) + tab - 1
        if gi[r, TM_USERS] > 0:
            gi[r, TM_USERS] -= 1
    gi[g, GI_TAB] = 0
    top = cnt[K_GFREE]
    if top < 0 or top >= _pool(gi):
        return
    gi[top, GI_FREE] = g
    cnt[K_GFREE] = top + 1


# --- helpers ---------------------------------------------------------------------------
@njit(cache=True, nogil=True, _nrt=False)
def _finite_or(x, default):
    return x if math.isfinite(x) else default


@njit(cache=True, nogil=True, _nrt=False)
def _clamp(x, lo, hi):
    return lo if x < lo else (hi if x > hi else x)


@njit(cache=True, nogil=True, _nrt=False)
def env_value(kind, p):
    """The grain envelope at phase ``p = t / L`` (float64; the scalar path's formula)."""
    if kind == 1:
        u = min(2.0 * p, 2.0 - 2.0 * p, 0.5)
        s = math.sin(math.pi * u)
        return s * s
    if kind == 2 or kind == 3:
        q = 1.0 - p if kind == 3 else p
        return (1000.0 ** (-q) - 0.001) / 0.999
    s = math.sin(math.pi * p)
    return s * s


@njit(cache=True, nogil=True, _nrt=False)
def rng_next(state):
    """splitmix64: (new state, 64 random bits), all in int64 bit patterns."""
    s = np.uint64(state) + np.uint64(0x9E3779B97F4A7C15)
    z = s
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return np.int64(s), z


@njit(cache=True, nogil=True, _nrt=False)
def rng_uniform(vi, v):
    """A uniform double in [0, 1) from voice ``v``'s RNG (advances it)."""
    s, z = rng_next(vi[v, VI_GRNG])
    vi[v, VI_GRNG] = s
    return np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


# --- envelope tables -------------------------------------------------------------------
@njit(cache=True, nogil=True, _nrt=False)
def _table_offset(gi, slot):
    """float32 element of gf where table ``slot`` starts."""
    return np.int64(_pool(gi) * NGF * 2 + slot * TAB_STRIDE)


@njit(cache=True, nogil=True, _nrt=False)
def _table_for(kind, L, want, gf, gi):
    """A table slot for envelope ``kind`` of ``L`` frames (its user count taken), or -1.

    A miss builds a table into a free slot (empty, else the least recently used one
    no grain uses) when ``want`` (clouds: many grains of one length) or when the
    previous miss of a single grain was the same (envelope, L) (a stream of equal
    grains, not one-offs)."""
    if L > TAB_MAX or L < 8:
        return np.int64(-1)
    pool = _pool(gi)
    h = pool + N_TAB
    clock = gi[h, TH_CLOCK] + 1
    gi[h, TH_CLOCK] = clock
    pick = np.int64(-1)
    for i in range(N_TAB):
        r = pool + i
        if gi[r, TM_LEN] == L and gi[r, TM_KIND] == kind:
            gi[r, TM_USERS] += 1
            gi[r, TM_STAMP] = clock
            return np.int64(i)
        if gi[r, TM_USERS] <= 0:
            if pick < 0 or gi[r, TM_LEN] == 0 or (
                    gi[pool + pick, TM_LEN] != 0 and gi[r, TM_STAMP] < gi[pool + pick, TM_STAMP]):
                pick = i
    if not want and not (gi[h, TH_MISS_KIND] == kind and gi[h, TH_MISS_LEN] == L):
        gi[h, TH_MISS_KIND] = kind
        gi[h, TH_MISS_LEN] = L
        return np.int64(-1)
    if pick < 0:
        return np.int64(-1)
    env_fill(gf, _table_offset(gi, pick), kind, L, np.float32(1.0 / L))
    r = pool + pick
    gi[r, TM_KIND] = kind
    gi[r, TM_LEN] = L
    gi[r, TM_USERS] = 1
    gi[r, TM_STAMP] = clock
    return pick


# --- making grains ---------------------------------------------------------------------
@njit(cache=True, nogil=True, _nrt=False)
def _make_grain(g, start, L, pos, rate, backwards, gl, gr, variant, off, length, width,
                want_table, gf, gi):
    """Fill grain ``g``: ``pos`` fraction of the sample, ``rate`` > 0 source frames per
    frame (``backwards``: the span played reversed)."""
    rd = abs(rate)
    x0 = off + pos * length
    if backwards:
        x0 = x0 + rd * (L - 1)
        r = -rd
    else:
        r = rd
    x_end = x0 + r * (L - 1)
    xlo = off - 2.0
    xhi = off + length + 1.0
    lo_x = min(x0, x_end)
    hi_x = max(x0, x_end)
    fast = (SIMD and rd <= SIMD_MAX_RATE and lo_x >= xlo and hi_x <= xhi
            and hi_x + WINDOW_REACH < width and hi_x < FIX_MAX_FRAMES)
    gi[g, GI_START] = start
    gi[g, GI_LEN] = L
    gi[g, GI_VAR] = variant
    gi[g, GI_FAST] = 1 if fast else 0
    gi[g, GI_NEXT] = 0
    gi[g, GI_TAB] = 0
    if fast:
        gi[g, GI_P0] = np.int64(round(x0 * FIX))
        gi[g, GI_R] = np.int64(round(r * FIX))
        gi[g, GI_TAB] = _table_for(variant >> 2, L, want_table, gf, gi) + 1
    gf[g, GF_X0] = x0
    gf[g, GF_RATE] = r
    gf[g, GF_XLO] = xlo
    gf[g, GF_XHI] = xhi
    gf[g, GF_GL] = gl
    gf[g, GF_GR] = gr
    gf[g, GF_INVL] = 1.0 / L


@njit(cache=True, nogil=True, _nrt=False)
def _grain_frames(size_s, sr):
    if not (size_s > 0.0) or not math.isfinite(size_s):
        return np.int64(0)
    L = size_s * sr
    if L > MAX_GRAIN_FRAMES:
        return np.int64(MAX_GRAIN_FRAMES)
    return max(np.int64(1), np.int64(round(L)))


@njit(cache=True, nogil=True, _nrt=False)
def _variant(row, stereo):
    env = row[T_GRAIN_ENV]
    e = np.int64(env) if math.isfinite(env) and env >= 0.0 and env < 4.0 else np.int64(0)
    linear = math.isfinite(row[T_INTERP]) and np.int64(row[T_INTERP]) == INTERP_LINEAR
    return (0 if linear else 1) + (2 if stereo else 0) + 4 * e


@njit(cache=True, nogil=True, _nrt=False)
def _base_rate(row, ratio):
    """speed * 2**(note/12) * ratio, or 0 if silent / not finite."""
    speed = row[T_SPEED]
    if not math.isfinite(speed):
        return 0.0
    note = _clamp(_finite_or(row[T_NOTE], 0.0), -NOTE_MAX, NOTE_MAX)
    r = speed * 2.0 ** (note / 12.0) * ratio
    if not math.isfinite(r) or abs(r) < 1e-12:
        return 0.0
    return r


@njit(cache=True, nogil=True, _nrt=False)
def _position(row):
    pos = row[T_GRAIN_POS]
    if not math.isfinite(pos):
        pos = row[T_BEGIN]
    return _clamp(_finite_or(pos, 0.0), 0.0, 1.0)


@njit(cache=True, nogil=True, _nrt=False)
def start_grain(row, f, sr, off, length, ratio, stereo, width, gf, gi, cnt):
    """Start one single grain (kind 1, density 0) at stream frame ``f``. Returns 0, or
    ``REJ_SILENT`` (no size, speed 0); a full pool drops it (counted, returns 0)."""
    L = _grain_frames(row[T_GRAIN_SIZE], sr)
    r = _base_rate(row, ratio)
    if L <= 0 or r == 0.0:
        return REJ_SILENT
    g = grain_alloc(gi, cnt)
    if g < 0:
        cnt[K_GRAIN_DROPS] += 1
        return 0
    amp = _clamp(_finite_or(row[T_AMP], 0.0), -AMP_MAX, AMP_MAX)
    th = _clamp(_finite_or(row[T_PAN], 0.5), 0.0, 1.0) * (math.pi / 2.0)
    _make_grain(g, f, L, _position(row), r, r < 0.0, amp * math.cos(th), amp * math.sin(th),
                _variant(row, stereo), off, length, width, False, gf, gi)
    n = cnt[K_GLIST]
    if n < 0 or n >= _pool(gi):     # cannot happen (one entry per allocated grain)
        grain_free(gi, cnt, g)
        cnt[K_GRAIN_DROPS] += 1
        return 0
    gi[n, GI_LIST] = g
    cnt[K_GLIST] = n + 1
    cnt[K_GRAINS] += 1
    return 0


@njit(cache=True, nogil=True, _nrt=False)
def as_one_grain_cloud(row, sr):
    """Rewrite a single grain's trigger row (in place) as a cloud that spawns exactly that
    grain at its onset: no jitter, spread or reverse draws, a sustain of one grain, no
    attack ramp (the grain's own envelope starts at 0), a density so low that the next
    onset never comes."""
    row[T_GRAIN_DENSITY] = 1e-9
    row[T_GRAIN_ASYNC] = 0.0
    row[T_GRAIN_POSJIT] = 0.0
    row[T_GRAIN_RATEJIT] = 0.0
    row[T_GRAIN_SPREAD] = 0.0
    row[T_GRAIN_REVERSE] = 0.0
    row[T_GRAIN_POS] = _position(row)
    row[T_SUSTAIN] = np.float64(_grain_frames(row[T_GRAIN_SIZE], sr))
    row[T_ATTACK] = 1e-12


# --- rendering -------------------------------------------------------------------------
@njit(cache=True, nogil=True, _nrt=False)
def _cubic(y0, y1, y2, y3, f):
    c1 = 0.5 * (y2 - y0)
    c2 = y0 - 2.5 * y1 + 2.0 * y2 - 0.5 * y3
    c3 = 0.5 * (y3 - y0) + 1.5 * (y1 - y2)
    return ((c3 * f + c2) * f + c1) * f + y1


@njit(cache=True, nogil=True, _nrt=False)
def _render_scalar(g, a, b, fa, gf, gi, src0, src1, d0, d1):
    """Frames ``[a, b)`` of grain ``g`` (inside its life), float64 per sample."""
    start = gi[g, GI_START]
    var = gi[g, GI_VAR]
    cubic = (var & 1) != 0
    stereo = (var & 2) != 0
    kind = var >> 2
    x0 = gf[g, GF_X0]
    r = gf[g, GF_RATE]
    xlo = gf[g, GF_XLO]
    xhi = gf[g, GF_XHI]
    gl = gf[g, GF_GL]
    gr = gf[g, GF_GR]
    invl = gf[g, GF_INVL]
    for fr in range(a, b):
        t = fr - start
        x = min(max(x0 + r * t, xlo), xhi)
        i = np.int64(math.floor(x))
        f = x - i
        if cubic:
            s = _cubic(np.float64(src0[i - 1]), np.float64(src0[i]), np.float64(src0[i + 1]),
                       np.float64(src0[i + 2]), f)
        else:
            s = src0[i] + f * (np.float64(src0[i + 1]) - src0[i])
        if stereo:
            if cubic:
                s1 = _cubic(np.float64(src1[i - 1]), np.float64(src1[i]),
                            np.float64(src1[i + 1]), np.float64(src1[i + 2]), f)
            else:
                s1 = src1[i] + f * (np.float64(src1[i + 1]) - src1[i])
        else:
            s1 = s
        e = env_value(kind, t * invl)
        k = fr - fa
        d0[k] += np.float32(s * e * gl)
        d1[k] += np.float32(s1 * e * gr)


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def render_grain(g, fa, fb, gf, gi, src0, src1, d0, d1):
    """Add grain ``g`` to ``d0``/``d1`` (element 0 = stream frame ``fa``) over stream
    frames ``[fa, fb)``. Returns True if the grain has ended by ``fb``."""
    start = gi[g, GI_START]
    end = start + gi[g, GI_LEN]
    a = max(fa, start)
    b = min(fb, end)
    if a < b:
        if gi[g, GI_FAST] != 0:
            tab = gi[g, GI_TAB]
            toff = _table_offset(gi, tab - 1) if tab > 0 and tab <= N_TAB else np.int64(-1)
            grain_span(src0, src1, d0, d1, gf, toff, gi[g, GI_VAR], a, b, fa, start,
                       gi[g, GI_LEN], gi[g, GI_P0], gi[g, GI_R], np.float32(gf[g, GF_INVL]),
                       np.float32(gf[g, GF_GL]), np.float32(gf[g, GF_GR]))
        else:
            _render_scalar(g, a, b, fa, gf, gi, src0, src1, d0, d1)
    return end <= fb


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def _pairable(g, fa, fb, gi):
    """Grain ``g`` covers ``[fa, fb)`` whole, goes on past it, and renders through the
    SIMD kernel with a table: it may share the accumulators with another such grain."""
    start = gi[g, GI_START]
    tab = gi[g, GI_TAB]
    return (gi[g, GI_FAST] != 0 and tab > 0 and tab <= N_TAB and start <= fa
            and start + gi[g, GI_LEN] > fb)


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def _render_pair(g, h, fa, n, gf, gi, src0, src1, d0, d1):
    """Grains ``g`` then ``h`` (both ``_pairable``, the same variant) over ``[fa, fa+n)``
    (on the 8-frame grid), one accumulator pass: the same samples as ``render_grain``
    of ``g`` and then of ``h``."""
    grain_pair(src0, src1, d0, d1, gf, gi[g, GI_VAR], fa, fa >> 3, n >> 3,
               gi[g, GI_START], gi[g, GI_P0], gi[g, GI_R], _table_offset(gi, gi[g, GI_TAB] - 1),
               np.float32(gf[g, GF_GL]), np.float32(gf[g, GF_GR]),
               gi[h, GI_START], gi[h, GI_P0], gi[h, GI_R], _table_offset(gi, gi[h, GI_TAB] - 1),
               np.float32(gf[h, GF_GL]), np.float32(gf[h, GF_GR]))


@njit(cache=True, nogil=True, _nrt=False)
def mix_grains(bs, n, gf, gi, arena, b0, b1, cnt):
    """Mix the single grains into ``b0``/``b1`` (element 0 = stream frame ``bs``) over
    ``[bs, bs+n)`` in start order; grains that end are freed."""
    nl = cnt[K_GLIST]
    if nl <= 0:
        return
    pool = _pool(gi)
    if nl > pool:
        nl = pool
    src0 = arena[0]
    src1 = arena[1]
    fb = bs + n
    aligned = (bs & 7) == 0 and (n & 7) == 0
    held = np.int64(-1)     # a grain waiting for a partner (rendered before any later one)
    j = 0
    for k in range(nl):
        g = gi[k, GI_LIST]
        if g < 0 or g >= pool:
            continue
        if aligned and _pairable(g, bs, fb, gi):
            if held >= 0 and gi[held, GI_VAR] == gi[g, GI_VAR]:
                _render_pair(held, g, bs, n, gf, gi, src0, src1, b0, b1)
                held = -1
            else:
                if held >= 0:
                    render_grain(held, bs, fb, gf, gi, src0, src1, b0, b1)
                held = g
        else:
            if held >= 0:
                render_grain(held, bs, fb, gf, gi, src0, src1, b0, b1)
                held = -1
            render_grain(g, bs, fb, gf, gi, src0, src1, b0, b1)
        if gi[g, GI_START] + gi[g, GI_LEN] <= fb:
            grain_free(gi, cnt, g)
        else:
            gi[j, GI_LIST] = g
            j += 1
    if held >= 0:
        render_grain(held, bs, fb, gf, gi, src0, src1, b0, b1)
    cnt[K_GLIST] = j


# --- clouds ----------------------------------------------------------------------------
@njit(cache=True, nogil=True, _nrt=False)
def prepare_cloud(row, sr, off, length, ratio, stereo, nat, tf, ti):
    """Turn the voice columns ``prepare_sampler`` filled (cut, orbit, filters, ...) into
    a cloud's: grain parameters, the voice envelope over the sustain, unit pan gains
    (each grain carries its own). ``nat``: the sampler's natural length (frames), the
    sustain when ``T_SUSTAIN`` < 0. Returns 0 or a ``REJ_*`` reason."""
    L = _grain_frames(row[T_GRAIN_SIZE], sr)
    r = _base_rate(row, ratio)
    dens = row[T_GRAIN_DENSITY]
    if L <= 0 or r == 0.0 or not (dens > 0.0) or not math.isfinite(dens):
        return REJ_SILENT
    period = sr / min(dens, sr)
    sus_f = row[T_SUSTAIN]
    sus = np.int64(sus_f) if math.isfinite(sus_f) and sus_f >= 0.0 else np.int64(nat)
    sus = min(sus, np.int64(MAX_GRAIN_FRAMES) * 1024)
    att_s = _finite_or(row[T_ATTACK], DEFAULT_ATTACK_S)
    if att_s == 0.0:
        att_s = DEFAULT_ATTACK_S
    rel_s = _finite_or(row[T_RELEASE], DEFAULT_RELEASE_S)
    if rel_s == 0.0:
        rel_s = DEFAULT_RELEASE_S
    a_fr = np.int64(round(_clamp(att_s, 0.0, 60.0) * sr))
    r_fr = np.int64(round(_clamp(rel_s, 0.0, 60.0) * sr))
    cap = np.int64(max(sus, 1) * FADE_FRACTION)
    a_fr = min(a_fr, cap)
    r_fr = max(np.int64(1), min(r_fr, cap))
    gate = sus
    life = gate + r_fr
    amp = _clamp(_finite_or(row[T_AMP], 0.0), -AMP_MAX, AMP_MAX)
    tf[VF_GL] = 1.0
    tf[VF_GR] = 1.0
    tf[VF_AMP] = abs(amp)
    tf[VF_EG] = 1.0 if a_fr == 0 or gate >= a_fr else gate / a_fr
    tf[VF_INVA] = 1.0 / a_fr if a_fr > 0 else 0.0
    tf[VF_INVR] = 1.0 / r_fr
    tf[VF_GAMP] = amp
    tf[VF_GPAN] = _clamp(_finite_or(row[T_PAN], 0.5), 0.0, 1.0)
    tf[VF_GPOS] = _position(row)
    tf[VF_GPOSJ] = _clamp(_finite_or(row[T_GRAIN_POSJIT], 0.0), 0.0, 1.0)
    tf[VF_GRATE] = r
    tf[VF_GRJ] = _clamp(_finite_or(row[T_GRAIN_RATEJIT], 0.0), 0.0, JIT_SEMITONES_MAX)
    tf[VF_GSPREAD] = _clamp(_finite_or(row[T_GRAIN_SPREAD], 0.0), 0.0, 1.0)
    tf[VF_GREV] = _clamp(_finite_or(row[T_GRAIN_REVERSE], 0.0), 0.0, 1.0)
    tf[VF_GPERIOD] = period
    tf[VF_GNEXT] = 0.0
    ti[VI_A] = a_fr
    ti[VI_GATE] = gate
    ti[VI_R] = r_fr
    ti[VI_LIFE] = life
    ti[VI_NAT] = life
    ti[VI_STEREO] = 1
    ti[VI_KIND] = KIND_VOICE_CLOUD
    ti[VI_GHEAD] = 0
    ti[VI_GTAIL] = 0
    seed = row[T_GRAIN_SEED]
    ti[VI_GRNG] = np.int64(_clamp(seed, -9.0e18, 9.0e18)) if math.isfinite(seed) else 0
    ti[VI_GK] = 0
    ti[VI_GLEN] = L
    ti[VI_GVAR] = _variant(row, stereo)
    ti[VI_GSOFF] = np.int64(off)
    ti[VI_GSLEN] = np.int64(length)
    ti[VI_GASYNC] = 1 if _finite_or(row[T_GRAIN_ASYNC], 0.0) >= 0.5 else 0
    return 0


@njit(cache=True, nogil=True, _nrt=False)
def release_cloud(vi, v, gi, cnt):
    """Free every grain of voice ``v``'s cloud (if it is one)."""
    if vi[v, VI_KIND] != KIND_VOICE_CLOUD:
        return
    h = vi[v, VI_GHEAD]
    pool = _pool(gi)
    guard = pool
    while h > 0 and h <= pool and guard > 0:
        g = h - 1
        h = gi[g, GI_NEXT]
        grain_free(gi, cnt, g)
        guard -= 1
    vi[v, VI_GHEAD] = 0
    vi[v, VI_GTAIL] = 0


@njit(cache=True, nogil=True, _nrt=False)
def _spawn(v, onset, vf, vi, gf, gi, cnt, width, sr_unused):
    """Draw one grain's parameters at voice time ``onset`` and append it to the cloud."""
    u_pos = rng_uniform(vi, v)
    u_rate = rng_uniform(vi, v)
    u_pan = rng_uniform(vi, v)
    u_rev = rng_uniform(vi, v)
    g = grain_alloc(gi, cnt)
    if g < 0:
        cnt[K_GRAIN_DROPS] += 1
        return
    pos = _clamp(vf[v, VF_GPOS] + vf[v, VF_GPOSJ] * (2.0 * u_pos - 1.0), 0.0, 1.0)
    r = vf[v, VF_GRATE] * 2.0 ** (vf[v, VF_GRJ] * (2.0 * u_rate - 1.0) / 12.0)
    pan = _clamp(vf[v, VF_GPAN] + vf[v, VF_GSPREAD] * (u_pan - 0.5), 0.0, 1.0)
    backwards = (r < 0.0) != (u_rev < vf[v, VF_GREV])
    amp = vf[v, VF_GAMP]
    th = pan * (math.pi / 2.0)
    _make_grain(g, vi[v, VI_START] + onset, vi[v, VI_GLEN], pos, r, backwards,
                amp * math.cos(th), amp * math.sin(th), vi[v, VI_GVAR],
                np.float64(vi[v, VI_GSOFF]), np.float64(vi[v, VI_GSLEN]), width, True, gf, gi)
    tail = vi[v, VI_GTAIL]
    if tail > 0 and tail <= _pool(gi):
        gi[tail - 1, GI_NEXT] = g + 1
    else:
        vi[v, VI_GHEAD] = g + 1
    vi[v, VI_GTAIL] = g + 1
    cnt[K_GRAINS] += 1


@njit(cache=True, nogil=True, _nrt=False)
def render_cloud(v, bs, o0, t0, m, vf, vi, gf, gi, cnt, src0, src1, s0, s1):
    """Cloud voice ``v`` over voice times ``[t0, t0+m)`` = scratch ``s*[o0:o0+m]`` (element
    0 of ``s0``/``s1`` = stream frame ``bs``): spawn the onsets before ``t0 + m``, render
    every grain of the cloud, apply the voice envelope."""
    width = src0.shape[0]
    t_end = t0 + m
    life = vi[v, VI_LIFE]
    period = vf[v, VF_GPERIOD]
    if vi[v, VI_GASYNC] != 0:
        nxt = vf[v, VF_GNEXT]
        while nxt < t_end and nxt < life:
            _spawn(v, np.int64(nxt), vf, vi, gf, gi, cnt, width, 0.0)
            u = rng_uniform(vi, v)
            nxt += -period * math.log(1.0 - u)
        vf[v, VF_GNEXT] = nxt
    else:
        k = vi[v, VI_GK]
        onset = np.int64(math.floor(k * period))
        while onset < t_end and onset < life:
            _spawn(v, onset, vf, vi, gf, gi, cnt, width, 0.0)
            k += 1
            onset = np.int64(math.floor(k * period))
        vi[v, VI_GK] = k
    for j in range(o0, o0 + m):
        s0[j] = 0.0
        s1[j] = 0.0
    fa = bs + o0
    fb = fa + m
    d0 = s0[o0:]
    d1 = s1[o0:]
    ends = t_end >= life
    pairs = not ends and (fa & 7) == 0 and (m & 7) == 0   # as mix_grains, two by two
    held = np.int64(-1)
    prev = np.int64(0)
    h = vi[v, VI_GHEAD]
    pool = _pool(gi)
    guard = pool
    while h > 0 and h <= pool and guard > 0:
        guard -= 1
        g = h - 1
        nxt_h = gi[g, GI_NEXT]
        if pairs and _pairable(g, fa, fb, gi):
            if held >= 0 and gi[held, GI_VAR] == gi[g, GI_VAR]:
                _render_pair(held, g, fa, m, gf, gi, src0, src1, d0, d1)
                held = -1
            else:
                if held >= 0:
                    render_grain(held, fa, fb, gf, gi, src0, src1, d0, d1)
                held = g
        else:
            if held >= 0:
                render_grain(held, fa, fb, gf, gi, src0, src1, d0, d1)
                held = -1
            render_grain(g, fa, fb, gf, gi, src0, src1, d0, d1)
        done = gi[g, GI_START] + gi[g, GI_LEN] <= fb
        if done or ends:
            if prev > 0:
                gi[prev - 1, GI_NEXT] = nxt_h
            else:
                vi[v, VI_GHEAD] = nxt_h
            if vi[v, VI_GTAIL] == h:
                vi[v, VI_GTAIL] = prev
            grain_free(gi, cnt, g)
        else:
            prev = h
        h = nxt_h
    if held >= 0:
        render_grain(held, fa, fb, gf, gi, src0, src1, d0, d1)
    _voice_env(v, vf, vi, s0, s1, o0, t0, m)


@njit(cache=True, nogil=True, _nrt=False)
def _voice_env(v, vf, vi, s0, s1, o0, t0, m):
    """Multiply ``s*[o0:o0+m]`` by the voice envelope at voice times ``t0..``
    (the sampler's formulas, kernels/sampler.env_at)."""
    a_fr = vi[v, VI_A]
    gate = vi[v, VI_GATE]
    inva = vf[v, VF_INVA]
    invr = vf[v, VF_INVR]
    eg = vf[v, VF_EG]
    life = vi[v, VI_LIFE]
    for j in range(m):
        t = t0 + j
        if t >= life:
            e = 0.0
        elif t >= gate:
            e = eg * (1.0 - (t - gate + 1) * invr)
        elif a_fr > 0 and t < a_fr:
            e = t * inva
        else:
            continue
        e32 = np.float32(e)
        s0[o0 + j] *= e32
        s1[o0 + j] *= e32
