"""The performer's pattern functions: time, structure, conditions and layering.

Each is registered as a method (`pat.fast(2)`), a plain-value method (`pat._fast(2)`) and a
curried top-level function (`fast(2, pat)`, `fast(2)`), with Strudel's semantics.
"""
from __future__ import annotations

import builtins
import math

from .core import (Pattern, State, _periods, _query_shared, _same_period, compress_prim, early_prim,
                   fast_gap_prim, fast_prim, fastcat, focus_prim, lcm_steps, nothing, pure, reify, sequence,
                   silence, slowcat, slowcat_prime, stack)
from .hap import Hap, reflect_haps, shift_haps
from .registry import register
from .time import Fraction, TimeSpan, _new, _time, cycle_pos, sam, to_fraction
from .values import js_round, parse_numeral

builtins_range = builtins.range  # `range` below is the pattern function


def _callable(f, what: str = "function"):
    if not callable(f):
        raise TypeError(f"expected a {what} of a pattern, got {type(f).__name__} {f!r}")
    return f


def _whole_number(x, name: str) -> int:
    v = parse_numeral(x) if not isinstance(x, Fraction) else x
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        raise ValueError(f"{name}: expected a number, got {x!r}")
    return int(v)


# -- numbers --------------------------------------------------------------------------
def _as_number(pat):
    return pat.fmap(parse_numeral)


def _round(pat):
    """Round to the nearest whole number (halves up, as JavaScript's Math.round).

    >>> show(sequence(0.4, 1.5, -1.5).round())
    0 1/3 | 0
    1/3 2/3 | 2
    2/3 1 | -1
    """
    return _as_number(pat).fmap(js_round)


round = register("round", _round)  # noqa: A001


def _floor(pat):
    """Round down.

    >>> show(sequence(1.5, -1.5).floor())
    0 1/2 | 1
    1/2 1 | -2
    """
    return _as_number(pat).fmap(math.floor)


floor = register("floor", _floor)


def _ceil(pat):
    """Round up.

    >>> show(sequence(1.5, -1.5).ceil())
    0 1/2 | 2
    1/2 1 | -1
    """
    return _as_number(pat).fmap(math.ceil)


ceil = register("ceil", _ceil)


def _to_bipolar(pat):
    """Map 0..1 to -1..1.

    >>> show(sequence(0, 0.5, 1).to_bipolar())
    0 1/3 | -1
    1/3 2/3 | 0
    2/3 1 | 1
    """
    return pat.fmap(lambda x: x * 2 - 1)


to_bipolar = register("to_bipolar", _to_bipolar)


def _from_bipolar(pat):
    """Map -1..1 to 0..1.

    >>> show(sequence(-1, 0, 1).from_bipolar())
    0 1/3 | 0
    1/3 2/3 | 0.5
    2/3 1 | 1
    """
    return pat.fmap(lambda x: (x + 1) / 2)


from_bipolar = register("from_bipolar", _from_bipolar)


def _range(lo, hi, pat):
    """Scale a 0..1 pattern to lo..hi: `sine.range(200, 2000)`.

    >>> show(sequence(0, 0.5, 1).range(10, 20))
    0 1/3 | 10
    1/3 2/3 | 15
    2/3 1 | 20
    """
    return pat.mul(hi - lo).add(lo)


range = register("range", _range)  # noqa: A001


def _rangex(lo, hi, pat):
    """Scale a 0..1 pattern to lo..hi exponentially (for frequencies).

    >>> show(sequence(0, 0.5, 1).rangex(10, 1000))
    0 1/3 | 10
    1/3 2/3 | 100
    2/3 1 | 1000
    """
    return pat._range(math.log(lo), math.log(hi)).fmap(math.exp)


rangex = register("rangex", _rangex)


def _range2(lo, hi, pat):
    """Scale a -1..1 pattern to lo..hi.

    >>> show(sequence(-1, 0, 1).range2(10, 20))
    0 1/3 | 10
    1/3 2/3 | 15
    2/3 1 | 20
    """
    return pat.from_bipolar()._range(lo, hi)


range2 = register("range2", _range2)


# -- time -------------------------------------------------------------------------------
def _fast(factor, pat):
    """Speed up: `s("bd sn").fast(2)` plays the cycle twice.

    >>> show(sequence("a", "b").fast(2))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | a
    3/4 1 | b
    """
    factor = to_fraction(parse_numeral(factor) if isinstance(factor, str) else factor)
    if factor == 0:
        return silence
    return fast_prim(pat, factor)


fast = register(["fast", "density"], _fast, True, True)


def _slow(factor, pat):
    """Slow down: `s("bd sn").slow(2)` spreads the cycle over two.

    >>> show(sequence("a", "b", "c", "d").slow(2))
    0 1/2 | a
    1/2 1 | b
    """
    factor = to_fraction(parse_numeral(factor) if isinstance(factor, str) else factor)
    if factor == 0:
        return silence
    return fast_prim(pat, 1 / factor)


slow = register(["slow", "sparsity"], _slow)


def _early(t, pat):
    """Shift the pattern earlier by t cycles.

    >>> show(sequence("a", "b", "c", "d").early(0.25))
    0 1/4 | b
    1/4 1/2 | c
    1/2 3/4 | d
    3/4 1 | a
    """
    return early_prim(pat, to_fraction(_num(t)))


early = register("early", _early, True, True)


def _late(t, pat):
    """Shift the pattern later by t cycles.

    >>> show(sequence("a", "b", "c", "d").late(0.25))
    0 1/4 | d
    1/4 1/2 | a
    1/2 3/4 | b
    3/4 1 | c
    """
    return early_prim(pat, -to_fraction(_num(t)))


late = register("late", _late, True, True)


def _num(x):
    if isinstance(x, str):
        v = parse_numeral(x)
        return v
    if x is None:
        raise TypeError("expected a number, got None")
    return x


def _hurry(r, pat):
    """Speed up the pattern and the samples' playback speed together.

    >>> show(s(sequence("bd", "sn")).hurry(2))
    0 1/4 | s=bd speed=2
    1/4 1/2 | s=sn speed=2
    1/2 3/4 | s=bd speed=2
    3/4 1 | s=sn speed=2
    """
    return pat._fast(r).mul(pure({"speed": r}))


hurry = register("hurry", _hurry)


def _fast_gap(f, pat):
    """Speed up each cycle by f, leaving a gap at its end.

    >>> show(sequence("a", "b").fast_gap(2))
    0 1/4 | a
    1/4 1/2 | b
    """
    return fast_gap_prim(pat, _num(f))


fast_gap = register(["fast_gap", "fastgap"], _fast_gap)


def _compress(b, e, pat):
    """Squeeze each cycle into the span b..e of the cycle, leaving silence around it.

    >>> show(sequence("a", "b").compress(0.25, 0.75))
    1/4 1/2 | a
    1/2 3/4 | b
    """
    return compress_prim(pat, _num(b), _num(e))


compress = register("compress", _compress)


def _focus(b, e, pat):
    """Like compress, but the pattern keeps playing around the span instead of leaving gaps.

    >>> show(sequence("a", "b", "c", "d").focus(0.25, 0.75))
    0 1/8 | c
    1/8 1/4 | d
    1/4 3/8 | a
    3/8 1/2 | b
    1/2 5/8 | c
    5/8 3/4 | d
    3/4 7/8 | a
    7/8 1 | b
    """
    return focus_prim(pat, _num(b), _num(e))


focus = register("focus", _focus)


def _ply(factor, pat):
    """Repeat each event `factor` times within its own span.

    >>> show(sequence("a", "b").ply(2))
    0 1/4 | a
    1/4 1/2 | a
    1/2 3/4 | b
    3/4 1 | b
    """
    result = pat.fmap(lambda x: pure(x)._fast(factor)).squeeze_join()
    result._steps = None if pat._steps is None else to_fraction(factor) * pat._steps
    return result


ply = register("ply", _ply)


def _apply_n(n, fn, pat):
    for _ in builtins_range(n):
        pat = fn(pat)
    return pat




def _ply_with(factor, fn, pat):
    """Repeat each event `factor` times, applying fn cumulatively to each repeat.

    >>> show(sequence(1, 2).ply_with(2, lambda p: p.mul(10)))
    0 1/4 | 1
    1/4 1/2 | 10
    1/2 3/4 | 2
    3/4 1 | 20
    """
    _callable(fn)
    factor = int(factor)
    result = pat.fmap(lambda x: slowcat(*[_apply_n(i, fn, pure(x)) for i in builtins_range(factor)])._fast(factor)
                      ).squeeze_join()
    result._steps = None if pat._steps is None else to_fraction(factor) * pat._steps
    return result


ply_with = register(["ply_with", "plywith"], _ply_with)


def _inside(factor, fn, pat):
    """Apply fn to the pattern slowed by factor, then speed the result back up.

    >>> show(sequence("a", "b", "c", "d").inside(2, rev))
    0 1/4 | b
    1/4 1/2 | a
    1/2 3/4 | d
    3/4 1 | c
    """
    return _callable(fn)(pat._slow(factor))._fast(factor)


def _outside(factor, fn, pat):
    """Apply fn to the pattern sped up by factor, then slow the result back down.

    >>> show(cat(sequence("a", "b"), sequence("c", "d")).outside(2, rev))
    0 1/2 | d
    1/2 1 | c
    """
    return _callable(fn)(pat._fast(factor))._slow(factor)


inside = register("inside", _inside)
outside = register("outside", _outside)


def _zoom(s, e, pat):
    """Play only the part of each cycle between s and e, stretched to fill the cycle.

    >>> show(sequence("a", "b", "c", "d").zoom(0.25, 0.75))
    0 1/2 | b
    1/2 1 | c
    """
    s, e = to_fraction(_num(s)), to_fraction(_num(e))
    if s >= e:
        return nothing
    d = e - s
    steps = None if pat._steps is None else pat._steps * d
    result = (pat.with_query_span(lambda span: span.with_cycle(lambda t: t * d + s))
              .with_hap_span(lambda span: span.with_cycle(lambda t: (t - s) / d))
              .split_queries().set_steps(steps))

    def period():  # cycle c reads [c + s, c + e): cycle-local when 0 <= s < e <= 1
        per = pat.period()
        return per if per is not None and (per[1] or (s >= 0 and e <= 1)) else None

    result._perfn = period
    return result


zoom = register("zoom", _zoom)


def _linger(t, pat):
    """Repeat the first fraction t of each cycle (negative t: the last fraction).

    >>> show(sequence("a", "b", "c", "d").linger(0.25))
    0 1/4 | a
    1/4 1/2 | a
    1/2 3/4 | a
    3/4 1 | a
    """
    t = to_fraction(_num(t))
    if t == 0:
        return silence
    if t < 0:  # Strudel throws here (t.add on a number); livesamp repeats the last fraction
        return pat._zoom(t + 1, 1)._slow(-t)
    return pat._zoom(0, t)._slow(t)


linger = register("linger", _linger, True, True)


def _segment(rate, pat):
    """Sample the pattern `rate` times per cycle (discrete events from signals).

    >>> show(saw.segment(4))
    0 1/4 | 0
    1/4 1/2 | 0.25
    1/2 3/4 | 0.5
    3/4 1 | 0.75
    """
    return pat.struct(pure(True)._fast(rate)).set_steps(rate)


segment = register(["segment", "seg"], _segment)


def _swing_by(x, n, pat):
    """Delay every second of n subdivisions per cycle by x/2 of a subdivision.

    >>> show(sequence("a", "b", "c", "d").swing_by(1/3, 2))
    0 1/4 | a
    1/12 1/3 [1/4 1/3] | a
    1/3 7/12 [1/3 1/2] | b
    1/2 3/4 | c
    7/12 5/6 [3/4 5/6] | c
    5/6 13/12 [5/6 1] | d
    """
    return pat.inside(n, late(sequence(0, x / 2)))


swing_by = register("swing_by", _swing_by)


def _swing(n, pat):
    """swing_by(1/3, n): a triplet swing over n subdivisions.

    >>> show(sequence("a", "b", "c", "d").swing(2))
    0 1/4 | a
    1/12 1/3 [1/4 1/3] | a
    1/3 7/12 [1/3 1/2] | b
    1/2 3/4 | c
    7/12 5/6 [3/4 5/6] | c
    5/6 13/12 [5/6 1] | d
    """
    return pat.swing_by(1 / 3, n)


swing = register("swing", _swing)


def _rev(pat):
    """Reverse each cycle.

    >>> show(sequence("a", "b", "c").rev())
    0 1/3 | c
    1/3 2/3 | b
    2/3 1 | a
    """

    def q(state):
        out = []
        for span in state.span.span_cycles():  # each cycle mirrored in itself: t -> 2c + 1 - t
            b, e = span.begin, span.end
            m = 2 * (b._numerator // b._denominator) + 1
            mirrored = _new(TimeSpan)
            mirrored.begin = _time(m * e._denominator - e._numerator, e._denominator)
            mirrored.end = _time(m * b._denominator - b._numerator, b._denominator)
            out.extend(reflect_haps(pat.query(State(mirrored, state.controls)), m))
        return out

    return _same_period(Pattern(q), pat)  # cycle-local


rev = register("rev", _rev, False, True)


def _palindrome(pat):
    """Alternate forwards and backwards cycles.

    >>> show(sequence("a", "b", "c").palindrome(), begin=1)
    1 4/3 | c
    4/3 5/3 | b
    5/3 2 | a
    """
    return pat.last_of(2, rev)


palindrome = register("palindrome", _palindrome, True, True)


def _iter_impl(times, pat, back: bool):
    times = to_fraction(_num(times))
    n = int(times)
    return slowcat(*[(pat.late(Fraction(i) / times) if back else pat.early(Fraction(i) / times))
                     for i in builtins_range(n)])


def _iter(times, pat):
    """Shift each cycle a step further: cycle i starts i/times of the way in.

    >>> show(sequence("a", "b", "c", "d").iter(4), begin=1)
    1 5/4 | b
    5/4 3/2 | c
    3/2 7/4 | d
    7/4 2 | a
    """
    return _iter_impl(times, pat, False)


iter = register("iter", _iter, True, True)  # noqa: A001


def _iter_back(times, pat):
    """Like iter, shifting the other way.

    >>> show(sequence("a", "b", "c", "d").iter_back(4), begin=1)
    1 5/4 | d
    5/4 3/2 | a
    3/2 7/4 | b
    7/4 2 | c
    """
    return _iter_impl(times, pat, True)


iter_back = register(["iter_back", "iterback"], _iter_back, True, True)


def _repeat_cycles(n, pat):
    """Repeat each cycle n times.

    >>> show(slowcat("a", "b").repeat_cycles(2).fast(4))
    0 1/4 | a
    1/4 1/2 | a
    1/2 3/4 | b
    3/4 1 | b
    """
    n = to_fraction(_num(n))

    def q(state):
        out = []
        for span in state.span.span_cycles():  # (split_queries)
            cycle = sam(span.begin)
            delta = int(cycle - sam(cycle / n))  # a whole number of cycles
            haps = pat.query(State(TimeSpan(span.begin - delta, span.end - delta), state.controls))
            out.extend(shift_haps(haps, delta))
        return out

    def period():  # cycle c plays cycle c // n: n times the period, for a whole n
        per = pat.period()
        if per is None or n.denominator != 1 or n < 1:
            return None
        return per[0] * n.numerator, per[1]

    result = Pattern(q)
    result._perfn = period
    result._locfn = pat.is_local  # (each cycle is a shifted cycle of pat)
    return result


repeat_cycles = register("repeat_cycles", _repeat_cycles, True, True)


# -- conditions ---------------------------------------------------------------------------
def _first_of(n, fn, pat):
    """Apply fn in cycles 0, n, 2n ... (`every`).

    >>> show(sequence("a", "b").every(2, rev))
    0 1/2 | b
    1/2 1 | a
    """
    _callable(fn)
    n = _whole_number(n, "every")
    if n <= 0:
        raise ValueError(f"every/first_of: n must be a positive whole number, got {n}")
    return slowcat_prime(fn(pat), *([pat] * (n - 1)))


def _last_of(n, fn, pat):
    """Apply fn in cycles n-1, 2n-1 ...

    >>> show(sequence("a", "b").last_of(2, rev), begin=1)
    1 3/2 | b
    3/2 2 | a
    """
    _callable(fn)
    n = _whole_number(n, "last_of")
    if n <= 0:
        raise ValueError(f"last_of: n must be a positive whole number, got {n}")
    return slowcat_prime(*([pat] * (n - 1)), fn(pat))


first_of = register(["first_of", "every"], _first_of)
last_of = register("last_of", _last_of)
every = first_of


def _when(on, fn, pat):
    """Apply fn where the binary pattern is true.

    >>> show(sequence(0, 1, 2, 3).when(sequence(True, False), add(10)))
    0 1/4 | 10
    1/4 1/2 | 11
    1/2 3/4 | 2
    3/4 1 | 3
    """
    _callable(fn)
    return fn(pat) if on else pat


when = register("when", _when)


def _whenmod(a, b, fn, pat):
    """Apply fn when the cycle number modulo a is at least b.

    >>> show(sequence("a", "b").whenmod(4, 2, rev), begin=2)
    2 5/2 | b
    5/2 3 | a
    """
    _callable(fn)
    a, b = _num(a), _num(b)

    def q(state):
        c = math.floor(state.span.begin)
        return (fn(pat) if c % a >= b else pat).query(state)

    def period():  # cycle c plays cycle c of fn(pat) or pat, by c mod a
        if not isinstance(a, int) or a <= 0:
            return None
        per = _periods(pat, fn(pat))
        return None if per is None else (math.lcm(a, per[0]), per[1])

    result = Pattern(q).split_queries()
    result._perfn = period
    return result


whenmod = register("whenmod", _whenmod)


def _chunk_impl(n, fn, pat, back=False, fast_=False):
    _callable(fn)
    n = _whole_number(n, "chunk")
    binary = [True] + [False] * (n - 1)
    binary_pat = _iter_impl(n, sequence(*binary), not back)
    if not fast_:
        pat = pat.repeat_cycles(n)
    return pat.when(binary_pat, fn)


def _chunk(n, fn, pat):
    """Divide each cycle into n parts; apply fn to part i in cycle i (mod n), in turn.

    >>> show(sequence(0, 1, 2, 3).chunk(4, add(10)), begin=1)
    1 5/4 | 0
    5/4 3/2 | 11
    3/2 7/4 | 2
    7/4 2 | 3
    """
    return _chunk_impl(n, fn, pat)


chunk = register(["chunk", "slowchunk"], _chunk, True, True)


def _chunk_back(n, fn, pat):
    """Like chunk, going backwards through the parts.

    >>> show(sequence(0, 1, 2, 3).chunk_back(4, add(10)), begin=1)
    1 5/4 | 0
    5/4 3/2 | 1
    3/2 7/4 | 2
    7/4 2 | 13
    """
    return _chunk_impl(n, fn, pat, True)


chunk_back = register(["chunk_back", "chunkback"], _chunk_back, True, True)


def _fast_chunk(n, fn, pat):
    """Like chunk, without repeating each cycle n times first.

    >>> show(sequence(0, 1, 2, 3).fast_chunk(4, add(10)), begin=1)
    1 5/4 | 0
    5/4 3/2 | 11
    3/2 7/4 | 2
    7/4 2 | 3
    """
    return _chunk_impl(n, fn, pat, False, True)


fast_chunk = register(["fast_chunk", "fastchunk"], _fast_chunk,
                      True, True)


def _filter_when(test, pat):
    # Strudel's filterWhen is pat.filter(...), which keeps the steps (withHaps)
    return pat.with_haps(lambda haps, _state: [h for h in haps if test(h.whole.begin)])


def _within(a, b, fn, pat):
    """Apply fn to the part of each cycle between a and b.

    >>> show(sequence(0, 1, 2, 3).within(0, 0.5, add(10)))
    0 1/4 | 10
    1/4 1/2 | 11
    1/2 3/4 | 12
    3/4 1 | 3
    """
    _callable(fn)
    return stack(
        fn(_filter_when(lambda t: a <= cycle_pos(t) <= b, pat)),
        _filter_when(lambda t: cycle_pos(t) < a or cycle_pos(t) > b, pat),
    )


within = register("within", _within)


def _brak(pat):
    """Squash every other cycle into its first half, shifted by a quarter.

    >>> show(sequence("a", "b").brak(), begin=1)
    5/4 3/2 | a
    3/2 7/4 | b
    """
    return pat.when(slowcat(False, True), lambda x: fastcat(x, silence)._late(Fraction(1, 4)))


brak = register("brak", _brak)


# -- layering ---------------------------------------------------------------------------
def _off(t, fn, pat):
    """Stack a copy shifted later by t, transformed by fn.

    >>> show(sequence(0, 1).off(0.25, add(10)))
    0 1/2 | 0
    -1/4 1/4 [0 1/4] | 11
    1/4 3/4 | 10
    1/2 1 | 1
    3/4 5/4 [3/4 1] | 11
    """
    _callable(fn)
    return stack(pat, fn(pat.late(t)))


off = register("off", _off)


def _superimpose(fn, pat):
    """Stack the pattern with fn of it.

    >>> show(sequence(0, 1).superimpose(add(10)))
    0 1/2 | 0
    0 1/2 | 10
    1/2 1 | 1
    1/2 1 | 11
    """
    return stack(pat, _callable(fn)(pat))


def _layer(self, *fns):
    """Stack the results of several functions of the pattern.

    >>> show(sequence(0, 1).layer(rev, add(10)))
    0 1/2 | 1
    0 1/2 | 10
    1/2 1 | 0
    1/2 1 | 11
    """
    return stack(*[_callable(f)(self) for f in fns])


Pattern.layer = _layer
Pattern.superimpose = lambda self, *fns: stack(self, *[_callable(f)(self) for f in fns])


def superimpose(*args):
    """Stack the pattern (the last argument) with each function of it.

    >>> show(superimpose(add(10), sequence(0, 1)))
    0 1/2 | 0
    0 1/2 | 10
    1/2 1 | 1
    1/2 1 | 11
    """
    *fns, pat = args
    return reify(pat).superimpose(*fns)


def layer(*args):
    """Stack each function of the pattern (the last argument), without the original.

    >>> show(layer(rev, add(10), sequence(0, 1)))
    0 1/2 | 1
    0 1/2 | 10
    1/2 1 | 0
    1/2 1 | 11
    """
    *fns, pat = args
    return reify(pat).layer(*fns)


def _jux_by(by, fn, pat):
    """Pan the pattern left and fn of it right, by the amount `by` (0..1).

    >>> show(s(sequence("a", "b")).jux_by(0.5, rev))
    0 1/2 | s=a pan=0.25
    0 1/2 | s=b pan=0.75
    1/2 1 | s=b pan=0.25
    1/2 1 | s=a pan=0.75
    """
    _callable(fn)
    by = by / 2

    def with_pan(delta):
        def set_pan(val):
            if not isinstance(val, dict):
                raise TypeError(f"jux works on control patterns (like s(...)), not on plain value {val!r}")
            return {**val, "pan": val.get("pan", 0.5) + delta}

        return set_pan

    shared, scope = _query_shared(pat)  # both sides read pat, mostly at the same spans
    left = shared.fmap(with_pan(-by))
    right = fn(shared.fmap(with_pan(by)))
    return scope(stack(left, right).set_steps(lcm_steps(left._steps, right._steps)))


jux_by = register(["jux_by", "juxby"], _jux_by)


def _jux(fn, pat):
    """The pattern hard left, fn of it hard right.

    >>> show(s(sequence("a", "b")).jux(rev))
    0 1/2 | s=a pan=0
    0 1/2 | s=b pan=1
    1/2 1 | s=b pan=0
    1/2 1 | s=a pan=1
    """
    return pat._jux_by(1, fn)


jux = register("jux", _jux)


def _echo_with(times, t, fn, pat):
    """Stack `times` copies, copy i later by i*t and passed through fn(copy, i) (or fn(copy)).

    >>> show(sequence(0, 1).echo_with(2, 1/8, lambda p, i: p.add(i * 10)))
    0 1/2 | 0
    -3/8 1/8 [0 1/8] | 11
    1/8 5/8 | 10
    1/2 1 | 1
    5/8 9/8 [5/8 1] | 11
    """
    fn = _index_optional(_callable(fn))
    times = _whole_number(times, "echo_with")
    return stack(*[fn(pat.late(to_fraction(t) * i), i) for i in builtins_range(times)])


def _index_optional(fn):
    """fn(pat, i) when fn takes two arguments, else fn(pat): JavaScript drops extra arguments,
    so Strudel's `echoWith(3, 1/8, x => x.add(12))` and `add(12)` work."""
    import inspect

    try:
        params = inspect.signature(fn).parameters.values()
        inspect.signature(fn).bind(None, 0)
    except (TypeError, ValueError):
        return lambda p, _i: fn(p)
    if any(p.kind is p.VAR_POSITIONAL for p in params):  # curried partials such as fast(2)
        return lambda p, _i: fn(p)
    return fn


echo_with = register(["echo_with", "echowith", "stut_with", "stutwith"], _echo_with)


def _echo(times, t, fb, pat):
    """`times` copies, each `t` cycles later and with the gain multiplied by `fb`.

    >>> show(s("bd").echo(3, 1/4, 0.5))
    0 1 | s=bd gain=1
    -3/4 1/4 [0 1/4] | s=bd gain=0.5
    -1/2 1/2 [0 1/2] | s=bd gain=0.25
    1/4 5/4 [1/4 1] | s=bd gain=0.5
    1/2 3/2 [1/2 1] | s=bd gain=0.25
    """
    return pat._echo_with(times, t, lambda p, i: p.gain(fb ** i))


echo = register("echo", _echo)


def _stut(times, fb, t, pat):
    """echo with the arguments in Tidal's order: times, feedback, time.

    >>> show(s("bd").stut(3, 0.5, 1/4))
    0 1 | s=bd gain=1
    -3/4 1/4 [0 1/4] | s=bd gain=0.5
    -1/2 1/2 [0 1/2] | s=bd gain=0.25
    1/4 5/4 [1/4 1] | s=bd gain=0.5
    1/2 3/2 [1/2 1] | s=bd gain=0.25
    """
    return pat._echo_with(times, t, lambda p, i: p.gain(fb ** i))


stut = register("stut", _stut)


# -- helpers used by mini-notation and polymeter --------------------------------------------
def _pace(target, pat):
    """Speed the pattern so `target` of its steps fill a cycle.

    >>> show(sequence("a", "b").pace(4))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | a
    3/4 1 | b
    """
    if pat._steps is None:
        return pat
    if pat._steps == 0:
        return nothing
    return pat._fast(to_fraction(target) / pat._steps).set_steps(target)


pace = register("pace", _pace)
Pattern.steps = Pattern.pace


def _apply(fn, pat):
    """Apply fn to the pattern: `p.apply(f)` is `f(p)`.

    >>> show(sequence("a", "b").apply(rev))
    0 1/2 | b
    1/2 1 | a
    """
    return _callable(fn)(pat)


apply = register("apply", _apply)
