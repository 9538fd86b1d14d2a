"""Onomatopoeic names from descriptors: generated sounds of known kinds get their family's name."""
from __future__ import annotations

from collections import Counter

import pytest

from bank_fixtures import KINDS, make
from livesamp.bank.descriptors import Descriptors, describe
from livesamp.bank.naming import FAMILIES, dedupe, family_of, propose, repair_name, valid_name


def accuracy(kind: str, seeds) -> tuple[float, Counter]:
    family = KINDS[kind][1]
    got = Counter(propose(describe(*make(kind, s))).family for s in seeds)
    return got[family] / sum(got.values()), got


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_generated_sounds_get_their_family(kind):
    rate, got = accuracy(kind, range(20))
    assert rate >= 0.9, f"{kind}: {dict(got)}"


@pytest.mark.slow
def test_naming_accuracy_per_family_over_100_sounds_each():
    rates = {}
    for kind in sorted(KINDS):
        rates[kind], got = accuracy(kind, range(100, 200))
        print(f"{kind:12s} -> {KINDS[kind][1]:8s} {rates[kind]:.0%}  {dict(got)}")
    assert min(rates.values()) >= 0.9, rates


def base(**kw) -> Descriptors:
    d = dict(length_s=1, duration_s=1, loudness_db=-20, peak_db=-6, centroid_hz=1000, spread_hz=500,
             flatness=0.5, centroid_sweep_oct=0.1, zcr=0.1, pitch_hz=0, pitch_confidence=0.1, attack_s=0.01,
             decay_s=0.5, sustain_s=0.5, onset_density_hz=0, onsets=0)
    return Descriptors(**{**d, **kw})


def named(**kw) -> str:
    """The proposed name without its size prefix."""
    return propose(base(**kw)).name.removeprefix("big_").removeprefix("small_")


def test_the_rule_table():
    assert named(duration_s=0.08, centroid_hz=9000, decay_s=0.03) == "tsk"
    assert named(duration_s=0.2, centroid_hz=9000, decay_s=0.15) == "tss"
    assert named(duration_s=2, centroid_sweep_oct=1.5) == "swoosh"
    assert named(duration_s=0.3, centroid_sweep_oct=1.5) == "swish"
    assert named(duration_s=2, centroid_hz=6000) == "hiss"
    assert named(duration_s=3, centroid_hz=200, sustain_s=2.5) == "rumble"
    assert named(duration_s=3, centroid_hz=200, sustain_s=0.5) == "boom"  # low noise that rings out
    assert named(duration_s=0.3, centroid_hz=90, pitch_hz=60, pitch_confidence=0.9, flatness=0.02,
             decay_s=0.2) == "thud"
    assert named(duration_s=0.6, centroid_hz=90, pitch_hz=45, pitch_confidence=0.9, flatness=0.02,
             decay_s=0.5) == "boom"
    tone = dict(pitch_confidence=0.95, flatness=0.01)
    assert named(duration_s=0.5, pitch_hz=2000, centroid_hz=2000, decay_s=0.3, **tone) == "ping"
    assert named(duration_s=0.2, pitch_hz=2000, centroid_hz=2000, decay_s=0.1, **tone) == "plink"
    assert named(duration_s=3, pitch_hz=100, centroid_hz=150, sustain_s=3, **tone) == "hum"
    assert named(duration_s=6, pitch_hz=100, centroid_hz=150, sustain_s=6, **tone) == "drone"
    assert named(duration_s=3, pitch_hz=2000, centroid_hz=2000, sustain_s=3, **tone) == "eee"
    assert named(duration_s=3, pitch_hz=300, centroid_hz=400, sustain_s=3, **tone) == "ooo"
    assert named(duration_s=0.3, pitch_hz=300, centroid_hz=400, **tone) == "bloop"
    assert named(duration_s=2, onsets=60, onset_density_hz=30, peak_db=-5, loudness_db=-30) == "crackle"
    assert named(duration_s=2, onsets=60, onset_density_hz=30, peak_db=-5, loudness_db=-20,
                 centroid_sweep_oct=1.5) == "swoosh"  # a swell that flutters is not a crackle
    # a ringing tone longer than 0.7 s is still struck (it decays), not sustained
    assert named(duration_s=1.5, pitch_hz=1800, centroid_hz=1800, decay_s=0.6, sustain_s=0.4,
             **tone) == "ping"


def test_size_prefixes_by_loudness_and_length():
    tss = dict(centroid_hz=9000, decay_s=0.2)
    assert propose(base(duration_s=0.1, loudness_db=-20, **tss)).name == "tss"
    assert propose(base(duration_s=0.4, loudness_db=-8, **tss)).name == "big_tss"
    assert propose(base(duration_s=0.03, loudness_db=-38, **tss)).name == "small_tss"
    p = propose(base(duration_s=0.4, loudness_db=-8, **tss))
    assert p.family == "tss" and "louder and longer than usual" in p.reason and "9.0 kHz" in p.reason


def test_families_names_and_dedupe():
    assert family_of("big_swoosh") == "swoosh" and family_of("swish:3") == "swoosh"
    assert family_of("small_tsk") == "tss" and family_of("rain_on_roof") == "rain_on_roof"
    assert family_of("big_") == "big_"
    assert all(family_of(n) == fam for fam, (_, names) in FAMILIES.items() for n in names)
    assert valid_name("big_swoosh") and valid_name("rain2")
    for bad in ("", "Big", "2rain", "rain drop", "tss:1", "é", None):
        assert not valid_name(bad)
    assert repair_name("Big Swoosh!") == "big_swoosh"
    assert repair_name("2 rain") == "s2_rain" and repair_name("Écoute") == "ecoute" and repair_name("!!") == "sound"
    assert all(valid_name(repair_name(x)) for x in ("Big Swoosh!", "2 rain", "Écoute", "!!", "a\nb", "日本"))
    assert dedupe(["tss", "tss", "thud", "tss"], {"tss": 2}) == [("tss", 2), ("tss", 3), ("thud", 0), ("tss", 4)]


def test_the_default_banks_sounds_are_named_into_their_own_families():
    """An independent check: sounds another hand synthesised and named (``thud``, ``tss``,
    ``big_swoosh``, ``crackle`` ...) get a name of the same family from their sound alone."""
    from livesamp.bank import default_library

    lib = default_library()
    results = [(f"{name}:{i}", propose(describe(lib.get(name, i).audio(), lib.sr)).name)
               for name in lib.names() if family_of(name) in FAMILIES for i in range(lib.count(name))]
    wrong = [(a, b) for a, b in results if family_of(a) != family_of(b)]
    assert len(results) >= 40 and len(wrong) <= 0.1 * len(results), wrong
