"""Memoised whole cycles: periodic patterns, and cuts of a cycle for local ones.

- A pattern that provably repeats every P cycles (`Pattern.period`) answers the query of cycle c
  from cycle c mod P, computed once and shifted by whole cycles.
- A local pattern (`Pattern.is_local`: a query inside a span gives that span's haps cut to it)
  answers a query inside one cycle by cutting that cycle's haps, computed once (the last few
  cycles are kept): slice, chop and bind read their pattern a piece of a cycle at a time.
  (Not across cycles: the cycles' cuts joined would hold the same haps in another order.)

Either way the haps are the ones the pattern's own query gives, hap for hap, with the same value
and context objects; any other query (across cycles, zero width, a cycle whose computation
swallowed a query error) goes to the pattern's own query.

`cycle_cached` is applied where patterns are made for performers (mini-notation, registered
functions, control setters, operators), so the pattern a slot plays is cached at its top, and
the periodic or local parts inside it are cached too.
"""
from __future__ import annotations

import os

from .core import _MISSING, Pattern, State, query_errors
from .hap import Hap, shift_haps
from .time import TimeSpan, _new, _time

__all__ = ["cycle_cached", "ENABLED", "set_enabled"]

#: Off with LIVESAMP_CYCLE_CACHE=0 (or set_enabled(False)) for patterns made afterwards.
ENABLED = os.environ.get("LIVESAMP_CYCLE_CACHE", "1") != "0"

_KEEP_CYCLES = 4  # cycles a local, non-periodic pattern keeps


def set_enabled(on: bool) -> None:
    """Turn the cycle cache on or off for patterns made from now on."""
    global ENABLED
    ENABLED = bool(on)


def _cut(haps: list, span: TimeSpan) -> list:
    """The haps whose parts meet span, parts cut to it (a local pattern's query of span)."""
    out = []
    for h in haps:
        part = h.part
        cut = part.intersection(span)
        if cut is None:
            continue
        if cut is part:
            out.append(h)
        else:
            nh = _new(Hap)
            nh.whole, nh.part, nh.value, nh.context = h.whole, cut, h.value, h.context
            out.append(nh)
    return out


def _cuttable(haps: list) -> bool:
    """Haps a cut may answer from: all with wholes, no zero-width parts."""
    for h in haps:
        if h.whole is None:
            return False
        p = h.part
        if p.begin._numerator == p.end._numerator and p.begin._denominator == p.end._denominator:
            return False
    return True


def cycle_cached(pat: Pattern) -> Pattern:
    """Make `pat` answer cycle queries from a memo (in place; returns pat).

    Does nothing for patterns neither periodic nor local (or periods over the core's limit).
    """
    if pat._cached or not ENABLED or pat._const is not None or pat._pure is not _MISSING:
        return pat  # (pure values answer a cycle as cheaply as the memo would)
    pat._cached = True
    per = pat.period()
    local = pat.is_local()
    if per is None and not local:
        return pat
    period, uniform = per if per is not None else (0, False)
    raw = pat.query
    memo: dict[int, list] = {}  # cycle (mod period, when periodic) -> [haps, cuttable]
    memo_controls = [None]

    def cycle(c: int, controls, state=None):
        """[haps of cycle c, whether cuts may answer from them (None: not worked out yet)]."""
        if controls != memo_controls[0]:  # periodic patterns ignore controls; local ones may not
            memo.clear()
            memo_controls[0] = dict(controls)
        r = c % period if period else c
        entry = memo.get(r)
        if entry is None:
            errors = query_errors[0]
            if state is None or r != c:
                state = State(TimeSpan(_time(r, 1), _time(r + 1, 1)), controls)
            haps = raw(state)
            entry = [haps, None if local and query_errors[0] == errors else False]
            if not period and len(memo) >= _KEEP_CYCLES:
                try:  # the oldest cycle goes (another thread may be at it too)
                    memo.pop(next(iter(memo)), None)
                except (RuntimeError, StopIteration):
                    memo.clear()
            memo[r] = entry
        return entry, c - r

    def query(state):
        span = state.span
        b, e = span.begin, span.end
        bn, bd, en, ed = b._numerator, b._denominator, e._numerator, e._denominator
        c = bn // bd
        if period and c < 0 and not uniform:
            return raw(state)
        if bd == 1 and ed == 1 and en == bn + 1:  # one whole cycle
            entry, d = cycle(c, state.controls, state)
            return list(entry[0]) if d == 0 else shift_haps(entry[0], d)
        if local and bn * ed < en * bd and en <= (c + 1) * ed:  # inside one cycle
            try:
                entry, d = cycle(c, state.controls)
            except Exception:  # noqa: BLE001 - the span's own query raises its own error
                return raw(state)
            haps, cuttable = entry
            if cuttable is None:
                cuttable = entry[1] = _cuttable(haps)
            if not cuttable:
                return raw(state)
            if d == 0:
                return _cut(haps, span)
            back = _new(TimeSpan)  # the span moved to the memoised cycle
            back.begin, back.end = _time(bn - d * bd, bd), _time(en - d * ed, ed)
            return shift_haps(_cut(haps, back), d)
        return raw(state)

    pat.query = query
    return pat
