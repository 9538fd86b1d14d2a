"""A compact text view of a pattern's haps, for docstrings, tests and the REPL.

>>> show(sequence("a", "b").fast(2))
0 1/4 | a
1/4 1/2 | b
1/2 3/4 | a
3/4 1 | b

One line per hap, sorted by the begin of its part: the whole's begin and end, then the
part in brackets when it differs from the whole (`~` stands for the whole of a continuous
hap), then the value. Dicts print as ``s=bd n=1``, lists as ``bd:3``.
"""
from __future__ import annotations

import math
from fractions import Fraction

__all__ = ["show", "show_lines", "format_value", "format_hap"]


def _t(x) -> str:
    return str(x)  # Fraction prints as 1/4, 1, -1/2


def format_value(v, exact: bool = False) -> str:
    """A value in a few characters: numbers short (all digits when `exact`), dicts as k=v."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        if v.is_integer() and abs(v) < 2 ** 53:
            return str(int(v))
        return repr(v) if exact else format(v, ".6g")
    if isinstance(v, dict):
        return " ".join(f"{k}={format_value(x, exact)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ":".join(format_value(x, exact) for x in v)
    if v is None:
        return "None"
    return str(v)


def format_hap(h, exact: bool = False) -> str:
    """`whole_begin whole_end [part_begin part_end] | value` (part only when it differs)."""
    p = h.part
    if h.whole is None:
        span = f"~ [{_t(p.begin)} {_t(p.end)}]"
    elif h.whole == p:
        span = f"{_t(p.begin)} {_t(p.end)}"
    else:
        span = f"{_t(h.whole.begin)} {_t(h.whole.end)} [{_t(p.begin)} {_t(p.end)}]"
    return f"{span} | {format_value(h.value, exact)}"


def show_lines(pat, cycles=1, begin=0, exact: bool = False) -> list[str]:
    """The lines `show` prints, as a list (haps of [begin, begin + cycles), sorted by part begin)."""
    from .core import reify
    from .time import to_fraction

    begin = to_fraction(begin)
    haps = reify(pat).query_arc(begin, begin + to_fraction(cycles))
    haps = sorted(haps, key=lambda h: h.part.begin)
    return [format_hap(h, exact) for h in haps]


def show(pat, cycles=1, begin=0, exact: bool = False) -> None:
    """Print one line per hap of the first `cycles` cycles (from `begin`), sorted by part begin."""
    lines = show_lines(pat, cycles, begin, exact)
    print("\n".join(lines) if lines else "(no haps)")
