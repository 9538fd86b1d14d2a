"""Pattern: a pure function from a query span to haps, and its fundamental combinators.

Semantics follow Strudel 1.2.6 (`packages/core/pattern.mjs`) so events match it exactly.
"""
from __future__ import annotations

import math
from functools import reduce

from .hap import Hap, _after_empty, combine_contexts, shift_haps
from .time import (Fraction, Time, TimeSpan, _new, _ratio, _scale_span, _shift_span, _span, _time, cycle_pos,
                   sam, to_fraction)

__all__ = [
    "Pattern", "State", "pure", "silence", "nothing", "gap", "reify", "stack", "slowcat",
    "slowcat_prime", "cat", "fastcat", "seq", "sequence", "stepcat", "timecat", "polymeter",
    "arrange", "is_pattern", "steady", "signal", "lcm_steps",
]

_MISSING = object()
_ONE = Time(1)
_MAX_PERIOD = 256  # longer periods are treated as not periodic (nothing cached)
query_errors = [0]  # queries answered with no haps because Strudel's would throw (mini.compile)
_MAX_ENUM_HAPS = 4096  # haps a join may look at to learn its inner patterns' periods


# -- periods (see Pattern.period) ------------------------------------------------------------
def _periods(*pats):
    """(lcm of the periods, all uniform), or None if any pattern is not known to be periodic."""
    total, uniform = 1, True
    for p in pats:
        per = p.period()
        if per is None:
            return None
        total = math.lcm(total, per[0])
        uniform = uniform and per[1]
    return total, uniform


def _same_period(result: Pattern, source: Pattern) -> Pattern:
    """result queries source at the same spans (or cycle by cycle, or through a map of time
    that keeps each cycle in itself) and maps haps without looking at the query: the same
    period, and local when source is."""
    result._perfn = source.period
    result._locfn = source.is_local
    return result


def _same_query(pat: Pattern, steps) -> Pattern:
    """A new pattern with pat's query (and what is known of it), and these steps."""
    result = _same_period(Pattern(pat.query, steps), pat)
    result._const, result._sig, result._sig_anywhere = pat._const, pat._sig, pat._sig_anywhere
    return result


def _all_local(*pats) -> bool:
    return all(p.is_local() for p in pats)


def _known(pat: Pattern) -> bool:
    """Built from the analysed combinators (local, periodic, a signal or a constant): a pure
    function of its query, unlike a custom query reading outside state (a corpus's units)."""
    return pat._const is not None or pat._sig is not None or pat.is_local() or pat.period() is not None


def _join_local(outer: Pattern, inner_of, const_inner=None) -> bool:
    """A join is local when its outer pattern is and every inner pattern it can query is: the
    inner ones are known for a constant outer (const_inner()) or by enumerating a periodic
    outer's values over one period (as _join_period)."""
    if not outer.is_local():
        return False
    if const_inner is not None:
        return const_inner().is_local()
    per = outer.period()
    values = None if per is None else _period_values(outer, per[0])
    if values is None:
        return False
    for value in values:
        inner = inner_of(value)
        if not isinstance(inner, Pattern) or not inner.is_local():
            return False
    return True


def _period_values(outer: Pattern, period: int):
    """The values of a periodic pattern's haps over one period (cycles 0 .. period-1), each
    distinct one once (hashable ones by type and value); None past _MAX_ENUM_HAPS haps."""
    values, seen, count = [], set(), 0
    for c in range(period):
        haps = outer.query(State(TimeSpan(_time(c, 1), _time(c + 1, 1))))
        count += len(haps)
        if count > _MAX_ENUM_HAPS:
            return None
        for h in haps:
            v = h.value
            try:
                if type(v) is float and v == 0:
                    raise TypeError  # (0.0 and -0.0: equal keys, maybe different patterns)
                key = (type(v), v)
                if key in seen:
                    continue
                seen.add(key)
            except TypeError:  # unhashable: kept as is
                pass
            values.append(v)
    return values


def _identity(x):
    return x


_NOHAP = object()  # what a signal's _sig gives where its query has no hap


def _in_one_cycle(span) -> bool:
    """begin <= end <= sam(begin) + 1 (exact; Time internals to skip operator dispatch)."""
    b, e = span.begin, span.end
    bn, bd, en, ed = b._numerator, b._denominator, e._numerator, e._denominator
    return bn * ed <= en * bd and en <= (bn // bd + 1) * ed


def _const_map(const, fn):
    """fn of a (value, context) pair, or None where it raises (the query will raise then)."""
    try:
        return fn(const)
    except Exception:  # noqa: BLE001
        return None


def _sig_map(sig, fn):
    def mapped(t, controls):
        v = sig(t, controls)
        return v if v is _NOHAP else fn(v)

    return mapped


def _sig_apply(sig, op, value):
    def applied(t, controls):
        v = sig(t, controls)
        return v if v is _NOHAP else op(v, value)

    return applied


def _sig_filter(sig, test):
    def filtered(t, controls):
        v = sig(t, controls)
        return v if v is _NOHAP or test(v) else _NOHAP

    return filtered


def _app_period(structure: Pattern, other: Pattern):
    """app_left/app_right: `other` is queried at the structure's wholes, which may reach into
    cycles before the query (so it must repeat in negative cycles too)."""
    s, o = structure.period(), other.period()
    if s is None or o is None or not o[1]:
        return None
    return math.lcm(s[0], o[0]), s[1]


def _join_period(outer: Pattern, inner_of, need_uniform: bool = False):
    """Period of a join: the outer's, combined with every inner pattern it can produce.

    The outer's haps over one period hold every value it will ever have; inner_of(value) is
    the pattern the join queries for it.  need_uniform: None unless all inner patterns are
    uniform (a squeeze queries them at the cycle of the outer hap's whole, which may be < 0).
    """
    per = outer.period()
    if per is None:
        return None
    total, uniform = per
    values = _period_values(outer, total)
    if values is None:
        return None
    for value in values:
        inner = inner_of(value)
        if not isinstance(inner, Pattern):
            return None
        ip = inner.period()
        if ip is None or (need_uniform and not ip[1]):
            return None
        total = math.lcm(total, ip[0])
        if total > _MAX_PERIOD:
            return None
        uniform = uniform and ip[1]
    return total, uniform


class State:
    """A query: the span asked for, and controls such as the random seed."""

    __slots__ = ("span", "controls")

    def __init__(self, span: TimeSpan, controls: dict | None = None):
        self.span = span
        self.controls = controls if controls is not None else {}

    def set_span(self, span: TimeSpan) -> State:
        return State(span, self.controls)

    def with_span(self, fn) -> State:
        return State(fn(self.span), self.controls)

    def set_controls(self, controls: dict) -> State:
        return State(self.span, {**self.controls, **controls})


def _frac_or_none(x):
    return None if x is None else to_fraction(x)


def _lcm2(a: Fraction, b: Fraction) -> Fraction:
    # lcm of fractions as fraction.js: lcm(n1*d2, n2*d1) / (d1*d2), 0 if either is 0
    if a == 0 or b == 0:
        return Fraction(0)
    num = math.lcm(a.numerator * b.denominator, b.numerator * a.denominator)
    return Fraction(num, a.denominator * b.denominator)


def lcm_steps(*steps):
    """Least common multiple of step counts; None if any is None (as Strudel)."""
    steps = [s for s in steps]
    if not steps:
        return None
    if any(s is None for s in steps):
        # Strudel's lcm removes undefineds first, then folds
        steps = [s for s in steps if s is not None]
        if not steps:
            return None
    return reduce(_lcm2, (to_fraction(s) for s in steps))


class Pattern:
    """A pattern of values over cycles, defined by its query function.

    `query(state)` returns the haps active during `state.span`.
    """

    __slots__ = ("query", "_steps", "_pure", "_pure_loc", "_weight", "_steps_source", "_bare", "_per",
                 "_perfn", "_cached", "_sig", "_sig_anywhere", "_const", "_chain", "_loc", "_locfn",
                 "__weakref__")

    def __init__(self, query, steps=None):
        self.query = query
        self._steps = _frac_or_none(steps)
        self._bare = _MISSING  # the value, when this is exactly pure(value) with no context
        self._pure = _MISSING
        self._pure_loc = None
        self._weight = None
        self._steps_source = False
        self._per = _MISSING  # period(), once known
        self._perfn = None  # how to work the period out (None: not periodic as far as known)
        self._cached = False  # whole-cycle queries memoised (see cycle_cached)
        # sig(t, controls): for a span within one cycle (begin <= end <= sam(begin) + 1) the
        # query is [Hap(None, span, sig(span.begin, controls))] with no context, or [] when
        # sig gives _NOHAP.  Set for signals and what maps them; lets app_left/app_right sample
        # them without a query.
        self._sig = None
        self._sig_anywhere = False  # _sig holds for any span, not only inside a cycle (signals)
        # (value, context) when the pattern is pure(value) with that context on every hap
        self._const = None
        self._chain = None  # (base, stages): constants/signals applied in a row (_app_left_staged)
        self._loc = _MISSING  # is_local(), once known
        self._locfn = None  # how to work it out (None: not known to be local)

    # -- querying ---------------------------------------------------------------
    def query_arc(self, begin, end, controls: dict | None = None) -> list[Hap]:
        """The haps whose parts intersect [begin, end), cut at the bounds."""
        return self.query(State(TimeSpan(to_fraction(begin), to_fraction(end)), controls))

    def first_cycle(self) -> list[Hap]:
        return self.query_arc(0, 1)

    def set_steps(self, steps) -> Pattern:
        self._steps = _frac_or_none(steps)
        return self

    def with_steps(self, fn) -> Pattern:
        return _same_query(self, None if self._steps is None else fn(self._steps))

    @property
    def has_steps(self) -> bool:
        return self._steps is not None

    # -- locality -----------------------------------------------------------------
    def is_local(self) -> bool:
        """True when querying any span A inside a span B gives B's haps cut to A: parts
        intersected with A, haps whose part misses A dropped (and all haps have wholes).

        Then a cycle's haps answer any query inside the cycle (see cache.cycle_cached).  Holds
        for pure and is kept by the time maps, sequences, stacks, value maps and app_* (on their
        structure side); worked out like period(), anything not covered is False.
        """
        loc = self._loc
        if loc is _MISSING:
            loc = False
            fn = self._locfn
            if fn is not None:
                self._loc = False  # (no recursion through a cycle in the graph)
                try:
                    loc = bool(fn())
                except Exception:  # noqa: BLE001 - not known to be local
                    loc = False
            self._loc = loc
        return loc

    # -- periodicity ------------------------------------------------------------
    def period(self):
        """(P, uniform) when the pattern provably repeats every P cycles, else None.

        Repeating means: querying a span shifted by k*P cycles gives the haps of the unshifted
        span shifted by k*P (same values and contexts).  `uniform` False means this holds only
        for spans in cycles >= 0 (Strudel's every/last_of play nothing in negative cycles).
        Worked out from how the pattern was built (rules beside each combinator); anything not
        covered (signals, randomness, custom queries) is None.
        """
        p = self._per
        if p is _MISSING:
            p = None
            fn = self._perfn
            if fn is not None:
                self._per = None  # a cycle in the pattern graph must not recurse forever
                try:
                    p = fn()
                except Exception:  # noqa: BLE001 - a pattern whose analysis fails is just not cached
                    p = None
                if p is not None and not (0 < p[0] <= _MAX_PERIOD):
                    p = None
            self._per = p
        return p

    # -- mapping ----------------------------------------------------------------
    def with_value(self, fn) -> Pattern:
        if self._bare is not _MISSING:
            # pure(v).fmap(f) is pure(f(v)) hap for hap; keep it bare (but not `_pure`: register's
            # fast path must still see a mapped pattern as a pattern, as Strudel does)
            result = _bare_pure(fn(self._bare))
            result._steps = self._steps
            return result
        query = self.query

        def q(state):
            return [Hap(h.whole, h.part, fn(h.value), h.context) for h in query(state)]

        result = _same_period(Pattern(q, self._steps), self)
        if self._sig is not None:
            result._sig = _sig_map(self._sig, fn)
            result._sig_anywhere = self._sig_anywhere
        if self._const is not None:
            result._const = _const_map(self._const, lambda vc: (fn(vc[0]), vc[1]))
            if result._const is not None:  # a constant's haps, made directly
                result.query = _pure_query(*result._const)
        return result

    fmap = with_value

    def with_state(self, fn) -> Pattern:
        return Pattern(lambda state: self.query(fn(state)))

    def with_query_span(self, fn) -> Pattern:
        return Pattern(lambda state: self.query(state.with_span(fn)))

    def with_query_span_maybe(self, fn) -> Pattern:
        def q(state):
            span = fn(state.span)
            if span is None:
                return []
            return self.query(state.set_span(span))

        return Pattern(q)

    def with_query_time(self, fn) -> Pattern:
        return Pattern(lambda state: self.query(state.set_span(state.span.with_time(fn))))

    def with_hap_span(self, fn) -> Pattern:
        return Pattern(lambda state: [h.with_span(fn) for h in self.query(state)])

    def with_hap_time(self, fn) -> Pattern:
        return self.with_hap_span(lambda span: span.with_time(fn))

    def with_haps(self, fn) -> Pattern:
        """fn(haps, state) -> haps."""
        return Pattern(lambda state: fn(self.query(state), state), self._steps)

    def with_hap(self, fn) -> Pattern:
        return self.with_haps(lambda haps, _state: [fn(h) for h in haps])

    def with_context(self, fn) -> Pattern:
        result = _same_period(self.with_hap(lambda h: h.set_context(fn(h.context))), self)
        result._pure = self._pure
        result._pure_loc = self._pure_loc
        if self._const is not None:
            result._const = _const_map(self._const, lambda vc: (vc[0], fn(vc[1])))
            if result._const is not None:  # a constant's haps, made directly
                result.query = _pure_query(*result._const)
        return result

    def with_loc(self, start: int, end: int) -> Pattern:
        """Record a source location (character span) on every hap."""
        loc = (start, end)

        def add(context):
            return {**context, "locations": list(context.get("locations", ())) + [loc]}

        result = self.with_context(add)
        if self._pure is not _MISSING and self._pure:
            result._pure_loc = loc
        return result

    def strip_context(self) -> Pattern:
        return self.with_hap(lambda h: h.set_context({}))

    def filter_haps(self, test) -> Pattern:
        return Pattern(lambda state: [h for h in self.query(state) if test(h)])

    def filter_values(self, test) -> Pattern:
        result = _same_period(Pattern(lambda state: [h for h in self.query(state) if test(h.value)], self._steps),
                              self)
        if self._sig is not None:
            result._sig = _sig_filter(self._sig, test)
            result._sig_anywhere = self._sig_anywhere
        return result

    def remove_nones(self) -> Pattern:
        return self.filter_values(lambda v: v is not None)

    def onsets_only(self) -> Pattern:
        return self.filter_haps(Hap.has_onset)

    def discrete_only(self) -> Pattern:
        return self.filter_haps(lambda h: h.whole is not None)

    def split_queries(self) -> Pattern:
        """Query cycle by cycle."""

        def q(state):
            return [h for span in state.span.span_cycles() for h in self.query(state.set_span(span))]

        return _same_period(Pattern(q), self)

    # -- applicative --------------------------------------------------------------
    def app_whole(self, whole_fn, pat_val: Pattern, op=None) -> Pattern:
        """Values op(left, right) (default left(right)) where parts meet, wholes by whole_fn."""
        pat_func = self
        op = op or _call

        def q(state):
            out = []
            hap_vals = pat_val.query(state)
            for hf in pat_func.query(state):
                for hv in hap_vals:
                    s = hf.part.intersection(hv.part)
                    if s is None:
                        continue
                    out.append(Hap(whole_fn(hf.whole, hv.whole), s, op(hf.value, hv.value),
                                   combine_contexts(hv.context, hf.context)))
            return out

        result = Pattern(q)
        result._perfn = lambda: _periods(pat_func, pat_val)  # both queried at the same span
        result._locfn = lambda: _all_local(pat_func, pat_val)
        return result

    def app_both(self, pat_val: Pattern, op=None) -> Pattern:
        def whole_fn(a, b):
            if a is None or b is None:
                return None
            return a.intersection_e(b)

        result = self.app_whole(whole_fn, pat_val, op)
        result._steps = lcm_steps(pat_val._steps, self._steps)
        return result

    def app_left(self, pat_val: Pattern, op=None) -> Pattern:
        """Apply a pattern of functions to values, structure from the left (functions).

        With op, the values are op(left, right) instead of left(right): `a.app_left(b, op)` is
        `a.fmap(lambda x: lambda y: op(x, y)).app_left(b)` in one layer.
        """
        pat_func = self
        op = op or _call
        if pat_val._const is not None or pat_val._sig is not None:
            return _app_left_staged(self, pat_val, op)

        def q(state):
            out = []
            for hf in pat_func.query(state):
                span = hf.whole_or_part()
                for hv in pat_val.query(state.set_span(span)):
                    part = hf.part.intersection(hv.part)
                    if part is not None:
                        out.append(Hap(hf.whole, part, op(hf.value, hv.value), combine_contexts(hv.context, hf.context)))
            return out

        result = Pattern(q, self._steps)
        result._perfn = lambda: _app_period(pat_func, pat_val)
        # (pat_val is queried at the wholes, whatever the span)
        result._locfn = lambda: pat_func.is_local() and _known(pat_val)
        return result

    def app_right(self, pat_val: Pattern, op=None) -> Pattern:
        """Structure from the right (values); with op, values op(left, right) (see app_left)."""
        pat_func = self
        op = op or _call
        sig = pat_func._sig
        const = pat_func._const

        def q(state):
            out = []
            for hv in pat_val.query(state):
                span = hv.whole_or_part()
                if const is not None and _in_one_cycle(span):  # the constant's one hap, without a query
                    part = span.intersection(hv.part)
                    if part is not None:
                        out.append(Hap(hv.whole, part, op(const[0], hv.value), combine_contexts(hv.context, const[1])))
                    continue
                if sig is not None and _in_one_cycle(span):  # the signal's one hap, sampled directly
                    f = sig(span.begin, state.controls)
                    if f is not _NOHAP:
                        part = span.intersection(hv.part)
                        if part is not None:
                            out.append(Hap(hv.whole, part, op(f, hv.value), _after_empty(hv.context)))
                    continue
                for hf in pat_func.query(state.set_span(span)):
                    part = hf.part.intersection(hv.part)
                    if part is not None:
                        out.append(Hap(hv.whole, part, op(hf.value, hv.value), combine_contexts(hv.context, hf.context)))
            return out

        result = Pattern(q, pat_val._steps)
        result._perfn = lambda: _app_period(pat_val, pat_func)
        result._locfn = lambda: pat_val.is_local() and _known(pat_func)
        return result

    # -- monadic joins ------------------------------------------------------------
    def bind_whole(self, choose_whole, fn) -> Pattern:
        pat_val = self
        const = pat_val._const
        memo = []  # fn(value) of a constant outer pattern, once made

        def q(state):
            span = state.span
            if const is not None and _in_one_cycle(span):
                # a constant's one hap: whole the cycle, part the span; fn of its value, made once
                # (patterns are values: fn(v) is the same pattern every time)
                if not memo:
                    memo.append(fn(const[0]))
                inner, octx = memo[0], const[1]
                if choose_whole is _choose_inner and not octx:
                    return list(inner.query(state))
                c = span.begin._numerator // span.begin._denominator
                cycle = _span(_time(c, 1), _time(c + 1, 1))
                return [Hap(choose_whole(cycle, b.whole), b.part, b.value, _bind_context(octx, b.context))
                        for b in inner.query(state)]
            out = []
            for a in pat_val.query(state):
                for b in fn(a.value).query(state.set_span(a.part)):
                    out.append(Hap(choose_whole(a.whole, b.whole), b.part, b.value, _bind_context(a.context, b.context)))
            return out

        result = Pattern(q)
        result._perfn = lambda: _join_period(pat_val, fn)  # inner queried within the outer's parts

        def const_inner():
            if not memo:
                memo.append(fn(const[0]))
            return memo[0]

        result._locfn = lambda: _join_local(pat_val, fn, const_inner if const is not None else None)
        return result

    def bind(self, fn) -> Pattern:
        def whole_fn(a, b):
            if a is None or b is None:
                return None
            return a.intersection_e(b)

        return self.bind_whole(whole_fn, fn)

    def join(self) -> Pattern:
        return self.bind(lambda x: x)

    def outer_bind(self, fn) -> Pattern:
        return self.bind_whole(lambda a, _b: a, fn).set_steps(self._steps)

    def outer_join(self) -> Pattern:
        return self.outer_bind(lambda x: x)

    def inner_bind(self, fn) -> Pattern:
        return self.bind_whole(_choose_inner, fn)

    def inner_join(self) -> Pattern:
        return self.inner_bind(lambda x: x)

    def reset_join(self, restart: bool = False) -> Pattern:
        pat_of_pats = self

        def q(state):
            out = []
            for outer in pat_of_pats.discrete_only().query(state):
                shift = outer.whole.begin if restart else cycle_pos(outer.whole.begin)
                for inner in outer.value.late(shift).query(state):
                    whole = inner.whole.intersection(outer.whole) if inner.whole is not None else None
                    part = inner.part.intersection(outer.part)
                    if part is None:
                        continue
                    out.append(Hap(whole, part, inner.value, outer.combine_context(inner)))
            return out

        return Pattern(q)

    def restart_join(self) -> Pattern:
        return self.reset_join(True)

    def squeeze_join(self) -> Pattern:
        """Squeeze each inner pattern's cycle into the whole of its outer hap."""
        pat_of_pats = self

        def q(state):
            out = []
            for outer in pat_of_pats.discrete_only().query(state):
                inner_pat = outer.value._focus_span(outer.whole_or_part())
                for inner in inner_pat.query(state.set_span(outer.part)):
                    whole = None
                    if inner.whole is not None and outer.whole is not None:
                        whole = inner.whole.intersection(outer.whole)
                        if whole is None:
                            continue
                    part = inner.part.intersection(outer.part)
                    if part is None:
                        continue
                    out.append(Hap(whole, part, inner.value, inner.combine_context(outer)))
            return out

        result = Pattern(q)
        result._perfn = lambda: _join_period(pat_of_pats, _identity, need_uniform=True)
        result._locfn = lambda: _join_local(pat_of_pats, _identity)
        return result

    def squeeze_bind(self, fn) -> Pattern:
        return self.fmap(fn).squeeze_join()

    def poly_join(self) -> Pattern:
        pp = self
        return pp.fmap(lambda p: p._extend(pp._steps / p._steps)).outer_join()

    # -- elementary time (thin methods over the primitives below; `register` may replace them) --
    def _fast(self, factor) -> Pattern:
        return fast_prim(self, factor)

    def _slow(self, factor) -> Pattern:
        factor = to_fraction(factor)
        return silence if factor == 0 else fast_prim(self, 1 / factor)

    def _early(self, offset) -> Pattern:
        return early_prim(self, offset)

    def _late(self, offset) -> Pattern:
        return early_prim(self, -to_fraction(offset))

    def _fast_gap(self, factor) -> Pattern:
        return fast_gap_prim(self, factor)

    def _compress(self, b, e) -> Pattern:
        return compress_prim(self, b, e)

    def _focus(self, b, e) -> Pattern:
        return focus_prim(self, b, e)

    def _focus_span(self, span: TimeSpan) -> Pattern:
        return self._focus(span.begin, span.end)

    def _extend(self, factor) -> Pattern:
        return self.fast(factor)._expand(factor)

    def _expand(self, factor) -> Pattern:
        return self.with_steps(lambda t: t * to_fraction(factor))

    # -- python conveniences -----------------------------------------------------
    def __repr__(self) -> str:
        try:
            haps = self.query_arc(0, 1)
        except Exception as e:  # a repr must never raise
            return f"<Pattern (first cycle raises {type(e).__name__})>"
        shown = " ".join(repr(h) for h in haps[:8])
        more = " ..." if len(haps) > 8 else ""
        return f"<Pattern {shown}{more}>"

    def __add__(self, other):
        return self.add(other)

    def __radd__(self, other):
        return reify(other).add(self)

    def __sub__(self, other):
        return self.sub(other)

    def __rsub__(self, other):
        return reify(other).sub(self)

    def __mul__(self, other):
        return self.mul(other)

    def __rmul__(self, other):
        return reify(other).mul(self)

    def __truediv__(self, other):
        return self.div(other)

    def __rtruediv__(self, other):
        return reify(other).div(self)

    def __mod__(self, other):
        return self.mod(other)

    def __pow__(self, other):
        return self.pow(other)

    def __neg__(self):
        return self.mul(-1)


def is_pattern(x) -> bool:
    return isinstance(x, Pattern)


def gap(steps) -> Pattern:
    """Silence that takes up `steps` steps.

    >>> show(stepcat("a", gap(2)))
    0 1/3 | a
    """
    result = Pattern(lambda state: [], steps)
    result._per = (1, True)
    result._loc = True
    return result


silence = gap(1)
nothing = gap(0)


def pure(value) -> Pattern:
    """A pattern repeating `value` once per cycle.

    >>> show(pure("a"))
    0 1 | a
    """

    result = Pattern(_pure_query(value, _NO_CONTEXT), 1)
    result._pure = value
    result._bare = value
    result._per = (1, True)
    result._const = (value, _NO_CONTEXT)
    result._loc = True
    return result


def _pure_query(value, context):
    """The query of pure(value), every hap with `context` (shared: contexts are never mutated)."""

    def q(state):
        span = state.span
        b, e = span.begin, span.end
        bn, bd, en, ed = b._numerator, b._denominator, e._numerator, e._denominator
        if en * bd < bn * ed:
            return []  # a reversed span holds no cycles (as Strudel's spanCycles)
        fb = bn // bd
        if en <= (fb + 1) * ed:
            return [Hap(_span(_time(fb, 1), _time(fb + 1, 1)), span, value, context)]
        out = []
        for sp in span.span_cycles():
            c = sp.begin._numerator // sp.begin._denominator
            out.append(Hap(_span(_time(c, 1), _time(c + 1, 1)), sp, value, context))
        return out

    return q


def _bare_pure(value) -> Pattern:
    result = pure(value)
    result._pure = _MISSING
    return result


_NO_CONTEXT: dict = {}  # shared: contexts are never mutated


def _call(f, v):
    return f(v)


def _query_shared(pat: Pattern):
    """(shared, scope): `shared` answers like `pat`; inside a query of `scope(result)`, a span
    asked of `shared` twice is computed once (jux and sometimes read their pattern twice at
    the same spans).  Patterns are pure functions of the query, so this changes no hap."""
    box = [None]
    raw = pat.query

    def q(state):
        memo = box[0]
        if memo is None:
            return raw(state)
        b, e = state.span.begin, state.span.end
        controls = state.controls
        key = (b._numerator, b._denominator, e._numerator, e._denominator, id(controls))
        entry = memo.get(key)
        if entry is None or entry[0] is not controls:
            entry = memo[key] = (controls, raw(state))  # (holding controls keeps its id unique)
        return list(entry[1])

    shared = _same_period(Pattern(q, pat._steps), pat)
    shared._const, shared._sig = pat._const, pat._sig

    def scope(result: Pattern) -> Pattern:
        inner = result.query

        def scoped(state):
            box[0] = {}  # for this query only
            try:
                return inner(state)
            finally:
                box[0] = None

        result.query = scoped
        return result

    return shared, scope


def _memo_by_value(fn, limit: int = 64):
    """fn(*values), made once per distinct values (up to `limit` of them).

    For the pattern-making functions joins call per event per query (a registered function
    applied to a patterned argument, slice's per-slice patterns): they are pure functions of
    their values, and patterns are immutable.  Values are told apart by type as well as
    equality (1, 1.0 and True are different keys); unhashable values and zero floats (0.0 and
    -0.0 are equal but may act differently) are not memoised.
    """
    memo: dict = {}

    def memoised(*values):
        try:
            key = tuple((type(v), v) for v in values)
            if any(type(v) is float and v == 0 for v in values):
                raise TypeError
            hit = memo.get(key)
        except TypeError:
            return fn(*values)
        if hit is None:
            hit = fn(*values)
            if len(memo) < limit:
                memo[key] = hit
        return hit

    return memoised


def _choose_inner(_a, b):
    return b


def _bind_context(a: dict, b: dict) -> dict:
    """A join's context: b's keys win; locations joined (a's first) when either has some.
    (A side with nothing to add gives the other as is: contexts are never mutated.)"""
    if not a:
        return b
    if not b:
        return a
    ctx = {**a, **b}
    if "locations" in a or "locations" in b:
        ctx["locations"] = list(a.get("locations", ())) + list(b.get("locations", ()))
    return ctx


def _app_left_staged(pat_func: Pattern, pat_val: Pattern, op=_call) -> Pattern:
    """app_left of a constant or a signal: for a hap whose whole (or part) lies in one cycle,
    the right side's one hap there is known without a query (the constant, or the signal
    sampled at the span's begin; a filtered signal may have none), so the hap keeps its part.
    A hap crossing a cycle boundary queries the right side, cut at cycles as in Strudel.

    Such stages applied in a row (`.degrade_by(0.3).gain(saw).pan(rand).room(0.3)`) run as one
    pass over the first one's haps.
    """
    const = pat_val._const
    if const is not None:
        stage = (const[0], const[1], None, op, pat_val.query)
    else:
        stage = (None, None, pat_val._sig, op, pat_val.query)
    if pat_func._chain is not None:
        base, stages = pat_func._chain
        stages = stages + (stage,)
    else:
        base, stages = pat_func, (stage,)

    def q(state):
        out = []
        controls = state.controls
        for hf in base.query(state):
            w = hf.whole
            part = hf.part
            span = part if w is None else w
            b, e = span.begin, span.end
            bn, bd, en, ed = b._numerator, b._denominator, e._numerator, e._denominator
            if bn * ed <= en * bd and en <= (bn // bd + 1) * ed:  # (_in_one_cycle(span))
                if span is not part:
                    part = part.intersection(span)
                    if part is None:
                        continue
                v, c = hf.value, hf.context
                for value, ctx, sig, fn, _general in stages:
                    if sig is None:
                        v = fn(v, value)
                        c = combine_contexts(ctx, c)
                    else:
                        x = sig(span.begin, controls)
                        if x is _NOHAP:
                            break
                        v = fn(v, x)
                        c = _after_empty(c)
                else:
                    out.append(Hap(w, part, v, c))
                continue
            haps = [hf]
            for stage_ in stages:
                haps = _left_stage(haps, stage_, state)
            out.extend(haps)
        return out

    result = Pattern(q, pat_func._steps)
    # (a constant repeats every cycle everywhere: the period is the left side's)
    result._perfn = pat_func.period if const is not None else (lambda: _app_period(pat_func, pat_val))
    result._locfn = pat_func.is_local  # (stages sample at the wholes)
    result._chain = (base, stages)
    if const is not None and pat_func._sig is not None:  # within a cycle: the signal's hap, mapped
        result._sig = _sig_apply(pat_func._sig, op, const[0])
    return result


def _left_stage(haps, stage, state) -> list:
    """One app_left of a constant or signal (a stage of _app_left_staged) over some haps."""
    value, ctx, sig, op, general = stage
    out = []
    for hf in haps:
        w = hf.whole
        span = hf.part if w is None else w
        if _in_one_cycle(span):
            if sig is not None:
                x = sig(span.begin, state.controls)
                if x is _NOHAP:
                    continue
                part = hf.part.intersection(span)
                if part is not None:
                    out.append(Hap(w, part, op(hf.value, x), _after_empty(hf.context)))
                continue
            part = hf.part.intersection(span)
            if part is not None:
                out.append(Hap(w, part, op(hf.value, value), combine_contexts(ctx, hf.context)))
            continue
        for hv in general(state.set_span(span)):
            part = hf.part.intersection(hv.part)
            if part is not None:
                out.append(Hap(w, part, op(hf.value, hv.value), combine_contexts(hv.context, hf.context)))
    return out


def reify(thing) -> Pattern:
    """A pattern from a value: patterns stay, strings are mini-notation, anything else is pure.

    >>> show(reify("a [b c]"))
    0 1/2 | a
    1/2 3/4 | b
    3/4 1 | c
    """
    if isinstance(thing, Pattern):
        return thing
    if isinstance(thing, str):
        from .mini import mini  # parsed lazily: the parser imports this module

        return mini(thing)
    return pure(thing)


def _reify_or_seq(x) -> Pattern:
    return sequence(*x) if isinstance(x, list) else reify(x)


def stack(*pats) -> Pattern:
    """Play patterns at the same time.

    >>> show(stack(sequence("a", "b"), "c"))
    0 1/2 | a
    0 1 | c
    1/2 1 | b
    """
    pats = [_reify_or_seq(p) for p in pats]

    def q(state):
        return [h for p in pats for h in p.query(state)]

    result = Pattern(q, lcm_steps(*[p._steps for p in pats]))
    result._perfn = lambda: _periods(*pats)
    result._locfn = lambda: _all_local(*pats)
    return result


def slowcat(*pats) -> Pattern:
    """Concatenate patterns, one cycle each (Strudel's cat).

    >>> show(slowcat("a", sequence("b", "c")).fast(2))
    0 1/2 | a
    1/2 3/4 | b
    3/4 1 | c
    """
    pats = [fastcat(*p) if isinstance(p, list) else reify(p) for p in pats]
    if len(pats) == 1:
        return pats[0]
    n = len(pats)
    if n == 0:
        return silence

    def q(state):
        out = []
        for span in state.span.span_cycles():  # (split_queries)
            b = span.begin
            bn, bd = b._numerator, b._denominator
            bsam = bn // bd
            pat = pats[bsam % n]
            offset = bsam - bn // (bd * n)  # cycle c plays cycle c // n of pattern c % n
            if offset == 0:
                out.extend(pat.query(state if span is state.span else State(span, state.controls)))
                continue
            haps = pat.query(State(_shift_span(span, -offset, 1), state.controls))
            out.extend(shift_haps(haps, offset))
        return out

    result = Pattern(q, lcm_steps(*[p._steps for p in pats]))
    result._perfn = lambda: _slowcat_period(pats)
    result._locfn = lambda: _all_local(*pats)
    return result


def _slowcat_period(pats):
    # cycle c plays cycle c // n of pattern c % n, moved to c
    per = _periods(*pats)
    return None if per is None else (len(pats) * per[0], per[1])


cat = slowcat


def slowcat_prime(*pats) -> Pattern:
    """Cycle n plays pattern n mod len, without shifting time (used by every/first_of).

    >>> show(slowcat_prime(sequence("a", "b"), "c"), begin=1)
    1 2 | c
    """
    pats = [reify(p) for p in pats]
    n = len(pats)

    def q(state):
        c = math.floor(state.span.begin)
        idx = int(math.fmod(c, n)) if n else 0
        if idx < 0:  # JavaScript's % keeps the sign: negative cycles find no pattern
            return []
        return pats[idx].query(state)

    result = Pattern(q).split_queries()
    result._perfn = lambda: _slowcat_prime_period(pats)
    result._locfn = lambda: _all_local(*pats)
    return result


def _slowcat_prime_period(pats):
    # cycle c plays cycle c of pattern c % n; nothing in negative cycles: not uniform
    per = _periods(*pats)
    return None if per is None or not pats else (math.lcm(len(pats), per[0]), False)


def fastcat(*pats) -> Pattern:
    """Concatenate patterns, all squeezed into one cycle.

    >>> show(fastcat("a", sequence("b", "c")))
    0 1/2 | a
    1/2 3/4 | b
    3/4 1 | c
    """
    result = slowcat(*pats)
    if len(pats) > 1:
        result = result._fast(len(pats))
        result._steps = Fraction(len(pats))
    return result


def sequence(*pats) -> Pattern:
    """Concatenate patterns (lists are subsequences) into one cycle (Strudel's seq).

    >>> show(sequence("a", ["b", "c"]))
    0 1/2 | a
    1/2 3/4 | b
    3/4 1 | c
    """
    return fastcat(*pats)


seq = sequence


def _sequence_count(x):
    if isinstance(x, list):
        if len(x) == 0:
            return silence, 0
        if len(x) == 1:
            return _sequence_count(x[0])
        return fastcat(*[_sequence_count(a)[0] for a in x]), len(x)
    return reify(x), 1


def stepcat(*timepats) -> Pattern:
    """Concatenate patterns in one cycle, each taking time in proportion to its steps.

    >>> show(stepcat([1, "a"], [3, "b"]))
    0 1/4 | a
    1/4 1 | b
    """
    if not timepats:
        return nothing
    pairs = []
    for x in timepats:
        if isinstance(x, (list, tuple)):
            pairs.append([None if x[0] is None else to_fraction(x[0]), x[1]])
        else:
            x = reify(x)
            pairs.append([x._steps if x._steps is not None else Fraction(1), x])
    if any(p[0] is None for p in pairs):
        times = [p[0] for p in pairs if p[0] is not None]
        if not times:
            return fastcat(*[p[1] for p in pairs])
        avg = sum(times, Fraction(0)) / len(times)
        for p in pairs:
            if p[0] is None:
                p[0] = avg
    if len(pairs) == 1:
        return reify(pairs[0][1]).with_steps(lambda _s: pairs[0][0])
    total = sum((p[0] for p in pairs), Fraction(0))
    begin = Fraction(0)
    pats, slots = [], []
    for t, pat in pairs:
        if t == 0:
            continue
        end = begin + t
        b, e = to_fraction(begin / total), to_fraction(end / total)
        step = compress_prim(reify(pat), b, e)
        pats.append(step)
        slots.append((b._numerator, b._denominator, e._numerator, e._denominator, step.query))
        begin = end
    result = stack(*pats)
    result._steps = total
    result.query = _stepcat_query(slots)
    return result


def _stepcat_query(slots):
    """stack of compressed steps, skipping the steps a query within one cycle cannot reach.

    A compressed step [b, e) gives nothing for a span [s, t) of positive width inside cycle c
    with t <= c + b or s >= c + e (the squeezed query begins at or past the cycle's end).
    """
    queries = [sl[4] for sl in slots]

    def q(state):
        span = state.span
        s, t = span.begin, span.end
        sn, sd, tn, td = s._numerator, s._denominator, t._numerator, t._denominator
        c = sn // sd
        if sn * td < tn * sd and tn <= (c + 1) * td:  # positive width, within cycle c
            out = []
            rs, rt = sn - c * sd, tn - c * td  # s - c = rs/sd, t - c = rt/td
            for bn, bd, en, ed, query in slots:
                if rt * bd <= bn * td or rs * ed >= en * sd:
                    continue
                out.extend(query(state))
            return out
        return [h for query in queries for h in query(state)]

    return q


timecat = stepcat


def _polymeter_list_steps(steps, *args):
    seqs = [_sequence_count(a) for a in args]
    if not seqs:
        return silence
    if steps == 0:
        steps = seqs[0][1]
    pats = []
    for pat, count in seqs:
        if count == 0:
            continue
        pats.append(pat if steps == count else pat._fast(Fraction(steps) / Fraction(count)))
    return stack(*pats)


def polymeter(*args) -> Pattern:
    """Align patterns by steps: each plays its steps at the same rate (lcm of step counts).

    >>> show(polymeter(sequence("a", "b"), sequence("c", "d", "e", "f")))
    0 1/4 | a
    0 1/4 | c
    1/4 1/2 | b
    1/4 1/2 | d
    1/2 3/4 | a
    1/2 3/4 | e
    3/4 1 | b
    3/4 1 | f
    """
    if args and isinstance(args[0], list):
        return _polymeter_list_steps(0, *args)
    args = [reify(a) for a in args]
    args = [a for a in args if a._steps is not None]
    if not args:
        return silence
    steps = lcm_steps(*[a._steps for a in args])
    if steps == 0:
        return nothing
    result = stack(*[a.pace(steps) for a in args])
    result._steps = steps
    return result


def arrange(*sections) -> Pattern:
    """Sections of [cycles, pattern], played in turn.

    >>> show(arrange([1, "a"], [2, "b"]).fast(3))
    0 1/3 | a
    1/3 2/3 | b
    2/3 1 | b
    """
    total = sum(to_fraction(c) for c, _ in sections)
    parts = [[to_fraction(c), reify(p).fast(c)] for c, p in sections]
    return stepcat(*parts).slow(total)


def steady(value) -> Pattern:
    """A continuous pattern holding one value.

    >>> show(steady("a"))
    ~ [0 1] | a
    """
    return Pattern(lambda state: [Hap(None, state.span, value)])


def signal(fn) -> Pattern:
    """A continuous pattern: fn(t, controls) sampled at the begin of each query.

    >>> show(signal(lambda t, c: t * 2).segment(2))
    0 1/2 | 0
    1/2 1 | 1
    """
    result = Pattern(lambda state: [Hap(None, state.span, fn(state.span.begin, state.controls))])
    result._sig = fn
    result._sig_anywhere = True
    return result


# -- time primitives ------------------------------------------------------------------------
def fast_prim(self, factor) -> Pattern:
    """Speed up by an exact factor (`fast` with a plain value).

    >>> show(fast_prim(sequence("a", "b"), 2))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | a
    3/4 1 | b
    """
    factor = to_fraction(factor)
    if factor == 0:
        return silence
    if factor == 1:  # the same haps
        return _same_query(self, self._steps)
    query = self.query
    fn, fd = factor._numerator, factor._denominator
    if fn > 0 and self._const is not None:  # pure(v).fast(f): its haps made directly
        result = Pattern(_fast_const_query(*self._const, fn, fd), self._steps)
        result._perfn = lambda: _fast_period(self, factor)
        result._loc = True
        return result
    if fn < 0:
        def q(state):
            span = state.span
            haps = query(state.set_span(TimeSpan(span.begin * factor, span.end * factor)))
            out = []
            for h in haps:
                w = h.whole
                out.append(Hap(
                    None if w is None else TimeSpan(w.begin / factor, w.end / factor),
                    TimeSpan(h.part.begin / factor, h.part.end / factor),
                    h.value, h.context,
                ))
            return out
    else:
        def q(state):
            out = []
            for h in query(State(_scale_span(state.span, fn, fd), state.controls)):
                part, w = h.part, h.whole
                new_part = _scale_span(part, fd, fn)
                if w is not None:
                    w = new_part if w is part else _scale_span(w, fd, fn)
                out.append(Hap(w, new_part, h.value, h.context))
            return out

    result = Pattern(q, self._steps)
    result._perfn = lambda: _fast_period(self, factor)
    if fn > 0:  # (a reversing factor mirrors spans)
        result._locfn = self.is_local
    return result


def _fast_const_query(value, context, fn, fd):
    """The query of pure(value) (haps with `context`) sped up by fn/fd > 0: one hap per cycle of
    the sped-up time, whole [k, k+1) * fd/fn, its part cut by the query, as fast_prim gives."""

    def q(state):
        span = state.span
        b, e = span.begin, span.end
        bn, bd, en, ed = b._numerator, b._denominator, e._numerator, e._denominator
        ibn, ibd, ien, ied = bn * fn, bd * fd, en * fn, ed * fd  # the span in sped-up time
        if ien * ibd < ibn * ied:
            return []  # reversed
        k = ibn // ibd
        wb = _ratio(k * fd, fn)
        if ien <= (k + 1) * ied:  # within one sped-up cycle (zero width included)
            return [Hap(_span(wb, _ratio((k + 1) * fd, fn)), span, value, context)]
        out = []
        begin = b
        while True:
            we = _ratio((k + 1) * fd, fn)
            whole = _span(wb, we)
            if ien <= (k + 1) * ied:  # the last piece
                out.append(Hap(whole, whole if begin is wb and en * we._denominator == we._numerator * ed
                               else _span(begin, e), value, context))
                break
            out.append(Hap(whole, whole if begin is wb else _span(begin, we), value, context))
            k += 1
            if k * ied >= ien:  # ended exactly at a cycle boundary
                break
            begin = wb = we
        return out

    return q


def _fast_period(pat, factor):
    # cycle c reads [c*f, (c+1)*f): shifting by T cycles shifts the inner by T*f, which must be a
    # multiple of the inner's period P; the least such T is the numerator of P/f
    per = pat.period()
    if per is None or factor <= 0:
        return None
    return (per[0] / factor).numerator, per[1]


def early_prim(self, offset) -> Pattern:
    """Shift earlier by an exact offset (`early` with a plain value).

    >>> show(early_prim(sequence("a", "b"), 0.5))
    0 1/2 | b
    1/2 1 | a
    """
    offset = to_fraction(offset)
    if offset == 0:
        return _same_query(self, self._steps)
    query = self.query

    on, od = offset._numerator, offset._denominator

    def q(state):
        out = []
        for h in query(State(_shift_span(state.span, on, od), state.controls)):
            part, w = h.part, h.whole
            new_part = _shift_span(part, -on, od)
            if w is not None:
                w = new_part if w is part else _shift_span(w, -on, od)
            out.append(Hap(w, new_part, h.value, h.context))
        return out

    result = Pattern(q, self._steps)
    result._perfn = lambda: _shift_period(self, offset)
    result._locfn = self.is_local
    if self._sig is not None and self._sig_anywhere:  # a signal shifted: sampled at t + offset
        sig = self._sig
        result._sig = lambda t, controls: sig(t + offset, controls)
        result._sig_anywhere = True
    return result


def _shift_period(pat, offset):
    # a shift keeps the period; a late shift reads negative cycles from cycle 0 on
    per = pat.period()
    if per is None or (offset < 0 and not per[1]):
        return None
    return per


def fast_gap_prim(self, factor) -> Pattern:
    """`fast_gap` with a plain value.

    >>> show(fast_gap_prim(sequence("a", "b"), 2))
    0 1/4 | a
    1/4 1/2 | b
    """
    factor = to_fraction(factor)
    if factor <= 0:
        return silence
    # cycle-local: cycle c of the result reads only cycle c of the pattern
    return _same_period(Pattern(_fast_gap_query(self.query, factor, 0)), self)


def _fast_gap_query(query, factor, shift):
    """The query of fast_gap(factor) followed by late(shift), in one pass.

    Per cycle of the (shifted) span: the pattern is queried at [cycle + (b - cycle) * factor,
    cycle + min((e - cycle) * factor, 1)) (nothing if that begins at or past the cycle's end),
    and each hap is squeezed back into the cycle (parts clamped to its end, wholes stretched
    by the same factor), then shifted.  Exact arithmetic (on numerators and denominators):
    the same haps as the three-layer composition (query span map, hap map, split_queries).
    """
    fn, fd = factor._numerator, factor._denominator  # factor > 0
    shift = to_fraction(shift)
    sn, sd = shift._numerator, shift._denominator

    def q(state):
        span = state.span
        controls = state.controls
        if sn:
            span = _shift_span(span, -sn, sd)
        out = []
        for piece in span.span_cycles():
            b, e = piece.begin, piece.end
            bn, bd = b._numerator, b._denominator
            cycle = bn // bd
            x = (bn - cycle * bd) * fn  # (b - cycle) * factor = x / (bd * fd)
            if x >= bd * fd:
                continue
            en, ed = e._numerator, e._denominator
            y = (en - cycle * ed) * fn
            inner = _new(TimeSpan)
            inner.begin = _ratio(cycle * bd * fd + x, bd * fd)
            inner.end = _time(cycle + 1, 1) if y >= ed * fd else _ratio(cycle * ed * fd + y, ed * fd)
            for h in query(State(inner, controls)):
                part = h.part
                pb, pe = part.begin, part.end
                an, ad, zn, zd = pb._numerator, pb._denominator, pe._numerator, pe._denominator
                cyc = an // ad
                # cyc + min((t - cyc) / factor, 1) + shift, for t = pb and pe
                u = (an - cyc * ad) * fd  # (pb - cyc) / factor = u / (ad * fn)
                if u > ad * fn:
                    nb = _ratio((cyc + 1) * sd + sn, sd)
                else:
                    nb = _ratio((cyc * ad * fn + u) * sd + sn * ad * fn, ad * fn * sd)
                v = (zn - cyc * zd) * fd
                if v > zd * fn:
                    ne = _ratio((cyc + 1) * sd + sn, sd)
                else:
                    ne = _ratio((cyc * zd * fn + v) * sd + sn * zd * fn, zd * fn * sd)
                new_part = _new(TimeSpan)
                new_part.begin = nb
                new_part.end = ne
                w = h.whole
                if w is not None:
                    if w is part or (w.begin == pb and w.end == pe):
                        w = new_part
                    else:  # nb - (pb - w.begin) / factor, ne + (w.end - pe) / factor
                        wb, we = w.begin, w.end
                        wbn, wbd, wen, wed = wb._numerator, wb._denominator, we._numerator, we._denominator
                        nbn, nbd, nen, ned = nb._numerator, nb._denominator, ne._numerator, ne._denominator
                        d1 = ad * wbd * fn
                        d2 = wed * zd * fn
                        w = _new(TimeSpan)
                        w.begin = _ratio(nbn * d1 - (an * wbd - wbn * ad) * fd * nbd, nbd * d1)
                        w.end = _ratio(nen * d2 + (wen * zd - zn * wed) * fd * ned, ned * d2)
                out.append(Hap(w, new_part, h.value, h.context))
        return out

    return q


def compress_prim(self, b, e) -> Pattern:
    """`compress` with plain values.

    >>> show(compress_prim(sequence("a", "b"), 0.5, 1))
    1/2 3/4 | a
    3/4 1 | b
    """
    b, e = to_fraction(b), to_fraction(e)
    if b > e or b > 1 or e > 1 or b < 0 or e < 0:
        return silence
    if b == e:
        return silence
    # fast_gap(1 / (e - b)) then late(b), fused; cycle-local like fast_gap
    return _same_period(Pattern(_fast_gap_query(self.query, 1 / (e - b), b)), self)

def focus_prim(self, b, e) -> Pattern:
    """`focus` with plain values.

    >>> show(focus_prim(sequence("a", "b"), 0, 0.5))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | a
    3/4 1 | b
    """
    b, e = to_fraction(b), to_fraction(e)
    return early_prim(fast_prim(early_prim(self, sam(b)), 1 / (e - b)), -b)

