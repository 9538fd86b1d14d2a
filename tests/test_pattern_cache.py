"""Periods of patterns and the whole-cycle memo (livesamp/pattern/cache.py).

A cached pattern must give the same haps (spans, values, source locations) as the same pattern
built without the cache, for any cycle; the periods it relies on are checked against plain
queries of far-apart cycles.
"""
from __future__ import annotations

import builtins
from contextlib import contextmanager
from fractions import Fraction

import pytest

import livesamp
from livesamp.pattern import cache

NS = {name: getattr(livesamp, name) for name in livesamp.__all__}

# (expression, expected period) -- None: not periodic (signals, randomness)
CASES = [
    ('mini("a b c")', (1, True)),
    ('mini("a <b c> <d e f>")', (6, True)),
    ('mini("<a b>/2")', (4, True)),
    ('mini("a*<2 3>")', (2, True)),
    ('mini("a(<3 5>,8,<0 2>)")', (2, True)),
    ('mini("{a b c, d e}")', (2, True)),
    ('mini("0 .. <3 5>")', (2, True)),
    ('mini("a? b")', None),
    ('mini("[a|b] c")', None),
    ('s("a b").fast(1.5)', (2, True)),
    ('s("a <b c>").slow(3)', (6, True)),
    ('s("a b").every(3, rev)', (3, False)),
    ('s("a b").palindrome()', (2, False)),
    ('s("a b").late(0.25)', (1, True)),
    ('s("a b").every(2, fast(2)).late(0.25)', None),  # reads cycle -1, where every plays nothing
    ('s("a b").every(2, fast(2)).early(0.25)', (2, False)),
    ('n("0 1").add(n("<0 3 7>"))', (3, True)),
    ('s("a b c").ply("<1 2>")', (2, True)),
    ('s("a b c d").iter(4)', (4, True)),
    ('n("0 1 2 3").chunk(4, add(n(7)))', (4, True)),
    ('s("a").chop(4).rev()', (1, True)),
    ('s("a b").swing(4)', (1, True)),
    ('s("a*4").struct("x ~ x x").mask("<1 [1 0]>")', (2, True)),
    ('s("a b").jux(rev).off(0.125, lambda x: x.speed(2))', (1, True)),
    ('s("a b").echo(3, 0.125, 0.5)', (1, True)),
    ('s("a b").whenmod(4, 2, rev)', (4, True)),
    ('s("a b c d").linger("<0.25 0.5>")', (2, True)),
    ('s("a b").slice(4, "0 <2 3>")', (2, True)),
    ('s("a b").degrade()', None),
    ('s("a b").pan(sine)', None),
    ('n(run(4)).s("a")', None),
    ('s("a b").sometimes(lambda x: x.speed(2))', None),
]


@contextmanager
def cache_enabled(on: bool):
    before = cache.ENABLED
    cache.set_enabled(on)
    try:
        yield
    finally:
        cache.set_enabled(before)


def build(expr: str, cached: bool = True):
    with cache_enabled(cached):
        return eval(expr, dict(NS))  # noqa: S307 - our own expressions


def key(h, shift=0):
    whole = None if h.whole is None else (h.whole.begin + shift, h.whole.end + shift)
    return (whole, (h.part.begin + shift, h.part.end + shift), repr(h.value),
            repr(sorted(h.context.items())))


def haps(pat, begin, end, shift=0):
    return sorted(key(h, shift) for h in pat.query_arc(begin, end))


@pytest.mark.parametrize("expr,expected", CASES)
def test_period_is_worked_out(expr, expected):
    assert build(expr).period() == expected


@pytest.mark.parametrize("expr,expected", [c for c in CASES if c[1] is not None])
def test_the_period_holds_for_far_cycles(expr, expected):
    pat = build(expr, cached=False)
    period, uniform = pat.period()
    cycles = [0, 1, period, period + 1, 7 * period + 2, 100_003]
    if uniform:
        cycles += [-1, -period - 2]
    for c in cycles:
        r = c % period
        assert haps(pat, c, c + 1) == haps(pat, r, r + 1, c - r), (expr, c)


@pytest.mark.parametrize("expr", [c[0] for c in CASES])
def test_cached_equals_uncached(expr):
    cached, plain = build(expr), build(expr, cached=False)
    spans = [(c, c + 1) for c in builtins.range(-3, 14)]
    spans += [(c, c + 1) for c in (299, 300, 100_000, 100_001)]
    spans += [(Fraction(1, 3), Fraction(4, 3)), (Fraction(5, 2), Fraction(11, 4)), (0, 4), (2, 2)]
    for _ in builtins.range(2):  # the second round is served from the memo
        for b, e in spans:
            got = cached.query_arc(b, e)
            assert sorted(key(h) for h in got) == haps(plain, b, e), (expr, b, e)
            for h in got:  # still exact times
                for span in (h.whole, h.part):
                    if span is not None:
                        assert isinstance(span.begin, Fraction) and isinstance(span.end, Fraction)


def test_source_locations_survive_the_memo():
    pat = build('s("a [b c]").fast(2)')
    first = {(h.part.begin - 0, h.value["s"]): h.context["locations"] for h in pat.query_arc(0, 1)}
    later = {(h.part.begin - 40, h.value["s"]): h.context["locations"] for h in pat.query_arc(40, 41)}
    assert first == later
    assert first[(Fraction(0), "a")] == [(0, 1)] and first[(Fraction(1, 4), "b")] == [(3, 4)]


def test_every_keeps_its_negative_cycles_when_cached():
    # Strudel's every picks pattern (c % n) with JavaScript's %: odd negative cycles are silent
    pat = build('s("a b").every(2, rev)')
    assert pat.period() == (2, False)
    for c in builtins.range(0, 4):
        pat.query_arc(c, c + 1)
    assert pat.query_arc(-1, 0) == [] and pat.query_arc(-3, -2) == []
    assert len(pat.query_arc(-2, -1)) == 2 and len(pat.query_arc(5, 6)) == 2


def test_memo_returns_fresh_lists():
    pat = build('s("a b")')
    first = pat.query_arc(3, 4)
    first.clear()
    assert len(pat.query_arc(3, 4)) == 2


def _bench_patterns():
    import json
    from pathlib import Path

    table = Path(__file__).resolve().parent.parent / "bench" / "patterns16.json"
    return [e["py"] for e in json.loads(table.read_text())["patterns"]]


@pytest.mark.parametrize("expr", _bench_patterns())
def test_bench_patterns_cached_equal_uncached(expr):
    cached, plain = build(expr), build(expr, cached=False)
    for c in list(builtins.range(0, 30)) + [100_000, 100_001, 200_017]:
        assert sorted(key(h) for h in cached.query_arc(c, c + 1)) == haps(plain, c, c + 1), (expr, c)
