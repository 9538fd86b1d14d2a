"""The grain inner loop as explicit 8-lane SIMD (LLVM IR through a numba intrinsic).

``grain_span(...)`` adds one grain's contribution over a range of 8-frame *chunks*
into two float32 planes. Chunks sit on a fixed grid of absolute stream frames
(chunk ``q`` is frames ``8q .. 8q+7``), and every value of a chunk is a function of
the grain and ``q`` alone; a block boundary inside a chunk only masks the lanes that
are stored. So the samples do not depend on how the stream is cut into blocks.

Per chunk (grain start ``S``, grain time of lane 0 ``t0 = 8q - S``):

- read position, fixed point (int64, 32 fractional bits, absolute arena frames):
  ``X(t) = P0 + R t``; the chunk's integer base ``b = floor(min X)`` over the lanes the
  grain covers; lane positions past ``b`` in int32 6.26 fixed point,
  ``(X(t0) - b) + k (R >> 6)``: index ``>> 26``, fraction the low 26 bits (an error of
  ~1e-7 frames against the float64 position);
- taps without gathers: for ``|rate| <= 2`` the 8 lanes read at most 16 consecutive
  source frames, so each tap is two unaligned 8-float loads at ``b + d`` and ``b + d +
  8`` and two ``vpermps`` picked by ``index >= 8`` (LLVM's generic gather is
  scalarised on this CPU, and AVX2's ``vgatherdps`` measured 2.3x slower than this);
- interpolation: linear ``a + f (b - a)`` or 4-point cubic Hermite (the sampler's);
- envelope of grain phase ``p = t / L`` computed in the lanes: hann ``sin^2(pi p)``,
  tukey (``sin^2(pi u)``, ``u = min(2p, 2 - 2p, 1/2)``), expodec ``(1000^-p - 0.001) /
  0.999``, rexpodec the same of ``1 - p``; ``sin(pi u)`` is a degree-5 polynomial in
  ``(u - 1/2)^2`` (error 2e-10), ``2^x`` a degree-6 polynomial times an exponent built
  from bits. ``env_fill`` writes the same lane values into a table (grains.py keeps a
  few per (envelope, length)); the chunks wholly inside a grain then load it (one load
  instead of ~10 vector operations), with bit-identical results;
- output ``acc = fma(s * env, gain, acc)`` per channel; the (at most two) chunks a
  range does not cover whole are masked (``vmaskmovps``).

The caller guarantees ``|r| <= 2`` and that every window read lies inside the
source rows (see grains.py, which checks it once per grain). The kernel needs AVX2
and FMA (``SIMD``); elsewhere grains.py uses its scalar path for every grain.

Measured on the 2-vCPU Zen 3 VM (W1 clouds, linear, hann): ~31 instructions and ~13
cycles per chunk, 1.6 cycles per grain-sample with tables (4.2 with the polynomial
envelope); per call (one grain, one block) ~155 instructions of set-up.
"""
from __future__ import annotations

import llvmlite.binding as llvm
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["SIMD", "grain_span", "grain_pair", "env_fill", "HANN_POLY", "EXP2_POLY", "ENV_HANN", "ENV_TUKEY",
           "ENV_EXPODEC", "ENV_REXPODEC", "EXPO_K"]

ENV_HANN = 0
ENV_TUKEY = 1
ENV_EXPODEC = 2
ENV_REXPODEC = 3
EXPO_K = 3.0 * np.log2(10.0)       # 1000^-p = 2^(-EXPO_K p)


def _host_simd() -> bool:
    feats = llvm.get_host_cpu_features()
    return bool(feats.get("avx2", False) and feats.get("fma", False))


SIMD = _host_simd()


def _fit(fn, x, deg):
    return np.polynomial.polynomial.polyfit(x, fn(x), deg)


# cos(pi y) for y in [-1/2, 1/2] as a polynomial in z = y^2 (least squares on
# Chebyshev nodes; max error 2.2e-10)
_Y = np.cos(np.linspace(0.0, np.pi / 2, 20001)) * 0.5
HANN_POLY = tuple(float(c) for c in np.polynomial.polynomial.polyfit(
    _Y * _Y, np.cos(np.pi * _Y), 5))
# 2^f for f in [0, 1) (max relative error ~2e-9)
_F = 0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, 20001))
EXP2_POLY = tuple(float(c) for c in _fit(np.exp2, _F, 6))

LANE_FRAC = 26                     # lane positions: 6.26 fixed point past the chunk's base
_F32 = ir.FloatType()
_I32 = ir.IntType(32)
_I64 = ir.IntType(64)
_V8F = ir.VectorType(_F32, 8)
_V8I = ir.VectorType(_I32, 8)
_V8L = ir.VectorType(_I64, 8)
_V8B = ir.VectorType(ir.IntType(1), 8)


def _splat(b, v, ty=_V8F):
    u = ir.Constant(ty, ir.Undefined)
    u = b.insert_element(u, v, ir.Constant(_I32, 0))
    return b.shuffle_vector(u, u, ir.Constant(_V8I, [0] * 8))


def _vc(x, ty=_V8F):
    return ir.Constant(ty, [x] * 8)


def _fn(b, name, ret, args):
    return cgutils.get_or_insert_function(b.module, ir.FunctionType(ret, args), name)


def _imax(b, x, y):
    return b.select(b.icmp_signed(">", x, y), x, y)


def _imin(b, x, y):
    return b.select(b.icmp_signed("<", x, y), x, y)


class _Ops:
    """Vector helpers bound to one IR builder."""

    def __init__(self, b):
        self.b = b
        self._fma = _fn(b, "llvm.fma.v8f32", _V8F, [_V8F, _V8F, _V8F])
        self._perm = _fn(b, "llvm.x86.avx2.permps", _V8F, [_V8F, _V8I])
        self._floor = _fn(b, "llvm.floor.v8f32", _V8F, [_V8F])
        self._min = _fn(b, "llvm.minnum.v8f32", _V8F, [_V8F, _V8F])
        self.mload = _fn(b, "llvm.masked.load.v8f32.p0", _V8F,
                         [_V8F.as_pointer(), _I32, _V8B, _V8F])
        self.mstore = _fn(b, "llvm.masked.store.v8f32.p0", ir.VoidType(),
                          [_V8F, _V8F.as_pointer(), _I32, _V8B])

    def fma(self, a, x, c):
        return self.b.call(self._fma, [a, x, c])

    def poly(self, x, coefs):
        acc = _vc(coefs[-1])
        for c in coefs[-2::-1]:
            acc = self.fma(acc, x, _vc(c))
        return acc

    def sin_pi(self, u):
        """sin(pi u) for u in [0, 1]."""
        y = self.b.fsub(u, _vc(0.5))
        return self.poly(self.b.fmul(y, y), HANN_POLY)

    def exp2(self, x):
        """2^x for x in [-126, 0]."""
        b = self.b
        n = b.call(self._floor, [x])
        f = b.fsub(x, n)
        e = b.shl(b.add(b.fptosi(n, _V8I), _vc(127, _V8I)), _vc(23, _V8I))
        return b.fmul(self.poly(f, EXP2_POLY), b.bitcast(e, _V8F))

    def env(self, kind, p):
        b = self.b
        if kind == ENV_HANN:
            c = self.sin_pi(p)
            return b.fmul(c, c)
        if kind == ENV_TUKEY:
            two_p = b.fadd(p, p)
            u = b.call(self._min, [b.call(self._min, [two_p, b.fsub(_vc(2.0), two_p)]),
                                   _vc(0.5)])
            c = self.sin_pi(u)
            return b.fmul(c, c)
        if kind == ENV_REXPODEC:
            p = b.fsub(_vc(1.0), p)
        e = self.exp2(b.fmul(p, _vc(-EXPO_K)))
        return b.fmul(b.fsub(e, _vc(0.001)), _vc(1.0 / 0.999))


def _env_at(b, ops, env_kind, a, tq):
    """The envelope at grain times ``tq + k`` (tq: float32, integer-valued)."""
    t = b.fadd(_splat(b, tq), ir.Constant(_V8F, [float(k) for k in range(8)]))
    return ops.env(env_kind, b.fmul(t, _splat(b, a["invl"])))


def _chunk_values(b, ops, cubic, stereo, env_kind, a, rk, base, d0, tq, env):
    """One chunk of one grain: lane positions past ``base`` in 6.26 fixed point,
    ``d0 + rk`` (``rk`` = lane x rate), taps, times the envelope at grain times ``tq +
    k`` (or ``env``, the same values from the grain's table). Returns the (left,
    right) lane vectors before the gains."""
    pos = b.add(_splat(b, d0, _V8I), rk)
    # a lane exactly on the base can come out a few 2^-26 below it (the lane rate is
    # truncated): clamp at 0 (lanes the grain does not cover are masked anyway)
    pos = b.select(b.icmp_signed("<", pos, _vc(0, _V8I)), _vc(0, _V8I), pos)
    idx = b.ashr(pos, _vc(LANE_FRAC, _V8I))
    f = b.fmul(b.sitofp(b.and_(pos, _vc((1 << LANE_FRAC) - 1, _V8I)), _V8F),
               _vc(2.0 ** -LANE_FRAC))
    upper = b.icmp_signed(">", idx, _vc(7, _V8I))
    if env is None:
        env = _env_at(b, ops, env_kind, a, tq)
    outs = []
    for src in ((a["s0"], a["s1"]) if stereo else (a["s0"],)):
        ys = []
        for d in ((-1, 0, 1, 2) if cubic else (0, 1)):
            p_lo = b.gep(src, [b.add(base, ir.Constant(_I64, d))])
            p_hi = b.gep(src, [b.add(base, ir.Constant(_I64, d + 8))])
            w_lo = b.load(b.bitcast(p_lo, _V8F.as_pointer()), align=4)
            w_hi = b.load(b.bitcast(p_hi, _V8F.as_pointer()), align=4)
            ys.append(b.select(upper, b.call(ops._perm, [w_hi, idx]),
                               b.call(ops._perm, [w_lo, idx])))
        if cubic:
            y0, y1, y2, y3 = ys
            h = _vc(0.5)
            c1 = b.fmul(h, b.fsub(y2, y0))
            c2 = b.fsub(b.fadd(b.fsub(y0, b.fmul(_vc(2.5), y1)), b.fmul(_vc(2.0), y2)),
                        b.fmul(h, y3))
            c3 = b.fadd(b.fmul(h, b.fsub(y3, y0)), b.fmul(_vc(1.5), b.fsub(y1, y2)))
            y = ops.fma(ops.fma(ops.fma(c3, f, c2), f, c1), f, y1)
        else:
            y0, y1 = ys
            y = ops.fma(f, b.fsub(y1, y0), y0)
        outs.append(b.fmul(y, env))
    if not stereo:
        outs.append(outs[0])
    return outs


def _dests(b, a, off):
    return [b.bitcast(b.gep(a["d0"], [off]), _V8F.as_pointer()),
            b.bitcast(b.gep(a["d1"], [off]), _V8F.as_pointer())]


def _chunk(b, ops, cubic, stereo, env_kind, a, base, d0, tq, off, lo, hi, env=None):
    """One chunk of the grain in ``a`` added to the destinations at element ``off``
    (lanes ``lo..hi-1`` only, or all 8 if ``lo`` is None)."""
    outs = _chunk_values(b, ops, cubic, stereo, env_kind, a, a["rk"], base, d0, tq, env)
    dests = _dests(b, a, off)
    gains = (_splat(b, a["gl"]), _splat(b, a["gr"]))
    if lo is None:
        for dst, g, y in zip(dests, gains, outs):
            b.store(ops.fma(y, g, b.load(dst, align=4)), dst, align=4)
        return
    klane = ir.Constant(_V8L, list(range(8)))
    mask = b.and_(b.icmp_signed(">=", klane, _splat(b, lo, _V8L)),
                  b.icmp_signed("<", klane, _splat(b, hi, _V8L)))
    al = ir.Constant(_I32, 4)
    for dst, g, y in zip(dests, gains, outs):
        acc = b.call(ops.mload, [dst, al, mask, _vc(0.0)])
        b.call(ops.mstore, [ops.fma(y, g, acc), dst, al, mask])


def _lane0(b, x, base):
    """Lane 0's position ``x`` (32.32 fixed point) past ``base``, in 6.26 fixed point."""
    d = b.ashr(b.sub(x, b.shl(base, ir.Constant(_I64, 32))), ir.Constant(_I64, 32 - LANE_FRAC))
    return b.trunc(d, _I32)


def _fixed_base(b, x, R, gv0, gv1):
    """floor of the smallest position among lanes gv0..gv1-1, and lane 0's position
    relative to it."""
    xa = b.add(x, b.mul(R, gv0))
    xb = b.add(x, b.mul(R, b.sub(gv1, ir.Constant(_I64, 1))))
    base = b.ashr(_imin(b, xa, xb), ir.Constant(_I64, 32))
    return base, _lane0(b, x, base)


def _variant_body(b, ops, cubic, stereo, env_kind, a):
    """Frames ``a .. b-1`` of one grain, one (interpolation, channels, envelope) variant:
    the chunks wholly inside, then the (at most two) partial chunks at the ends. A
    chunk's values do not depend on which of the two loops renders it."""
    i64 = lambda v: ir.Constant(_I64, v)
    fa, fb, S = a["a"], a["b"], a["S"]
    qi0 = b.ashr(b.add(fa, i64(7)), i64(3))          # chunks wholly inside [a, b)
    qi1 = b.ashr(fb, i64(3))
    q0 = b.ashr(fa, i64(3))
    q1 = b.ashr(b.add(fb, i64(7)), i64(3))
    inner = _imax(b, i64(0), b.sub(qi1, qi0))
    # interior: all 8 lanes inside the grain and the range; position X += 8 R per chunk
    f_first = b.shl(qi0, i64(3))
    t_first = b.sub(f_first, S)
    x_first = b.add(a["P0"], b.mul(a["R"], t_first))
    x_low = b.select(b.icmp_signed("<", a["R"], i64(0)), b.mul(a["R"], i64(7)), i64(0))
    r8 = b.mul(a["R"], i64(8))
    lane_r = b.trunc(b.ashr(a["R"], i64(32 - LANE_FRAC)), _I32)
    a["rk"] = b.mul(_splat(b, lane_r, _V8I), ir.Constant(_V8I, list(range(8))))
    tab = b.bitcast(a["tab"], _F32.as_pointer())

    def interior(j, table):
        x = b.add(x_first, b.mul(r8, j))
        base = b.ashr(b.add(x, x_low), i64(32))
        fr = _lane0(b, x, base)
        t0 = b.add(t_first, b.shl(j, i64(3)))
        off = b.sub(b.add(f_first, b.shl(j, i64(3))), a["fa"])
        env = None
        if table:
            ptr = b.gep(tab, [b.add(a["toff"], t0)])
            env = b.load(b.bitcast(ptr, _V8F.as_pointer()), align=4)
        _chunk(b, ops, cubic, stereo, env_kind, a, base, fr, b.sitofp(t0, _F32), off, None,
               None, env)

    # the envelope from the grain's table (a cache of the very same float32 values)
    # or computed in the lanes
    with b.if_else(b.icmp_signed(">=", a["toff"], i64(0))) as (has_table, no_table):
        with has_table:
            with cgutils.for_range(b, inner) as loop:
                interior(loop.index, True)
        with no_table:
            with cgutils.for_range(b, inner) as loop:
                interior(loop.index, False)
    # the partial chunks: the first if a is not on the grid, the last if b is not
    first_edge = b.icmp_signed("<", q0, qi0)
    last_q = b.sub(q1, i64(1))
    last_edge = b.and_(b.icmp_signed(">=", last_q, qi1),
                       b.or_(b.icmp_signed("!=", last_q, q0), b.not_(first_edge)))
    with cgutils.for_range(b, i64(2)) as loop:
        second = b.icmp_signed("==", loop.index, i64(1))
        q = b.select(second, last_q, q0)
        go = b.select(second, last_edge, first_edge)
        with b.if_then(go):
            f0 = b.shl(q, i64(3))
            t0 = b.sub(f0, S)
            gv0 = _imax(b, i64(0), b.sub(i64(0), t0))       # lanes the grain covers
            gv1 = _imin(b, i64(8), b.sub(a["L"], t0))
            lo = _imax(b, i64(0), b.sub(fa, f0))            # lanes of [a, b)
            hi = _imin(b, i64(8), b.sub(fb, f0))
            x0 = b.add(a["P0"], b.mul(a["R"], t0))
            base, fr = _fixed_base(b, x0, a["R"], gv0, gv1)
            _chunk(b, ops, cubic, stereo, env_kind, a, base, fr, b.sitofp(t0, _F32),
                   b.sub(f0, a["fa"]), lo, hi)


_ARGS = ("s0", "s1", "d0", "d1", "tab", "toff", "variant", "a", "b", "fa", "S", "L", "P0",
         "R", "invl", "gl", "gr")


def _buffers_typed(s0_t, s1_t, d0_t, d1_t, tab_t) -> bool:
    """The grain intrinsics' buffers: 1-d float32 source rows and destinations, and a
    C-contiguous float64 envelope table."""
    rows = all(isinstance(t, types.Array) and t.dtype == types.float32 and t.ndim == 1
               for t in (s0_t, s1_t, d0_t, d1_t))
    return rows and isinstance(tab_t, types.Array) and tab_t.dtype == types.float64 and tab_t.layout == "C"


@intrinsic
def grain_span(typingctx, s0_t, s1_t, d0_t, d1_t, tab_t, toff_t, variant_t, a_t, b_t, fa_t,
               S_t, L_t, P0_t, R_t, invl_t, gl_t, gr_t):
    """Add stream frames ``a .. b-1`` of a grain (inside its life) to ``d0``/``d1``
    (float32, element 0 = stream frame ``fa``). The grain: start frame ``S``, length
    ``L``, fixed-point position ``P0`` and rate ``R``, ``1/L``, gains; its envelope
    table at float32 element ``toff`` of ``tab`` (a float64 array viewed as float32;
    -1: none). ``variant = cubic + 2 stereo + 4 envelope``."""
    if not _buffers_typed(s0_t, s1_t, d0_t, d1_t, tab_t):
        return None
    i64 = types.int64
    f32 = types.float32
    sig = types.void(s0_t, s1_t, d0_t, d1_t, tab_t, i64, i64, i64, i64, i64, i64, i64, i64, i64,
                     f32, f32, f32)

    def codegen(context, b, signature, args):
        a = {}
        for name, ty, val in zip(_ARGS, signature.args, args):
            if isinstance(ty, types.Array):
                a[name] = context.make_array(ty)(context, b, val).data
            else:
                a[name] = val
        ops = _Ops(b)
        for variant in range(16):
            cubic, stereo, env_kind = bool(variant & 1), bool(variant & 2), variant >> 2
            hit = b.icmp_signed("==", a["variant"], ir.Constant(_I64, variant))
            with b.if_then(hit):
                _variant_body(b, ops, cubic, stereo, env_kind, a)
        return context.get_dummy_value()

    return sig, codegen


def _pair_body(b, ops, cubic, stereo, env_kind, a, grains):
    """Chunks ``q0 .. q0+nq-1`` (all inside both grains and the range) of two grains
    with tables: each accumulator is loaded once, the first grain added, then the
    second (the order of the single path: the same samples)."""
    i64 = lambda v: ir.Constant(_I64, v)
    tab = b.bitcast(a["tab"], _F32.as_pointer())
    f_first = b.shl(a["q0"], i64(3))
    setup = []
    for g in grains:
        t_first = b.sub(f_first, g["S"])
        lane_r = b.trunc(b.ashr(g["R"], i64(32 - LANE_FRAC)), _I32)
        setup.append(dict(
            t_first=t_first,
            x_first=b.add(g["P0"], b.mul(g["R"], t_first)),
            x_low=b.select(b.icmp_signed("<", g["R"], i64(0)), b.mul(g["R"], i64(7)), i64(0)),
            r8=b.mul(g["R"], i64(8)),
            rk=b.mul(_splat(b, lane_r, _V8I), ir.Constant(_V8I, list(range(8)))),
            gains=(_splat(b, g["gl"]), _splat(b, g["gr"])), toff=g["toff"]))
    with cgutils.for_range(b, a["nq"]) as loop:
        j = loop.index
        outs = []
        for st in setup:
            x = b.add(st["x_first"], b.mul(st["r8"], j))
            base = b.ashr(b.add(x, st["x_low"]), i64(32))
            t0 = b.add(st["t_first"], b.shl(j, i64(3)))
            ptr = b.gep(tab, [b.add(st["toff"], t0)])
            env = b.load(b.bitcast(ptr, _V8F.as_pointer()), align=4)
            outs.append(_chunk_values(b, ops, cubic, stereo, env_kind, a, st["rk"], base,
                                      _lane0(b, x, base), None, env))
        dests = _dests(b, a, b.sub(b.add(f_first, b.shl(j, i64(3))), a["fa"]))
        for c, dst in enumerate(dests):
            acc = b.load(dst, align=4)
            for st, o in zip(setup, outs):
                acc = ops.fma(o[c], st["gains"][c], acc)
            b.store(acc, dst, align=4)


_PAIR_ARGS = ("s0", "s1", "d0", "d1", "tab", "variant", "fa", "q0", "nq",
              "S", "P0", "R", "toff", "gl", "gr", "S2", "P02", "R2", "toff2", "gl2", "gr2")


@intrinsic
def grain_pair(typingctx, s0_t, s1_t, d0_t, d1_t, tab_t, variant_t, fa_t, q0_t, nq_t,
               S_t, P0_t, R_t, toff_t, gl_t, gr_t, S2_t, P02_t, R2_t, toff2_t, gl2_t, gr2_t):
    """Add chunks ``q0 .. q0+nq-1`` of two grains of the same ``variant``, both with
    envelope tables and covering those chunks whole, to ``d0``/``d1`` (element 0 =
    stream frame ``fa``): register blocking, one load and store of the accumulators
    per chunk for both. Per grain: start, fixed-point position and rate, table offset,
    gains. Bit-identical to two ``grain_span`` calls."""
    if not _buffers_typed(s0_t, s1_t, d0_t, d1_t, tab_t):
        return None
    i64 = types.int64
    f32 = types.float32
    grain = (i64, i64, i64, i64, f32, f32)
    sig = types.void(s0_t, s1_t, d0_t, d1_t, tab_t, i64, i64, i64, i64, *grain, *grain)

    def codegen(context, b, signature, args):
        a = {}
        for name, ty, val in zip(_PAIR_ARGS, signature.args, args):
            if isinstance(ty, types.Array):
                a[name] = context.make_array(ty)(context, b, val).data
            else:
                a[name] = val
        grains = [{k: a[k + sfx] for k in ("S", "P0", "R", "toff", "gl", "gr")}
                  for sfx in ("", "2")]
        ops = _Ops(b)
        for variant in range(16):
            cubic, stereo, env_kind = bool(variant & 1), bool(variant & 2), variant >> 2
            hit = b.icmp_signed("==", a["variant"], ir.Constant(_I64, variant))
            with b.if_then(hit):
                _pair_body(b, ops, cubic, stereo, env_kind, a, grains)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def env_fill(typingctx, tab_t, toff_t, kind_t, L_t, invl_t):
    """Write the envelope ``kind`` of a grain of ``L`` frames (``invl`` = float32 1/L)
    into ``tab`` (float64 array viewed as float32) from element ``toff``: the values
    the lanes compute, for grain times 0 .. ceil(L/8)*8 - 1."""
    if not (isinstance(tab_t, types.Array) and tab_t.dtype == types.float64
            and tab_t.layout == "C"):
        return None
    sig = types.void(tab_t, types.int64, types.int64, types.int64, types.float32)

    def codegen(context, b, signature, args):
        tab_v, toff, kind, L, invl = args
        data = context.make_array(signature.args[0])(context, b, tab_v).data
        tab = b.bitcast(data, _F32.as_pointer())
        ops = _Ops(b)
        a = {"invl": invl}
        n = b.ashr(b.add(L, ir.Constant(_I64, 7)), ir.Constant(_I64, 3))
        for env_kind in range(4):
            hit = b.icmp_signed("==", kind, ir.Constant(_I64, env_kind))
            with b.if_then(hit):
                with cgutils.for_range(b, n) as loop:
                    t0 = b.shl(loop.index, ir.Constant(_I64, 3))
                    env = _env_at(b, ops, env_kind, a, b.sitofp(t0, _F32))
                    ptr = b.gep(tab, [b.add(toff, t0)])
                    b.store(env, b.bitcast(ptr, _V8F.as_pointer()), align=4)
        return context.get_dummy_value()

    return sig, codegen
