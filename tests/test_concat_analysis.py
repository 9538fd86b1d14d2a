"""Corpus analysis: kernels and the per-unit descriptors against naive references, then
segmentation and descriptors of sounds whose answers are known."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import naive_concat as naive
from livesamp.concat import _analysis_kernels as K
from livesamp.concat.analysis import DESCRIPTORS, Segmentation, analyse, dct_matrix, frame_layout, mel_filters

SR = 48000
rng = np.random.default_rng(9)


def tone(f, dur, amp=0.5, sr=SR):
    t = np.arange(int(dur * sr)) / sr
    return amp * np.sin(2 * np.pi * f * t)


def burst_train(onsets_s, total_s, sr=SR):
    """Decaying noise bursts starting at onsets_s, over a -80 dB floor."""
    x = 1e-4 * rng.standard_normal(int(total_s * sr))
    for o in onsets_s:
        a = int(o * sr)
        n = min(len(x) - a, int(0.15 * sr))
        x[a:a + n] += 0.5 * rng.standard_normal(n) * np.exp(-np.arange(n) / (0.03 * sr))
    return x


# -- kernels against references ----------------------------------------------------------------

def test_flux_matches_reference():
    m = rng.normal(-40, 10, (50, 40))
    np.testing.assert_allclose(K.flux(m), naive.flux(m), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("wait", [0, 3, 8])
def test_pick_peaks_matches_reference(wait):
    nov = np.abs(rng.standard_normal(400)) ** 3
    nov[::37] += 6.0
    gate = rng.random(400) > 0.1
    got = K.pick_peaks(nov, 3, 3, 10, 10, 1.0, wait, gate)
    np.testing.assert_array_equal(got, naive.pick_peaks(nov, 3, 3, 10, 10, 1.0, wait, gate))
    assert len(got) > 3


def test_refine_onsets_matches_reference():
    power = np.abs(rng.standard_normal(1000)) * 1e-6
    power[[100, 400, 401, 750]] = [1.0, 0.5, 2.0, 0.1]
    approx = np.array([0, 5 * 96 * 20, 96 * 410, 96 * 760, 96 * 999], dtype=np.int64)
    got = K.refine_onsets(approx, power, 96, 1024, 512, 10 ** -1.5)
    np.testing.assert_array_equal(got, naive.refine_onsets(approx, power, 96, 1024, 512, 10 ** -1.5))


def test_unit_time_stats_match_reference():
    x = rng.standard_normal(5000).astype(np.float32)
    x[1000:1100] = 0.0  # zeros count as positive
    starts = np.array([0, 7, 990, 4999], dtype=np.int64)
    ends = np.array([7, 990, 4999, 5000], dtype=np.int64)
    for got, want in zip(K.unit_time_stats(x, starts, ends), naive.unit_time_stats(x, starts, ends)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_mel_filters_and_dct_match_reference():
    for sr in (22050, 44100, 48000):
        n, _ = frame_layout(sr)
        np.testing.assert_allclose(mel_filters(n, sr), naive.mel_filters(n, sr), atol=1e-9)
    np.testing.assert_allclose(dct_matrix(), naive.dct(), atol=1e-12)
    d = dct_matrix()
    np.testing.assert_allclose(d @ d.T, np.eye(13), atol=1e-12)  # orthonormal rows


@pytest.mark.parametrize("sr", [48000, 44100])
def test_unit_descriptors_match_reference(sr):
    """Every descriptor of every unit, against a reference that transforms each frame alone."""
    n = int(1.3 * sr)
    x = np.concatenate([tone(330, 0.4, 0.3, sr), 0.2 * rng.standard_normal(int(0.5 * sr)),
                        tone(1200, 0.4, 0.05, sr) + 0.01 * rng.standard_normal(int(0.4 * sr))])[:n]
    units = analyse(x.astype(np.float32), sr, Segmentation(mode="fixed", unit_s=0.2, min_s=0.05))
    assert len(units) == 7 and units.ends[-1] == len(x)  # 6 x 0.2 s and a 0.1 s tail
    want = naive.unit_descriptors(x.astype(np.float32), sr, units.starts, units.ends)
    got = units.descriptors
    for j, name in enumerate(DESCRIPTORS):
        np.testing.assert_allclose(got[:, j], want[:, j], rtol=2e-4, atol=1e-6 if j != 4 else 0.05, err_msg=name)


# -- segmentation ---------------------------------------------------------------------------

def test_onsets_cut_units_where_sounds_start():
    onsets = [0.1, 0.4, 0.55, 0.9, 1.3]
    units = analyse(burst_train(onsets, 1.6), SR)
    starts = units.starts / SR
    for o in onsets:
        assert np.min(np.abs(starts - o)) < 0.006, (o, starts)
    assert all(d <= 0.5 + 1e-9 for d in units.descriptors[:, 7])


def test_min_and_max_unit_length():
    x = burst_train([0.1, 0.12, 0.14, 1.0], 3.0)  # three onsets 20 ms apart, then a long tail
    units = analyse(x, SR, Segmentation(min_s=0.1, max_s=0.4))
    lengths = (units.ends - units.starts) / SR
    assert lengths.min() >= 0.1 - 1e-9 and lengths.max() <= 0.4 + 1e-9
    assert np.sum(np.abs(units.starts / SR - 0.12) < 0.01) == 0  # the onset 20 ms after another is skipped


def test_fixed_slicing_and_silence_left_out():
    x = np.concatenate([tone(440, 1.0), np.zeros(SR), tone(440, 0.55)])
    units = analyse(x, SR, Segmentation(mode="fixed", unit_s=0.25, min_s=0.1))
    assert list(units.starts[:4]) == [0, 12000, 24000, 36000]
    assert not np.any((units.starts >= SR) & (units.ends <= 2 * SR))  # the silent second: no units
    assert units.ends[-1] == len(x) and units.ends[-1] - units.starts[-1] == int(0.3 * SR)  # tail joined


def test_empty_silent_and_bad_input():
    assert len(analyse(np.zeros(0, np.float32), SR)) == 0
    assert len(analyse(np.zeros(SR, np.float32), SR)) == 0
    one = analyse(tone(440, 0.01), SR)  # shorter than min_s: one unit
    assert len(one) == 1 and one.ends[0] == 480
    with pytest.raises(ValueError, match="mode"):
        Segmentation(mode="beats")
    with pytest.raises(ValueError, match="min_s"):
        Segmentation(min_s=1.0, max_s=0.5)
    with pytest.raises(ValueError, match="sample rate"):
        analyse(tone(440, 0.1), 0)


# -- descriptors of known sounds --------------------------------------------------------------

@pytest.mark.parametrize("f", [55.0, 220.0, 440.0, 1760.0])
def test_tone_pitch_centroid_and_confidence(f):
    units = analyse(tone(f, 1.0), SR, Segmentation(mode="fixed", unit_s=0.25))
    d = dict(zip(DESCRIPTORS, units.descriptors[1]))
    assert d["pitch_hz"] == pytest.approx(f, rel=0.01)
    assert d["pitch_confidence"] > 0.9 and d["flatness"] < 0.05
    assert d["zcr"] == pytest.approx(2 * f / SR, rel=0.02)
    assert d["loudness_db"] == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.05)


def test_noise_brightness_orders_centroid_and_timbre():
    white = rng.standard_normal(SR)
    dark = np.cumsum(white) / 200  # brown: energy at the bottom
    dark -= np.convolve(dark, np.ones(480) / 480, mode="same")
    bright = np.diff(white, prepend=0.0)  # violet: energy at the top
    cents = []
    for x in (dark, white, bright):
        d = analyse(0.3 * x / np.abs(x).max(), SR, Segmentation(mode="fixed", unit_s=0.5)).descriptors
        cents.append(d[:, 1].mean())
        assert d[:, 5].mean() < 0.5  # unpitched
    assert cents[0] < cents[1] < cents[2]


def test_kernels_without_jit_give_the_same_units(tmp_path):
    """NUMBA_DISABLE_JIT=1 runs the analysis kernels as Python (coverage of their source)."""
    x = burst_train([0.05, 0.3], 0.5).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    code = ("import json, sys, numpy as np\nfrom livesamp.concat.analysis import analyse\n"
            "u = analyse(np.load(sys.argv[1]), 48000)\n"
            "print(json.dumps([u.starts.tolist(), u.ends.tolist(), u.descriptors.tolist()]))")
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.npy")], env=env, capture_output=True,
                         text=True, check=True, cwd=Path(__file__).parent, timeout=300)
    starts, ends, desc = json.loads(out.stdout)
    want = analyse(x, SR)
    assert starts == want.starts.tolist() and ends == want.ends.tolist()
    np.testing.assert_allclose(np.array(desc), want.descriptors, rtol=1e-6, atol=1e-9)
