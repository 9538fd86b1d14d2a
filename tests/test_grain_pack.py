"""Grain events from patterns to triggers: `.grain(...)` and its keywords, packing into
trigger kind 1 (sizes, envelopes, seeds, cloud durations), and rendering clouds from
patterns (replays identical, the example script)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from livesamp.engine import layout as L
from livesamp.live.prelude import load_file
from livesamp.live.session import Session
from livesamp.pattern.controls import control, controls_by_name

ROOT = Path(__file__).resolve().parents[1]
CEILING = 10 ** (-0.3 / 20)


@pytest.fixture(scope="module")
def session():
    return Session(cps=0.5)


def _rows(session, pat, cycles=1, slot=0):
    out = []
    for h in pat.query_arc(0, cycles):
        if h.has_onset():
            out.append(session.packer.pack(slot, h, 1000, 0.5, float(h.whole.begin)))
    return out


def test_grain_keywords_set_their_controls():
    s = control("s")
    h = s("drip").grain(size=0.03, density=90, pos=0.25, jitter=0.1, pitchjitter=2,
                        spread=0.5, reverse=0.2, sync=0, env="expodec", seed=7).query_arc(0, 1)[0]
    assert h.value == {"s": "drip", "grain": 0.03, "density": 90, "pos": 0.25, "jitter": 0.1,
                       "pitchjitter": 2, "spread": 0.5, "reverse": 0.2, "sync": 0,
                       "grainenv": "expodec", "grainseed": 7}
    table = controls_by_name()
    assert table["genv"].name == "grainenv" and table["grainsize"].name == "grain"


def test_grain_keywords_are_patternable(session):
    from livesamp import sine
    s = control("s")
    pat = s("drip*4").grain(size="0.02 0.04", density="<80 0>", pos=sine.slow(8), env="hann tukey")
    haps = sorted((h for h in pat.query_arc(0, 2) if h.has_onset()), key=lambda h: h.whole.begin)
    assert [h.value["grain"] for h in haps[:4]] == [0.02, 0.02, 0.04, 0.04]
    assert [h.value["density"] for h in haps] == [80] * 4 + [0] * 4
    assert [h.value["grainenv"] for h in haps[:4]] == ["hann", "hann", "tukey", "tukey"]
    poss = [h.value["pos"] for h in haps]
    assert len(set(poss)) == len(poss) and all(0 <= p <= 1 for p in poss)


def test_a_grain_event_packs_into_kind_1(session):
    s = control("s")
    row, = _rows(session, s("drip").grain(size=0.03, density=90, pos=0.25, jitter=0.1,
                                          pitchjitter=2, spread=0.5, reverse=0.2, sync=0,
                                          env="rexpodec", seed=7))
    want = {L.T_KIND: L.KIND_GRAIN, L.T_GRAIN_SIZE: 0.03, L.T_GRAIN_DENSITY: 90,
            L.T_GRAIN_POS: 0.25, L.T_GRAIN_POSJIT: 0.1, L.T_GRAIN_RATEJIT: 2,
            L.T_GRAIN_SPREAD: 0.5, L.T_GRAIN_REVERSE: 0.2, L.T_GRAIN_ASYNC: 1,
            L.T_GRAIN_ENV: 3, L.T_GRAIN_SEED: 7}
    for col, value in want.items():
        assert row[col] == pytest.approx(value), col
    # a cloud lasts its event: one cycle at cps 0.5 = 2 s
    assert row[L.T_SUSTAIN] == pytest.approx(2 * 48000)


def test_defaults_single_grains_and_the_grain_voice(session):
    s = control("s")
    plain, = _rows(session, s("drip"))
    assert plain[L.T_KIND] == L.KIND_SAMPLER and plain[L.T_SUSTAIN] < 0
    cloud, = _rows(session, s("drip").grain())
    assert cloud[L.T_KIND] == L.KIND_GRAIN and cloud[L.T_GRAIN_SIZE] == 0.05
    assert cloud[L.T_GRAIN_DENSITY] == 50 and np.isnan(cloud[L.T_GRAIN_POS])
    assert cloud[L.T_GRAIN_ASYNC] == 0 and cloud[L.T_GRAIN_ENV] == 0
    single, = _rows(session, s("drip").grain(0.01, density=0))
    assert single[L.T_GRAIN_DENSITY] == 0 and single[L.T_GRAIN_SIZE] == 0.01
    by_voice, = _rows(session, s("drip").set(control("voice")("grain")))
    assert by_voice[L.T_KIND] == L.KIND_GRAIN and by_voice[L.T_GRAIN_SIZE] == 0.05
    short, = _rows(session, s("drip").grain().legato(0.25))
    assert short[L.T_SUSTAIN] == pytest.approx(0.25 * 2 * 48000)


def test_seeds_come_from_the_event_and_replay_the_same(session):
    s = control("s")
    pat = s("drip*4").grain(0.02)
    a = [r[L.T_GRAIN_SEED] for r in _rows(session, pat, cycles=2)]
    b = [r[L.T_GRAIN_SEED] for r in _rows(session, pat, cycles=2)]
    other_slot = [r[L.T_GRAIN_SEED] for r in _rows(session, pat, cycles=2, slot=3)]
    assert a == b and len(set(a)) == 8 and set(a).isdisjoint(other_slot)
    assert all(x == int(x) and 0 <= x < 2 ** 53 for x in a)


@pytest.mark.parametrize("bad", [dict(env="wobble"), dict(size="x"), dict(size=-0.1)])
def test_bad_grain_values_are_refused(session, bad):
    s = control("s")
    with pytest.raises(ValueError):
        _rows(session, s("drip").grain(**bad))


def _render(code, cycles=2.0):
    session = Session(cps=0.5)
    load_file(session, "test", text=code)
    return session.render(cycles), session.engine.stats()


def test_a_pattern_of_clouds_renders_and_replays_identically():
    code = ('d1 << s("hum drip").grain(size=0.03, density=120, pos=sine.slow(4), jitter=0.2,'
            ' sync=0, pitchjitter=1, spread=1, reverse=0.5)')
    a, stats = _render(code)
    b, _ = _render(code)
    assert np.array_equal(a, b)
    assert stats["grains"] > 300 and stats["grain_drops"] == 0 and stats["started"] == 4
    assert np.isfinite(a).all() and 0.05 < np.abs(a).max() <= CEILING + 1e-6
    # spread: the two channels differ
    assert np.abs(a[:, 0] - a[:, 1]).max() > 0.01


def test_single_grains_from_a_pattern_take_a_voice_only_with_effects():
    dry, dry_stats = _render('d1 << s("hum*8").grain(size=0.02, density=0, pos=rand)')
    wet, wet_stats = _render('d1 << s("hum*8").grain(size=0.02, density=0, pos=rand).lpf(900).room(0.4)')
    assert dry_stats["grains"] == 16 and dry_stats["started"] == 0      # no voice, no notices
    assert wet_stats["grains"] == 16 and wet_stats["started"] == 16     # a voice each
    assert np.abs(dry).max() > 0.01 and np.abs(wet).max() > 0.01
    assert not np.allclose(dry, wet, atol=1e-3)


def test_grain_clouds_example_renders():
    path = ROOT / "examples" / "grain_clouds.py"
    spec = importlib.util.spec_from_file_location("grain_clouds", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sections = module.render_sections()
    assert [name for name, _, _ in sections] == [name for name, _ in module.SECTIONS]
    for name, audio, stats in sections:
        assert np.isfinite(audio).all(), name
        assert 0.05 < np.abs(audio).max() <= CEILING + 1e-6, name
        assert stats["grains"] >= 32 and stats["grain_drops"] == 0, name
