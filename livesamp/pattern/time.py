"""Exact rational time: cycles as Fractions, spans of time, and float-to-fraction conversion.

Strudel converts doubles to fractions with fraction.js's Stern-Brocot walk; `to_fraction`
does the same so `late(1/3)` shifts by exactly 1/3 and every factor matches Strudel.
"""
from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational

__all__ = ["Fraction", "TimeSpan", "to_fraction", "sam", "next_sam", "cycle_pos"]

_MAX_DENOMINATOR = 10_000_000


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
    """A time or factor as an exact Fraction, converting doubles as Strudel (fraction.js) does."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        return Fraction(int(x))
    if isinstance(x, (int, Rational)):
        return Fraction(x)
    if isinstance(x, str):
        try:
            return Fraction(x)
        except ValueError:
            raise ValueError(f"expected a number, got {x!r}") from None
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"expected a finite number, got {x!r}")
    if x == int(x):
        return Fraction(int(x))
    sign = -1 if x < 0 else 1
    p = abs(x)
    z = 1
    if p >= 1:
        z = 10 ** math.floor(1 + math.log10(p))
        p = p / float(z)
    num, den = _walk(p)
    return Fraction(sign * num * z, den)


def sam(t: Fraction) -> Fraction:
    """Start of the cycle containing t."""
    return Fraction(math.floor(t))


def next_sam(t: Fraction) -> Fraction:
    return Fraction(math.floor(t) + 1)


def cycle_pos(t: Fraction) -> Fraction:
    return t - math.floor(t)


class TimeSpan:
    """A span of cycles [begin, end), exact."""

    __slots__ = ("begin", "end")

    def __init__(self, begin, end):
        self.begin = begin if type(begin) is Fraction else to_fraction(begin)
        self.end = end if type(end) is Fraction else to_fraction(end)

    @property
    def duration(self) -> Fraction:
        return self.end - self.begin

    def span_cycles(self) -> list[TimeSpan]:
        """Split at cycle boundaries (a zero-width span stays whole)."""
        begin, end = self.begin, self.end
        if begin == end:
            return [TimeSpan(begin, end)]
        spans = []
        end_sam = math.floor(end)
        while end > begin:
            bs = math.floor(begin)
            if bs == end_sam:
                spans.append(TimeSpan(begin, end))
                break
            nb = Fraction(bs + 1)
            spans.append(TimeSpan(begin, nb))
            begin = nb
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
        b = self.begin if self.begin > other.begin else other.begin
        e = self.end if self.end < other.end else other.end
        if b > e:
            return None
        if b == e:
            if b == self.end and self.begin < self.end:
                return None
            if b == other.end and other.begin < other.end:
                return None
        return TimeSpan(b, e)

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
