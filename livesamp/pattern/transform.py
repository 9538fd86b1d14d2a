"""The performer's pattern functions: time, structure, conditions and layering.

Each is registered as a method (`pat.fast(2)`), a plain-value method (`pat._fast(2)`) and a
curried top-level function (`fast(2, pat)`, `fast(2)`), with Strudel's semantics.
"""
from __future__ import annotations

from .core import (Pattern, compress_prim, early_prim, fast_gap_prim, fast_prim, fastcat, focus_prim,
                   lcm_steps, nothing, pure, reify, sequence, silence, slowcat, slowcat_prime, stack)
from .hap import Hap
from .registry import register
from .time import Fraction, TimeSpan, cycle_pos, sam, to_fraction
from .values import js_round, parse_numeral

import math


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


round = register("round", lambda pat: _as_number(pat).fmap(js_round))  # noqa: A001
floor = register("floor", lambda pat: _as_number(pat).fmap(math.floor))
ceil = register("ceil", lambda pat: _as_number(pat).fmap(math.ceil))
to_bipolar = register("to_bipolar", lambda pat: pat.fmap(lambda x: x * 2 - 1))
from_bipolar = register("from_bipolar", lambda pat: pat.fmap(lambda x: (x + 1) / 2))


def _range(lo, hi, pat):
    """Scale a 0..1 pattern to lo..hi: `sine.range(200, 2000)`."""
    return pat.mul(hi - lo).add(lo)


range = register("range", _range)  # noqa: A001
rangex = register("rangex", lambda lo, hi, pat: pat._range(math.log(lo), math.log(hi)).fmap(math.exp))
range2 = register("range2", lambda lo, hi, pat: pat.from_bipolar()._range(lo, hi))


# -- time -------------------------------------------------------------------------------
def _fast(factor, pat):
    """Speed up: `s("bd sn").fast(2)` plays the cycle twice."""
    factor = to_fraction(parse_numeral(factor) if isinstance(factor, str) else factor)
    if factor == 0:
        return silence
    return fast_prim(pat, factor)


fast = register(["fast", "density"], _fast, True, True)


def _slow(factor, pat):
    """Slow down: `s("bd sn").slow(2)` spreads the cycle over two."""
    factor = to_fraction(parse_numeral(factor) if isinstance(factor, str) else factor)
    if factor == 0:
        return silence
    return fast_prim(pat, 1 / factor)


slow = register(["slow", "sparsity"], _slow)
early = register("early", lambda t, pat: early_prim(pat, to_fraction(_num(t))), True, True)
late = register("late", lambda t, pat: early_prim(pat, -to_fraction(_num(t))), True, True)


def _num(x):
    if isinstance(x, str):
        v = parse_numeral(x)
        return v
    if x is None:
        raise TypeError("expected a number, got None")
    return x


def _hurry(r, pat):
    """Speed up the pattern and the samples' playback speed together."""
    return pat._fast(r).mul(pure({"speed": r}))


hurry = register("hurry", _hurry)
fast_gap = register(["fast_gap", "fastgap"], lambda f, pat: fast_gap_prim(pat, _num(f)))
compress = register("compress", lambda b, e, pat: compress_prim(pat, _num(b), _num(e)))
focus = register("focus", lambda b, e, pat: focus_prim(pat, _num(b), _num(e)))


def _ply(factor, pat):
    """Repeat each event `factor` times within its own span."""
    result = pat.fmap(lambda x: pure(x)._fast(factor)).squeeze_join()
    result._steps = None if pat._steps is None else to_fraction(factor) * pat._steps
    return result


ply = register("ply", _ply)


def _apply_n(n, fn, pat):
    for _ in builtins_range(n):
        pat = fn(pat)
    return pat


import builtins as _builtins  # noqa: E402

builtins_range = _builtins.range


def _ply_with(factor, fn, pat):
    """Repeat each event `factor` times, applying fn cumulatively to each repeat."""
    _callable(fn)
    factor = int(factor)
    result = pat.fmap(lambda x: slowcat(*[_apply_n(i, fn, pure(x)) for i in builtins_range(factor)])._fast(factor)
                      ).squeeze_join()
    result._steps = None if pat._steps is None else to_fraction(factor) * pat._steps
    return result


ply_with = register(["ply_with", "plywith"], _ply_with)


def _inside(factor, fn, pat):
    """Apply fn to the pattern slowed by factor, then speed the result back up."""
    return _callable(fn)(pat._slow(factor))._fast(factor)


def _outside(factor, fn, pat):
    return _callable(fn)(pat._fast(factor))._slow(factor)


inside = register("inside", _inside)
outside = register("outside", _outside)


def _zoom(s, e, pat):
    """Play only the part of each cycle between s and e, stretched to fill the cycle."""
    s, e = to_fraction(_num(s)), to_fraction(_num(e))
    if s >= e:
        return nothing
    d = e - s
    steps = None if pat._steps is None else pat._steps * d
    return (pat.with_query_span(lambda span: span.with_cycle(lambda t: t * d + s))
            .with_hap_span(lambda span: span.with_cycle(lambda t: (t - s) / d))
            .split_queries().set_steps(steps))


zoom = register("zoom", _zoom)


def _linger(t, pat):
    """Repeat the first fraction t of each cycle (negative t: the last fraction)."""
    t = to_fraction(_num(t))
    if t == 0:
        return silence
    if t < 0:  # Strudel throws here (t.add on a number); livesamp repeats the last fraction
        return pat._zoom(t + 1, 1)._slow(-t)
    return pat._zoom(0, t)._slow(t)


linger = register("linger", _linger, True, True)


def _segment(rate, pat):
    """Sample the pattern `rate` times per cycle (discrete events from signals)."""
    return pat.struct(pure(True)._fast(rate)).set_steps(rate)


segment = register(["segment", "seg"], _segment)


def _swing_by(x, n, pat):
    """Delay every second of n subdivisions per cycle by x/2 of a subdivision."""
    return pat.inside(n, late(sequence(0, x / 2)))


swing_by = register("swing_by", _swing_by)
swing = register("swing", lambda n, pat: pat.swing_by(1 / 3, n))


def _rev(pat):
    """Reverse each cycle."""

    def q(state):
        span = state.span
        cycle = sam(span.begin)
        nxt = cycle + 1

        def reflect(s):
            return TimeSpan(cycle + (nxt - s.end), cycle + (nxt - s.begin))

        return [h.with_span(reflect) for h in pat.query(state.set_span(reflect(span)))]

    return Pattern(q).split_queries()


rev = register("rev", _rev, False, True)


def _palindrome(pat):
    """Alternate forwards and backwards cycles."""
    return pat.last_of(2, rev)


palindrome = register("palindrome", _palindrome, True, True)


def _iter_impl(times, pat, back: bool):
    times = to_fraction(_num(times))
    n = int(times)
    return slowcat(*[(pat.late(Fraction(i) / times) if back else pat.early(Fraction(i) / times))
                     for i in builtins_range(n)])


iter = register("iter", lambda times, pat: _iter_impl(times, pat, False), True, True)  # noqa: A001
iter_back = register(["iter_back", "iterback"], lambda times, pat: _iter_impl(times, pat, True), True, True)


def _repeat_cycles(n, pat):
    """Repeat each cycle n times."""
    n = to_fraction(_num(n))

    def q(state):
        cycle = sam(state.span.begin)
        delta = cycle - sam(cycle / n)
        span = state.span
        haps = pat.query(state.set_span(TimeSpan(span.begin - delta, span.end - delta)))
        return [h.with_span(lambda s: TimeSpan(s.begin + delta, s.end + delta)) for h in haps]

    return Pattern(q).split_queries()


repeat_cycles = register("repeat_cycles", _repeat_cycles, True, True)


# -- conditions ---------------------------------------------------------------------------
def _first_of(n, fn, pat):
    """Apply fn in cycles 0, n, 2n ... (`every`)."""
    _callable(fn)
    n = _whole_number(n, "every")
    if n <= 0:
        raise ValueError(f"every/first_of: n must be a positive whole number, got {n}")
    return slowcat_prime(fn(pat), *([pat] * (n - 1)))


def _last_of(n, fn, pat):
    """Apply fn in cycles n-1, 2n-1 ..."""
    _callable(fn)
    n = _whole_number(n, "last_of")
    if n <= 0:
        raise ValueError(f"last_of: n must be a positive whole number, got {n}")
    return slowcat_prime(*([pat] * (n - 1)), fn(pat))


first_of = register(["first_of", "every"], _first_of)
last_of = register("last_of", _last_of)
every = first_of


def _when(on, fn, pat):
    """Apply fn where the binary pattern is true."""
    _callable(fn)
    return fn(pat) if on else pat


when = register("when", _when)


def _whenmod(a, b, fn, pat):
    """Apply fn when the cycle number modulo a is at least b."""
    _callable(fn)
    a, b = _num(a), _num(b)

    def q(state):
        c = math.floor(state.span.begin)
        return (fn(pat) if c % a >= b else pat).query(state)

    return Pattern(q).split_queries()


whenmod = register("whenmod", _whenmod)


def _chunk_impl(n, fn, pat, back=False, fast_=False):
    _callable(fn)
    n = _whole_number(n, "chunk")
    binary = [True] + [False] * (n - 1)
    binary_pat = _iter_impl(n, sequence(*binary), not back)
    if not fast_:
        pat = pat.repeat_cycles(n)
    return pat.when(binary_pat, fn)


chunk = register(["chunk", "slowchunk"], lambda n, fn, pat: _chunk_impl(n, fn, pat), True, True)
chunk_back = register(["chunk_back", "chunkback"], lambda n, fn, pat: _chunk_impl(n, fn, pat, True), True, True)
fast_chunk = register(["fast_chunk", "fastchunk"], lambda n, fn, pat: _chunk_impl(n, fn, pat, False, True),
                      True, True)


def _filter_when(test, pat):
    return pat.filter_haps(lambda h: test(h.whole.begin))


def _within(a, b, fn, pat):
    """Apply fn to the part of each cycle between a and b."""
    _callable(fn)
    return stack(
        fn(_filter_when(lambda t: a <= cycle_pos(t) <= b, pat)),
        _filter_when(lambda t: cycle_pos(t) < a or cycle_pos(t) > b, pat),
    )


within = register("within", _within)


def _brak(pat):
    """Squash every other cycle into its first half, shifted by a quarter."""
    return pat.when(slowcat(False, True), lambda x: fastcat(x, silence)._late(Fraction(1, 4)))


brak = register("brak", _brak)


# -- layering ---------------------------------------------------------------------------
def _off(t, fn, pat):
    """Stack a copy shifted later by t, transformed by fn."""
    _callable(fn)
    return stack(pat, fn(pat.late(t)))


off = register("off", _off)


def _superimpose(fn, pat):
    return stack(pat, _callable(fn)(pat))


def _layer(self, *fns):
    """Stack the results of several functions of the pattern."""
    return stack(*[_callable(f)(self) for f in fns])


Pattern.layer = _layer
Pattern.superimpose = lambda self, *fns: stack(self, *[_callable(f)(self) for f in fns])


def superimpose(*args):
    *fns, pat = args
    return reify(pat).superimpose(*fns)


def layer(*args):
    *fns, pat = args
    return reify(pat).layer(*fns)


def _jux_by(by, fn, pat):
    """Pan the pattern left and fn of it right, by the amount `by` (0..1)."""
    _callable(fn)
    by = by / 2

    def with_pan(delta):
        def set_pan(val):
            if not isinstance(val, dict):
                raise TypeError(f"jux works on control patterns (like s(...)), not on plain value {val!r}")
            return {**val, "pan": val.get("pan", 0.5) + delta}

        return set_pan

    left = pat.fmap(with_pan(-by))
    right = fn(pat.fmap(with_pan(by)))
    return stack(left, right).set_steps(lcm_steps(left._steps, right._steps))


jux_by = register(["jux_by", "juxby"], _jux_by)
jux = register("jux", lambda fn, pat: pat._jux_by(1, fn))


def _echo_with(times, t, fn, pat):
    """Stack `times` copies, each later by t and with fn applied i times (fn(pat, i))."""
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
echo = register("echo", lambda times, t, fb, pat: pat._echo_with(times, t, lambda p, i: p.gain(fb ** i)))
stut = register("stut", lambda times, fb, t, pat: pat._echo_with(times, t, lambda p, i: p.gain(fb ** i)))


# -- helpers used by mini-notation and polymeter --------------------------------------------
def _pace(target, pat):
    """Speed the pattern so `target` of its steps fill a cycle."""
    if pat._steps is None:
        return pat
    if pat._steps == 0:
        return nothing
    return pat._fast(to_fraction(target) / pat._steps).set_steps(target)


pace = register("pace", _pace)
Pattern.steps = Pattern.pace


def _apply(fn, pat):
    return _callable(fn)(pat)


apply = register("apply", _apply)
