"""The default onomatopoeic bank: contents, determinism, honesty of names, cache, API."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livesamp.bank import (
    BankWarning, DefaultBank, Provenance, Sample, SampleLibrary, UnknownSampleError, data_dir,
    default_library,
)
from livesamp.bank import measure as m
from livesamp.bank.default.recipes import RECIPES

SR = 48000
REQUIRED = [
    "big_swoosh", "small_swoosh", "thud", "soft_thud", "tss", "tsk", "klonk", "plink", "drip", "crackle",
    "whirr", "zap", "boing", "hum", "clap", "shaka", "rumble", "fizz", "ping", "womp", "tick", "bloop",
    "hiss", "chirp",
]


@pytest.fixture(scope="module")
def sounds() -> dict[tuple[str, int], np.ndarray]:
    """One in-memory generation of the whole bank (no cache)."""
    return DefaultBank(use_cache=False).generate()


def variants(sounds, name):
    return [x for (nm, _), x in sorted(sounds.items()) if nm == name]


# -- contents --------------------------------------------------------------------------

def test_names_and_variant_counts():
    lib = default_library()
    names = lib.names()
    assert len(names) >= 24 and set(REQUIRED) <= set(names)
    assert names == sorted(names)
    for name in names:
        assert 3 <= lib.count(name) <= 5, name


def test_every_sound_is_clean_float32_at_48k(sounds):
    assert len(sounds) == sum(r.variants for r in RECIPES)
    for r in RECIPES:
        for i, x in enumerate(variants(sounds, r.name)):
            assert x.dtype == np.float32 and (x.ndim == 1 or x.shape[1] == 2), (r.name, i)
            assert np.all(np.isfinite(x)), (r.name, i)
            peak_db = 20 * np.log10(float(np.max(np.abs(x))))
            rms_db = 10 * np.log10(float(np.mean(np.asarray(x, np.float64) ** 2)))
            if r.max_rms_db is None or rms_db < r.max_rms_db - 0.01:
                assert abs(peak_db - r.peak_db) < 0.01, (r.name, i, peak_db)  # peak-normalised
            else:
                assert peak_db < r.peak_db and abs(rms_db - r.max_rms_db) < 0.01, (r.name, i)  # loudness cap
            assert peak_db <= -0.9 and rms_db > -45.0, (r.name, i)
            assert np.max(np.abs(x[0])) < 0.05 and np.max(np.abs(x[-1])) < 1e-3, (r.name, i)  # no clicks


def test_lengths_follow_the_kind(sounds):
    for r in RECIPES:
        for x in variants(sounds, r.name):
            dur = len(x) / SR
            if r.kind == "percussive":
                assert dur <= 0.6, (r.name, dur)
            elif r.kind == "tone":
                assert 0.3 <= dur <= 2.0, (r.name, dur)
            else:
                assert 1.0 <= dur <= 4.0, (r.name, dur)


def test_variants_differ(sounds):
    for r in RECIPES:
        vs = variants(sounds, r.name)
        for a in range(len(vs)):
            for b in range(a + 1, len(vs)):
                assert vs[a].shape != vs[b].shape or not np.array_equal(vs[a], vs[b]), r.name


def test_generation_is_bit_identical(sounds):
    again = DefaultBank(use_cache=False).generate()
    assert again.keys() == sounds.keys()
    for key, x in sounds.items():
        assert np.array_equal(x, again[key]), key


# -- the names are honest ------------------------------------------------------------------

def test_tss_is_much_brighter_than_thud(sounds):
    tss = min(m.centroid_hz(x, SR) for x in variants(sounds, "tss"))
    thud = max(m.centroid_hz(x, SR) for x in variants(sounds, "thud"))
    assert thud < 150 and tss > 20 * thud


def test_big_swoosh_is_longer_and_lower_than_small_swoosh(sounds):
    big, small = variants(sounds, "big_swoosh"), variants(sounds, "small_swoosh")
    assert min(len(x) for x in big) > 2 * max(len(x) for x in small)
    assert np.median([m.centroid_hz(x, SR) for x in big]) < np.median([m.centroid_hz(x, SR) for x in small])


def test_hum_is_low_and_tonal_hiss_is_high_and_noisy(sounds):
    for x in variants(sounds, "hum"):
        assert m.flatness(x, SR) < 0.01 and m.dominant_hz(x, SR) < 200
    for x in variants(sounds, "hiss"):
        assert m.flatness(x, SR) > 0.02 and m.centroid_hz(x, SR) > 3000


def test_tick_is_tiny_and_ping_rings(sounds):
    assert all(len(x) / SR < 0.05 for x in variants(sounds, "tick"))
    for x in variants(sounds, "ping"):
        assert m.dominant_hz(x, SR) > 1000 and m.active_duration_s(x, SR) > 0.5 and m.flatness(x, SR) < 0.01


@pytest.mark.parametrize("name, rising", [("drip", True), ("bloop", True), ("chirp", True), ("zap", False)])
def test_pitch_gestures_go_the_right_way(sounds, name, rising):
    for x in variants(sounds, name):
        track = m.pitch_track_hz(x, SR, win_s=0.01, hop_s=0.005) if name == "chirp" else m.pitch_track_hz(x, SR)
        ratio = track[-1] / track[0]
        assert (ratio > 1.3) if rising else (ratio < 1 / 3), (name, track)


def test_rumble_is_low_and_crackle_is_sparse(sounds):
    for x in variants(sounds, "rumble"):
        assert m.centroid_hz(x, SR) < 200
    for x in variants(sounds, "crackle"):
        mono = np.abs(m.mono(x))
        assert np.mean(mono > 0.1 * mono.max()) < 0.05  # mostly quiet between clicks
    hiss = np.abs(m.mono(variants(sounds, "hiss")[0]))
    assert np.mean(hiss > 0.1 * hiss.max()) > 0.3


# -- library API ---------------------------------------------------------------------------

def test_get_wraps_modulo_the_count_like_superdirt():
    lib = default_library()
    k = lib.count("thud")
    assert lib.get("thud").index == 0
    assert lib.get("thud", k).index == 0
    assert lib.get("thud", k + 1).index == 1
    assert lib.get("thud", -1).index == k - 1
    assert lib.get("thud", -k - 1).index == k - 1
    assert lib.get("thud", 2.0).index == 2 % k  # OSC sends floats


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=-10**6, max_value=10**6))
def test_wrap_property(n):
    lib = default_library()
    assert lib.get("tss", n).index == n % lib.count("tss")


def test_unknown_sample_error_suggests():
    lib = default_library()
    with pytest.raises(UnknownSampleError) as info:
        lib.get("big_swosh")
    assert str(info.value) == "unknown sample 'big_swosh' (did you mean big_swoosh?)"
    assert isinstance(info.value, KeyError) and info.value.suggestions == ("big_swoosh",)
    assert str(UnknownSampleError("qqqq")) == "unknown sample 'qqqq'"
    with pytest.raises(UnknownSampleError, match="did you mean default:thud"):
        lib.get("thud", bank="defualt")
    assert "swoosh" not in lib and "small_swoosh" in lib and 3 not in lib
    assert set(lib.suggest("swoosh")) >= {"big_swoosh", "small_swoosh"}


def test_sample_audio_is_stereo_readonly_and_cached():
    lib = default_library()
    s = lib.get("klonk", 1)
    a = s.audio()
    assert a.dtype == np.float32 and a.ndim == 2 and a.shape[1] == 2 and not a.flags.writeable
    assert s.audio() is a and lib.get("klonk", 1).audio() is a
    assert s == lib.get("klonk", 5) and s.label == "klonk:1"
    assert dataclasses.is_dataclass(s) and isinstance(s, Sample)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "thud"


def test_library_at_another_rate_resamples():
    lib = SampleLibrary(sr=44100)
    native = default_library().get("ping").audio()
    a = lib.get("ping").audio()
    assert abs(len(a) - len(native) * 44100 / 48000) <= 1
    assert abs(m.dominant_hz(a, 44100) - m.dominant_hz(native, SR)) < 5


# -- provenance ------------------------------------------------------------------------------

def test_provenance_is_honest():
    lib = default_library()
    for name in lib.names():
        p = lib.get(name).provenance
        assert p.source == "synthesised by livesamp's default bank" and p.is_synthesised
        assert p.licence == "CC0-1.0" and p.author == "livesamp" and isinstance(p.seed, int)
        assert p.recorded_at is None and p.place is None and p.device is None and p.recipe
        line = p.short()
        assert "\n" not in line and len(line) <= 100 and line.startswith("synthesised") and "CC0-1.0" in line
    assert lib.get("thud", 0).provenance.seed != lib.get("thud", 1).provenance.seed


def test_provenance_round_trip_and_validation():
    p = Provenance("sound file kit/thud/a.wav", recorded_at="2024-05-01", place="Brighton beach",
                   device="Zoom H5", author="Ana", licence="CC-BY-4.0", notes="windy")
    assert Provenance.from_dict(p.to_dict()) == p
    assert p.short() == ("sound file kit/thud/a.wav, recorded 2024-05-01 at Brighton beach on Zoom H5 by Ana "
                         "(CC-BY-4.0)")
    assert Provenance("x").short() == "x (licence unknown)"
    assert Provenance.from_dict({"source": "x", "future_field": 1}) == Provenance("x")
    with pytest.raises(ValueError, match="future_field"):
        Provenance.from_dict({"source": "x", "future_field": 1}, strict=True)
    with pytest.raises(ValueError, match="source"):
        Provenance.from_dict({"recipe": "x"})
    assert len(Provenance("s" * 300, licence="CC0-1.0").short(60)) == 60


# -- cache ---------------------------------------------------------------------------------------

def test_cache_round_trip_is_bit_identical(tmp_path, sounds):
    first = DefaultBank(cache_dir=tmp_path)
    a = first.audio("hum", 0)
    assert first.loaded_from == "generated"
    folder = first.cache_folder()
    assert (folder / "manifest.json").is_file() and (folder / "audio.npy").is_file()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    second = DefaultBank(cache_dir=tmp_path)
    b = second.audio("hum", 0)
    assert second.loaded_from == "cache"
    assert np.array_equal(a, b)
    for key, x in sounds.items():  # generated in the fixture, generated again here, read back
        assert np.array_equal(first._ensure()[key], x), key
        assert np.array_equal(second._ensure()[key], x), key


def _small_table(version=1):
    keep = {r.name: r for r in RECIPES}
    return (dataclasses.replace(keep["tick"], version=version), keep["drip"])


def test_changed_recipe_version_regenerates(tmp_path):
    a = DefaultBank(cache_dir=tmp_path, recipes=_small_table())
    a.preload()
    b = DefaultBank(cache_dir=tmp_path, recipes=_small_table())
    b.preload()
    c = DefaultBank(cache_dir=tmp_path, recipes=_small_table(version=2))
    c.preload()
    assert (a.loaded_from, b.loaded_from, c.loaded_from) == ("generated", "cache", "generated")
    assert a.version() == b.version() != c.version()
    assert c.cache_folder() != a.cache_folder() and c.cache_folder().is_dir()
    assert not a.cache_folder().exists()  # the stale version was pruned
    assert c.names() == ["drip", "tick"]


def test_damaged_cache_regenerates_with_a_warning(tmp_path):
    a = DefaultBank(cache_dir=tmp_path, recipes=_small_table())
    a.preload()
    audio = a.cache_folder() / "audio.npy"
    audio.write_bytes(audio.read_bytes()[:1000])
    b = DefaultBank(cache_dir=tmp_path, recipes=_small_table())
    with pytest.warns(BankWarning, match="regenerating"):
        b.preload()
    assert b.loaded_from == "generated"
    c = DefaultBank(cache_dir=tmp_path, recipes=_small_table())
    c.preload()
    assert c.loaded_from == "cache"


def test_cache_goes_to_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "data"))
    bank = DefaultBank(recipes=_small_table())
    assert bank.cache_folder().parent == tmp_path / "data" / "banks" / "default"
    bank.preload()
    assert (bank.cache_folder() / "manifest.json").is_file()


def test_data_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "a"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    assert data_dir() == tmp_path / "a"
    monkeypatch.delenv("LIVESAMP_DATA_DIR")
    assert data_dir() == tmp_path / "x" / "livesamp"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "livesamp"
    assert not (tmp_path / "home").exists()


def test_import_has_no_side_effects(tmp_path):
    code = ("import sys, livesamp.bank as b; lib = b.SampleLibrary(); "
            "print('livesamp.bank.default.recipes' in sys.modules)")
    env = dict(os.environ, LIVESAMP_DATA_DIR=str(tmp_path / "d"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "False"
    assert not (tmp_path / "d").exists()
