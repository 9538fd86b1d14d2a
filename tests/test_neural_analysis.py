"""The neural voice's analysis and synthesiser: kernels against slow references, and the
synth -> analysis round trip on known harmonic-plus-noise controls."""
from __future__ import annotations

import numpy as np
import pytest

import naive_neural as naive
from livesamp.neural import _kernels as K
from livesamp.neural import features as F
from livesamp.neural import synth as S
from livesamp.neural.cache import Analyses, read_analysis, write_analysis

SR = 48000
HOP = 480


def _controls(frames=120, f0=220.0, n_harm=20, noise_level=0.003, rng=None):
    rng = rng or np.random.default_rng(0)
    f = np.full(frames, f0) * (1 + 0.01 * np.sin(np.arange(frames) / 9))
    harm = np.zeros((frames, F.N_HARM))
    harm[:, :n_harm] = 0.3 / np.arange(1, n_harm + 1) * (1 + 0.1 * rng.random((frames, n_harm)))
    noise = np.full((frames, F.N_NOISE), noise_level)
    return f, harm, noise


def test_synth_kernel_matches_the_naive_reference():
    rng = np.random.default_rng(3)
    frames = 9
    f0 = np.array([110, 140, 0, 220, 500, 2400, 2400, 90, 90], float)   # silence, glides, a pitch above the top
    harm = rng.random((frames, 12)) * 0.1
    noise = rng.random((frames, 5)) * 0.01
    bank = rng.standard_normal((5, 1000)).astype(np.float32)
    out = np.zeros((frames - 1) * HOP + 1, np.float32)
    f_max = 0.47 * SR
    K.synth_into(out, f0, harm, noise, HOP, float(SR), f_max, bank, 777, 0.0)
    ref = naive.synth(f0, harm, noise, HOP, SR, f_max, bank.astype(float), 777)
    assert np.max(np.abs(out - ref)) < 2e-5 * max(1.0, np.max(np.abs(ref)))


def test_synth_kernel_treats_non_finite_controls_as_zero():
    f0 = np.array([220.0, np.nan, 220.0])
    harm = np.full((3, 4), 0.1)
    harm[1, 2] = np.inf
    harm[2, 1] = np.nan
    noise = np.full((3, 2), np.nan)
    out = np.full(2 * HOP + 1, 5.0, np.float32)
    K.synth_into(out, f0, harm, noise, HOP, float(SR), 0.47 * SR, np.ones((2, 64), np.float32), 0, 0.0)
    assert np.isfinite(out).all() and np.abs(out).max() < 1.0
    assert np.abs(out[:HOP]).max() > 0.05            # the finite parts still sound


def test_decimator_matches_the_naive_reference():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(500)
    h = F._lowpass(3)
    assert np.allclose(K.decimate(x, h, 3), naive.decimate(x, h, 3), atol=1e-12)


def test_harm_mel_matches_the_naive_reference():
    from livesamp.neural.model import MelProjection

    rng = np.random.default_rng(2)
    proj = MelProjection(SR, dtype=np.float64)
    ph = rng.random((5, F.N_HARM)) * 1e-3
    ph[0, 3] = 0.0
    f0 = np.array([55.0, 110.0, 440.0, 1999.0, 900.0])
    got = K.harm_mel(ph, f0, proj.grid_idx, proj.grid_w, proj.GRID_HZ, F.N_MEL_LOSS)
    ref = naive.harm_mel(ph, f0, proj.grid_idx, proj.grid_w, proj.GRID_HZ, F.N_MEL_LOSS)
    assert np.allclose(got, ref, rtol=1e-12, atol=1e-18)


def test_loudness_reads_minus_three_db_for_a_full_scale_1khz_sine():
    x = np.sin(2 * np.pi * 1000 * np.arange(SR) / SR)
    fr = F.analyse(x, SR)
    body = slice(10, -10)
    assert abs(np.median(fr.loudness[body]) + 3.0) < 0.1
    assert abs(np.median(fr.f0[body]) - 1000) < 2
    assert abs(np.median(fr.harm[body, 0]) - 1.0) < 0.03
    assert np.median(fr.periodicity[body]) > 0.95


def test_round_trip_harmonics_within_5_percent_and_pitch_within_half_a_percent():
    f0, harm, noise = _controls()
    y = S.render(f0, harm, noise, SR, HOP)
    fr = F.analyse(y, SR)
    body = slice(15, -15)
    assert fr.voiced[body].all()
    assert np.max(np.abs(fr.f0[body] / f0[body] - 1)) < 0.005
    ratio = fr.harm[body, :20] / harm[body, :20]
    assert np.all(np.abs(np.median(ratio, axis=0) - 1) < 0.05), np.median(ratio, axis=0)


def test_round_trip_noise_bands_within_1_db_in_wide_bands():
    """White noise (every gain equal) and a tilted spectrum, without harmonics: the band
    power averaged over frames comes back within 1 dB where bands are wide (>= 1 kHz)."""
    frames = 150
    centres = F.noise_centres()
    for gains in (np.full(F.N_NOISE, 0.02), 0.05 * (1 + centres / 2000.0) ** -0.5):
        noise = np.tile(gains, (frames, 1))
        y = S.render(np.zeros(frames), np.zeros((frames, F.N_HARM)), noise, SR, HOP)
        fr = F.analyse(y, SR)
        body = slice(15, -15)
        assert fr.voiced[body].mean() < 0.05
        got = 10 * np.log10(np.mean(fr.noise[body] ** 2, axis=0) / gains ** 2)
        wide = np.diff(np.concatenate([centres, [centres[-1] * 1.1]])) >= 1000
        assert np.all(np.abs(got[wide]) < 1.0), got[wide]
        assert np.all(np.abs(got) < 3.0), got   # narrow bands: noisier, still close


def test_noise_under_harmonics_is_not_inflated_by_leakage():
    """Harmonics 60 dB above the noise: the residual between them reads the noise, not the
    harmonics' sidelobes (the Blackman-Harris window's job; a Hann window reads it ~20 dB
    high). A gliding pitch widens the masks: the estimate stays within a few dB."""
    frames = 120
    harm = np.zeros((frames, F.N_HARM))
    harm[:, :20] = 0.3 / np.arange(1, 21)
    noise = np.full((frames, F.N_NOISE), 0.0003)
    centres = F.noise_centres()
    between = (centres > 900) & (centres < 4000)
    for f0, tol in ((np.full(frames, 220.0), 3.0), (220.0 * (1 + 0.01 * np.sin(np.arange(frames) / 9)), 8.0)):
        y = S.render(f0, harm, noise, SR, HOP)
        fr = F.analyse(y, SR)
        body = slice(15, -15)
        got = 10 * np.log10(np.mean(fr.noise[body] ** 2, axis=0) / 0.0003 ** 2)
        assert np.all(np.abs(got[between]) < tol), got[between]
        assert np.all(np.abs(got[centres > 6000]) < 1.0), got[centres > 6000]


def test_silence_and_empty_sounds_analyse_to_quiet_unvoiced_frames():
    fr = F.analyse(np.zeros(4800), SR)
    assert len(fr) == 11 and not fr.voiced.any() and fr.loudness.max() < -100
    assert np.all(fr.harm == 0) and np.isfinite(fr.noise).all()
    fr = F.analyse(np.zeros(0), SR)
    assert len(fr) == 1


def test_analysis_sidecar_round_trip_and_staleness(tmp_path):
    x = np.sin(2 * np.pi * 330 * np.arange(SR // 2) / SR) * 0.4
    fr = F.analyse(x, SR)
    p = tmp_path / "a.wav.neural.npz"
    assert write_analysis(p, fr, "abc", "tone:0", "kit", {"source": "test"})
    back = read_analysis(p, "abc", SR)
    assert back is not None and np.array_equal(back.harm, fr.harm) and back.hop == fr.hop
    assert read_analysis(p, "other-sha", SR) is None          # another sound's analysis
    assert read_analysis(p, "abc", 44100) is None             # another rate
    assert not list(tmp_path.glob(".*tmp"))                   # no temporary file left


def test_analyses_are_written_beside_the_sound_file_and_read_back(tmp_path, monkeypatch):
    import soundfile as sf

    from livesamp.bank import FolderBank, SampleLibrary

    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "kit" / "tone").mkdir(parents=True)
    f = tmp_path / "kit" / "tone" / "a.wav"
    sf.write(f, (0.3 * np.sin(2 * np.pi * 200 * np.arange(9600) / SR)).astype(np.float32), SR)
    lib = SampleLibrary([FolderBank(tmp_path / "kit")], sr=SR)
    first = Analyses()
    a = first.get(lib, lib.get("tone", 0))
    assert first.analysed == 1 and (tmp_path / "kit" / "tone" / "a.wav.neural.npz").is_file()
    second = Analyses()
    b = second.get(lib, lib.get("tone", 0))
    assert second.analysed == 0 and np.array_equal(a.f0, b.f0)


@pytest.mark.parametrize("sr", [44100, 48000])
def test_layout_is_ten_ms_hops_and_about_43_ms_windows(sr):
    hop, n_fft = F.layout(sr)
    assert hop == round(sr / 100) and n_fft == 2048
