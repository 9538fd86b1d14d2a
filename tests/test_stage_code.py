"""The stage's model of the code: string literals found in a code line, mini-notation atom
spans mapped into it, the haps of real patterns lighting the atoms that made them; and
the provenance cards publishing only what the performer chose."""
from __future__ import annotations

import pytest

from livesamp import n, s
from livesamp.bank.provenance import Consent, Provenance
from livesamp.live.stage.code import CodeView, string_literals
from livesamp.live.stage.publish import DEFAULT_PUBLISH, card_for, check_publish
from livesamp.pattern.mini import mini


def lit(code, locations, value=None):
    view = CodeView(code)
    return [code[a:b] for a, b in (view.atoms[i] for i in view.atoms_for(locations, value))]


def test_string_literals_skip_comments_fstrings_bytes_and_escapes():
    code = 's("bd sn") + f"{x}" + b"raw" + "a\\tb" + r"c\\d" + \'e f\'  # "not code"'
    assert [t for _, t in string_literals(code)] == ["bd sn", "c\\d", "e f"]
    assert string_literals('"""bd\nsn"""') == [(3, "bd\nsn")]
    assert string_literals('s("bd sn') == []                     # unclosed: nothing after it
    assert string_literals("") == []


@pytest.mark.parametrize("code,pattern", [
    ('"thud*2 [tss tsk]"', lambda: s("thud*2 [tss tsk]")),
    ('s("thud*2 [tss tsk]").fast(2)', lambda: s("thud*2 [tss tsk]").fast(2)),
    ("thud*2 [tss tsk]", lambda: s("thud*2 [tss tsk]")),          # bare (livesamp play)
    ("osc: 'thud*2 [tss tsk]'", lambda: s("thud*2 [tss tsk]")),   # set over OSC
    ('s("<thud [tss tsk]>").every(2, rev)  # comment "x"', lambda: s("<thud [tss tsk]>")),
])
def test_every_hap_of_a_pattern_lights_the_word_that_made_it(code, pattern):
    for hap in pattern().query_arc(0, 2):
        assert lit(code, hap.context["locations"], hap.value) == [hap.value["s"]]


def test_two_strings_one_hap():
    code = 's("a b").n("0 1")'
    pat = s("a b").n("0 1")
    got = [lit(code, h.context["locations"], h.value) for h in pat.query_arc(0, 1)]
    assert got == [["a", "0"], ["b", "1"]]                         # both literals, each its own word
    # a span that fits both literals lights only the word that matches the value
    assert lit(code, [(0, 1)], {"s": "a"}) == ["a"]
    assert lit(code, [(0, 1)], {"n": 0}) == ["0"]
    code = 'n("0 [2 1]").s("thud")'
    for h in n("0 [2 1]").s("thud").query_arc(0, 1):
        assert lit(code, h.context["locations"], h.value) == sorted([str(h.value["n"]), "thud"],
                                                                     key=code.index)


def test_locations_that_do_not_fit_light_nothing():
    assert lit('"thud tss"', [(40, 44)], {"s": "thud"}) == []
    assert lit('"thud tss"', [(1, 3)], {"s": "thud"}) == []       # not an atom's span
    assert lit("", [(0, 4)]) == [] and lit("d1.stop()", [(0, 2)]) == []
    assert lit('"thud tss"', [("x", None), (0,)]) == []           # malformed locations
    assert CodeView('"~ thud"').atoms == [(3, 7)]                  # rests never light


def test_atom_spans_are_those_of_the_mini_parser():
    code = '"bd(3,8,<0 2>) [~ sn]!2 hh?"'
    view = CodeView(code)
    words = [code[a:b] for a, b in view.atoms]
    assert words == ["bd", "3", "8", "0", "2", "sn", "hh"]
    for hap in mini("bd(3,8,<0 2>) [~ sn]!2 hh?").query_arc(0, 4):
        assert [code[view.atoms[i][0]:view.atoms[i][1]] for i in view.atoms_for(hap.context["locations"])][:1] \
            == [hap.value]


class _Sample:
    def __init__(self, name, index, provenance):
        self.name, self.index, self.provenance = name, index, provenance


def test_cards_publish_only_the_chosen_fields_and_never_paths():
    prov = Provenance(source="file /home/ana/field/bell.wav", recipe=None, licence="CC-BY-4.0",
                      author="Ana", recorded_at="2024-05-01T10:00:00Z", place="Kings Cross",
                      device="Zoom H5", notes="3rd take", source_file="/home/ana/field/bell.wav",
                      original_name="bell.wav", sha256="ab" * 32, image="/home/ana/bell.jpg",
                      consent=Consent(granted_by="Ana"))
    card = card_for(_Sample("bell", 2, prov), "c9")
    assert card == {"k": "c9", "name": "bell", "n": 2, "made": "recorded", "recorded_at": "2024-05-01T10:00:00Z",
                    "place": "Kings Cross", "author": "Ana", "licence": "CC-BY-4.0"}
    assert "/home" not in repr(card_for(_Sample("bell", 2, prov), "c9", check_publish(
        "recipe,recorded_at,place,author,device,licence,notes")))
    assert card_for(_Sample("bell", 2, prov), "c9", check_publish("licence")) == {
        "k": "c9", "name": "bell", "n": 2, "made": "recorded", "licence": "CC-BY-4.0"}
    assert set(card_for(_Sample("bell", 2, prov), "c9", check_publish("none"))) == {"k", "name", "n", "made"}
    synth = Provenance("synthesised by livesamp's default bank", "low sine", licence=None, author="livesamp")
    card = card_for(_Sample("thud", 0, synth), "c1")
    assert card["made"] == "synthesised by livesamp's default bank" and card["licence"] == "licence unknown"


def test_publishing_a_private_or_unknown_field_is_refused():
    assert check_publish(None) == DEFAULT_PUBLISH
    assert check_publish("licence, author") == ("author", "licence")
    for bad in ("source_file", "image", "source", "sha256", "consent"):
        with pytest.raises(ValueError, match="never published"):
            check_publish(bad)
    with pytest.raises(ValueError, match="unknown provenance field 'licnce'"):
        check_publish("licnce")


@pytest.mark.parametrize("module", ["code", "publish"])
def test_doc_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"livesamp.live.stage.{module}"), verbose=False)
    assert result.failed == 0 and result.attempted > 0
