"""Grains (trigger kind 1): single grains and clouds against the float64 references in
naive.py, the grain pool, block-split invariance, clouds as voices (cuts, steals,
notices)."""
from __future__ import annotations

import numpy as np
import pytest

import naive
from livesamp.engine import Engine, trigger_rows
from livesamp.engine import layout as L
from livesamp.engine.kernels import grains as G
from livesamp.engine.kernels.grain_simd import SIMD

SR = 48000


def _audio(n=6000, stereo=False, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / SR
    x = 0.5 * np.sin(2 * np.pi * 330 * t) + 0.3 * rng.uniform(-1, 1, n)
    if stereo:
        y = 0.4 * np.sin(2 * np.pi * 517 * t + 1) + 0.3 * rng.uniform(-1, 1, n)
        return np.stack([x, y], axis=1).astype(np.float32)
    return x.astype(np.float32)


def _grain_row(**kw):
    cols = dict(frame=37, sample=0, kind=L.KIND_GRAIN, grain_density=0.0, grain_size=0.02,
                grain_pos=0.3, amp=0.8, pan=0.3, speed=1.37, interp=L.INTERP_LINEAR,
                grain_env=0)
    cols.update(kw)
    return trigger_rows(1, **cols)


def _render(rows, audio, n, **engine_kw):
    eng = Engine(protect=False, **engine_kw)
    eng.add_sample(audio)
    eng.push(rows)
    return eng, eng.render(n)


@pytest.mark.parametrize("env", [0, 1, 2, 3])
@pytest.mark.parametrize("interp", [L.INTERP_LINEAR, L.INTERP_CUBIC])
@pytest.mark.parametrize("speed", [1.37, -0.71])
@pytest.mark.parametrize("stereo", [False, True])
def test_single_grain_matches_the_reference(env, interp, speed, stereo):
    audio = _audio(stereo=stereo)
    row = _grain_row(grain_env=env, interp=interp, speed=speed)
    eng, y = _render(row, audio, 2000)
    ref = naive.grain_from_row(audio, row[0], 2000)
    assert np.abs(ref).max() > 0.3
    np.testing.assert_allclose(y, ref, atol=2e-6, rtol=0)
    assert eng.stats()["grains"] == 1 and eng.stats()["active_grains"] == 0
    # the SIMD kernel rendered it where the host has one (|rate| <= 2, inside the sample)
    assert eng._state.gi[0, G.GI_FAST] == (1 if SIMD else 0)


@pytest.mark.parametrize("case", ["fast_rate", "past_the_end", "reversed_past_the_end", "note"])
@pytest.mark.parametrize("interp", [L.INTERP_LINEAR, L.INTERP_CUBIC])
def test_grains_the_scalar_path_renders_match_the_reference(case, interp):
    """Rates above 2 and grains reaching past the sample's end take the scalar path;
    reads beyond the end are silence (the clamp into the zero padding)."""
    audio = _audio()
    kw = {"fast_rate": dict(speed=3.3), "past_the_end": dict(grain_pos=0.8, speed=1.5),
          "reversed_past_the_end": dict(grain_pos=0.8, speed=-1.5),
          "note": dict(speed=1.0, note=19.0, grain_pos=0.1)}[case]
    row = _grain_row(interp=interp, grain_size=0.03, **kw)
    eng, y = _render(row, audio, 2000)
    ref = naive.grain_from_row(audio, row[0], 2000)
    assert np.abs(ref).max() > 0.1
    np.testing.assert_allclose(y, ref, atol=2e-6, rtol=0)
    assert eng._state.gi[0, G.GI_FAST] == 0


def test_grain_position_defaults_to_begin_and_reverse_plays_the_same_span():
    audio = _audio()
    fwd = _grain_row(grain_pos=np.nan, begin=0.4, speed=1.0, grain_size=0.01)
    _, y_f = _render(fwd, audio, 1000)
    np.testing.assert_allclose(y_f, naive.grain_from_row(audio, fwd[0], 1000), atol=2e-6)
    rev = _grain_row(grain_pos=0.4, speed=-1.0, grain_size=0.01, grain_env=1)
    _, y_r = _render(rev, audio, 1000)
    # rate 1, tukey: the middle of the reversed grain is the forward span backwards
    L_g = 480
    mid = slice(37 + 150, 37 + 330)
    src = audio[2400:2400 + L_g][::-1]
    gl = 0.8 * np.cos(0.3 * np.pi / 2)
    np.testing.assert_allclose(y_r[mid, 0], src[150:330] * gl, atol=2e-6)


def test_grains_in_the_same_block_mix_in_start_order_and_sum():
    audio = _audio()
    rows = np.concatenate([_grain_row(frame=f, grain_pos=p, speed=s, pan=pn, grain_env=e)
                           for f, p, s, pn, e in [(5, 0.1, 1.0, 0.0, 0), (300, 0.5, 0.8, 1.0, 1),
                                                  (301, 0.7, 1.9, 0.5, 2), (900, 0.2, 1.2, 0.2, 3)]])
    _, y = _render(rows, audio, 3000)
    ref = sum(naive.grain_from_row(audio, r, 3000) for r in rows)
    np.testing.assert_allclose(y, ref, atol=4e-6)


def test_a_full_pool_drops_grains_and_counts_them():
    audio = _audio()
    rows = np.concatenate([_grain_row(frame=10 + k, grain_pos=0.05 * k) for k in range(20)])
    eng, y = _render(rows, audio, 3000, max_grains=8)
    s = eng.stats()
    assert s["grains"] == 8 and s["grain_drops"] == 12 and s["active_grains"] == 0
    ref = sum(naive.grain_from_row(audio, r, 3000) for r in rows[:8])
    np.testing.assert_allclose(y, ref, atol=4e-6)
    # the pool is free again: 8 more fit
    eng.push(np.concatenate([_grain_row(frame=4000 + k) for k in range(8)]))
    eng.render(2000)
    assert eng.stats()["grains"] == 16 and eng.stats()["grain_drops"] == 12
    assert not eng.pop_notices()[:, L.N_KIND].tolist().count(L.NK_STARTED)


def test_single_grains_need_a_size_and_a_speed():
    audio = _audio()
    rows = np.concatenate([_grain_row(grain_size=0.0), _grain_row(grain_size=np.nan),
                           _grain_row(speed=0.0), _grain_row(sample=7)])
    eng, y = _render(rows, audio, 1000)
    n = eng.pop_notices()
    rej = n[n[:, L.N_KIND] == L.NK_REJECTED]
    assert rej[:, L.N_A].tolist() == [L.REJ_SILENT] * 3 + [L.REJ_SAMPLE]
    assert not np.any(y)


def _cloud_row(**kw):
    cols = dict(frame=100, sample=0, kind=L.KIND_GRAIN, grain_density=300.0,
                grain_size=0.012, grain_pos=0.4, grain_posjit=0.2, grain_ratejit=3.0,
                grain_spread=0.8, grain_reverse=0.3, grain_seed=12345, amp=0.5, pan=0.5,
                speed=1.1, sustain=4000, attack=0.01, release=0.02, interp=L.INTERP_LINEAR,
                grain_env=0)
    cols.update(kw)
    return trigger_rows(1, **cols)


@pytest.mark.parametrize("kw", [
    dict(),
    dict(grain_async=1),
    dict(interp=L.INTERP_CUBIC, grain_env=1, grain_async=1, grain_seed=-7),
    dict(grain_env=2, speed=-0.9, grain_ratejit=0.0),
    dict(grain_env=3, grain_density=1000.0, grain_size=0.004, grain_seed=2**40 + 3),
    dict(speed=2.6, grain_ratejit=6.0),     # mostly the scalar path
])
def test_cloud_matches_the_reference(kw):
    audio = _audio(8000, stereo="grain_env" in kw and kw["grain_env"] == 3)
    row = _cloud_row(**kw)
    eng, y = _render(row, audio, 6000)
    ref = naive.cloud(audio, row[0], 6000)
    assert np.abs(ref).max() > 0.2
    np.testing.assert_allclose(y, ref, atol=5e-6)
    s = eng.stats()
    assert s["grains"] > 10 and s["active_grains"] == 0 and s["active_voices"] == 0
    kinds = eng.pop_notices()[:, L.N_KIND].tolist()
    assert kinds.count(L.NK_STARTED) == 1 and kinds.count(L.NK_ENDED) == 1


def test_cloud_draws_depend_on_the_seed_only():
    audio = _audio(8000)
    _, a = _render(_cloud_row(grain_seed=5), audio, 5000)
    _, b = _render(_cloud_row(grain_seed=5, frame=100), audio, 5000)
    _, c = _render(_cloud_row(grain_seed=6), audio, 5000)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_a_cut_fades_the_cloud_and_frees_its_grains():
    audio = _audio(8000)
    cloud = _cloud_row(cut=1, sustain=20000)
    hit = trigger_rows(1, frame=2100, sample=0, cut=1, amp=0.0, sustain=10)
    eng, y = _render(np.concatenate([cloud, hit]), audio, 8000)
    ref = naive.cloud(audio, cloud[0], 8000, cut_at=2100, fade=240)
    np.testing.assert_allclose(y, ref, atol=5e-6)
    assert np.abs(y[2100 + 240:]).max() == 0.0 and np.abs(y[1500:2100]).max() > 0.1
    s = eng.stats()
    assert s["cuts"] == 1 and s["active_grains"] == 0
    n = eng.pop_notices()
    ended = n[n[:, L.N_KIND] == L.NK_ENDED]
    assert L.END_CUT in ended[:, L.N_A].tolist()


def test_a_stolen_cloud_stops_and_returns_its_grains():
    audio = _audio(8000)
    rows = np.concatenate([_cloud_row(frame=0, amp=0.1, sustain=30000, grain_seed=1),
                           _cloud_row(frame=10, amp=0.5, sustain=30000, grain_seed=2),
                           _cloud_row(frame=1000, amp=0.5, sustain=3000, grain_seed=3)])
    eng, y = _render(rows, audio, 6000, max_voices=2)
    s = eng.stats()
    assert s["steals"] == 1
    ref = (naive.cloud(audio, rows[0], 6000, cut_at=1000)
           + naive.cloud(audio, rows[1], 6000) + naive.cloud(audio, rows[2], 6000))
    np.testing.assert_allclose(y, ref, atol=8e-6)
    eng.render(40000)
    assert eng.stats()["active_grains"] == 0 and eng.stats()["active_voices"] == 0


def test_cloud_through_the_voice_filter():
    audio = _audio(8000)
    row = _cloud_row(cutoff=900.0, resonance=0.2)
    _, y = _render(row, audio, 6000)
    dry = naive.cloud(audio, row[0], 6000)
    ref = np.stack([naive.svf(dry[:, c], 900.0, 0.2) for c in range(2)], axis=1)
    ref[100 + 4000 + int(4000 * 0.19098):] = 0.0     # the voice (and its filter) ends there
    np.testing.assert_allclose(y, ref, atol=2e-5)
    assert np.abs(y).max() > 0.05


def test_cloud_grains_fill_the_pool_then_drop():
    audio = _audio(8000)
    row = _cloud_row(grain_density=4000.0, grain_size=0.05, sustain=20000)
    eng, y = _render(row, audio, 4000, max_grains=64)
    s = eng.stats()
    # the pool is full (grains that ended in the last block free their slots at its end)
    assert 56 <= s["active_grains"] <= 64 and s["grain_drops"] > 50
    assert np.all(np.isfinite(y)) and np.abs(y).max() > 0.1
    eng.render(30000)
    assert eng.stats()["active_grains"] == 0


def _grain_scene(eng, rng, k=60, span=40000):
    a = eng.add_sample(_audio(9000, seed=1))
    b = eng.add_sample(_audio(7000, stereo=True, seed=2))
    singles = trigger_rows(
        k, frame=rng.integers(0, span, k), sample=rng.choice([a, b], k), kind=L.KIND_GRAIN,
        grain_density=0.0, grain_size=rng.uniform(0.001, 0.03, k), grain_pos=rng.uniform(0, 1, k),
        speed=rng.choice([-2.5, -1.3, 0.6, 1.0, 1.7, 2.2], k), grain_env=rng.integers(0, 4, k),
        interp=rng.integers(0, 2, k), amp=rng.uniform(0, 0.4, k), pan=rng.uniform(0, 1, k))
    j = 6
    clouds = trigger_rows(
        j, frame=rng.integers(0, span, j), sample=rng.choice([a, b], j), kind=L.KIND_GRAIN,
        grain_density=rng.uniform(20, 800, j), grain_size=rng.uniform(0.002, 0.04, j),
        grain_pos=rng.uniform(0, 1, j), grain_posjit=rng.uniform(0, 0.3, j),
        grain_ratejit=rng.uniform(0, 7, j), grain_spread=rng.uniform(0, 1, j),
        grain_reverse=rng.uniform(0, 1, j), grain_async=rng.integers(0, 2, j),
        grain_seed=rng.integers(0, 1000, j), grain_env=rng.integers(0, 4, j),
        interp=rng.integers(0, 2, j), sustain=rng.integers(1000, 9000, j),
        cutoff=rng.choice([0, 2000], j), cut=rng.choice([0, 1], j), amp=rng.uniform(0, 0.4, j))
    return np.concatenate([singles, clouds])


@pytest.mark.parametrize("block", [1, 7, 100, 1024])
def test_grains_do_not_depend_on_the_block_size(block):
    ref_eng = Engine(block=256)
    rows = _grain_scene(ref_eng, np.random.default_rng(8))
    ref_eng.push(rows)
    ref = ref_eng.render(50000)
    eng = Engine(block=block)
    _grain_scene(eng, np.random.default_rng(8))
    eng.push(rows)
    got = np.concatenate([eng.render(n) for n in (333, 20000, 1, 29666)])
    s = ref_eng.stats()
    assert s["grains"] > 300 and s["grain_drops"] == 0 and np.abs(ref).max() > 0.1
    assert np.array_equal(got, ref)


def test_reset_frees_the_pool():
    audio = _audio(8000)
    eng, _ = _render(_cloud_row(sustain=40000), audio, 3000)
    assert eng.stats()["active_grains"] > 0
    eng.reset()
    s = eng.stats()
    assert s["active_grains"] == 0 and s["grains"] == 0
    eng.push(_grain_row())
    assert np.abs(eng.render(2000)).max() > 0.1


@pytest.mark.parametrize("interp", [L.INTERP_LINEAR, L.INTERP_CUBIC])
def test_paired_grains_sound_as_single_ones(interp):
    """Equal grains overlapping whole blocks share the accumulators two by two (block
    256 on the 8-frame grid); an odd block size renders them one by one: the same bits,
    and the reference's samples."""
    audio = _audio(20000, stereo=interp == L.INTERP_CUBIC)
    rng = np.random.default_rng(4)
    k = 40
    rows = trigger_rows(k, frame=np.sort(rng.integers(0, 3000, k)), sample=0,
                        kind=L.KIND_GRAIN, grain_density=0.0, grain_size=0.05,
                        grain_pos=rng.uniform(0, 0.9, k), speed=rng.choice([-1.7, 0.6, 1.3], k),
                        amp=0.1, pan=rng.uniform(0, 1, k), interp=interp, grain_env=1)
    outs = []
    for block in (256, 7):
        eng = Engine(protect=False, block=block)
        eng.add_sample(audio)
        eng.push(rows)
        outs.append(eng.render(6000))
        pool = eng._state.gi.shape[0] - G.N_TAB - 1     # the grains had a (tukey, 2400) table
        meta = eng._state.gi[pool:pool + G.N_TAB]
        assert ((meta[:, G.TM_LEN] == 2400) & (meta[:, G.TM_KIND] == 1)).any()
    assert np.array_equal(outs[0], outs[1])
    ref = sum(naive.grain_from_row(audio, r, 6000) for r in rows)
    np.testing.assert_allclose(outs[0], ref, atol=2e-5)
    assert np.abs(ref).max() > 0.3


def test_a_single_grain_with_a_send_sounds_the_same_grain_as_a_voice():
    """Effects need a voice: the grain becomes a cloud of itself (a start notice, a voice),
    and with an inaudible send it is the dry grain, sample for sample."""
    audio = _audio()
    dry_row = _grain_row()
    _, dry = _render(dry_row, audio, 3000)
    eng, y = _render(_grain_row(delay=1e-12), audio, 3000)
    np.testing.assert_allclose(y, naive.grain_from_row(audio, dry_row[0], 3000), atol=2e-6, rtol=0)
    np.testing.assert_allclose(y, dry, atol=2e-6, rtol=0)
    kinds = eng.pop_notices()[:, L.N_KIND].tolist()
    assert kinds.count(L.NK_STARTED) == 1 and kinds.count(L.NK_ENDED) == 1
    assert eng.stats()["grains"] == 1 and eng.stats()["active_voices"] == 0


@pytest.mark.parametrize("speed", [1.37, -0.71])
def test_a_single_grain_goes_through_every_per_voice_effect(speed):
    audio = _audio()
    row = _grain_row(speed=speed, vowel=2, shape=0.4, hcutoff=120.0, bandf=1500.0, bandq=2.0,
                     crush=6, coarse=2, cutoff=5000.0, resonance=0.2)
    _, y = _render(row, audio, 3000)
    g = naive.grain_from_row(audio, row[0], 3000)
    L_ = int(round(0.02 * SR))
    ref = np.zeros_like(g)
    lo, hi = 37, 37 + L_ + 1          # the voice: the grain, then its (silent) release
    for c in range(2):
        ref[lo:hi, c] = naive.voice_chain(g[lo:hi, c], row[0])
    assert np.abs(ref).max() > 0.05
    np.testing.assert_allclose(y[:hi], ref[:hi], atol=2e-5)
    assert not np.allclose(y, g, atol=1e-3)


def test_a_single_grain_with_room_leaves_a_reverb_tail():
    audio = _audio()
    _, dry = _render(_grain_row(), audio, 24000)
    eng, wet = _render(_grain_row(room=0.5, size=0.8), audio, 24000)
    end = 37 + int(round(0.02 * SR))
    assert not np.any(dry[end + 1:])
    assert np.abs(wet[end + 2000:]).max() > 1e-3          # the tail after the grain ended
    np.testing.assert_allclose(wet[:end], dry[:end], atol=0.05)   # the grain itself still there
    assert np.all(np.isfinite(wet))
