"""Descriptors: kernels against naive references, then measurements of sounds whose answers are known."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import naive_descriptors as naive
from livesamp.bank import _descriptor_kernels as k
from livesamp.bank.descriptors import DESCRIPTOR_FIELDS, Descriptors, _band_edges, describe

SR = 48000
rng = np.random.default_rng(7)


def sine(f, dur=1.0, sr=SR, amp=0.5):
    return amp * np.sin(2 * np.pi * f * np.arange(int(dur * sr)) / sr)


# -- kernels against references -----------------------------------------------------------

@pytest.mark.parametrize("hop", [1, 7, 96])
def test_blocks_match_reference(hop):
    x = rng.standard_normal(1001).astype(np.float32)
    x[100:130] = 0.0  # zeros count as positive
    got = k.blocks(x, hop)
    want = naive.blocks(x, hop)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-9)


def test_smooth_and_onsets_match_reference():
    power = rng.exponential(1.0, 300) * np.repeat(rng.choice([1e-4, 1.0], 30), 10)
    np.testing.assert_allclose(k.smooth_db(power, 5), naive.smooth_db(power, 5), atol=1e-9)
    env = 10 * np.log10(power)
    for args in [(0, 300, -30.0, 8.0, 5, 5), (20, 250, -10.0, 6.0, 3, 1), (0, 300, 0.0, 20.0, 5, 50)]:
        assert k.count_onsets(env, *args) == naive.count_onsets(env, *args)


def test_spectral_stats_match_reference():
    n = 1024
    freqs = np.fft.rfftfreq(n, 1 / SR)
    edges = _band_edges(n, SR)
    power = rng.exponential(1.0, (6, n // 2 + 1)).astype(np.float32)
    power[1] = 0.0  # a silent frame
    power[2, :] = 1e-12
    power[2, 40] = 1.0  # a pure tone
    got = k.spectral_stats(power, freqs, edges)
    want = naive.spectral_stats(power, freqs, edges)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-9)
    assert got[3][2] < 0.01 and got[3][0] > 0.4  # tone vs noise flatness


def test_pitch_pick_matches_reference():
    n = 4096
    window = np.hanning(n + 2)[1:-1]
    wspec = np.fft.rfft(window, 2 * n)
    wacf = np.fft.irfft(np.abs(wspec) ** 2, 2 * n)[:n]
    wacf /= wacf[0]
    frames = np.stack([sine(220, n / SR)[:n] * window, rng.standard_normal(n) * window,
                       np.zeros(n), (sine(97, n / SR) + 0.3 * sine(194, n / SR))[:n] * window])
    spec = np.fft.rfft(frames, 2 * n, axis=1)
    acf = np.fft.irfft(np.abs(spec) ** 2, 2 * n, axis=1)[:, : n // 3 + 2]
    got = k.pitch_pick(acf, wacf, 12, n // 3, float(SR))
    want = naive.pitch_pick(acf, wacf, 12, n // 3, float(SR))
    np.testing.assert_allclose(got[0], want[0], rtol=1e-9)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-9)
    assert abs(got[0][0] - 220) < 1 and got[1][0] > 0.95
    assert abs(got[0][3] - 97) < 1


# -- known sounds ----------------------------------------------------------------------------

@pytest.mark.parametrize("f", [55.0, 220.0, 1000.0, 3000.0])
def test_sine_pitch_centroid_zcr(f):
    d = describe(sine(f), SR)
    assert abs(d.pitch_hz - f) / f < 0.01
    assert d.pitch_confidence > 0.9 and d.flatness < 0.05
    assert abs(d.centroid_hz - f) / f < 0.1
    assert abs(d.zcr - 2 * f / SR) < 0.1 * 2 * f / SR
    assert abs(d.loudness_db - 20 * np.log10(0.5 / np.sqrt(2))) < 0.2
    assert abs(d.duration_s - 1.0) < 0.01 and d.onsets <= 1


def test_white_noise_is_flat_bright_and_unpitched():
    d = describe(0.1 * rng.standard_normal(SR), SR)
    assert d.flatness > 0.4 and d.pitch_confidence < 0.4
    assert 7000 < d.centroid_hz < 9000 and d.centroid_sweep_oct < 0.3  # the middle of 20 Hz-16 kHz
    assert 0.4 < d.zcr < 0.6


def test_duration_attack_decay():
    t = np.arange(int(0.5 * SR)) / SR
    ramp = np.minimum(t / 0.05, 1.0) * np.exp(-np.maximum(t - 0.05, 0) / 0.1)
    x = np.concatenate([np.zeros(SR // 4), ramp * rng.standard_normal(len(t)), np.zeros(SR // 4)])
    d = describe(x, SR)
    assert abs(d.attack_s - 0.608 * 0.05) < 0.008  # amplitude from -20 dB (0.1) to -3 dB (0.708)
    assert abs(d.decay_s - 0.1 * np.log(10)) < 0.03  # 20 dB of an exponential decay
    assert 0.45 < d.duration_s <= 0.5 and abs(d.length_s - 1.0) < 1e-9  # decays 39 dB: all active
    assert d.sustain_s < 0.2


def test_click_train_onsets():
    x = 1e-4 * rng.standard_normal(2 * SR)
    for i in range(40):  # 20 clicks a second
        x[i * SR // 20: i * SR // 20 + 30] += 0.5 * np.exp(-np.arange(30) / 8)
    d = describe(x, SR)
    assert 39 <= d.onsets <= 40 and abs(d.onset_density_hz - 20) < 1.5


def test_sweeping_noise_has_a_sweep():
    from bank_fixtures import _bandpass

    n = 2 * SR
    f = 300 * (8000 / 300) ** np.linspace(0, 1, n)
    d = describe(_bandpass(rng.standard_normal(n), SR, f, 3.0), SR)
    steady = describe(_bandpass(rng.standard_normal(n), SR, 2000.0, 3.0), SR)
    assert d.centroid_sweep_oct > 2.0 and steady.centroid_sweep_oct < 0.4


def test_silence_empty_stereo_and_rates():
    for x in (np.zeros(1000), np.zeros(0), np.full(100, 1e-7)):
        d = describe(x, SR)
        assert d.silent and d.duration_s == 0.0 and d.loudness_db == -100.0
    x = sine(440, 0.5)
    stereo = np.stack([x, 0.5 * x], axis=1)
    assert describe(stereo, SR) == describe(0.75 * x, SR)
    a, b = describe(sine(440, 0.5, 44100), 44100), describe(sine(440, 0.5, 48000), 48000)
    assert abs(a.pitch_hz - b.pitch_hz) < 2 and abs(a.loudness_db - b.loudness_db) < 0.1


def test_bad_input_says_what_was_expected():
    with pytest.raises(ValueError, match="sample rate must be positive"):
        describe(np.zeros(10), 0)
    with pytest.raises(ValueError, match=r"\(frames,\) or \(frames, channels\)"):
        describe(np.zeros((2, 3, 4)), SR)
    with pytest.raises(ValueError, match="'pitch_hz' must be a number"):
        Descriptors.from_dict({**describe(sine(440, 0.1), SR).to_dict(), "pitch_hz": "high"})


def test_round_trip_through_dict():
    d = describe(sine(440, 0.2), SR)
    assert Descriptors.from_dict(json.loads(json.dumps(d.to_dict()))) == d
    assert list(d.to_dict()) == list(DESCRIPTOR_FIELDS)


def test_kernels_without_jit_give_the_same_descriptors(tmp_path):
    """NUMBA_DISABLE_JIT=1 runs the kernel bodies as Python (coverage of their source)."""
    from bank_fixtures import make

    sounds = [make(kind, 1) for kind in ("noise_burst", "bright_tone", "thump")]
    np.save(tmp_path / "x.npy", np.array([np.asarray(x, np.float32) for x, _ in sounds], dtype=object),
            allow_pickle=True)
    code = ("import json, sys, numpy as np\nfrom livesamp.bank.descriptors import describe\n"
            "xs = np.load(sys.argv[1], allow_pickle=True)\n"
            "print(json.dumps([describe(x, int(sr)).to_dict() for x, sr in zip(xs, sys.argv[2:])]))")
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.npy"), *(str(sr) for _, sr in sounds)],
                         env=env, capture_output=True, text=True, check=True, cwd=Path(__file__).parent)
    for got, (x, sr) in zip(json.loads(out.stdout), sounds):
        want = describe(np.asarray(x, np.float32), sr).to_dict()
        for key in want:
            assert got[key] == pytest.approx(want[key], rel=1e-4, abs=1e-6), key
