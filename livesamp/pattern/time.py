"""Exact rational time: cycles as Fractions, spans of time, and float-to-fraction conversion.

Strudel converts doubles to fractions with fraction.js's Stern-Brocot walk; `to_fraction`
does the same so `late(1/3)` shifts by exactly 1/3 and every factor matches Strudel.

Times are `Time`s: Fractions (same values, equality, hashes, printing) whose arithmetic with
ints and Fractions skips `fractions.Fraction`'s generic operator dispatch, which otherwise
dominates query cost (bench/pattern_query.py). `to_fraction` and `TimeSpan` make them.
"""
from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational

__all__ = ["Fraction", "Time", "TimeSpan", "to_fraction", "sam", "next_sam", "cycle_pos"]

_MAX_DENOMINATOR = 10_000_000

_StdFraction = Fraction
_new = object.__new__
_gcd = math.gcd


def _time(n: int, d: int) -> Time:
    """A Time from a numerator and a positive denominator already in lowest terms."""
    t = _new(Time)
    t._numerator = n
    t._denominator = d
    return t


def _ratio(n: int, d: int) -> Time:
    """n/d as a Time, for a positive d (reduced here)."""
    g = _gcd(n, d)
    if g == 1:
        return _time(n, d)
    return _time(n // g, d // g)


def _scale_span(span, n: int, d: int):
    """The span with both ends times n/d (d > 0, n > 0)."""
    b, e = span.begin, span.end
    out = _new(TimeSpan)
    out.begin = _ratio(b._numerator * n, b._denominator * d)
    out.end = _ratio(e._numerator * n, e._denominator * d)
    return out


def _shift_span(span, n: int, d: int):
    """The span with n/d added to both ends (d > 0)."""
    b, e = span.begin, span.end
    out = _new(TimeSpan)
    bd, ed = b._denominator, e._denominator
    out.begin = _ratio(b._numerator * d + n * bd, bd * d)
    out.end = _ratio(e._numerator * d + n * ed, ed * d)
    return out


def _t_add(na, da, nb, db):  # the algorithms of CPython 3.12's fractions module
    g = _gcd(da, db)
    if g == 1:
        return _time(na * db + da * nb, da * db)
    s = da // g
    t = na * (db // g) + nb * s
    g2 = _gcd(t, g)
    if g2 == 1:
        return _time(t, s * db)
    return _time(t // g2, s * (db // g2))


def _t_mul(na, da, nb, db):
    g1 = _gcd(na, db)
    if g1 > 1:
        na //= g1
        db //= g1
    g2 = _gcd(nb, da)
    if g2 > 1:
        nb //= g2
        da //= g2
    return _time(na * nb, db * da)


def _t_div(na, da, nb, db):
    if nb == 0:
        raise ZeroDivisionError(f"Fraction({db}, 0)")
    g1 = _gcd(na, nb)
    if g1 > 1:
        na //= g1
        nb //= g1
    g2 = _gcd(db, da)
    if g2 > 1:
        da //= g2
        db //= g2
    n, d = na * db, nb * da
    if d < 0:
        n, d = -n, -d
    return _time(n, d)


class Time(_StdFraction):
    """An exact time: a `fractions.Fraction` whose arithmetic and comparisons with ints and
    Fractions take a direct path (several times faster than the generic operators).

    Results are `Time`; values, equality, ordering and hashes are those of `Fraction`, and it
    prints as one.  Floats and other numbers fall back to `Fraction`'s own operators.
    """

    __slots__ = ()

    def __new__(cls, numerator=0, denominator=None):
        if type(numerator) is int and cls is Time:
            if denominator is None:
                return _time(numerator, 1)
            if type(denominator) is int and denominator > 0:
                g = _gcd(numerator, denominator)
                return _time(numerator // g, denominator // g) if g > 1 else _time(numerator, denominator)
        return _StdFraction.__new__(cls, numerator, denominator)

    def __repr__(self):
        return f"Fraction({self._numerator}, {self._denominator})"

    def __add__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return _t_add(a._numerator, a._denominator, b._numerator, b._denominator)
        if tb is int:
            return _time(a._numerator + b * a._denominator, a._denominator)
        return _StdFraction.__add__(a, b)

    def __radd__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return _t_add(b._numerator, b._denominator, a._numerator, a._denominator)
        if tb is int:
            return _time(a._numerator + b * a._denominator, a._denominator)
        return _StdFraction.__radd__(a, b)

    def __sub__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return _t_add(a._numerator, a._denominator, -b._numerator, b._denominator)
        if tb is int:
            return _time(a._numerator - b * a._denominator, a._denominator)
        return _StdFraction.__sub__(a, b)

    def __rsub__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return _t_add(b._numerator, b._denominator, -a._numerator, a._denominator)
        if tb is int:
            return _time(b * a._denominator - a._numerator, a._denominator)
        return _StdFraction.__rsub__(a, b)

    def __mul__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return _t_mul(a._numerator, a._denominator, b._numerator, b._denominator)
        if tb is int:
            return _t_mul(a._numerator, a._denominator, b, 1)
        return _StdFraction.__mul__(a, b)

    def __rmul__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return _t_mul(b._numerator, b._denominator, a._numerator, a._denominator)
        if tb is int:
            return _t_mul(b, 1, a._numerator, a._denominator)
        return _StdFraction.__rmul__(a, b)

    def __truediv__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return _t_div(a._numerator, a._denominator, b._numerator, b._denominator)
        if tb is int:
            return _t_div(a._numerator, a._denominator, b, 1)
        return _StdFraction.__truediv__(a, b)

    def __rtruediv__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return _t_div(b._numerator, b._denominator, a._numerator, a._denominator)
        if tb is int:
            return _t_div(b, 1, a._numerator, a._denominator)
        return _StdFraction.__rtruediv__(a, b)

    def __neg__(a):
        return _time(-a._numerator, a._denominator)

    def __pos__(a):
        return a

    def __abs__(a):
        return _time(abs(a._numerator), a._denominator)

    def __floor__(a):
        return a._numerator // a._denominator

    def __ceil__(a):
        return -(-a._numerator // a._denominator)

    def __eq__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return a._numerator == b._numerator and a._denominator == b._denominator
        if tb is int:
            return a._denominator == 1 and a._numerator == b
        return _StdFraction.__eq__(a, b)

    __hash__ = _StdFraction.__hash__

    def __lt__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return a._numerator * b._denominator < b._numerator * a._denominator
        if tb is int:
            return a._numerator < b * a._denominator
        return _StdFraction.__lt__(a, b)

    def __gt__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return a._numerator * b._denominator > b._numerator * a._denominator
        if tb is int:
            return a._numerator > b * a._denominator
        return _StdFraction.__gt__(a, b)

    def __le__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return a._numerator * b._denominator <= b._numerator * a._denominator
        if tb is int:
            return a._numerator <= b * a._denominator
        return _StdFraction.__le__(a, b)

    def __ge__(a, b):
        tb = type(b)
        if tb is Time or tb is _StdFraction:
            return a._numerator * b._denominator >= b._numerator * a._denominator
        if tb is int:
            return a._numerator >= b * a._denominator
        return _StdFraction.__ge__(a, b)



def _walk(p: float) -> tuple[int, int]:
    """fraction.js's mediant walk for 0 < p < 1, with runs of equal steps batched."""
    a, b, c, d = 0, 1, 1, 1
    n_lim = _MAX_DENOMINATOR
    num, den = 0, 1
    while b <= n_lim and d <= n_lim:
        m = (a + c) / (b + d)
        if p == m:
            if b + d <= n_lim:
                return a + c, b + d
            if d > b:
                return c, d
            return a, b
        if p > m:
            # right steps while p > (a + (i+1)c) / (b + (i+1)d), guarded by b + i*d <= N
            limit = (n_lim - b) // d + 1
            lo, hi = 1, limit  # lo steps are known to be taken
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if p > (a + mid * c) / (b + mid * d) and True:
                    lo = mid
                else:
                    hi = mid - 1
            # lo = number of consecutive right steps (first step already known to be taken)
            a += lo * c
            b += lo * d
        else:
            limit = (n_lim - d) // b + 1
            lo, hi = 1, limit
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if p < (c + mid * a) / (d + mid * b):
                    lo = mid
                else:
                    hi = mid - 1
            c += lo * a
            d += lo * b
        if b > n_lim:
            num, den = c, d
        else:
            num, den = a, b
    return num, den


def to_fraction(x) -> Fraction:
    """A time or factor as an exact Fraction (a `Time`), converting doubles as Strudel
    (fraction.js) does."""
    tx = type(x)
    if tx is Time:
        return x
    if tx is int:
        return _time(x, 1)
    if isinstance(x, Fraction):
        return _time(x._numerator, x._denominator)
    if isinstance(x, bool):
        return Time(int(x))
    if isinstance(x, (int, Rational)):
        return Time(x)
    if isinstance(x, str):
        try:
            return Time(x)
        except ValueError:
            raise ValueError(f"expected a number, got {x!r}") from None
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"expected a finite number, got {x!r}")
    if x == int(x):
        return Time(int(x))
    sign = -1 if x < 0 else 1
    p = abs(x)
    z = 1
    if p >= 1:
        z = 10 ** math.floor(1 + math.log10(p))
        p = p / float(z)
    num, den = _walk(p)
    return Time(sign * num * z, den)


def sam(t: Fraction) -> Fraction:
    """Start of the cycle containing t."""
    return _time(math.floor(t), 1)


def next_sam(t: Fraction) -> Fraction:
    return _time(math.floor(t) + 1, 1)


def cycle_pos(t: Fraction) -> Fraction:
    return t - math.floor(t)


def _span(begin: Time, end: Time) -> TimeSpan:
    """A TimeSpan from two Times (no conversion)."""
    span = _new(TimeSpan)
    span.begin = begin
    span.end = end
    return span


class TimeSpan:
    """A span of cycles [begin, end), exact."""

    __slots__ = ("begin", "end")

    def __init__(self, begin, end):
        self.begin = begin if type(begin) is Time else to_fraction(begin)
        self.end = end if type(end) is Time else to_fraction(end)

    @property
    def duration(self) -> Fraction:
        return self.end - self.begin

    def span_cycles(self) -> list[TimeSpan]:
        """Split at cycle boundaries (a zero-width span stays whole; a reversed one vanishes)."""
        begin, end = self.begin, self.end
        bn, bd, en, ed = begin._numerator, begin._denominator, end._numerator, end._denominator
        if bn * ed >= en * bd:
            return [self] if bn == en and bd == ed else []
        bs = bn // bd
        if en <= (bs + 1) * ed:  # within one cycle (the usual case)
            return [self]
        spans = []
        end_sam = en // ed
        while True:
            if bs == end_sam:
                spans.append(_span(begin, end))
                break
            nb = _time(bs + 1, 1)
            spans.append(_span(begin, nb))
            begin = nb
            bs += 1
            if bs * ed >= en:  # end reached exactly at a cycle boundary
                break
        return spans

    def cycle_arc(self) -> TimeSpan:
        b = cycle_pos(self.begin)
        return TimeSpan(b, b + self.duration)

    def with_time(self, fn) -> TimeSpan:
        return TimeSpan(fn(self.begin), fn(self.end))

    def with_end(self, fn) -> TimeSpan:
        return TimeSpan(self.begin, fn(self.end))

    def with_cycle(self, fn) -> TimeSpan:
        s = sam(self.begin)
        return TimeSpan(s + fn(self.begin - s), s + fn(self.end - s))

    def intersection(self, other: TimeSpan) -> TimeSpan | None:
        """The common part; None if they do not meet (a zero-width meeting at the end of a
        non-empty span does not count).  May return self or other when it is one of them
        (spans are never mutated)."""
        sb, se, ob, oe = self.begin, self.end, other.begin, other.end
        sbn, sbd, obn, obd = sb._numerator, sb._denominator, ob._numerator, ob._denominator
        sen, sed, oen, oed = se._numerator, se._denominator, oe._numerator, oe._denominator
        if sbn * obd >= obn * sbd:
            b, bn, bd = sb, sbn, sbd
        else:
            b, bn, bd = ob, obn, obd
        if sen * oed <= oen * sed:
            e, en, ed = se, sen, sed
        else:
            e, en, ed = oe, oen, oed
        c = bn * ed - en * bd
        if c > 0:
            return None
        if c == 0:
            if en == sen and ed == sed and sbn * sed < sen * sbd:
                return None
            if en == oen and ed == oed and obn * oed < oen * obd:
                return None
        if b is sb and e is se:
            return self
        if b is ob and e is oe:
            return other
        span = _new(TimeSpan)
        span.begin = b
        span.end = e
        return span

    def intersection_e(self, other: TimeSpan) -> TimeSpan:
        result = self.intersection(other)
        if result is None:
            raise ValueError("time spans do not intersect")
        return result

    def midpoint(self) -> Fraction:
        return self.begin + self.duration / 2

    def __eq__(self, other) -> bool:
        return isinstance(other, TimeSpan) and self.begin == other.begin and self.end == other.end

    def __hash__(self) -> int:
        return hash((self.begin, self.end))

    def __repr__(self) -> str:
        return f"TimeSpan({self.begin}, {self.end})"

    def show(self) -> str:
        return f"{self.begin}→{self.end}"
