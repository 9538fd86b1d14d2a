"""Mosaicing, and the corpus on the default bank in a session, the pattern book and the example."""
from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from livesamp.bank import SampleLibrary, default_library
from livesamp.concat import Corpus, mosaic
from livesamp.concat.mosaic import spectral_distance_db
from livesamp.live.prelude import performer_namespace
from livesamp.live.session import Session

ROOT = Path(__file__).resolve().parents[1]
SR = 48000


@pytest.fixture(scope="module")
def lib():
    return default_library()


def test_spectral_distance_is_zero_for_equal_sounds_and_grows():
    x = np.random.default_rng(0).standard_normal(SR) * 0.1
    assert spectral_distance_db(x, x) == 0.0
    assert spectral_distance_db(x, 0.5 * x) == pytest.approx(20 * np.log10(2), rel=0.01)
    assert spectral_distance_db(x, np.sin(np.arange(SR) * 0.1)) > 10


@pytest.mark.parametrize("target", ["crackle:1", "whirr:0", "big_swoosh:2"])
def test_mosaic_of_a_sample_with_itself_reproduces_it(lib, target, capsys):
    """A corpus made of the target: each target unit finds itself, and the crossfades add up
    to the original (only units quieter than the floor are left out)."""
    m = mosaic(target, corpus=target, library=lib)
    original = lib.get(*target.split(":")[:1], int(target.split(":")[1])).audio()
    got = m.audio()
    distance = spectral_distance_db(original, got[:len(original)])
    with capsys.disabled():
        print(f"\n  self-mosaic {target}: {len(m.placements)} units, log-spectral distance {distance:.2e} dB")
    assert distance < 0.05
    assert set(m.credits()) == {target}
    assert all(p.start == p.src_start for p in m.placements)


def test_mosaic_from_other_sounds_credits_them_and_plays_in_time(lib):
    others = [n for n in lib.names() if n != "crackle"]
    m = mosaic("crackle", corpus=others, library=lib, max_s=0.15)
    assert len(m.placements) > 10
    assert all(not label.startswith("crackle") for label in m.credits())
    assert m.audio().shape == (lib.get("crackle").audio().shape[0] + m.xfade, 2)
    assert np.abs(m.audio()).max() > 0.01
    haps = sorted(m.query_arc(0, 1), key=lambda h: h.whole.begin)
    assert len(haps) == len(m.placements)
    for h, p in zip(haps, m.placements):
        assert h.whole.begin == Fraction(p.start, m.length) and h.value["unit_id"] == p.unit_id
        assert h.value["s"] == p.name and h.value["unit_target"] == "crackle:0"
    prov = m.bank().provenance("crackle_mosaic", 0)
    assert "crackle:0" in prov.recipe and any(label in prov.notes for label in m.credits())
    again = mosaic("crackle", corpus=others, library=lib, max_s=0.15)
    np.testing.assert_array_equal(again.audio(), m.audio())  # reproducible


def test_session_mosaic_plays_as_a_sample_and_versions(lib):
    session = Session(library=SampleLibrary(lib.banks), report=lambda m: None)
    ns = performer_namespace(session)
    m = ns["mosaic"]("tss:1", corpus="swoosh")
    assert m.played_as == "tss_mosaic" and "tss_mosaic" in session.library
    m2 = ns["mosaic"]("tss:1", corpus="hiss")
    assert m2.played_as == "tss_mosaic:1"
    session.play(0, ns["s"]("tss_mosaic tss_mosaic:1"))
    audio = session.render(1)
    assert np.abs(audio).max() > 0.01
    events = list(session.packer.events.values())
    assert {e.sample.label for e in events} == {"tss_mosaic:0", "tss_mosaic:1"}
    assert "swoosh" in events[0].sample.provenance.recipe


def test_corpus_pattern_in_a_session_credits_every_unit(lib):
    session = Session(library=SampleLibrary(lib.banks), report=lambda m: None)
    ns = performer_namespace(session)
    pat = ns["corpus"]("default").target("<bright dark>*8").taboo(4)
    assert ns["corpus"]("default").corpus is pat.corpus  # one corpus per source in a session
    session.play(0, pat.gain(0.8))
    audio = session.render(2)
    assert np.isfinite(audio).all() and np.abs(audio).max() > 0.01
    events = list(session.packer.events.values())
    assert len(events) >= 16  # (the lookahead may have packed the next cycle's first)
    for e in events:
        v = e.value
        assert e.sample.label == f"{v['s']}:{v['n']}" and e.sample.bank == "default"
        assert v["unit_corpus"] == "default" and 0 <= v["begin"] < v["end"] <= 1
        assert pat.corpus.data.describe_unit(v["unit_id"])["sample"] == e.sample.label


def test_corpus_renders_are_bit_identical(lib):
    def once():
        session = Session(library=SampleLibrary(lib.banks), report=lambda m: None)
        ns = performer_namespace(session)
        session.play(0, ns["corpus"]("default").target("any*8").k(8).taboo(6))
        return session.render(2)

    np.testing.assert_array_equal(once(), once())


def test_example_renders(tmp_path):
    out = tmp_path / "demo.wav"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "corpus_mosaic.py"), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    audio, sr = sf.read(out)
    assert sr == SR and audio.shape[0] == 8 * SR and np.abs(audio).max() > 0.01
    assert "crackle_mosaic" in proc.stdout and "of the sample" in proc.stdout


def test_corpus_ident_is_registered(lib):
    from livesamp.bank.index import LibraryIndex
    from livesamp.bank.paths import index_file

    c = Corpus("zap", library=lib, progress=False)
    c.build()
    with LibraryIndex(index_file()) as ix:
        row = ix._db.execute("SELECT kind, note FROM derived WHERE ident = ?", (c.ident(SR),)).fetchone()
        n = ix._db.execute("SELECT count(*) FROM derived_inputs WHERE ident = ?", (c.ident(SR),)).fetchone()[0]
    assert row[0] == "corpus" and "units from 4 samples" in row[1] and n == 4
