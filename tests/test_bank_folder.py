"""Folder banks (SuperDirt/Strudel layout) and several banks in one library, with real files."""
from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from livesamp.bank import (
    BankWarning, DefaultBank, FolderBank, SampleLibrary, SampleLoadError, UnknownSampleError,
)
from livesamp.bank import measure as m


def tone(freq_hz, sr, dur_s=1.0, channels=1, amp=0.5):
    x = amp * np.sin(2 * np.pi * freq_hz * np.arange(int(sr * dur_s)) / sr)
    return x if channels == 1 else np.stack([x, 0.5 * x], axis=1)


@pytest.fixture
def kit(tmp_path):
    """kit/thud: a.flac (48k stereo 500 Hz), b.wav (44.1k mono 1 kHz), c.wav (44.1k stereo 2 kHz);
    kit/swoosh: x.flac (48k mono); plus things that must be ignored."""
    root = tmp_path / "kit"
    (root / "thud").mkdir(parents=True)
    (root / "swoosh").mkdir()
    (root / "notes").mkdir()
    sf.write(root / "thud" / "b.wav", tone(1000, 44100), 44100)
    sf.write(root / "thud" / "a.flac", tone(500, 48000, 0.5, channels=2), 48000)
    sf.write(root / "thud" / "c.wav", tone(2000, 44100, 0.25, channels=2), 44100, subtype="FLOAT")
    sf.write(root / "swoosh" / "x.flac", tone(300, 48000, 0.3), 48000)
    sf.write(root / "thud" / ".hidden.wav", tone(100, 48000, 0.1), 48000)
    (root / "notes" / "readme.txt").write_text("not audio")
    (root / "loose.wav").write_bytes(b"")  # files at the top level are not sounds
    return root


def test_layout_names_and_sorted_n(kit):
    bank = FolderBank(kit)
    assert bank.name == "kit" and bank.names() == ["swoosh", "thud"]
    assert [bank.file("thud", i).name for i in range(bank.count("thud"))] == ["a.flac", "b.wav", "c.wav"]
    assert bank.count("notes") == 0 and bank.count("nope") == 0
    lib = SampleLibrary([bank])
    assert abs(m.dominant_hz(lib.get("thud", 0).audio(), 48000) - 500) < 2
    assert abs(m.dominant_hz(lib.get("thud", 1).audio(), 48000) - 1000) < 2
    assert abs(m.dominant_hz(lib.get("thud", -1).audio(), 48000) - 2000) < 2
    assert lib.get("thud", 4).index == 1
    assert FolderBank(kit, name="mine").name == "mine"


def test_audio_is_float32_stereo_at_the_library_rate(kit):
    lib = SampleLibrary([FolderBank(kit)], sr=48000)
    stereo = lib.get("thud", 0).audio()
    assert stereo.dtype == np.float32 and stereo.shape == (24000, 2) and not stereo.flags.writeable
    np.testing.assert_allclose(stereo[:, 0], tone(500, 48000, 0.5), atol=1e-4)  # flac is 16 bit
    np.testing.assert_allclose(stereo[:, 1], 0.5 * stereo[:, 0], atol=1e-4)
    mono = lib.get("swoosh").audio()
    assert mono.shape == (14400, 2) and np.array_equal(mono[:, 0], mono[:, 1])


def test_resampling_44k1_to_48k_keeps_pitch_and_length(kit):
    a = SampleLibrary([FolderBank(kit)]).get("thud", 1).audio()
    assert abs(len(a) - 44100 * 48000 / 44100) <= 1
    assert abs(m.dominant_hz(a, 48000) - 1000.0) <= 48000 / 65536  # within one FFT bin
    inner = a[2000:-2000, 0].astype(np.float64)
    ref = tone(1000, 48000)[2000:-2000]
    assert np.max(np.abs(inner - ref)) < 1e-3  # 16-bit source; the resampler itself is ~1e-6
    c = SampleLibrary([FolderBank(kit)]).get("thud", 2).audio()
    assert abs(len(c) - round(11025 * 48000 / 44100)) <= 1


def test_library_rate_other_than_the_files(kit):
    a = SampleLibrary([FolderBank(kit)], sr=44100).get("thud", 0).audio()  # 48k file -> 44.1k
    assert abs(len(a) - 22050) <= 1 and abs(m.dominant_hz(a, 44100) - 500) < 2


def test_corrupt_file_is_skipped_with_a_warning_naming_it(kit):
    (kit / "thud" / "b2_corrupt.wav").write_bytes(b"RIFF\x00\x00not really a wave file" * 10)
    with pytest.warns(BankWarning, match="b2_corrupt.wav"):
        bank = FolderBank(kit)
    assert [bank.file("thud", i).name for i in range(bank.count("thud"))] == ["a.flac", "b.wav", "c.wav"]


def test_audio_is_loaded_lazily_and_load_errors_name_the_file(kit):
    bank = FolderBank(kit)
    lib = SampleLibrary([bank])
    s = lib.get("swoosh")
    (kit / "swoosh" / "x.flac").write_bytes(b"gone")  # replaced after listing, before first use
    with pytest.raises(SampleLoadError, match="x.flac"):
        s.audio()
    with pytest.warns(BankWarning, match="x.flac"):
        bank.preload(48000)
    assert len(lib.get("thud", 2).audio()) > 0


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        FolderBank(tmp_path / "nowhere")


def test_provenance_from_sidecar_or_honestly_unknown(kit):
    side = {"source": "field recording", "author": "Ana", "place": "Brighton beach", "device": "Zoom H5",
            "recorded_at": "2024-05-01", "licence": "CC-BY-4.0", "consent_note": "ok"}
    (kit / "thud" / "a.flac.json").write_text(json.dumps(side))
    (kit / "thud" / "c.wav.json").write_text("{not json")
    bank = FolderBank(kit)
    p = bank.provenance("thud", 0)
    assert (p.author, p.place, p.licence) == ("Ana", "Brighton beach", "CC-BY-4.0") and not p.is_synthesised
    plain = bank.provenance("thud", 1)
    assert plain.source == "sound file kit/thud/b.wav" and plain.licence is None and "44100 Hz" in plain.notes
    assert plain.short() == "sound file kit/thud/b.wav (licence unknown)"
    with pytest.warns(BankWarning, match="c.wav.json"):
        assert bank.provenance("thud", 2).source == "sound file kit/thud/c.wav"


def test_earlier_banks_take_precedence(tmp_path):
    for bank, files in (("one", ["a.wav", "b.wav"]), ("two", ["a.wav", "b.wav", "c.wav"])):
        (tmp_path / bank / "thud").mkdir(parents=True)
        for f in files:
            sf.write(tmp_path / bank / "thud" / f, tone(440, 48000, 0.05), 48000)
    (tmp_path / "two" / "extra").mkdir()
    sf.write(tmp_path / "two" / "extra" / "e.wav", tone(440, 48000, 0.05), 48000)
    one, two = FolderBank(tmp_path / "one"), FolderBank(tmp_path / "two")
    lib = SampleLibrary([one, two])
    assert lib.names() == ["extra", "thud"]
    assert lib.count("thud") == 2 and lib.get("thud", 2).bank == "one" and lib.get("thud", 2).index == 0
    assert lib.get("extra").bank == "two"
    assert lib.get("thud", 2, bank="two").index == 2 and lib.get("thud", bank="two").bank == "two"
    assert SampleLibrary([two, one]).count("thud") == 3
    with pytest.raises(UnknownSampleError, match="did you mean two:extra"):
        lib.get("extr", bank="two")
    mixed = SampleLibrary([one, DefaultBank()])  # a performer's thud overrides the default one
    assert mixed.get("thud").bank == "one" and mixed.get("tss").bank == "default"
    assert {"thud", "tss", "big_swoosh"} <= set(mixed.names())


def test_suggest_and_did_you_mean(kit):
    lib = SampleLibrary([FolderBank(kit), DefaultBank()])
    assert lib.suggest("thd")[0] == "thud"
    assert lib.suggest("swosh")[0] == "swoosh"
    assert lib.suggest("zzzzzz") == []
    with pytest.raises(UnknownSampleError) as info:
        lib.get("thdu")
    assert str(info.value).startswith("unknown sample 'thdu' (did you mean thud")
    assert "thdu" not in lib and "thud" in lib
