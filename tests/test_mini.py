"""Mini-notation against Strudel: every case of the shared corpus, plus source locations."""
from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from pathlib import Path

import pytest

from livesamp import MiniSyntaxError, mini
from livesamp.pattern.mini import parse

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "mini_public.jsonl"


def _load_cases():
    if not CORPUS.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"conformance corpus not found at {CORPUS}"))]
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            cases.append(pytest.param(case, id=case["id"]))
    return cases


# -- the comparison rules of check_mini.py (copied: the shared folder is read-only) --


def norm_value(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, Fraction, Decimal)) or isinstance(v, Rational):
        if v == int(v):
            return int(v)
        return float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)):
        return [norm_value(x) for x in v]
    if v is None:
        return None
    return f"<unsupported {type(v).__name__}: {v!r}>"


def value_key(v) -> str:
    return json.dumps(v, sort_keys=True)


def span_of(s):
    if s is None:
        return None
    assert isinstance(s.begin, Rational) and isinstance(s.end, Rational)
    return (Fraction(s.begin), Fraction(s.end))


def corpus_span(s):
    return None if s is None else (Fraction(s[0]), Fraction(s[1]))


def events(haps):
    return Counter((span_of(h.whole), span_of(h.part), value_key(norm_value(h.value))) for h in haps)


def expected(expect):
    return Counter((corpus_span(e["whole"]), corpus_span(e["part"]), value_key(norm_value(e["value"])))
                   for e in expect)


@pytest.mark.parametrize("case", _load_cases())
def test_corpus_case(case):
    text, expect = case["mini"], case["expect"]
    if isinstance(expect, dict) and expect.get("error"):
        with pytest.raises(MiniSyntaxError):
            mini(text)
        return
    haps = mini(text).query_arc(Fraction(case["begin"]), Fraction(case["end"]))
    assert events(haps) == expected(expect)


# -- locations -------------------------------------------------------------------------


def locs_by_value(text, begin=0, end=1):
    out = {}
    for h in mini(text).query_arc(begin, end):
        key = value_key(norm_value(h.value))
        out.setdefault(key, []).append([tuple(x) for x in h.context.get("locations", [])])
    return out


def test_location_of_a_nested_atom():
    haps = mini("bd [sn hh]").query_arc(0, 1)
    by_value = {h.value: h.context["locations"] for h in haps}
    assert [tuple(x) for x in by_value["sn"]] == [(4, 6)]
    assert [tuple(x) for x in by_value["bd"]] == [(0, 2)]
    assert [tuple(x) for x in by_value["hh"]] == [(7, 9)]


def test_locations_match_the_source_text():
    text = "  <bd sd>  [hh*2 cp?]  "
    for cycle in range(2):
        for h in mini(text).query_arc(cycle, cycle + 1):
            (start, end), = h.context["locations"]
            assert text[start:end] == h.value


def test_operator_arguments_add_no_locations():
    for text in ("a*<2 3>", "a/[1 2]", "a(<3 5>,8,<0 2>)", "{a b}%<2 3>", "a!2", "a@3 b"):
        for h in mini(text).query_arc(0, 2):
            if h.value == "a":
                i = text.index("a")
                assert [tuple(x) for x in h.context["locations"]] == [(i, i + 1)], text


def test_colon_form_carries_both_spans():
    (h,) = mini("bd:3").query_arc(0, 1)
    assert h.value == ["bd", 3]
    assert sorted(tuple(x) for x in h.context["locations"]) == [(0, 2), (3, 4)]


def test_locations_of_repeated_and_polymeter_steps():
    text = "a!2 {b c}%3"
    for h in mini(text).query_arc(0, 1):
        (start, end), = h.context["locations"]
        assert text[start:end] == h.value


# -- behaviour the corpus pins down, spelled out ----------------------------------------


def values(text, begin=0, end=1):
    haps = sorted(mini(text).query_arc(begin, end), key=lambda h: (h.part.begin, str(h.value)))
    return [h.value for h in haps]


def onsets(text, cycle=0):
    return sorted(h.whole.begin - cycle for h in mini(text).query_arc(cycle, cycle + 1) if h.has_onset())


def test_values_keep_int_and_float():
    vals = values("0 1.5 -2 1e3 bd")
    assert vals == [0, 1.5, -2, 1000, "bd"]
    assert [type(v) for v in vals] == [int, float, int, int, str]


def test_euclid_rotation_goes_right():
    assert onsets("bd(3,8,2)") == [0, Fraction(2, 8), Fraction(5, 8)]
    assert onsets("bd(3,8)") == [0, Fraction(3, 8), Fraction(6, 8)]


def test_silence():
    assert mini("cp/0").query_arc(0, 4) == []
    assert mini("a*0").query_arc(0, 4) == []
    assert mini("~ -").query_arc(0, 4) == []


def test_polymeter_steps_from_first_layer():
    assert values("{a b c, d e}") == ["a", "d", "b", "e", "c", "d"]


def test_slow_sequence_alternates():
    assert [values("<a b c>", c, c + 1) for c in range(4)] == [["a"], ["b"], ["c"], ["a"]]


def test_range_is_squeezed():
    assert values("1 0 .. 3") == [1, 0, 1, 2, 3]


def test_degrade_is_deterministic_and_seeded():
    first = [h.whole.begin for h in mini("hh*16?").query_arc(0, 4)]
    assert first == [h.whole.begin for h in mini("hh*16?").query_arc(0, 4)]
    assert 0 < len(first) < 64
    # a?0 drops cycle 0 (rand(0) == 0, and a hap is kept only when rand > p)
    assert mini("a?0").query_arc(0, 1) == []


def test_random_choice_takes_structure_from_the_child():
    for cycle in range(8):
        vals = values("[a | b c]", cycle, cycle + 1)
        assert vals in (["a"], ["b", "c"])


def test_patterns_are_independent_of_the_parse_cache():
    p1, p2 = mini("a b"), mini("a b")
    assert parse("a b") is parse("a b")
    assert [h.value for h in p1.query_arc(0, 1)] == [h.value for h in p2.query_arc(0, 1)]


def test_steps_of_a_sequence():
    assert mini("a b c")._steps == 3
    assert mini("a@3 b")._steps == 4
    assert mini("a!3 b")._steps == 4
