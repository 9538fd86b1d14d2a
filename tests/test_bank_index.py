"""The SQLite index, IndexedBank, revocation and staleness, the TOML bank list (real files, real SQLite)."""
from __future__ import annotations

import json
import os
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from livesamp.bank import (
    BankWarning, IndexedBank, RevokedSampleError, SampleLibrary, UnknownSampleError,
)
from livesamp.bank.config import ConfigError, library_from_config, load_config
from livesamp.bank.curate import rename, sha256_file
from livesamp.bank.index import LibraryIndex
from livesamp.bank.provenance import Consent, Provenance
from livesamp.bank.sidecar import Sidecar, read_sidecar, write_sidecar

SR = 48000


def tone(f, dur=0.2, sr=SR):
    return 0.5 * np.sin(2 * np.pi * f * np.arange(int(dur * sr)) / sr)


def make_bank(root, spec):
    """spec: {name: [freq, ...]} -> files NNN-tone.wav with a sidecar each."""
    for name, freqs in spec.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for k, f in enumerate(freqs):
            path = root / name / f"{k:03d}-tone{f}.wav"
            sf.write(path, tone(f), SR)
            write_sidecar(path, Sidecar(Provenance(source=f"recording tone{f}.wav", author="ann",
                                                   sha256=sha256_file(path), consent=Consent(granted_by="ann"))))
    return root


@pytest.fixture
def index(tmp_path):
    with LibraryIndex(tmp_path / "index.sqlite") as ix:
        yield ix


@pytest.fixture
def bank_dir(tmp_path):
    return make_bank(tmp_path / "kit", {"thud": [60, 70, 80], "ping": [2000]})


def age(path, seconds=10):
    """Make a folder look settled (index.sync trusts folder mtimes older than 2 s)."""
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_listing_provenance_and_audio(index, bank_dir):
    bank = IndexedBank(bank_dir, index=index)
    lib = SampleLibrary([bank])
    assert bank.names() == ["ping", "thud"] and bank.count("thud") == 3
    s = lib.get("thud", 4)
    assert s.label == "thud:1" and s.provenance.author == "ann" and s.provenance.consent.granted_by == "ann"
    assert s.audio().shape == (int(0.2 * SR), 2)
    assert bank.file("thud", 2).name == "002-tone80.wav"
    assert bank.row("thud", 0).sha256 == sha256_file(bank_dir / "thud" / "000-tone60.wav")


def test_warm_start_reads_no_headers_or_sidecars(index, bank_dir, monkeypatch):
    IndexedBank(bank_dir, index=index)
    for sub in bank_dir.iterdir():
        age(sub)
    IndexedBank(bank_dir, index=index)  # records the settled folder times

    def boom(*a, **k):
        raise AssertionError("warm start opened a file")

    monkeypatch.setattr(sf, "info", boom)
    monkeypatch.setattr("livesamp.bank.scan.read_sidecar", boom)
    bank = IndexedBank(bank_dir, index=index)
    assert bank.count("thud") == 3 and SampleLibrary([bank]).get("ping").provenance.author == "ann"


def test_sync_sees_added_removed_renamed_and_hand_edited_files(index, bank_dir):
    IndexedBank(bank_dir, index=index)
    for sub in bank_dir.iterdir():
        age(sub)
    bank = IndexedBank(bank_dir, index=index)
    sf.write(bank_dir / "thud" / "003-new.wav", tone(90), SR)
    (bank_dir / "ping" / "000-tone2000.wav").rename(bank_dir / "ping" / "005-moved.wav")
    side = bank_dir / "thud" / "000-tone60.wav.json"
    data = json.loads(side.read_text())
    data["place"] = "the pier"
    with open(side, "r+") as f:  # edited in place, as a text editor may
        f.seek(0)
        f.write(json.dumps(data))
        f.truncate()
    for sub in bank_dir.iterdir():
        age(sub, 5)
    os.utime(bank_dir / "thud")  # thud/ changed: a file was added
    bank.refresh()
    assert bank.count("thud") == 4 and bank.file("thud", 3).name == "003-new.wav"
    assert bank.file("ping", 0).name == "005-moved.wav"
    assert bank.provenance("ping", 0).author is None  # its sidecar stayed behind: no provenance now
    assert bank.provenance("thud", 0).place == "the pier"
    (bank_dir / "thud" / "003-new.wav").unlink()
    bank.refresh()
    assert bank.count("thud") == 3


def test_unreadable_files_and_sidecars_are_reported_once(index, bank_dir):
    (bank_dir / "thud" / "004-bad.wav").write_bytes(b"RIFF....not audio")
    (bank_dir / "ping" / "000-tone2000.wav.json").write_text("{not json")
    with pytest.warns(BankWarning) as record:
        bank = IndexedBank(bank_dir, index=index)
    text = " ".join(str(w.message) for w in record)
    assert "004-bad.wav" in text and "000-tone2000.wav.json" in text
    assert bank.count("thud") == 3 and bank.count("ping") == 1  # the sound plays without its provenance
    assert bank.provenance("ping", 0).source.startswith("sound file kit/ping/")


def test_revoke_takes_a_sample_out_of_play_and_keeps_n(index, bank_dir):
    bank = IndexedBank(bank_dir, index=index)
    lib = SampleLibrary([bank])
    at = bank.revoke("thud", 1, "the recordist asked")
    with pytest.raises(RevokedSampleError) as e:
        lib.get("thud", 1)
    assert isinstance(e.value, KeyError) and e.value.label == "thud:1" and e.value.revoked_at == at
    assert str(e.value) == (f"sample thud:1 (bank kit) is revoked ({at}: the recordist asked); "
                            "it plays as silence")
    assert lib.get("thud", 2).label == "thud:2" and lib.get("thud", 0).label == "thud:0"
    s = lib.get("thud", 1, allow_revoked=True)
    assert s.provenance.revoked and s.provenance.short().startswith("REVOKED ")
    side = read_sidecar(bank_dir / "thud" / "001-tone70.wav")
    assert side.provenance.consent.revoked_at == at and side.provenance.consent.revoked_reason == "the recordist asked"
    assert [e[3] for e in index.events(side.provenance.sha256)] == ["revoke"]
    # a fresh process (new index connection) sees it too
    with LibraryIndex(index.path) as other:
        with pytest.raises(RevokedSampleError):
            SampleLibrary([IndexedBank(bank_dir, index=other)]).get("thud", 1)


def test_revocation_by_another_process_is_seen_within_the_poll_interval(index, bank_dir):
    live = IndexedBank(bank_dir, index=index, poll_s=0.05)
    lib = SampleLibrary([live])
    lib.get("ping")
    with LibraryIndex(index.path) as cli_index:  # what `livesamp samples revoke` does
        IndexedBank(bank_dir, index=cli_index).revoke("ping", 0, "no longer mine to share")
    time.sleep(0.06)
    with pytest.raises(RevokedSampleError, match="no longer mine to share"):
        lib.get("ping")


def test_get_from_another_thread_while_revoking(index, bank_dir):
    bank = IndexedBank(bank_dir, index=index, poll_s=0.0)
    lib = SampleLibrary([bank])
    errors, stop = [], threading.Event()

    def player():
        while not stop.is_set():
            try:
                lib.get("thud", 2)
            except RevokedSampleError:
                pass
            except Exception as exc:  # anything else is a bug
                errors.append(exc)

    t = threading.Thread(target=player)
    t.start()
    bank.revoke("thud", 2, "test")
    time.sleep(0.05)
    stop.set()
    t.join()
    assert not errors
    with pytest.raises(RevokedSampleError):
        lib.get("thud", 2)


def test_derived_things_become_stale_when_an_input_is_revoked(index, bank_dir):
    bank = IndexedBank(bank_dir, index=index)
    shas = [bank.row("thud", i).sha256 for i in range(3)]
    index.register_derived("voice", "voice:thud-vae", shas, path="/models/thud.npz")
    index.register_derived("corpus", "corpus:pings", [bank.row("ping", 0).sha256])
    assert index.stale() == [] and not index.is_stale("voice:thud-vae")
    bank.revoke("thud", 2, "withdrawn")
    stale = index.stale()
    assert [(s.ident, s.kind, s.path, s.sha256) for s in stale] == [
        ("voice:thud-vae", "voice", "/models/thud.npz", shas[2])]
    assert "consent revoked for thud:2: withdrawn" in stale[0].reason
    assert index.is_stale("voice:thud-vae") and not index.is_stale("corpus:pings")
    index.register_derived("voice", "voice:thud-vae", shas[:2])  # rebuilt without it
    assert not index.is_stale("voice:thud-vae")
    index.register_derived("voice", "voice:careless", shas)  # built from a revoked sample: stale at once
    assert index.is_stale("voice:careless")


def test_rename_keeps_provenance_and_reports_shifts(index, bank_dir):
    before = read_sidecar(bank_dir / "thud" / "001-tone70.wav").provenance
    result = rename(index, bank_dir, "kit", "thud:1", "soft_thud")
    assert result.moved == [("thud:1", "soft_thud:0")] and result.shifted == [("thud:2", "thud:1")]
    bank = IndexedBank(bank_dir, index=index)
    assert bank.provenance("soft_thud", 0) == before
    side = read_sidecar(bank.file("soft_thud", 0))
    assert side.extra["renamed"][0]["from"] == "thud:1" and side.extra["renamed"][0]["to"] == "soft_thud"
    result = rename(index, bank_dir, "kit", "thud", "boom")  # the whole sound, into a new name
    assert result.moved == [("thud:0", "boom:0"), ("thud:1", "boom:1")]
    result = rename(index, bank_dir, "kit", "soft_thud", "boom")  # into an existing name: next variant
    assert result.moved == [("soft_thud:0", "boom:2")]
    bank.refresh()
    assert bank.names() == ["boom", "ping"] and bank.provenance("boom", 2) == before
    with pytest.raises(ValueError, match="did you mean 'big_boom'"):
        rename(index, bank_dir, "kit", "boom", "Big Boom")
    with pytest.raises(KeyError, match="boom has boom:0, boom:1, boom:2"):
        rename(index, bank_dir, "kit", "boom:7", "x")


def test_bank_list_precedence_and_errors(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(data))
    monkeypatch.setenv("LIVESAMP_CONFIG", str(tmp_path / "absent.toml"))
    make_bank(data / "banks" / "field", {"thud": [50]})
    make_bank(data / "banks" / "attic", {"creak": [300]})
    mine = make_bank(tmp_path / "mine", {"thud": [99], "tss": [5000]})
    assert [(s.name, s.path) for s in load_config()] == [
        ("attic", data / "banks" / "attic"), ("field", data / "banks" / "field"), ("default", None)]
    cfg = tmp_path / "banks.toml"
    cfg.write_text(f'[[bank]]\npath = "{mine}"\n[[bank]]\nname = "default"\n[[bank]]\nname = "field"\n')
    specs = load_config(cfg)
    assert [s.name for s in specs] == ["mine", "default", "field", "attic"]
    lib = library_from_config(cfg, index=LibraryIndex(tmp_path / "ix.sqlite"))
    assert lib.get("thud").bank == "mine" and lib.get("thud", bank="field").provenance.author == "ann"
    assert lib.get("tss").bank == "mine" and lib.get("creak").bank == "attic"
    assert lib.get("big_swoosh").bank == "default"
    cfg.write_text('imported = false\n[[bank]]\npath = "missing-folder"\n')
    with pytest.warns(BankWarning, match="missing-folder"):
        lib = library_from_config(cfg, index=LibraryIndex(tmp_path / "ix.sqlite"))
    assert [b.name for b in lib.banks] == ["default"]
    for text, msg in [('[[bank]]\npath = 3\n', "'path' must be text"),
                      ('[[bank]]\nname = "a"\npath = "x"\n[[bank]]\nname = "a"\npath = "y"\n', "a appear"),
                      ('banks = 1\n', "unknown keys"), ('imported = "yes"\n', "true or false"),
                      ('[[bank]]\npath = "x"\nname = "default"\n', "built-in bank"),
                      ('[[bank]]\nnmae = "x"\n', "'path' and/or 'name'"), ("[[bank]\n", "cannot read")]:
        cfg.write_text(text)
        with pytest.raises(ConfigError, match=msg):
            load_config(cfg)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_revoke_is_honoured_by_the_live_engine_within_one_cycle(index, bank_dir):
    from livesamp.live.session import Session

    bank = IndexedBank(bank_dir, index=index)
    lib = SampleLibrary([bank, *SampleLibrary().banks])
    session = Session(sr=SR, cps=1.0, library=lib)
    session.play(0, "thud:1*4")
    first = session.render(1)
    bank.revoke("thud", 1, "withdrawn mid-set")
    session.render(1)  # triggers already scheduled (lookahead) may still sound in this cycle
    third = session.render(1)
    assert np.abs(first).max() > 0.05
    assert np.abs(third).max() < 1e-4
    with pytest.raises(UnknownSampleError):
        lib.get("thuud")


def test_banks_sharing_an_index_each_see_revocations_from_elsewhere(index, tmp_path):
    a = IndexedBank(make_bank(tmp_path / "a", {"x": [100]}), index=index, poll_s=0.0)
    b = IndexedBank(make_bank(tmp_path / "b", {"y": [200]}), index=index, poll_s=0.0)
    lib = SampleLibrary([a, b])
    with LibraryIndex(index.path) as other:
        IndexedBank(tmp_path / "b", index=other).revoke("y", 0, "elsewhere")
    lib.get("x")  # bank a polls first and sees the change, which is not its own
    with pytest.raises(RevokedSampleError, match="elsewhere"):
        lib.get("y")


def test_background_preload_and_bank_swap(index, bank_dir, tmp_path):
    bank = IndexedBank(bank_dir, index=index)
    lib = SampleLibrary([bank])
    t = lib.preload_in_background()
    assert lib.get("thud", 1).label == "thud:1"  # answers while loading
    t.join(10)
    assert not t.is_alive() and len(bank._audio) == 4  # every sound published in the bank's cache
    other = IndexedBank(make_bank(tmp_path / "other", {"thud": [500]}), index=index)
    lib.set_banks([other, bank])
    assert lib.get("thud").bank == "other" and lib.get("ping").bank == "kit"
    with pytest.raises(TypeError, match="expected a Bank"):
        lib.set_banks(["not a bank"])
