"""The pattern core's fast paths give exactly the haps of the slow ones.

- the whole-cycle memo of periodic patterns (livesamp/pattern/cache.py): a cached pattern gives
  the same haps (spans, values, source locations) as the same pattern built without it, for any
  cycle; the periods it relies on are checked against plain queries of far-apart cycles;
- fused fast_gap/compress against the composition of query/hap maps they replace;
- signals sampled directly by app_left/app_right against querying them.
"""
from __future__ import annotations

import builtins
from contextlib import contextmanager
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import livesamp
from livesamp.pattern import cache
from livesamp.pattern.core import Pattern, compress_prim, early_prim, sequence, stepcat
from livesamp.pattern.hap import Hap
from livesamp.pattern.signal import rand, saw, sine
from livesamp.pattern.time import TimeSpan, sam
from test_pattern_laws import specs
from test_pattern_laws import build as build_spec

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
        # the same haps in the same order
        assert [key(h) for h in cached.query_arc(c, c + 1)] == [key(h) for h in plain.query_arc(c, c + 1)]
        for k in (0, 3):
            b, e = c + Fraction(k, 4), c + Fraction(k + 1, 4)
            assert [key(h) for h in cached.query_arc(b, e)] == [key(h) for h in plain.query_arc(b, e)]


# -- fused primitives against their definitions ------------------------------------------------

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
times = st.builds(Fraction, st.integers(-40, 40), st.integers(1, 8))
spans = st.tuples(times, st.builds(Fraction, st.integers(0, 24), st.integers(1, 8))).map(
    lambda t: (t[0], t[0] + t[1]))


def fast_gap_reference(pat, factor):
    """fast_gap as three layers: query span map, hap map, split at cycles (the definition)."""
    factor = Fraction(factor)
    one = Fraction(1)

    def qf(span):
        cycle = sam(span.begin)
        bpos = min((span.begin - cycle) * factor, one)
        epos = min((span.end - cycle) * factor, one)
        return None if bpos >= 1 else TimeSpan(cycle + bpos, cycle + epos)

    def ef(h):
        begin, end = h.part.begin, h.part.end
        cycle = sam(begin)
        part = TimeSpan(cycle + min((begin - cycle) / factor, one), cycle + min((end - cycle) / factor, one))
        whole = None
        if h.whole is not None:
            whole = TimeSpan(part.begin - (begin - h.whole.begin) / factor,
                             part.end + (h.whole.end - end) / factor)
        return Hap(whole, part, h.value, h.context)

    return pat.with_query_span_maybe(qf).with_hap(ef).split_queries()


def exact(pat, b, e):
    return sorted(key(h) for h in pat.query_arc(b, e))


@SETTINGS
@given(specs, st.builds(Fraction, st.integers(1, 9), st.integers(1, 4)), spans)
def test_fast_gap_is_its_definition(spec, factor, span):
    pat = build_spec(spec)
    assert exact(pat.fast_gap(factor), *span) == exact(fast_gap_reference(pat, factor), *span)


@SETTINGS
@given(specs, st.integers(0, 7), st.integers(1, 8), spans)
def test_compress_is_late_fast_gap(spec, b8, width8, span):
    b, e = Fraction(b8, 8), min(Fraction(b8 + width8, 8), Fraction(1))
    if b >= e:
        return
    pat = build_spec(spec)
    reference = early_prim(fast_gap_reference(pat, 1 / (e - b)), -b)
    assert exact(pat.compress(b, e), *span) == exact(reference, *span)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 4), specs), min_size=2, max_size=4), spans)
def test_stepcat_is_a_stack_of_compressed_steps(steps, span):
    pairs = [(w, build_spec(spec)) for w, spec in steps]
    total = sum(w for w, _ in pairs)
    if total == 0:
        return
    reference, begin = [], 0
    for w, pat in pairs:
        if w:
            reference.append(compress_prim(pat, Fraction(begin, total), Fraction(begin + w, total)))
        begin += w
    fused, plain = stepcat(*pairs), livesamp.stack(*reference)
    assert exact(fused, *span) == exact(plain, *span)
    for k in builtins.range(6):  # spans within one cycle, where steps are skipped
        b, e = 3 + Fraction(k, 6), 3 + Fraction(k + 1, 6)
        assert exact(fused, b, e) == exact(plain, b, e)
        assert exact(fused, b, b) == exact(plain, b, b)


def without_sig(pat):
    return Pattern(pat.query, pat._steps)  # same queries, no direct sampling


SIGNALS = {
    "rand": rand,
    "saw.range": saw.range(0.5, 1),
    "sine.floor": sine.range(0, 8).floor(),
    "rand filtered": rand.filter_values(lambda v: v > 0.4),
    "rand.mul(saw)": rand.mul(saw),  # structure from a signal: not sampled directly
}


@SETTINGS
@given(specs, st.sampled_from(sorted(SIGNALS)), spans)
def test_signals_sampled_directly_as_queried(spec, name, span):
    pat, sig = build_spec(spec), SIGNALS[name]
    pair = pat.fmap(lambda a: lambda b: (a, b))
    assert exact(pair.app_left(sig), *span) == exact(pair.app_left(without_sig(sig)), *span)
    assert exact(pat.segment(3).fmap(lambda a: lambda b: (a, b)).app_left(sig), *span) == \
        exact(pat.segment(3).fmap(lambda a: lambda b: (a, b)).app_left(without_sig(sig)), *span)
    fsig = sig.fmap(lambda b: lambda a: (a, b))
    assert exact(fsig.app_right(pat), *span) == exact(without_sig(fsig).app_right(pat), *span)


def without_shortcuts(pat):
    return Pattern(pat.query, pat._steps)  # same queries: no direct sampling, no constant


CONSTANTS = {
    "pure": lambda: livesamp.pure(3),
    "mini atom": lambda: livesamp.mini("plink"),
    "setter": lambda: livesamp.s("plink"),
    "mapped": lambda: livesamp.n("4").fmap(lambda v: {**v, "x": 1}),
}


@SETTINGS
@given(specs, st.sampled_from(sorted(CONSTANTS)), spans)
def test_constants_combined_without_queries_as_queried(spec, name, span):
    pat, const = build_spec(spec), CONSTANTS[name]()
    assert const._const is not None
    pair = pat.fmap(lambda a: lambda b: (a, b))
    assert exact(pair.app_left(const), *span) == exact(pair.app_left(without_shortcuts(const)), *span)
    fconst = const.fmap(lambda b: lambda a: (a, b))
    assert exact(fconst.app_right(pat), *span) == exact(without_shortcuts(fconst).app_right(pat), *span)


def test_signals_keep_their_sampler_through_maps():
    assert saw.range(0.5, 1)._sig is not None and rand.fmap(lambda r: 1 - r)._sig is not None
    assert sine.range(0, 8).floor()._sig is not None
    assert sequence(1, 2)._sig is None


@SETTINGS
@given(specs, st.integers(0, 400))
def test_random_patterns_cached_equal_uncached(spec, c):
    with cache_enabled(False):
        plain = build_spec(spec)
    cached = cache.cycle_cached(build_spec(spec))
    for cycle in (c, c + 1, c % 7, c):
        assert exact(cached, cycle, cycle + 1) == exact(plain, cycle, cycle + 1)


def test_rand_written_out_is_the_composition():
    import random

    from livesamp.pattern.signal import _float, _int_seed_to_rand, _time_to_int_seed, rand_at
    from livesamp.pattern.time import Time

    rng = random.Random(7)
    for _ in builtins.range(20_000):
        k = rng.random()
        if k < 0.5:
            t = Time(rng.randint(-10**7, 10**7), rng.randint(1, 1000))
        elif k < 0.75:
            t = rng.uniform(-1e6, 1e6)
        else:
            t = Time(rng.randint(-10**12, 10**12), rng.choice([1, 2, 3, 8, 300]))
        seed = rng.choice([0, None, 0.0003, 1, 2.5])
        expected = abs(_int_seed_to_rand(_time_to_int_seed(_float(t) + (seed or 0))))
        assert rand_at(t, seed) == expected, (t, seed)


def _jux_reference(pat, fn):  # Strudel's jux, reading pat twice
    def with_pan(delta):
        return lambda v: {**v, "pan": v.get("pan", 0.5) + delta}

    return livesamp.stack(pat.fmap(with_pan(-0.5)), fn(pat.fmap(with_pan(0.5))))


def _sometimes_reference(pat, x, fn):
    return livesamp.pure(x).fmap(
        lambda x: livesamp.stack(pat._degrade_by(x), fn(pat._undegrade_by(1 - x)))).inner_join()


@SETTINGS
@given(specs, spans, st.sampled_from([0.25, 0.5, 0.9]))
def test_jux_and_sometimes_read_their_pattern_once_per_span(spec, span, x):
    pat = livesamp.s(build_spec(spec).fmap(lambda v: str(v)))
    for fn in (livesamp.rev, lambda p: p.fast(2), lambda p: p.speed(2)):
        assert exact(pat.jux(fn), *span) == exact(_jux_reference(pat, fn), *span)
        assert exact(pat.sometimes_by(x, fn), *span) == exact(_sometimes_reference(pat, x, fn), *span)


@SETTINGS
@given(specs, spans)
def test_joins_of_a_constant_as_queried(spec, span):
    pat = build_spec(spec)
    outer = livesamp.pure(pat).with_loc(3, 5)
    for name in ("inner_join", "outer_join", "join"):
        for o in (outer, livesamp.pure(pat)):
            assert outcome(getattr(o, name)(), *span) == outcome(getattr(without_shortcuts(o), name)(), *span)


def outcome(pat, b, e):
    """The haps, or the error a query raises (join raises where wholes only touch)."""
    try:
        return exact(pat, b, e)
    except ValueError as err:
        return repr(err)


@SETTINGS
@given(specs, spans)
def test_constants_and_signals_in_a_row_as_one_at_a_time(spec, span):
    pat = build_spec(spec)
    consts = [livesamp.pure(1), livesamp.mini("x").with_loc(7, 8), livesamp.pure("y")]

    def op(a, b):
        return (a, b)

    chained, plain = pat, pat
    for c in consts:
        chained = chained.app_left(c, op)
        plain = plain.app_left(without_shortcuts(c), op)
    already = len(pat._chain[1]) if pat._chain is not None else 0  # (pat may end in a stage)
    assert chained._chain is not None and len(chained._chain[1]) == already + 3
    assert outcome(chained, *span) == outcome(plain, *span)
    mixed = pat.app_left(consts[0], op).app_left(rand.filter_values(lambda r: r > 0.3), op).app_left(
        saw.range(0, 4), op).app_left(consts[1], op)
    assert len(mixed._chain[1]) == already + 4
    mixed_plain = pat.app_left(without_shortcuts(consts[0]), op).app_left(
        without_shortcuts(rand.filter_values(lambda r: r > 0.3)), op).app_left(
        without_shortcuts(saw.range(0, 4)), op).app_left(without_shortcuts(consts[1]), op)
    assert outcome(mixed, *span) == outcome(mixed_plain, *span)
    continuous = livesamp.saw.fmap(str).app_left(consts[0], op).app_left(consts[1], op)
    assert outcome(continuous, *span) == outcome(
        livesamp.saw.fmap(str).app_left(without_shortcuts(consts[0]), op)
        .app_left(without_shortcuts(consts[1]), op), *span)


@SETTINGS
@given(st.builds(Fraction, st.integers(1, 40), st.integers(1, 7)), spans, st.booleans())
def test_fast_constant_as_fast_of_its_query(factor, span, located):
    const = livesamp.mini("x") if located else livesamp.pure("x")
    assert const._const is not None
    fast = const._fast(factor)
    plain = without_shortcuts(const)._fast(factor)
    assert exact(fast, *span) == exact(plain, *span)
    for k in builtins.range(5):  # spans inside one cycle, and zero-width ones
        b = Fraction(k, 5) + 2
        assert exact(fast, b, b + Fraction(1, 7)) == exact(plain, b, b + Fraction(1, 7))
        assert exact(fast, b, b) == exact(plain, b, b)


def test_memo_by_value_tells_values_apart_by_type_and_skips_unhashables():
    from livesamp.pattern.core import _memo_by_value

    calls = []

    def f(*vals):
        calls.append(vals)
        return repr(vals)

    m = _memo_by_value(f)
    assert m(1) == m(1) == "(1,)" and m(True) == "(True,)" and m(1.0) == "(1.0,)"
    assert m(0.0) == "(0.0,)" and m(-0.0) == "(-0.0,)" and m(-0.0) == "(-0.0,)"
    assert m([1]) == "([1],)" and m([1]) == "([1],)"
    made = [repr(c) for c in calls]
    assert made.count("(1,)") == 1 and made.count("(True,)") == 1 and made.count("(1.0,)") == 1
    assert made.count("(-0.0,)") == 2 and made.count("([1],)") == 2


# -- locality and cuts of memoised cycles --------------------------------------------------------

def _cut_reference(haps, b, e):
    span = TimeSpan(Fraction(b), Fraction(e))
    out = []
    for h in haps:
        p = h.part.intersection(span)
        if p is not None:
            out.append(Hap(h.whole, p, h.value, h.context))
    return sorted(key(h) for h in out)


@SETTINGS
@given(specs, st.integers(-3, 40), st.integers(0, 11), st.integers(1, 12))
def test_local_patterns_answer_a_piece_of_a_cycle_with_its_cut(spec, c, k, width):
    with cache_enabled(False):
        pat = build_spec(spec)
    if not pat.is_local():
        return
    b = c + Fraction(k, 12)
    e = min(b + Fraction(width, 12), Fraction(c + 1))
    if b >= e:
        return
    whole = pat.query_arc(c, c + 1)
    assert all(h.whole is not None for h in whole)
    assert exact(pat, b, e) == _cut_reference(whole, b, e)


LOCAL_CASES = [
    's("thud? tss [tsk|klonk]*2").fast("<1 2>").slice(4, "0 2 1 3").room(0.3)',
    's("a b? c").chop(3).speed("<1 2>")',
    'n("0 [1|2] <3 4>").s("x").ply(2).degrade_by(0.3)',
    's("a*4").sometimes(lambda x: x.speed(2)).jux(rev)',
    'n("0 1 2").s("x").bind(lambda v: n(v).fast(2)) if hasattr(Pattern, "bind") else s("x")',
    'mini("bd sn").add(1)',
    'mini("0 1").jux(rev)',
    'mini("a*<2 0>")',
]


@pytest.mark.parametrize("expr", LOCAL_CASES)
def test_cached_local_patterns_equal_uncached_in_pieces(expr):
    ns = {**NS, "Pattern": Pattern}
    with cache_enabled(False):
        plain = eval(expr, dict(ns))  # noqa: S307
    cached = eval(expr, dict(ns))  # noqa: S307
    for c in (0, 1, 5, 123):
        for k in builtins.range(6):
            b, e = c + Fraction(k, 6), c + Fraction(k + 1, 6)
            assert outcome2(cached, b, e) == outcome2(plain, b, e), (expr, b, e)
        assert outcome2(cached, c, c + 1) == outcome2(plain, c, c + 1)


def outcome2(pat, b, e):
    try:
        return [key(h) for h in pat.query_arc(b, e)]  # (in order)
    except Exception as err:  # noqa: BLE001 - the same error, message included
        return repr(err)


# -- the claims the memo relies on, over the conformance corpora ---------------------------------

def _corpus_expressions():
    import json

    from conftest import SHARED

    folder = SHARED / "conformance"
    exprs = []
    if (folder / "fn_public.jsonl").exists():
        exprs += [json.loads(line)["py"] for line in open(folder / "fn_public.jsonl")]
    if (folder / "mini_public.jsonl").exists():
        exprs += ["mini(%s)" % json.dumps(json.loads(line)["mini"]) for line in open(folder / "mini_public.jsonl")]
    return exprs


def test_periods_and_locality_hold_over_the_corpora():
    exprs = _corpus_expressions()
    if not exprs:
        pytest.skip("shared conformance corpora not found")
    checked = 0
    for expr in exprs:
        try:
            pat = build(expr, cached=False)
        except Exception:  # noqa: BLE001 - construct errors are the corpus's business
            continue
        per, local = pat.period(), pat.is_local()
        for c in (0, 1, 2, 5, 301):
            try:
                cycle = pat.query_arc(c, c + 1)
            except Exception:  # noqa: BLE001
                continue
            if per is not None:
                r = c % per[0]
                assert [key(h, c - r) for h in pat.query_arc(r, r + 1)] == [key(h) for h in cycle], expr
            if local:
                assert all(h.whole is not None for h in cycle), expr
                for k in builtins.range(5):
                    b, e = c + Fraction(k, 5), c + Fraction(k + 1, 5)
                    assert exact(pat, b, e) == _cut_reference(cycle, b, e), (expr, b)
            checked += 1
    assert checked > 1000
