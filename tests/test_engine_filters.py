"""The per-voice state-variable filters against the naive reference and their
defining frequency response; stability at any cutoff; click-free coefficient changes.

Tolerance: the kernel filters in float64 and stores float32 samples; compared with
the float64 reference the error is float32 rounding of the output (rtol 1e-6) plus
its propagation through the recursion: ``atol = 1e-5 * max|ref|``.
"""
from __future__ import annotations

import numpy as np
import pytest

import naive
from livesamp.engine import Engine, trigger_rows
from livesamp.engine.kernels.filters import svf_g, svf_k, svf_run

SR = 48000
RNG = np.random.default_rng(4)
NOISE = RNG.uniform(-1, 1, 12000).astype(np.float32)


@pytest.mark.parametrize("highpass", [False, True], ids=["lowpass", "highpass"])
@pytest.mark.parametrize("fc", [5.0, 10.0, 200.0, 1000.0, 8000.0, 21600.0, 30000.0])
@pytest.mark.parametrize("res", [0.0, 0.5, 1.0])
def test_svf_matches_naive(highpass, fc, res):
    buf = NOISE.copy()
    g = svf_g(fc, SR)
    svf_run(buf, 0, len(buf), highpass, g, g, svf_k(res), 0.0, 0.0, 0.1)
    ref = naive.svf(NOISE, fc, res, highpass)
    np.testing.assert_allclose(buf, ref, rtol=0, atol=1e-5 * np.abs(ref).max())


@pytest.mark.parametrize("highpass", [False, True], ids=["lowpass", "highpass"])
@pytest.mark.parametrize("fc,res", [(300.0, 0.0), (2000.0, 0.3), (6000.0, 0.6)])
def test_voice_filter_has_the_bilinear_two_pole_response(highpass, fc, res):
    """A sine through a filtered voice comes out with the gain of the bilinear-
    transformed 2-pole filter (what the TPT SVF is), within 0.05 dB."""
    n = 48000
    eng = Engine(protect=False)
    for f in (100.0, 700.0, 3100.0, 9000.0):
        t = np.arange(n) / SR
        sid = eng.add_sample(np.sin(2 * np.pi * f * t).astype(np.float32))
        eng.reset()
        kw = {"hcutoff": fc, "hresonance": res} if highpass else {"cutoff": fc, "resonance": res}
        eng.push(trigger_rows(1, frame=0, sample=sid, pan=0.0, interp=1, **kw))
        y = eng.render(n)[:, 0]
        seg = y[20000:40000].astype(np.float64)
        got_db = 20 * np.log10(np.sqrt(2 * np.mean(seg ** 2)))
        want_db = naive.biquad_gain_db(fc, res, f, highpass)
        assert got_db == pytest.approx(want_db, abs=0.05), f
    assert eng.stats()["killed_voices"] == 0


def test_stable_and_finite_at_the_extremes():
    loud = (RNG.uniform(-1, 1, 48000) * 100).astype(np.float32)
    for fc in (1e-6, 10.0, 0.45 * SR, 1e12):
        for res in (0.0, 1.0, 50.0):
            for hp in (False, True):
                buf = loud.copy()
                g = svf_g(fc, SR)
                _, a, b = svf_run(buf, 0, len(buf), hp, g, g, svf_k(res), 0.0, 0.0, 0.1)
                assert np.all(np.isfinite(buf)) and np.isfinite(a) and np.isfinite(b)
                assert np.abs(buf).max() < 100 * 1000 * 4    # bounded by Q = 1000


def test_cutoff_glides_instead_of_jumping():
    """Changing the target g mid-stream glides the coefficient (5 ms one-pole): no
    click (a burst in the second difference) where an instant switch makes one."""
    t = np.arange(9600) / SR
    x = (np.sin(2 * np.pi * 440 * t) + 0.5 * np.sin(2 * np.pi * 3000 * t)).astype(np.float32)
    smooth = 1 - np.exp(-1 / (0.005 * SR))

    def run(coef):
        buf = x.copy()
        g0, g1, k = svf_g(300.0, SR), svf_g(6000.0, SR), svf_k(0.3)
        g, a, b = svf_run(buf, 0, 4800, False, g0, g0, k, 0.0, 0.0, coef)
        g, a, b = svf_run(buf, 4800, 4800, False, g, g1, k, a, b, coef)
        assert g == pytest.approx(g1)     # arrived at the target
        d2 = np.abs(np.diff(buf.astype(np.float64), 2))
        return d2[4795:4815].max(), d2[8000:].max()

    click_glide, settled = run(smooth)
    click_jump, _ = run(1.0)
    assert click_glide < 0.2 * settled     # an instant switch: 7x settled
    assert click_jump > settled


def test_filters_on_stereo_samples_filter_each_channel():
    eng = Engine(protect=False)
    st = np.stack([NOISE, -NOISE], axis=1)
    sid = eng.add_sample(st)
    eng.push(trigger_rows(1, frame=0, sample=sid, cutoff=1000, pan=0.5, attack=1e-9,
                          release=1e-9, interp=1))
    y = eng.render(12000)
    lp = naive.svf(NOISE, 1000, 0.0) * np.cos(np.pi / 4)
    np.testing.assert_allclose(y[:11999, 0], lp[:11999], atol=2e-6)
    np.testing.assert_allclose(y[:11999, 1], -lp[:11999], atol=2e-6)
