"""A trained voice: its model file, the shipped default voice, and the safety of what it
renders (finite, level-bounded, following the source's loudness) on sounds it never saw."""
from __future__ import annotations

import numpy as np
import pytest

from livesamp.neural import features as F
from livesamp.neural import metrics as M
from livesamp.neural.model import Config, param_count
from livesamp.neural.modelfile import digest, load_voice, save_voice, voice_bytes
from livesamp.neural.train import examples, fit
from livesamp.neural.voice import GUARD_DB, frame_rms_db

SR = 48000
TONAL = ("hum", "ping", "pluck", "womp", "boing")
PERCUSSIVE = ("thud", "clap", "tss", "knock", "crackle", "tick", "zap", "shaka")


@pytest.fixture(scope="module")
def tonal_voice():
    """A small voice trained on the default bank's tonal sounds only."""
    from livesamp.bank import default_library

    lib = default_library()
    frames = [F.analyse(lib.get(n, i).audio(), SR) for n in TONAL for i in range(2)]
    voice = fit(examples(frames), Config(hidden=48, steps=300, batch=256, seed=2, envelope=96)).voice
    voice.card = {"name": "tonal", "training": []}
    return voice


@pytest.fixture(scope="module")
def percussive():
    from livesamp.bank import default_library

    lib = default_library()
    return [(f"{n}:{i}", lib.get(n, i).audio().mean(axis=1)) for n in PERCUSSIVE for i in range(2)]


def test_model_file_round_trip_is_exact_and_small(tonal_voice, tmp_path):
    path = save_voice(tonal_voice, tmp_path / "v.npz")
    back = load_voice(path)
    assert digest(back) == digest(tonal_voice) and back.config == tonal_voice.config
    assert back.card["name"] == "tonal" and path.stat().st_size < 500_000
    assert not list(tmp_path.glob(".*"))                  # the atomic write left no temporary


def test_not_a_model_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.npz"
    bad.write_bytes(b"nope")
    with pytest.raises(ValueError, match="not a livesamp voice model"):
        load_voice(bad)


def test_the_shipped_default_voice_loads_offline_and_describes_itself():
    from livesamp.neural.store import load, packaged_dir

    v = load("default")
    assert str(v.card["path"]).startswith(str(packaged_dir()))
    assert param_count(v.params) <= 50_000 and (packaged_dir() / "default.npz").stat().st_size <= 500_000
    card = v.card
    assert card["training"] and all(len(t["sha256"]) == 64 and t["provenance"] for t in card["training"])
    assert {t["bank"] for t in card["training"]} == {"default"} and len(card["training"]) >= 28
    assert len(card["latents"]) == 4 and all(m["says"] for m in card["latents"])
    assert sum(m["monotonic"] for m in card["latents"]) >= 2
    c0 = card["latents"][0]["centroid_hz"]
    assert c0[-1] > c0[0]                                  # z0 up is brighter, by construction


def test_transfer_of_unseen_percussion_is_finite_bounded_and_follows_the_source(tonal_voice, percussive):
    corr = []
    for label, src in percussive:
        fr = F.analyse(src, SR)
        for pins in ({}, {0: 2.0, 1: -2.0}):
            out = tonal_voice.render(fr, pins=pins, follow=True, source=src)
            assert out.shape == src.shape and np.isfinite(out).all() and np.abs(out).max() < 1.0, label
            if not pins:        # (a latent pinned at an extreme may be a quiet region of the voice)
                assert M.rms_db(out) > M.rms_db(src) - 30, label             # not silent
            over = frame_rms_db(out, fr.hop, len(fr)) - frame_rms_db(src, fr.hop, len(fr))
            assert over.max() <= GUARD_DB + 0.01, (label, over.max())   # no frame 6 dB over the source's
            r = M.loudness_correlation(src, out, SR)
            if np.isfinite(r):
                corr.append(r)
    assert np.median(corr) >= 0.95 and len(corr) >= len(percussive)


def test_the_guard_holds_a_runaway_decoder(tonal_voice, percussive):
    """A decoder that outputs amplitudes e^5 (the cap) everywhere, without the loudness lock:
    the guard still keeps every frame within 6 dB of the source and the samples below 1."""
    import copy

    wild = copy.deepcopy(tonal_voice)
    wild.params["dec_b3"] = wild.params["dec_b3"] + 40.0
    for label, src in percussive[:6]:
        fr = F.analyse(src, SR)
        out = wild.render(fr, follow=False, source=src)
        assert np.isfinite(out).all() and np.abs(out).max() < 1.0
        assert np.all(frame_rms_db(out, fr.hop, len(fr)) - frame_rms_db(src, fr.hop, len(fr)) <= GUARD_DB + 0.01), label


def test_pinning_a_latent_changes_the_sound_and_pins_are_exact(tonal_voice):
    from livesamp.bank import default_library

    src = default_library().get("hum", 0).audio().mean(axis=1)
    fr = F.analyse(src, SR)
    a = tonal_voice.render(fr, pins={0: -2.0}, seed=1)
    moved = [M.logmel_distance(tonal_voice.render(fr, pins={d: -2.0}, seed=1),
                               tonal_voice.render(fr, pins={d: 2.0}, seed=1), SR) for d in range(4)]
    assert min(moved) > 0.05 and max(moved) > 0.5, moved
    assert np.array_equal(a, tonal_voice.render(fr, pins={0: -2.0}, seed=1))      # deterministic


def test_follow_keeps_the_frame_loudness_of_the_source(tonal_voice, percussive):
    label, src = percussive[0]
    fr = F.analyse(src, SR)
    harm, noise = tonal_voice.controls(fr, follow=True)
    from livesamp.neural.voice import analytic_loudness

    got = 10 * np.log10(analytic_loudness(harm, noise, fr.f0.astype(float), SR) + 1e-30)
    audible = fr.loudness > -60
    want = np.maximum(fr.loudness, -120)
    # equal, except where the +20 dB boost cap stops the lock
    assert np.all(got[audible] <= want[audible] + 1e-3)
    assert np.median(np.abs(got[audible] - want[audible])) < 0.01


def test_latent_measures_from_the_controls_match_the_rendered_sound(tonal_voice):
    """describe.measure_latents reads each frame's centroid from the controls (the expected
    spectrum); the sound the synthesiser renders from them has the same per-frame centroid."""
    from livesamp.bank import default_library
    from livesamp.neural.describe import _frame_measures, excerpts, measure_latents
    from livesamp.neural.metrics import _power_frames

    lib = default_library()
    material = [F.analyse(lib.get(n, 0).audio().mean(axis=1), SR) for n in ("hum", "whirr", "hiss")]
    measured = measure_latents(tonal_voice, excerpts(material))
    assert [m["dim"] for m in measured] == [0, 1, 2, 3]
    assert all(len(m["centroid_hz"]) == 5 and m["says"] for m in measured)
    n_fft = 2048
    freqs = np.arange(n_fft // 2 + 1) * SR / n_fft
    for fr in material:
        for pins in ({0: -2.0}, {1: 2.0}):
            harm, noise = tonal_voice.controls(fr, pins=pins, follow=True)
            expected, _, _ = _frame_measures(harm, noise, fr.f0.astype(np.float64), SR)
            audio = tonal_voice.render(fr, pins=pins, seed=3)
            p = _power_frames(audio.astype(np.float64), n_fft, fr.hop)[:len(fr)]
            p = p * (freqs < 20000)
            rendered = (p @ freqs) / np.maximum(p.sum(axis=1), 1e-30)
            keep = (fr.loudness > -50) & (np.arange(len(fr)) > 5) & (np.arange(len(fr)) < len(fr) - 5)
            ratio = np.median(rendered[keep] / expected[keep])
            assert 0.95 < ratio < 1.05, (pins, ratio)


def test_a_format_2_voice_still_loads_and_plays_as_it_did(tmp_path):
    """Format 2: harmonics straight from the network (no envelope, no ``envelope`` in its
    config); it reads as envelope 0 and renders exactly as before it was saved."""
    import io
    import json

    x = (np.sin(2 * np.pi * 196 * np.arange(SR // 2) / SR) * 0.3).astype(np.float32)
    fr = F.analyse(x, SR)
    old = fit(examples([fr]), Config(hidden=16, enc_hidden=8, steps=20, batch=64)).voice
    old.card = {"name": "old", "format": 2}
    with np.load(io.BytesIO(voice_bytes(old))) as z:
        arrays = {k: z[k] for k in z.files}
    card = json.loads(arrays["card"].tobytes())
    del card["config"]["envelope"]
    arrays["card"] = np.frombuffer(json.dumps(card).encode(), np.uint8)
    np.savez(tmp_path / "old.npz", **arrays)
    back = load_voice(tmp_path / "old.npz")
    assert back.config.envelope == 0 and back.card["format"] == 2
    assert np.array_equal(back.render(fr, source=x), old.render(fr, source=x))


def test_a_model_of_an_older_format_is_refused_with_what_to_do(tonal_voice, tmp_path):
    from livesamp.neural.modelfile import save_voice

    card = tonal_voice.card
    try:
        tonal_voice.card = dict(card, format=1)                # 64 harmonics, before format 2
        save_voice(tonal_voice, tmp_path / "kettle.npz")
    finally:
        tonal_voice.card = card
    with pytest.raises(ValueError, match=r"format 1; this livesamp reads formats 2 and 3: retrain it \(livesamp voice train kettle"):
        load_voice(tmp_path / "kettle.npz")
