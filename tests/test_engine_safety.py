"""Ear protection and robustness: whatever the triggers, the output is finite and never
above the -0.3 dBFS ceiling; voices are stolen (and counted) when the pool is full."""
from __future__ import annotations

import numpy as np
import pytest

import naive
from livesamp.engine import Engine, SampleTableFull, TRIGGER_WIDTH, trigger_rows
from livesamp.engine import layout as L

CEIL = 10 ** (-0.3 / 20)
BAD = [np.nan, np.inf, -np.inf, 1e300, -1e300, 1e9, -1e9, 0.0, -1.0, 0.5, 3.7]


def _check(y):
    assert np.all(np.isfinite(y))
    assert np.abs(y).max() <= CEIL


def _engine():
    eng = Engine(max_voices=32)
    rng = np.random.default_rng(0)
    eng.add_sample(rng.uniform(-1, 1, 4000).astype(np.float32))
    eng.add_sample(rng.uniform(-1, 1, (3000, 2)).astype(np.float32))
    eng.add_sample(np.full(100, 1e30, np.float32))       # absurdly loud but finite
    return eng


@pytest.mark.parametrize("col", range(TRIGGER_WIDTH))
def test_any_value_in_any_field_is_harmless(col):
    eng = _engine()
    k = len(BAD)
    rows = trigger_rows(k, frame=np.arange(k) * 100, sample=np.arange(k) % 3, amp=0.5)
    rows[:, col] = BAD
    eng.push(rows)
    y = eng.render(20000)
    _check(y)


def test_extreme_parameter_mix():
    eng = _engine()
    cases = [dict(amp=1e9), dict(speed=0.0), dict(speed=-1e6), dict(speed=1e-13),
             dict(begin=0.9, end=0.1), dict(begin=0.5, end=0.5), dict(sample=4096),
             dict(sample=-3), dict(sample=1.5), dict(frame=-100), dict(cutoff=1e9, resonance=1),
             dict(cutoff=1e-3, resonance=5), dict(hcutoff=1e9, hresonance=1), dict(note=1e6),
             dict(note=-1e6), dict(accel=1e300), dict(accel=-1e9), dict(loop=1e12),
             dict(sustain=1e300), dict(attack=1e300, release=-5), dict(unit=1, cps=0),
             dict(unit=1, cps=np.nan), dict(unit=77), dict(kind=3), dict(cut=np.inf),
             dict(amp=1e9, cutoff=50, resonance=1.0, sample=2)]
    for i, c in enumerate(cases):
        base = dict(frame=i * 37, sample=0, amp=0.9)
        base.update(c)
        eng.push(trigger_rows(1, **base))
    y = eng.render(48000)
    _check(y)
    s = eng.stats()
    assert s["rejected"] >= 8
    assert s["late"] >= 1


def test_random_garbage_rows():
    rng = np.random.default_rng(11)
    eng = _engine()
    for _ in range(20):
        rows = rng.choice(BAD, size=(50, TRIGGER_WIDTH))
        rows[:, L.T_FRAME] = eng.frame + rng.integers(-500, 2000, 50)
        rows[:, L.T_SAMPLE] = rng.integers(-1, 4, 50)
        eng.push(rows)
        _check(eng.render(1024))


def test_gain_1e9_hits_the_limiter_not_the_ceiling():
    eng = Engine()
    sid = eng.add_sample(np.sin(np.arange(48000) * 0.05).astype(np.float32))
    eng.push(trigger_rows(1, frame=0, sample=sid, amp=1e9))
    y = eng.render(48000)
    _check(y)
    assert np.abs(y).max() > 0.9 * CEIL
    assert eng.stats()["limiter_gain"] < 1e-3


def test_single_sample_spike_never_exceeds_ceiling():
    spike = np.zeros(100, np.float32)
    spike[50] = 1000.0
    eng = Engine()
    sid = eng.add_sample(spike)
    eng.push(trigger_rows(5, frame=[0, 1000, 2000, 100000, 100001], sample=sid, attack=1e-9))
    y = eng.render(110000)
    _check(y)
    assert np.abs(y).max() >= 0.99 * CEIL


def test_master_matches_naive():
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((20000, 2)) * np.linspace(0.1, 4, 20000)[:, None] + 0.3)
    x[5000, 0] = np.nan
    x[6000, 1] = np.inf
    x[7000, 0] = 1e20
    eng = Engine()
    sid = eng.add_sample(x.astype(np.float32))   # add_sample zeroes the non-finite values
    eng.push(trigger_rows(1, frame=0, sample=sid, pan=0.0, attack=1e-9, release=1e-9,
                          interp=L.INTERP_LINEAR))
    y = eng.render(20000)
    # the voice gives L = x_L * cos(0), R = 0 for a stereo sample panned hard left
    bus = np.stack([np.nan_to_num(x[:, 0].astype(np.float32), nan=0, posinf=0, neginf=0),
                    np.zeros(20000)], axis=1)
    bus[-1] = 0.0   # the last frame is the 1-frame release
    ref = naive.master(bus.astype(np.float64))
    np.testing.assert_allclose(y, ref, rtol=0, atol=2e-6)
    _check(y)


def test_dc_is_removed():
    eng = Engine()
    sid = eng.add_sample(np.full(96000, 0.5, np.float32))
    eng.push(trigger_rows(1, frame=0, sample=sid))
    y = eng.render(96000)
    assert y[100, 0] > 0.3 and np.abs(y[24000:90000, 0]).max() < 1e-3


def test_voice_stealing_is_counted_and_quiet():
    eng = Engine(max_voices=8)
    sid = eng.add_sample(np.ones(48000, np.float32) * 0.01)
    eng.push(trigger_rows(20, frame=np.arange(20) * 10, sample=sid))
    y = eng.render(5000)
    _check(y)
    s = eng.stats()
    assert s["steals"] == 12 and s["hard_steals"] == 0
    assert s["active_voices"] == 8
    n = eng.pop_notices()
    ended = n[n[:, L.N_KIND] == L.NK_ENDED]
    assert np.count_nonzero(ended[:, L.N_A] == L.END_STOLEN) == 12


def test_steal_fades_instead_of_clicking():
    eng = Engine(max_voices=1, protect=False)
    sid = eng.add_sample(np.ones(48000, np.float32))
    eng.push(trigger_rows(2, frame=[0, 1000], sample=sid, amp=[1.0, 0.0], pan=0.0))
    y = eng.render(3000)[:, 0]
    assert np.max(np.abs(np.diff(y[900:1400]))) < 1.0 / 200     # 5 ms ramp, no jump
    assert y[1300] == 0.0
    assert eng.stats()["steals"] == 1


def test_hard_steal_when_every_slot_is_fading():
    eng = Engine(max_voices=1)          # pool: 1 + 16 reserve slots
    sid = eng.add_sample(np.ones(48000, np.float32) * 0.01)
    eng.push(trigger_rows(40, frame=0, sample=sid))
    _check(eng.render(1000))
    s = eng.stats()
    assert s["steals"] == 39 and s["hard_steals"] > 0


def test_nonfinite_filter_state_kills_the_voice():
    from livesamp.engine import state as S
    eng = Engine()
    sid = eng.add_sample(np.ones(48000, np.float32))
    eng.push(trigger_rows(1, frame=0, sample=sid, cutoff=1000))
    eng.render(256)
    st = eng._state
    v = int(st.vi[0, S.VI_LSLOT])
    st.vf[v, S.VF_LP1A] = np.nan      # corrupt the state as a numeric blow-up would
    y = eng.render(1024)
    _check(y)
    s = eng.stats()
    assert s["killed_voices"] == 1 and s["active_voices"] == 0


def test_sample_table_grows_and_old_samples_keep_playing():
    eng = Engine(sample_capacity_frames=1000, protect=False)
    a = eng.add_sample(np.ones(800, np.float32) * 0.25)
    eng.push(trigger_rows(1, frame=0, sample=a, pan=0.0, attack=1e-9))
    eng.render(100)
    b = eng.add_sample(np.ones(5000, np.float32) * 0.5)    # forces a bigger arena
    assert eng.samples.capacity_frames >= 5000
    eng.push(trigger_rows(1, frame=200, sample=b, pan=0.0, attack=1e-9))
    y = eng.render(1000)
    assert eng.stats()["rejected"] == 0
    np.testing.assert_allclose(eng.samples.audio(a)[:, 0], 0.25)
    assert y[50, 0] == pytest.approx(0.25) and y[500, 0] == pytest.approx(0.75)


def test_sample_table_full_is_a_clear_error():
    eng = Engine(max_samples=2)
    eng.add_sample(np.zeros(10, np.float32))
    eng.add_sample(np.zeros(10, np.float32))
    with pytest.raises(SampleTableFull, match="max_samples"):
        eng.add_sample(np.zeros(10, np.float32))


def test_bad_sample_audio_is_refused_with_the_shape():
    eng = Engine()
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        eng.add_sample(np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="frames >= 1"):
        eng.add_sample(np.zeros(0, np.float32))


def test_push_checks_the_row_width():
    eng = Engine()
    with pytest.raises(ValueError, match=str(TRIGGER_WIDTH)):
        eng.push(np.zeros((2, 5)))
