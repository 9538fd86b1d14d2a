"""The sampler voice kernel against the naive reference (tests/naive.py).

Tolerance: the kernel interpolates in float32 and mixes into a float32 bus; the
reference is float64 throughout. Samples are in [-1, 1]; the difference stays below
2e-6 (about 24 bits of a full-scale signal), so ``atol=2e-6``.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import naive
from livesamp.engine import Engine, trigger_rows
from livesamp.engine import layout as L

ATOL = 2e-6
RNG = np.random.default_rng(20240601)
MONO = RNG.uniform(-1, 1, 3001).astype(np.float32)
STEREO = RNG.uniform(-1, 1, (1999, 2)).astype(np.float32)
SAMPLES = [MONO, STEREO]


def render_both(rows, n=24000, block=256):
    eng = Engine(protect=False, block=block)
    for s in SAMPLES:
        eng.add_sample(s)
    assert eng.push(rows) == len(rows)
    got = eng.render(n)
    ref = naive.render(SAMPLES, rows, n)
    return got, ref, eng


CASES = [
    {},
    {"speed": -1},
    {"speed": 0.73},
    {"speed": 2.91},
    {"speed": -1.37, "begin": 0.2, "end": 0.6},
    {"begin": 0.7, "end": 0.1},                           # begin > end: reversed segment
    {"begin": 0.7, "end": 0.1, "speed": -1},             # ... reversed twice: forwards
    {"loop": 3, "begin": 0.1, "end": 0.3},
    {"loop": 4, "speed": -0.6, "begin": 0.5, "end": 0.55},
    {"accel": 2.0},
    {"accel": -3.0},                                     # slows down, turns round
    {"accel": -30.0, "speed": -1.2},
    {"note": 7},
    {"note": -12.5, "speed": 1.1},
    {"unit": L.UNIT_CYCLES, "cps": 0.5, "speed": 2},
    {"unit": L.UNIT_CYCLES, "cps": 0.75, "speed": -4, "begin": 0.25},
    {"unit": L.UNIT_SECONDS, "speed": 4},
    {"pan": 0.0}, {"pan": 1.0}, {"pan": 0.2, "amp": 0.7},
    {"interp": L.INTERP_LINEAR, "speed": 1.5},
    {"interp": L.INTERP_LINEAR, "speed": -0.77, "loop": 2, "accel": 0.5},
    {"sustain": 500},
    {"sustain": 0},
    {"sustain": 10},                                      # gate inside the attack
    {"attack": 0.01, "release": 0.002},
    {"attack": 1e-9},                                     # no attack ramp
    {"release": 0.5},                                     # capped at 0.19 of the length
    {"loop": 2.5, "speed": -0.8, "accel": 1.5, "begin": 0.4, "end": 0.45},
]


@pytest.mark.parametrize("sample", [0, 1], ids=["mono", "stereo"])
@pytest.mark.parametrize("case", CASES, ids=[",".join(f"{k}={v}" for k, v in c.items()) or "default"
                                             for c in CASES])
def test_voice_matches_naive(sample, case):
    rows = trigger_rows(1, frame=37, sample=sample, **case)
    got, ref, eng = render_both(rows)
    assert case.get("sustain") == 0 or np.abs(ref).max() > 0.1   # sustain 0 is silent
    np.testing.assert_allclose(got, ref, rtol=0, atol=ATOL)
    assert eng.stats()["rejected"] == 0


def test_random_voices_with_cut_groups_match_naive():
    rng = np.random.default_rng(7)
    k = 60
    rows = trigger_rows(
        k, frame=np.sort(rng.integers(0, 40000, k)), sample=rng.integers(0, 2, k),
        speed=rng.choice([-2.0, -1.0, -0.5, 0.5, 1.0, 1.5], k), pan=rng.uniform(0, 1, k),
        amp=rng.uniform(0.05, 0.3, k), begin=rng.uniform(0, 0.4, k),
        end=rng.uniform(0.5, 1.0, k), interp=rng.integers(0, 2, k),
        cut=rng.choice([0, 0, 1, 2, -3], k), orbit=rng.integers(0, 2, k),
        note=rng.uniform(-5, 5, k), loop=rng.choice([1, 1, 2], k))
    # shuffle the push order: the engine sorts by (frame, push order) like the reference
    got, ref, eng = render_both(rows, n=50000)
    np.testing.assert_allclose(got, ref, rtol=0, atol=ATOL)
    assert eng.stats()["cuts"] > 0


def test_cut_group_fades_previous_voice_in_5ms():
    a = np.ones(20000, np.float32)
    eng = Engine(protect=False)
    sid = eng.add_sample(a)
    eng.push(trigger_rows(2, frame=[0, 1000], sample=sid, cut=1, amp=[1.0, 0.0], pan=0.0,
                          attack=1e-9))
    y = eng.render(3000)[:, 0]
    assert y[999] == pytest.approx(1.0)
    fade = y[1000:1240]
    assert np.all(np.diff(fade) < 0) and fade[-1] == pytest.approx(0.0, abs=1e-6)
    assert np.all(y[1240:] == 0)
    s = eng.stats()
    assert s["cuts"] == 1
    notes = eng.pop_notices()
    ended = notes[notes[:, L.N_KIND] == L.NK_ENDED]
    assert ended[0, L.N_A] == L.END_CUT and ended[0, L.N_FRAME] == 1240


def test_negative_cut_only_cuts_same_sample():
    eng = Engine(protect=False)
    a = eng.add_sample(np.ones(5000, np.float32))
    b = eng.add_sample(np.ones(5000, np.float32))
    eng.push(trigger_rows(3, frame=[0, 0, 100], sample=[a, b, a], cut=-2))
    eng.render(2000)
    assert eng.stats()["cuts"] == 1


def test_cut_groups_are_per_orbit():
    eng = Engine(protect=False)
    a = eng.add_sample(np.ones(5000, np.float32))
    eng.push(trigger_rows(2, frame=[0, 100], sample=a, cut=1, orbit=[0, 1]))
    eng.render(2000)
    assert eng.stats()["cuts"] == 0


def test_reverse_whole_sample_is_exactly_reversed():
    x = np.arange(1, 101, dtype=np.float32) / 100
    eng = Engine(protect=False)
    sid = eng.add_sample(x)
    eng.push(trigger_rows(1, frame=0, sample=sid, speed=-1, pan=0.0, attack=1e-9,
                          release=1e-9))
    y = eng.render(120)[:, 0]
    np.testing.assert_array_equal(y[:99], x[::-1][:99])   # the last frame is the release
    assert np.all(y[100:] == 0)


def test_unit_c_plays_segment_in_one_over_speed_cycles():
    sr = 48000
    x = np.ones(24000, np.float32)      # 0.5 s
    eng = Engine(protect=False)
    sid = eng.add_sample(x)
    cps = 0.5                            # 1 cycle = 2 s; speed 2 -> 1 s
    eng.push(trigger_rows(1, frame=0, sample=sid, unit=L.UNIT_CYCLES, cps=cps, speed=2))
    y = eng.render(3 * sr)[:, 0]
    assert np.count_nonzero(y) == pytest.approx(sr, abs=2)


def test_unit_s_plays_sample_in_one_over_speed_seconds():
    sr = 48000
    x = np.ones(12000, np.float32)
    eng = Engine(protect=False)
    sid = eng.add_sample(x)
    eng.push(trigger_rows(1, frame=0, sample=sid, unit=L.UNIT_SECONDS, speed=0.5))
    y = eng.render(3 * sr)[:, 0]
    assert np.count_nonzero(y) == pytest.approx(2 * sr, abs=2)


def test_sample_rate_ratio_changes_pitch():
    eng = Engine(protect=False)
    x = np.ones(4800, np.float32)
    sid = eng.add_sample(x, samplerate=24000)   # half the engine rate: plays 2x longer
    eng.push(trigger_rows(1, frame=0, sample=sid))
    y = eng.render(20000)[:, 0]
    assert np.count_nonzero(y) == pytest.approx(9600, abs=2)


def test_equal_power_pan():
    eng = Engine(protect=False)
    sid = eng.add_sample(np.ones(2000, np.float32))
    for pan in (0.0, 0.25, 0.5, 1.0):
        eng.reset()
        eng.push(trigger_rows(1, frame=0, sample=sid, pan=pan))
        y = eng.render(1000)[500]
        assert y[0] == pytest.approx(np.cos(pan * np.pi / 2), abs=1e-6)
        assert y[1] == pytest.approx(np.sin(pan * np.pi / 2), abs=1e-6)
        assert y[0] ** 2 + y[1] ** 2 == pytest.approx(1.0, abs=1e-6)


def test_notices_report_what_sounded():
    eng = Engine(protect=False)
    sid = eng.add_sample(np.ones(1000, np.float32))
    eng.push(trigger_rows(2, frame=[10, 20], sample=sid, slot=[0, 3], event=[101, 102]))
    eng.render(3000)
    n = eng.pop_notices()
    started = n[n[:, L.N_KIND] == L.NK_STARTED]
    ended = n[n[:, L.N_KIND] == L.NK_ENDED]
    assert started[:, L.N_EVENT].tolist() == [101, 102]
    assert started[:, L.N_FRAME].tolist() == [10, 20]
    assert started[:, L.N_SLOT].tolist() == [0, 3]
    assert started[:, L.N_SAMPLE].tolist() == [sid, sid]
    assert sorted(ended[:, L.N_EVENT].tolist()) == [101, 102]
    assert ended[:, L.N_FRAME].tolist() == [1010, 1020]
    assert len(eng.pop_notices()) == 0


@pytest.mark.parametrize("interp", [0, 1])
def test_every_specialised_loop_agrees_with_naive(interp):
    """mono/stereo x cubic/linear x filtered or not x ramps: all loop variants."""
    combos = list(itertools.product([0, 1], [0.6, -1.3], [1, 2]))
    rows = trigger_rows(len(combos), frame=np.arange(len(combos)) * 997,
                        sample=[c[0] for c in combos], speed=[c[1] for c in combos],
                        loop=[c[2] for c in combos], interp=interp, amp=0.3)
    got, ref, _ = render_both(rows, n=40000)
    np.testing.assert_allclose(got, ref, rtol=0, atol=ATOL)
