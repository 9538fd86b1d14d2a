"""Sample-accurate onsets, determinism, block-size independence, lateness, ordering."""
from __future__ import annotations

import numpy as np
import pytest

from livesamp.engine import Engine, trigger_rows
from livesamp.engine import layout as L

IMPULSE = np.zeros(64, np.float32)
IMPULSE[0] = 1.0


@pytest.mark.parametrize("block", [1, 7, 64, 256, 333, 1024])
def test_impulse_lands_exactly_on_its_frame(block):
    frames = sorted({0, 1, block - 1, block, block + 1, 2 * block, 3 * block - 1, 999, 1000,
                     4095, 4096, 5001})
    eng = Engine(protect=False, block=block)
    sid = eng.add_sample(IMPULSE)
    eng.push(trigger_rows(len(frames), frame=frames, sample=sid, pan=0.0, attack=1e-9,
                          interp=L.INTERP_LINEAR))
    y = eng.render(6000)[:, 0]
    assert np.flatnonzero(y).tolist() == frames
    np.testing.assert_array_equal(y[frames], 1.0)


def test_impulse_with_default_attack_starts_its_ramp_on_the_frame():
    eng = Engine(protect=False)
    sid = eng.add_sample(np.ones(1000, np.float32))
    eng.push(trigger_rows(1, frame=300, sample=sid, pan=0.0))
    y = eng.render(1000)[:, 0]
    assert y[300] == 0.0 and y[301] == pytest.approx(1 / 48)   # 1 ms attack = 48 frames
    assert np.all(y[:300] == 0)


def _scene(eng, rng, k=300, span=200000):
    a = eng.add_sample(rng.uniform(-1, 1, 9000).astype(np.float32))
    b = eng.add_sample(rng.uniform(-1, 1, (7000, 2)).astype(np.float32))
    return trigger_rows(
        k, frame=rng.integers(0, span, k), sample=rng.choice([a, b], k),
        speed=rng.uniform(-2, 2, k), amp=rng.uniform(0, 0.5, k), pan=rng.uniform(0, 1, k),
        cutoff=rng.choice([0, 300, 5000], k), resonance=rng.uniform(0, 1, k),
        hcutoff=rng.choice([0, 0, 2000], k), cut=rng.choice([0, 1, 2], k),
        accel=rng.choice([0, 0, 3], k), loop=rng.choice([1, 1, 3], k),
        interp=rng.integers(0, 2, k), note=rng.uniform(-12, 12, k))


def test_repeated_renders_are_bit_identical():
    outs = []
    for _ in range(3):
        eng = Engine()
        rows = _scene(eng, np.random.default_rng(3))
        eng.push(rows)
        outs.append(eng.render(220000))
    assert np.abs(outs[0]).max() > 0.1
    for o in outs[1:]:
        assert np.array_equal(outs[0], o)


@pytest.mark.parametrize("block", [1, 100, 256, 1024])
def test_output_does_not_depend_on_block_size(block):
    """Without voice stealing every voice is computed from its own time, so any
    split of the stream into blocks gives the same samples, bit for bit."""
    ref_eng = Engine(block=256)
    rows = _scene(ref_eng, np.random.default_rng(5), k=80, span=55000)
    ref_eng.push(rows)
    ref = ref_eng.render(60000)
    eng = Engine(block=block)
    _scene(eng, np.random.default_rng(5), k=80, span=55000)
    eng.push(rows)
    got = np.concatenate([eng.render(n) for n in (777, 30000, 1, 29222)])
    assert ref_eng.stats()["started"] > 70 and ref_eng.stats()["cuts"] > 5
    assert np.array_equal(got, ref)


def test_out_of_order_pushes_play_in_frame_order():
    eng = Engine(protect=False)
    sid = eng.add_sample(IMPULSE)
    frames = [5000, 100, 3000, 100, 7]
    eng.push(trigger_rows(5, frame=frames, sample=sid, pan=0.0, attack=1e-9,
                          event=[1, 2, 3, 4, 5]))
    y = eng.render(6000)[:, 0]
    assert np.flatnonzero(y).tolist() == [7, 100, 3000, 5000]
    assert y[100] == 2.0
    n = eng.pop_notices()
    started = n[n[:, L.N_KIND] == L.NK_STARTED]
    assert started[:, L.N_EVENT].tolist() == [5, 2, 4, 3, 1]   # frame order, then push order


def test_late_triggers_play_at_once_and_are_counted():
    eng = Engine(protect=False, block=256)
    sid = eng.add_sample(IMPULSE)
    eng.render(1000)                      # now at frame 1000 (the 4th block ends at 1024)
    eng.push(trigger_rows(2, frame=[500, -50], sample=sid, pan=0.0, attack=1e-9, event=[8, 9]))
    y = eng.render(100)[:, 0]
    assert y[0] == 2.0                    # both at once, on the next rendered frame
    s = eng.stats()
    assert s["late"] == 2
    n = eng.pop_notices()
    late = n[n[:, L.N_KIND] == L.NK_LATE]
    assert sorted(late[:, L.N_A].tolist()) == [500, 1050]


def test_far_future_and_nonfinite_frames_are_rejected():
    eng = Engine(max_ahead_s=10)
    sid = eng.add_sample(IMPULSE)
    eng.push(trigger_rows(3, frame=[1e12, np.nan, np.inf], sample=sid))
    eng.render(256)
    s = eng.stats()
    assert s["rejected"] == 3 and s["pending"] == 0


def test_pending_triggers_survive_across_renders():
    eng = Engine(protect=False)
    sid = eng.add_sample(IMPULSE)
    eng.push(trigger_rows(1, frame=48000 * 3 + 5, sample=sid, pan=0.0, attack=1e-9))
    y = np.concatenate([eng.render(48000) for _ in range(4)])[:, 0]
    assert np.flatnonzero(y).tolist() == [48000 * 3 + 5]


def test_frame_counter_and_reset():
    eng = Engine()
    eng.render(1000)
    assert eng.frame == 1000
    eng.reset()
    assert eng.frame == 0 and eng.stats()["active_voices"] == 0


def test_stats_notices_are_periodic():
    eng = Engine(stats_every_s=0.1)
    eng.render(48000)
    n = eng.pop_notices()
    assert np.count_nonzero(n[:, L.N_KIND] == L.NK_STATS) == 10


@pytest.mark.parametrize("block", [1, 50, 256, 1024])
def test_voice_stealing_does_not_depend_on_block_size(block):
    """Voices are allocated (and stolen) at each trigger's own frame."""
    rng = np.random.default_rng(9)
    k = 400
    x = rng.uniform(-1, 1, 6000).astype(np.float32)
    rows = trigger_rows(k, frame=np.sort(rng.integers(0, 100000, k)), sample=0,
                        speed=rng.uniform(0.3, 3, k), amp=rng.uniform(0.05, 0.3, k),
                        sustain=rng.choice([-1, 200, 3000], k))
    outs = []
    for b in (256, block):
        eng = Engine(max_voices=6, block=b)
        eng.add_sample(x)
        eng.push(rows)
        outs.append(eng.render(110000))
        s = eng.stats()
        assert s["steals"] > 50
    assert np.array_equal(outs[0], outs[1])


def test_dense_short_triggers_are_not_stolen():
    """64 non-overlapping 2-frame voices per block with 16 voices: no steals (the
    block is rendered up to a trigger when every slot is held by an ended voice)."""
    eng = Engine(max_voices=16, protect=False)
    imp = np.zeros(2, np.float32)
    imp[0] = 1.0
    sid = eng.add_sample(imp)
    eng.push(trigger_rows(1000, frame=np.arange(1000) * 4, sample=sid, attack=1e-9, pan=0.0))
    y = eng.render(4100)[:, 0]
    assert np.flatnonzero(y).tolist() == list(range(0, 4000, 4))
    assert eng.stats()["steals"] == 0 and eng.stats()["hard_steals"] == 0
