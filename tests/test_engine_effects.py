"""Per-voice effects and per-orbit reverb and delay against the naive references
(tests/naive.py, float64 sample by sample, from SuperDirt's formulas); glides that do
not click; silly values; tails after the voices end; independent orbits; sleeping
orbits; block-split invariance.

Tolerance: the engine stores audio (scratch, buses, delay lines) in float32; against the
float64 reference the error is float32 rounding carried through the recursions:
``atol = 2e-6 * max|ref|`` (measured: ~1.5e-7).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import naive
from livesamp.engine import Engine, trigger_rows
from livesamp.engine import layout as L
from livesamp.engine.kernels import orbits as O
from livesamp.engine.kernels.voicefx import bpf_coefs, bpf_run

SR = 48000
RNG = np.random.default_rng(11)
MONO = (RNG.uniform(-1, 1, 6000) * np.hanning(6000)).astype(np.float32)
STEREO = RNG.uniform(-1, 1, (5000, 2)).astype(np.float32)
TOL = 2e-6


def _render(sample, rows, n, **engine_kw):
    eng = Engine(protect=False, **engine_kw)
    sid = eng.add_sample(sample)
    rows = np.array(rows)
    rows[:, L.T_SAMPLE] = sid
    eng.push(rows)
    return eng.render(n).astype(np.float64), eng


def _check(sample, rows, n, **engine_kw):
    y, eng = _render(sample, rows, n, **engine_kw)
    ref = naive.render_fx([sample], rows, n)
    assert np.abs(ref).max() > 0.05
    np.testing.assert_allclose(y, ref, rtol=0, atol=TOL * np.abs(ref).max())
    assert eng.stats()["killed_voices"] == 0
    return y, ref


VOICE_FX = {
    "bandf": dict(bandf=1200, bandq=8),
    "bandf_low_q": dict(bandf=300, bandq=0.2),          # bandq < 1 is taken as 1
    "bandf_default_q": dict(bandf=2500),                # SuperDirt's default bandq 10
    "shape": dict(shape=0.7),
    "shape_max": dict(shape=1.0),
    "crush": dict(crush=3.5),
    "coarse": dict(coarse=5.5),
    "coarse_int": dict(coarse=8),
    "vowel_a": dict(vowel=1, resonance=np.nan),
    "vowel_e": dict(vowel=2, resonance=0.0),
    "vowel_i": dict(vowel=3, resonance=1.0),
    "vowel_o": dict(vowel=4, resonance=0.3),
    "vowel_u": dict(vowel=5, resonance=0.7),
    "chain": dict(vowel=2, shape=0.4, hcutoff=200, bandf=900, bandq=3, crush=6, coarse=3,
                  cutoff=5000),
}


@pytest.mark.parametrize("sample", [MONO, STEREO], ids=["mono", "stereo"])
@pytest.mark.parametrize("name", list(VOICE_FX))
def test_voice_effects_match_naive(name, sample):
    rows = trigger_rows(2, frame=[10, 3000], sample=0, pan=[0.3, 0.8], amp=[0.7, 0.5],
                        **VOICE_FX[name])
    _check(sample, rows, 12000)


@pytest.mark.parametrize("name", ["bandf", "shape", "crush", "coarse_int", "vowel_o", "chain"])
def test_each_effect_changes_the_sound(name):
    rows = trigger_rows(1, frame=0, sample=0, **VOICE_FX[name])
    y, _ = _render(MONO, rows, 7000)
    dry, _ = _render(MONO, trigger_rows(1, frame=0, sample=0), 7000)
    assert np.abs(y - dry).max() > 0.05 * np.abs(dry).max()


@pytest.mark.parametrize("f", [100.0, 440.0, 2000.0, 9000.0])
@pytest.mark.parametrize("rq", [0.05, 0.5, 1.0])
def test_sc_bpf_has_unit_gain_at_its_centre(f, rq):
    """SuperCollider's BPF passes its centre frequency unchanged (0 dB) and attenuates
    an octave away; the kernel equals the reference sample for sample."""
    n = 48000
    x = np.sin(2 * np.pi * f * np.arange(n) / SR).astype(np.float32)
    buf = x.copy()
    a0, b1, b2 = bpf_coefs(f, rq, SR)
    bpf_run(buf, 0, n, a0, b1, b2, 0.0, 0.0)
    np.testing.assert_allclose(buf, naive.sc_bpf(x, f, rq), atol=2e-6)
    rms = np.sqrt(2 * np.mean(buf[24000:].astype(np.float64) ** 2))
    assert rms == pytest.approx(1.0, abs=2e-3)
    off = np.sin(2 * np.pi * 2 * f * np.arange(n) / SR).astype(np.float32)
    bpf_run(off, 0, n, a0, b1, b2, 0.0, 0.0)
    assert np.sqrt(2 * np.mean(off[24000:].astype(np.float64) ** 2)) < 0.8


def test_crush_and_coarse_by_their_definitions():
    """crush 3: multiples of 0.25; coarse 4: every value held 4 frames from the start."""
    ramp = np.linspace(-1, 1, 4000, dtype=np.float32)
    y, _ = _render(ramp, trigger_rows(1, frame=0, sample=0, crush=3, pan=0.0, attack=1e-9,
                                      interp=1), 3990)
    left = y[:, 0]
    assert np.allclose(left / 0.25, np.round(left / 0.25), atol=1e-6)
    assert len(np.unique(np.round(left, 6))) == 9          # -1, -0.75, ..., 1
    y, _ = _render(ramp, trigger_rows(1, frame=5, sample=0, coarse=4, pan=0.0, attack=1e-9,
                                      interp=1), 3990)
    held = y[5:3705, 0].reshape(-1, 4)             # before the release
    assert np.all(held == held[:, :1])
    assert np.all(np.diff(held[:, 0]) > 0)


ORBIT_FX = {
    "room": dict(room=0.4, size=0.6),
    "room_default_size": dict(room=0.8),
    "room_dry": dict(room=0.5, size=0.9, dry=0.4),
    "delay": dict(delay=0.5, delaytime=0.01, delayfb=0.7),
    "delay_no_feedback": dict(delay=0.8, delaytime=0.05, delayfb=0.0),
    "lock": dict(delay=0.5, delaytime=0.125, lock=1, cps=2.0, delayfb=0.3),
    "both": dict(room=0.3, size=0.4, delay=0.4, delaytime=0.0301, delayfb=0.5),
}


@pytest.mark.parametrize("sample", [MONO, STEREO], ids=["mono", "stereo"])
@pytest.mark.parametrize("name", list(ORBIT_FX))
def test_orbit_effects_match_naive(name, sample):
    rows = trigger_rows(2, frame=[10, 3000], sample=0, pan=[0.3, 0.8], amp=[0.7, 0.5],
                        **ORBIT_FX[name])
    _check(sample, rows, 20000)


def test_parameter_changes_glide_and_match_naive():
    """Triggers that change size, dry, delay time and feedback mid-stream (also
    triggers that carry none: NaN leaves them); per-voice effects on the same voices."""
    rows = trigger_rows(5, frame=[0, 4000, 7000, 9000, 12000], sample=0,
                        room=[0.5, 0.2, 0.6, 0.0, 0.4], delay=[0.5, 0.3, 0.0, 0.6, 0.2],
                        pan=[0.1, 0.9, 0.5, 0.3, 0.6], crush=[0, 5, 0, 0, 0], vowel=[0, 0, 3, 0, 0],
                        size=[0.3, np.nan, 0.9, np.nan, 0.1], dry=[np.nan, 0.5, np.nan, 0.0, np.nan],
                        delaytime=[0.02, np.nan, 0.035, np.nan, 0.01],
                        delayfb=[0.5, 0.8, np.nan, np.nan, 0.2])
    _check(MONO, rows, 26000)


def test_lock_follows_the_tempo_of_later_triggers():
    """lock 1: delaytime is in cycles of the orbit's current tempo (T_CPS of every
    trigger of the orbit), so a tempo change re-times the delay."""
    rows = trigger_rows(3, frame=[0, 6000, 12000], sample=0, delay=0.6, delaytime=0.05, lock=1,
                        delayfb=0.4, cps=[1.0, 2.0, 2.0])
    rows[1:, L.T_DELAYTIME] = np.nan
    rows[1:, L.T_LOCK] = np.nan
    _check(MONO, rows, 20000)


def _sine(seconds=2.0, f=110.0):
    t = np.arange(int(seconds * SR)) / SR
    return (0.5 * np.sin(2 * np.pi * f * t)).astype(np.float32)


def _change_click(column, before, after, send, glide_kw):
    """Max |sample-to-sample difference| in 600 frames around a change of an orbit
    parameter made by a silent trigger at frame 48000, over its largest steady-state
    value before or after the change."""
    sine = _sine()
    rows = trigger_rows(2, frame=[0, 48000], sample=0, amp=[1.0, 0.0], pan=0.0, **send)
    rows[0, column] = before
    rows[1, column] = after
    y, _ = _render(sine, rows, 60000, **glide_kw)
    d = np.abs(np.diff(y[:, 0]))
    return d[47900:48500].max() / max(d[30000:47000].max(), d[50000:59000].max())


def test_dry_change_glides_instead_of_clicking():
    glide = _change_click(L.T_DRY, 0.0, 1.0, dict(room=1.0, size=0.9), {})
    jump = _change_click(L.T_DRY, 0.0, 1.0, dict(room=1.0, size=0.9), dict(fx_glide_s=1e-6))
    assert glide < 1.3 and jump > 2.0


def test_size_change_does_not_click():
    glide = _change_click(L.T_SIZE, 0.9, 0.0, dict(room=1.0), {})
    assert glide < 1.3


def test_delay_time_change_glides_instead_of_clicking():
    send = dict(delay=1.0, delayfb=0.3)
    glide = _change_click(L.T_DELAYTIME, 0.1, 0.11, send, {})
    jump = _change_click(L.T_DELAYTIME, 0.1, 0.11, send, dict(delay_glide_s=1e-6))
    assert glide < 1.7 and jump > 3.0


def test_a_change_takes_effect_at_its_trigger_frame():
    """The same stream with and without a silent trigger setting dry 1 at frame F:
    identical up to F (the glide starts there), different right after."""
    rows = trigger_rows(2, frame=[0, 20011], sample=0, amp=[0.8, 0.0], room=[0.9, 0.0], size=0.8)
    a, _ = _render(MONO, rows[:1], 24000)
    rows[1, L.T_DRY] = 1.0
    b, _ = _render(MONO, rows, 24000)
    first = np.flatnonzero(np.any(a != b, axis=1))[0]
    assert first == 20012


def test_tails_ring_on_after_the_voice_then_the_orbit_sleeps():
    rows = trigger_rows(1, frame=0, sample=0, room=0.7, size=0.5, delay=0.5, delaytime=0.2,
                        delayfb=0.5)
    y, eng = _render(MONO, rows, 6 * SR)
    dry, _ = _render(MONO, trigger_rows(1, frame=0, sample=0), 6 * SR)
    assert np.all(dry[6000:] == 0)
    tail = np.abs(y[6000:SR]).max()
    assert tail > 0.05                                   # reverb and echoes after the voice
    echo = np.abs(y[int(0.6 * SR):int(0.6 * SR) + 6000]).max()
    assert echo > 0.02                                   # third echo (0.6 s) still there
    fxf = eng._state.fxf
    assert fxf[1, O.O_RV_ON] == 0 and fxf[1, O.O_DL_ON] == 0      # asleep again
    assert eng.stats()["orbit_effects_awake"] == 0
    assert np.abs(y[5 * SR:]).max() < 1e-5


def test_sleeping_effects_wake_on_new_input_and_match_naive():
    """An orbit that fell asleep picks up where it was (below -120 dB) for the next
    event: the output is the naive reference, which never sleeps."""
    rows = trigger_rows(2, frame=[0, 3 * SR], sample=0, room=0.5, size=0.2, delay=0.4,
                        delaytime=0.01, delayfb=0.3)
    eng = Engine(protect=False)
    eng.add_sample(MONO)
    eng.push(rows)
    first = eng.render(3 * SR - 100)
    fxf = eng._state.fxf
    assert fxf[1, O.O_RV_ON] == 0 and fxf[1, O.O_DL_ON] == 0
    y = np.concatenate([first, eng.render(10100)]).astype(np.float64)
    assert fxf[1, O.O_RV_ON] == 1 and fxf[1, O.O_DL_ON] == 1
    assert eng.stats()["orbit_effects_awake"] == 2
    ref = naive.render_fx([MONO], rows, 3 * SR + 10000)
    np.testing.assert_allclose(y, ref, rtol=0, atol=TOL * np.abs(ref).max())


def test_orbits_are_independent():
    """Orbit parameters set on orbit 3 do not touch orbit 0; each orbit has its own
    reverb and delay (the sum of separate renders); orbit 16 is orbit 0 again."""
    a = trigger_rows(1, frame=0, sample=0, orbit=0, room=0.5, size=0.3, delay=0.5,
                     delaytime=0.01)
    b = trigger_rows(1, frame=1000, sample=0, orbit=3, room=0.5, size=0.95, delay=0.3,
                     delaytime=0.03, delayfb=0.9, dry=0.5)
    ya, _ = _render(MONO, a, 30000)
    yb, _ = _render(MONO, b, 30000)
    both, _ = _render(MONO, np.concatenate([a, b]), 30000)
    np.testing.assert_allclose(both, ya + yb, atol=1e-6)
    wrapped = b.copy()
    wrapped[0, L.T_ORBIT] = 16
    yw, _ = _render(MONO, np.concatenate([a, wrapped]), 30000)
    assert np.abs(yw - (ya + yb)).max() > 0.01           # now they share orbit 0
    c, _ = _render(MONO, a, 30000, orbits=4)
    wrapped[0, L.T_ORBIT] = 7                            # 7 % 4 = 3: separate again
    yc, _ = _render(MONO, np.concatenate([a, wrapped]), 30000, orbits=4)
    np.testing.assert_allclose(yc, c + yb, atol=1e-6)


SILLY = [np.nan, np.inf, -np.inf, -5.0, 0.0, 1e300, -1e300, 3.7, 1e-300]


def test_silly_values_are_sanitised():
    """Every effect column filled with non-finite, negative, huge and tiny values:
    the output stays finite, nothing is killed, and the orbits keep working."""
    cols = [L.T_BANDF, L.T_BANDQ, L.T_SHAPE, L.T_CRUSH, L.T_COARSE, L.T_VOWEL, L.T_RESONANCE,
            L.T_ROOM, L.T_SIZE, L.T_DRY, L.T_DELAY, L.T_DELAYTIME, L.T_DELAYFB, L.T_LOCK, L.T_CPS]
    rng = np.random.default_rng(3)
    k = 300
    rows = trigger_rows(k, frame=np.sort(rng.integers(0, 90000, k)), sample=0,
                        orbit=rng.integers(0, 3, k))
    for c in cols:
        rows[:, c] = rng.choice(SILLY, k)
    eng = Engine()
    eng.add_sample(MONO * 4)
    eng.push(rows)
    y = eng.render(100000)
    s = eng.stats()
    assert np.all(np.isfinite(y)) and s["nonfinite"] == 0 and s["killed_voices"] == 0
    assert np.abs(y).max() <= 10 ** (-0.3 / 20)
    assert np.all(np.isfinite(eng._state.fxf[:1 + 16]))     # header and orbit states
    # then sane events still sound through the orbits
    eng.push(trigger_rows(1, frame=eng.frame, sample=0, room=0.5, delay=0.5, size=0.5,
                          delaytime=0.1, delayfb=0.5, dry=0.0, lock=0))
    y = eng.render(30000)
    assert np.abs(y[8000:]).max() > 1e-3


def test_huge_sends_stay_bounded():
    """Loud input and feedback 0.99: the delay and reverb stay finite and bounded."""
    rows = trigger_rows(20, frame=np.arange(20) * 3000, sample=0, amp=1e4, room=10, delay=10,
                        delayfb=5.0, size=1.0, delaytime=0.003)
    eng = Engine()
    eng.add_sample(MONO)
    eng.push(rows)
    y = eng.render(5 * SR)
    assert np.all(np.isfinite(y)) and eng.stats()["nonfinite"] == 0
    assert np.all(np.isfinite(eng._state.fxbuf))


def _scene(rng, k=120, span=150000):
    return trigger_rows(
        k, frame=rng.integers(0, span, k), sample=0, speed=rng.uniform(0.5, 2, k),
        amp=rng.uniform(0.05, 0.4, k), pan=rng.uniform(0, 1, k), orbit=rng.integers(0, 3, k),
        room=rng.choice([0, 0, 0.3], k), delay=rng.choice([0, 0.4], k),
        size=rng.choice([np.nan, np.nan, 0.2, 0.8], k), dry=rng.choice([np.nan, np.nan, 0.3], k),
        delaytime=rng.choice([np.nan, 0.01, 0.021], k), delayfb=rng.choice([np.nan, 0.6], k),
        lock=rng.choice([np.nan, 0, 1], k), cps=rng.choice([0.5, 2.0], k),
        bandf=rng.choice([0, 0, 700], k), shape=rng.choice([0, 0, 0.5], k),
        crush=rng.choice([0, 0, 5], k), coarse=rng.choice([0, 0, 3], k),
        vowel=rng.choice([0, 0, 0, 1, 4], k), cutoff=rng.choice([0, 3000], k))


@pytest.mark.parametrize("block", [1, 100, 256, 1024])
def test_effects_do_not_depend_on_block_size(block):
    rows = _scene(np.random.default_rng(7))
    outs = []
    for b, splits in ((256, (160000,)), (block, (777, 30000, 1, 129222))):
        eng = Engine(block=b)
        eng.add_sample(MONO)
        eng.push(rows)
        outs.append(np.concatenate([eng.render(n) for n in splits]))
    assert np.abs(outs[0]).max() > 0.1
    assert np.array_equal(outs[0], outs[1])


def test_plain_voices_are_unchanged_by_the_effects():
    """A voice without effects or sends mixes straight into the bus: the output is the
    plain sampler's (naive.render) exactly as before."""
    rows = trigger_rows(3, frame=[0, 100, 2000], sample=0, pan=[0.2, 0.5, 0.9])
    y, _ = _render(MONO, rows, 9000)
    ref = naive.render([MONO], rows, 9000)
    np.testing.assert_allclose(y, ref, atol=2e-6)


CLOUD = dict(kind=L.KIND_GRAIN, grain_size=0.03, grain_density=300, grain_posjit=0.3,
             grain_spread=0.6, grain_seed=3, sustain=12000, amp=0.5)


def test_clouds_take_the_voice_effects_and_sends():
    """A grain cloud is one voice: its grains go through the voice's effect chain and
    into its orbit's sends, whose tail rings on after the cloud."""
    plain, _ = _render(MONO, trigger_rows(1, frame=0, sample=0, **CLOUD), 40000)
    fx, eng = _render(MONO, trigger_rows(1, frame=0, sample=0, crush=3, vowel=2, room=0.6,
                                         size=0.8, delay=0.3, delaytime=0.05, **CLOUD), 40000)
    assert eng.stats()["grains"] > 50
    assert np.abs(fx[:12000] - plain[:12000]).max() > 0.05
    assert np.abs(plain[14000:]).max() == 0
    assert np.abs(fx[14000:]).max() > 1e-3


@pytest.mark.parametrize("block", [1, 100, 1024])
def test_clouds_with_effects_do_not_depend_on_block_size(block):
    rows = trigger_rows(3, frame=[0, 5000, 9001], sample=0, orbit=[0, 1, 0], crush=[4, 0, 0],
                        bandf=[0, 900, 0], shape=[0, 0, 0.6], room=[0.4, 0, 0.2],
                        delay=[0, 0.5, 0.3], size=[0.6, np.nan, 0.3], **CLOUD)
    outs = []
    for b, splits in ((256, (40000,)), (block, (333, 1, 20000, 19666))):
        eng = Engine(block=b)
        eng.add_sample(STEREO)
        eng.push(rows)
        outs.append(np.concatenate([eng.render(n) for n in splits]))
    assert np.abs(outs[0]).max() > 0.05
    assert np.array_equal(outs[0], outs[1])
