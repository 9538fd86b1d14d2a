"""The default bank's synthesis kernels against textbook responses."""
from __future__ import annotations

import numpy as np
import pytest

from livesamp.bank import measure as m
from livesamp.bank.default import synth as s

SR = 48000


def steady_gain(y, x):
    half = len(x) // 2  # skip the filter's settling
    return np.sqrt(np.mean(y[half:] ** 2) / np.mean(x[half:] ** 2))


def bilinear_gain(mode, f, fc, q):
    """|H| of the analog 2-pole prototype, bilinear-transformed with prewarping (what a TPT SVF is)."""
    wa, wc = np.tan(np.pi * f / SR), np.tan(np.pi * fc / SR)
    den = abs(complex(wc * wc - wa * wa, wa * wc / q))
    num = {"lowpass": wc * wc, "highpass": wa * wa, "bandpass": wa * wc / q}[mode]
    return num / den


@pytest.mark.parametrize("mode, f, fc, q, textbook", [
    ("lowpass", 1000.0, 1000.0, 0.7071, 0.7071),  # -3 dB at the cutoff
    ("lowpass", 1000.0, 1000.0, 4.0, 4.0),         # resonance: gain Q at the cutoff
    ("lowpass", 100.0, 5000.0, 0.7071, 1.0),
    ("lowpass", 4000.0, 500.0, 0.7071, (500 / 4000) ** 2),  # -12 dB per octave
    ("highpass", 100.0, 1000.0, 0.7071, (100 / 1000) ** 2),
    ("bandpass", 2000.0, 2000.0, 3.0, 1.0),        # unity at the centre
])
def test_svf_magnitude(mode, f, fc, q, textbook):
    x = s.sine(f, SR // 2)
    y = s.svf(x, fc, q, mode)
    assert steady_gain(y, x) == pytest.approx(bilinear_gain(mode, f, fc, q), rel=0.01)
    assert steady_gain(y, x) == pytest.approx(textbook, rel=0.1)


def test_svf_per_frame_cutoff_and_stereo():
    x = s.white(np.random.default_rng(0), 4800)
    swept = s.lowpass(x, np.full(4800, 700.0))
    assert np.allclose(swept, s.lowpass(x, 700.0))
    st = s.lowpass(np.stack([x, x], 1), 700.0)
    assert st.shape == (4800, 2) and np.array_equal(st[:, 0], swept)
    with pytest.raises(ValueError, match="4800"):
        s.lowpass(x, np.ones(10))


def test_polyblep_saw_matches_an_additive_saw():
    n, f = SR // 4, 440.0
    t = np.arange(n) / SR
    k = np.arange(1, int(SR / 2 / f) + 1)[:, None]
    ideal = -(2 / np.pi) * np.sum(np.sin(2 * np.pi * k * (f * t + 0.5)) / k, axis=0)  # rising saw 2 ph - 1
    saw = s.saw(f, n, start=0.5)
    assert np.corrcoef(saw, ideal)[0, 1] > 0.995
    sq = s.square(f, n)
    assert abs(np.mean(sq)) < 0.01 and m.dominant_hz(sq, SR) == pytest.approx(f, abs=2)


def test_karplus_pitch_and_decay():
    rng = np.random.default_rng(1)
    x = s.karplus(rng, 220.0, SR, 0.2, pluck_at=0.2)
    period = round(SR / 220.0 - 0.5)
    assert m.dominant_hz(x, SR) == pytest.approx(SR / (period + 0.5), rel=0.01)
    early, late = np.abs(x[:4800]).max(), np.abs(x[-4800:]).max()
    assert late < early * np.exp(-0.8 / 0.2) * 2  # about exp(-t / tau)


def test_noise_colours_and_helpers():
    rng = np.random.default_rng(2)
    white, pink, brown = s.white(rng, SR), s.pink(rng, SR), s.brown(rng, SR)
    assert m.centroid_hz(brown, SR) < m.centroid_hz(pink, SR) < m.centroid_hz(white, SR)
    assert abs(np.mean(brown)) < 0.05 and np.sqrt(np.mean(pink ** 2)) == pytest.approx(1.0)
    faded = s.fade(np.ones((1000, 2)), 0.001, 0.002)
    assert faded[0, 0] < 0.01 and faded[-1, 1] < 0.01 and faded[500, 0] == 1.0
    y = s.normalise(np.array([0.0, 0.5, -2.0]), -6.0)
    assert np.max(np.abs(y)) == pytest.approx(10 ** (-6 / 20))
    with pytest.raises(ValueError, match="silent"):
        s.normalise(np.zeros(4))
    assert s.glide(100.0, 400.0, 10, 1e-9)[-1] == pytest.approx(400.0)
