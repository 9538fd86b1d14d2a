"""Memoised whole cycles of periodic patterns.

A pattern that provably repeats every P cycles (`Pattern.period`) answers the query of cycle c
from cycle c mod P, computed once and shifted by whole cycles.  Only queries of exactly one
cycle [c, c+1) are served this way (what a scheduler and bench/pattern_query.py ask); any other
span goes to the pattern's own query.  The results are the same haps, hap for hap (the shift of
a periodic pattern's cycle is its later cycle, by definition of the period), with the same value
and context objects.

`cycle_cached` is applied where patterns are made for performers (mini-notation, registered
functions, control setters, operators), so the pattern a slot plays is cached at its top, and
the periodic parts inside a random pattern are cached too.
"""
from __future__ import annotations

import os

from .core import _MISSING, Pattern, State
from .hap import shift_haps
from .time import TimeSpan, _time

__all__ = ["cycle_cached", "ENABLED", "set_enabled"]

#: Off with LIVESAMP_CYCLE_CACHE=0 (or set_enabled(False)) for patterns made afterwards.
ENABLED = os.environ.get("LIVESAMP_CYCLE_CACHE", "1") != "0"

_new = object.__new__


def set_enabled(on: bool) -> None:
    """Turn the cycle cache on or off for patterns made from now on."""
    global ENABLED
    ENABLED = bool(on)


def cycle_cached(pat: Pattern) -> Pattern:
    """Make `pat` answer whole-cycle queries from a per-period memo (in place; returns pat).

    Does nothing for patterns not known to be periodic, or periods over the core's limit.
    """
    if pat._cached or not ENABLED or pat._const is not None or pat._pure is not _MISSING:
        return pat  # (pure values answer a cycle as cheaply as the memo would)
    pat._cached = True
    per = pat.period()
    if per is None:
        return pat
    period, uniform = per
    raw = pat.query
    memo: dict[int, list] = {}
    memo_controls = [None]

    def query(state):
        span = state.span
        b, e = span.begin, span.end
        if b._denominator != 1 or e._denominator != 1 or e._numerator - b._numerator != 1:
            return raw(state)
        c = b._numerator
        if c < 0 and not uniform:
            return raw(state)
        controls = state.controls
        if controls != memo_controls[0]:  # periodic patterns ignore controls; be safe anyway
            memo.clear()
            memo_controls[0] = dict(controls)
        r = c % period
        haps = memo.get(r)
        if haps is None:
            if r == c:
                haps = raw(state)
            else:
                haps = raw(State(TimeSpan(_time(r, 1), _time(r + 1, 1)), controls))
            memo[r] = haps
        if r == c:
            return list(haps)
        return shift_haps(haps, c - r)

    pat.query = query
    return pat

