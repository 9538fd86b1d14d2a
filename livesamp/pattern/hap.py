"""Hap: a value active over a span of time (Strudel's event)."""
from __future__ import annotations

from .time import Fraction, Time, TimeSpan, _new

__all__ = ["Hap"]


def combine_contexts(a: dict, b: dict) -> dict:
    """Two haps' contexts as one: b's keys win, locations joined (a's first)."""
    if not a:
        return _after_empty(b)
    if not b:
        return _after_empty(a)
    merged = {**a, **b}
    merged["locations"] = list(a.get("locations", ())) + list(b.get("locations", ()))
    return merged


def _after_empty(context: dict) -> dict:
    """An empty context combined with `context`: the same, with a locations list."""
    if not context or "locations" in context:
        return context
    return {**context, "locations": []}


class Hap:
    """A value over `part`, a fragment of its `whole` (None for continuous values).

    `context` is a dict; `context["locations"]` lists the (start, end) character spans of
    the mini-notation atoms that produced the hap.
    """

    __slots__ = ("whole", "part", "value", "context")

    def __init__(self, whole: TimeSpan | None, part: TimeSpan, value, context: dict | None = None):
        self.whole = whole
        self.part = part
        self.value = value
        self.context = context if context is not None else {}

    def whole_or_part(self) -> TimeSpan:
        return self.whole if self.whole is not None else self.part

    def with_span(self, fn) -> Hap:
        whole = fn(self.whole) if self.whole is not None else None
        return Hap(whole, fn(self.part), self.value, self.context)

    def with_value(self, fn) -> Hap:
        return Hap(self.whole, self.part, fn(self.value), self.context)

    def has_onset(self) -> bool:
        return self.whole is not None and self.whole.begin == self.part.begin

    def combine_context(self, other: Hap) -> dict:
        """Both contexts, the other's keys winning, locations joined (self's first).

        Contexts are never mutated, so a side that already holds everything is returned as is.
        """
        return combine_contexts(self.context, other.context)

    def set_context(self, context: dict) -> Hap:
        return Hap(self.whole, self.part, self.value, context)

    @property
    def duration(self) -> Fraction:
        return self.whole.end - self.whole.begin

    @property
    def locations(self) -> list[tuple[int, int]]:
        return list(self.context.get("locations", ()))

    def span_equals(self, other: Hap) -> bool:
        return self.whole == other.whole

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, Hap)
            and self.whole == other.whole
            and self.part == other.part
            and self.value == other.value
        )

    __hash__ = None  # values may be dicts

    def __repr__(self) -> str:
        def fmt(s):
            return "~" if s is None else f"{s.begin}→{s.end}"

        if self.whole == self.part:
            return f"Hap({fmt(self.part)} {self.value!r})"
        return f"Hap(whole {fmt(self.whole)} part {fmt(self.part)} {self.value!r})"


def shift_haps(haps: list, d: int) -> list:
    """The haps moved d whole cycles (new spans, whole shared with part when it was; values
    and contexts shared: never mutated).  Adding a whole number keeps fractions in lowest terms."""
    out = []
    append = out.append
    for h in haps:
        part = h.part
        b, e = part.begin, part.end
        bn, bd, en, ed = b._numerator, b._denominator, e._numerator, e._denominator
        nb = _new(Time)
        nb._numerator, nb._denominator = bn + d * bd, bd
        ne = _new(Time)
        ne._numerator, ne._denominator = en + d * ed, ed
        span = _new(TimeSpan)
        span.begin, span.end = nb, ne
        w = h.whole
        if w is None:
            whole = None
        else:
            wb, we = w.begin, w.end
            wbn, wbd, wen, wed = wb._numerator, wb._denominator, we._numerator, we._denominator
            if wbn == bn and wbd == bd and wen == en and wed == ed:
                whole = span
            else:
                nb = _new(Time)
                nb._numerator, nb._denominator = wbn + d * wbd, wbd
                ne = _new(Time)
                ne._numerator, ne._denominator = wen + d * wed, wed
                whole = _new(TimeSpan)
                whole.begin, whole.end = nb, ne
        nh = _new(Hap)
        nh.whole, nh.part, nh.value, nh.context = whole, span, h.value, h.context
        append(nh)
    return out


def reflect_haps(haps: list, m: int) -> list:
    """The haps mirrored by t -> m - t (spans [m - end, m - begin); as shift_haps otherwise)."""
    out = []
    append = out.append
    for h in haps:
        part = h.part
        b, e = part.begin, part.end
        bn, bd, en, ed = b._numerator, b._denominator, e._numerator, e._denominator
        nb = _new(Time)
        nb._numerator, nb._denominator = m * ed - en, ed
        ne = _new(Time)
        ne._numerator, ne._denominator = m * bd - bn, bd
        span = _new(TimeSpan)
        span.begin, span.end = nb, ne
        w = h.whole
        if w is None:
            whole = None
        else:
            wb, we = w.begin, w.end
            wbn, wbd, wen, wed = wb._numerator, wb._denominator, we._numerator, we._denominator
            if wbn == bn and wbd == bd and wen == en and wed == ed:
                whole = span
            else:
                nb = _new(Time)
                nb._numerator, nb._denominator = m * wed - wen, wed
                ne = _new(Time)
                ne._numerator, ne._denominator = m * wbd - wbn, wbd
                whole = _new(TimeSpan)
                whole.begin, whole.end = nb, ne
        nh = _new(Hap)
        nh.whole, nh.part, nh.value, nh.context = whole, span, h.value, h.context
        append(nh)
    return out
