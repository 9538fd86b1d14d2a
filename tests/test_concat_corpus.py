"""Corpora: the unit index against brute force, targets answered on known sounds, corpus
patterns (reproducible, seeded, taboo, radius), the disk cache, and consent."""
from __future__ import annotations

import os
import subprocess
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import naive_concat as naive
from livesamp.bank import FolderBank, SampleLibrary
from livesamp.bank.default import DefaultBank
from livesamp.concat import Corpus, CorpusWarning, corpus
from livesamp.concat.knn import UnitIndex

SR = 48000
rng = np.random.default_rng(11)


# -- nearest neighbours -----------------------------------------------------------------------

@pytest.mark.parametrize("n,d,k", [(50, 1, 1), (3000, 2, 4), (3000, 3, 8), (2000, 8, 5), (500, 21, 3)])
def test_tree_and_brute_force_return_the_true_nearest(n, d, k):
    data = rng.standard_normal((n, d))
    data[: n // 10] = data[0]  # duplicates: ties are broken by id, the same way everywhere
    idx = UnitIndex(data, brute_below=0)
    alive = rng.random(n) > 0.2
    idx.alive = alive
    dims = tuple(range(d))
    for _ in range(40):
        q = rng.standard_normal(d) * 1.5
        w = rng.uniform(0.1, 3.0, d)
        max_d2 = rng.choice([np.inf, 0.5 * d])
        want_i, want_d = naive.knn(data, q, w, alive, k, max_d2)
        for method in ("tree", "brute"):
            got_i, got_d = idx.query(dims, q, w, k, max_d2, method=method)
            np.testing.assert_array_equal(got_i, want_i)
            np.testing.assert_allclose(got_d, want_d, rtol=1e-12)


def test_subspace_trees_and_removal():
    data = rng.standard_normal((5000, 21))
    idx = UnitIndex(data)
    for dims in [(1,), (3, 5), (0, 4, 7)]:
        w = np.ones(len(dims))
        q = np.zeros(len(dims))
        got, _ = idx.query(dims, q, w, 6)
        want, _ = naive.knn(data[:, list(dims)], q, w, np.ones(5000, bool), 6)
        np.testing.assert_array_equal(got, want)
        idx.remove(got[:3])
        again, _ = idx.query(dims, q, w, 3)
        np.testing.assert_array_equal(again, want[3:6])
    assert idx.n_alive == 5000 - 9
    with pytest.raises(ValueError, match="finite"):
        UnitIndex(np.array([[np.nan]]))


def test_knn_kernels_without_jit(tmp_path):
    data = rng.standard_normal((300, 3))
    np.save(tmp_path / "d.npy", data)
    code = ("import sys, json, numpy as np\nfrom livesamp.concat.knn import UnitIndex\n"
            "d = np.load(sys.argv[1]); i = UnitIndex(d, brute_below=0)\n"
            "print(json.dumps([i.query((0, 1, 2), np.zeros(3), np.ones(3), 5, method=m)[0].tolist() "
            "for m in ('tree', 'brute')]))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "d.npy")], capture_output=True, text=True,
                         check=True, env={**os.environ, "NUMBA_DISABLE_JIT": "1"}, timeout=300)
    want = naive.knn(data, np.zeros(3), np.ones(3), np.ones(300, bool), 5)[0].tolist()
    assert out.stdout.strip() == f"[{want}, {want}]"


# -- a corpus of known sounds -----------------------------------------------------------------

def _write(folder: Path, name: str, i: int, x: np.ndarray) -> None:
    (folder / name).mkdir(parents=True, exist_ok=True)
    sf.write(folder / name / f"{i:02d}.wav", x.astype(np.float32), SR, subtype="FLOAT")


def _known_bank(root: Path, seed: int = 1) -> Path:
    """Tones at known pitches, noise at known brightness and level. Each ``seed`` gives other
    files (the index keeps consent per sha256 of a file, across tests)."""
    t = np.arange(SR) / SR
    for i, f in enumerate((110.0, 440.0, 1760.0)):
        _write(root, "tone", i, (0.3 + 0.001 * seed) * np.sin(2 * np.pi * f * t))
    white = np.random.default_rng(seed).standard_normal(SR)
    brown = np.cumsum(white)
    brown -= np.convolve(brown, np.ones(960) / 960, mode="same")
    violet = np.diff(white, prepend=0.0)
    _write(root, "noise", 0, 0.3 * brown / np.abs(brown).max())
    _write(root, "noise", 1, 0.3 * violet / np.abs(violet).max())
    _write(root, "noise", 2, 0.01 * white / np.abs(white).max())  # soft
    return root


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    root = _known_bank(tmp_path_factory.mktemp("known") / "known")
    lib = SampleLibrary([FolderBank(root)])
    c = Corpus("known", library=lib, segmentation={"mode": "fixed", "unit_s": 0.25}, progress=False)
    return c, lib


def _labels(c, ids):
    return [c.data.source_of(i).label for i in ids]


def test_corpus_answers_targets_on_known_sounds(known):
    c, _ = known
    assert len(c) == 24 and c.data.index.n_alive == 24
    for f, label in ((110, "tone:0"), (440, "tone:1"), (1760, "tone:2")):
        ids, _ = c.nearest(c.query(numbers={"pitch": f * 1.03}), k=4)
        assert set(_labels(c, ids)) == {label}
    assert set(_labels(c, c.nearest(c.query(["bright"]), k=4)[0])) == {"noise:1"}
    assert set(_labels(c, c.nearest(c.query(["dark"]), k=4)[0])) <= {"noise:0", "tone:0"}
    assert set(_labels(c, c.nearest(c.query(["dark", "noisy"]), k=4)[0])) == {"noise:0"}
    assert set(_labels(c, c.nearest(c.query(["soft"]), k=4)[0])) == {"noise:2"}
    assert set(_labels(c, c.nearest(c.query(["tonal"]), k=12)[0])) == {"tone:0", "tone:1", "tone:2"}
    assert set(_labels(c, c.nearest(c.query(["high"]), k=4)[0])) == {"tone:2"}
    assert set(_labels(c, c.nearest(c.query(["low"]), k=4)[0])) == {"tone:0"}
    ids, _ = c.nearest(c.query(numbers={"centroid": 12000}, weights={"centroid": 1}), k=1)
    assert _labels(c, ids) == ["noise:1"]
    ids, dist = c.nearest(c.query(numbers={"loudness": -12.0}), k=30, radius=0.5)
    assert len(ids) < 24 and np.all(dist <= 0.5)


def test_unknown_words_and_descriptors_say_what_is_known(known):
    c, _ = known
    with pytest.raises(ValueError, match="did you mean bright"):
        c.query(["brite"])
    with pytest.raises(ValueError, match="did you mean centroid"):
        c.query(numbers={"centriod": 3000})
    with pytest.raises(ValueError, match="did you mean"):
        corpus(c).target("<bright drak>")


def test_corpus_pattern_values_credit_the_source(known):
    c, lib = known
    pat = corpus(c).target("<bright dark>*4").k(1)
    haps = pat.query_arc(0, 1)
    assert len(haps) == 4
    for h in haps:
        v = h.value
        src = lib.get(v["s"], v["n"])
        frames = src.audio().shape[0]
        assert 0 <= v["begin"] < v["end"] <= 1
        assert v["unit_corpus"] == "known" and v["unit_target"] in ("bright", "dark")
        u = c.data.describe_unit(v["unit_id"])
        assert u["sample"] == f"{v['s']}:{v['n']}"
        assert round(v["begin"] * frames) == round(u["start_s"] * SR)
    assert [h.value["s"] for h in sorted(haps, key=lambda h: h.whole.begin)][0::2] == ["noise", "noise"]


def test_selection_is_reproducible_and_seeded(known):
    c, _ = known
    pat = corpus(c).target("any*16").k(6)
    a = [h.value["unit_id"] for h in pat.query_arc(0, 4)]
    b = [h.value["unit_id"] for h in corpus(c).target("any*16").k(6).query_arc(0, 4)]
    assert a == b and len(set(a)) > 8
    assert [h.value["unit_id"] for h in pat.seed(3).query_arc(0, 4)] != a
    pieces = [h.value["unit_id"] for t in range(16) for h in pat.query_arc(Fraction(t, 4), Fraction(t + 1, 4))]
    assert pieces == a  # any span can be queried first


def test_k_one_is_the_nearest_and_k_many_varies(known):
    c, _ = known
    one = {h.value["unit_id"] for h in corpus(c).target("bright*8").k(1).query_arc(0, 2)}
    assert len(one) == 1
    many = {h.value["unit_id"] for h in corpus(c).target("bright*8").k(4).query_arc(0, 2)}
    assert len(many) > 1 and one < many | one


def test_taboo_avoids_repeats_and_is_pure(known):
    c, _ = known
    pat = corpus(c).target("tonal*6").k(8).taboo(5)
    for cycle in range(3):
        ids = [h.value["unit_id"] for h in sorted(pat.query_arc(cycle, cycle + 1), key=lambda h: h.whole.begin)]
        assert len(set(ids)) == 6, ids  # 8 candidates, no repeat within 5 onsets
    assert [h.value["unit_id"] for h in pat.query_arc(Fraction(1, 2), 1)] == \
           [h.value["unit_id"] for h in pat.query_arc(0, 1) if h.whole.begin >= Fraction(1, 2)]
    whole = [h.value["unit_id"] for h in corpus(c).target("tonal*6").k(8).taboo(5, cycles=2).query_arc(0, 4)]
    fresh = corpus(c).target("tonal*6").k(8).taboo(5, cycles=2)  # no memo: pieces query their blocks
    pieces = [h.value["unit_id"] for t in range(12) for h in fresh.query_arc(Fraction(t, 3), Fraction(t + 1, 3))]
    assert sorted(pieces) == sorted(whole) and pieces == whole
    tight = corpus(c).target("high*4").k(2).taboo(1)  # only 2 candidates: they alternate
    ids = [h.value["unit_id"] for h in sorted(tight.query_arc(0, 1), key=lambda h: h.whole.begin)]
    assert all(a != b for a, b in zip(ids, ids[1:]))


def test_number_targets_as_patterns(known):
    c, _ = known
    pat = corpus(c).target(pitch="<110 1760>", confidence=1).k(1)
    assert [h.value["s"] + str(h.value["n"]) for h in pat.query_arc(0, 2)] == ["tone0", "tone2"]
    assert pat.query_arc(0, 1)[0].value["unit_target"] == "confidence=1 pitch=110"


def test_cache_is_reused_and_only_changed_samples_are_analysed(tmp_path):
    root = _known_bank(tmp_path / "bank")
    calls = []
    make = lambda: Corpus("*", library=SampleLibrary([FolderBank(root)]), progress=lambda *a: calls.append(a))  # noqa: E731
    first = make().data
    assert len(calls) == 6
    calls.clear()
    again = make().data
    assert calls == [] and len(again) == len(first)
    np.testing.assert_array_equal(again.raw, first.raw)
    t = np.arange(SR // 2) / SR
    _write(root, "tone", 0, 0.3 * np.sin(2 * np.pi * 220 * t))  # one sample changes
    c = make()
    assert c.data and [a[2] for a in calls] == ["tone:0"]


def test_corpus_sources(tmp_path):
    lib = SampleLibrary([DefaultBank()])
    samples = lambda spec: {s.source_of(i).label.split(":")[0] for s in [Corpus(spec, library=lib, progress=False).data]  # noqa: E731
                            for i in range(len(s))}
    assert samples("swoosh") == {"big_swoosh", "small_swoosh"}
    assert samples(["tss:1", "hiss"]) == {"tss", "hiss"}
    assert Corpus("tss:1", library=lib, progress=False).data.sources[0].label == "tss:1"
    with pytest.raises(KeyError, match="did you mean"):
        Corpus("swooshh", library=lib, progress=False).data
    assert len(Corpus("default", library=lib, progress=False).data.sources) == sum(
        lib.count(n) for n in lib.names())


# -- consent ----------------------------------------------------------------------------------

def test_revoked_sample_is_left_out_and_its_units_leave_within_a_cycle(tmp_path):
    """Revoking a sample that a playing corpus uses: by the next cycle (0.5 s at 2 cycles/s)
    no unit of it is chosen; the corpus registered in the index is stale, and after the
    corpus re-registers itself it is not."""
    from livesamp.bank.indexed import IndexedBank
    from livesamp.live.session import Session

    root = _known_bank(tmp_path / "field", seed=2)
    bank = IndexedBank(root, "field")
    session = Session(library=SampleLibrary([bank, DefaultBank()]), report=lambda m: None)
    session.setcps(2)
    from livesamp.live.prelude import performer_namespace

    ns = performer_namespace(session)
    pat = ns["corpus"]("field", mode="fixed", unit_s=0.25).target("noisy*8").k(4)
    c = pat.corpus
    session.play(0, pat)
    session.render(1)
    before = {e.value["unit_id"] for e in session.packer.events.values()}
    victim = c.data.source_of(sorted(before)[0])
    assert victim.name == "noise"
    bank.revoke(victim.name, victim.index, reason="the recordist asked")
    assert bank.index.is_stale(c.ident(SR))
    start = len(session.packer.events)
    session.render(1)  # the next cycle
    played = [e for e in list(session.packer.events.values())[start:]]
    assert played and all(f"{e.name}:{e.index}" != victim.label for e in played)
    assert victim.label in c.excluded and victim.label in repr(c)
    gone = np.nonzero(c.data.unit_source == c.data.sources.index(victim))[0]
    assert gone.size and not c.data.index.alive[gone].any()
    for _ in range(100):  # the re-registration runs on its own thread
        if not bank.index.is_stale(c.ident(SR)):
            break
        import time

        time.sleep(0.05)
    assert not bank.index.is_stale(c.ident(SR))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fresh = Corpus("field", library=session.library, segmentation={"mode": "fixed", "unit_s": 0.25},
                       progress=False)
        fresh.build()
    assert victim.label not in {s.label for s in fresh.data.sources}
    assert any(isinstance(w.message, CorpusWarning) and victim.label in str(w.message) for w in caught)


def test_revocation_by_another_process_is_seen_through_the_index(tmp_path):
    from livesamp.bank.index import LibraryIndex
    from livesamp.bank.indexed import IndexedBank

    root = _known_bank(tmp_path / "field", seed=3)
    bank = IndexedBank(root, "field", poll_s=3600)  # its own poll would not see it in time
    c = Corpus("field", library=SampleLibrary([bank]), segmentation={"mode": "fixed", "unit_s": 0.25},
               progress=False, poll_s=0.0)
    c.build()
    other = LibraryIndex(bank.index.path)  # "another process": another connection
    sha = c.data.sources[0].sha256
    assert other.mark_stale(sha, "revoked elsewhere") == [c.ident(SR)]
    c.data  # the next query polls
    units = np.nonzero(c.data.unit_source == 0)[0]
    assert not c.data.index.alive[units].any() and c.data.index.n_alive == len(c.data) - units.size
