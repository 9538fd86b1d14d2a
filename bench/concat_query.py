"""Unit selection speed on a corpus of 100,000 units: one query, median, by index kind.

The corpus: the default bank's units (analysed for real), copied with jitter to
``--units`` rows (each descriptor moved by a few percent of its spread), so the
distribution has the shape of real descriptors. Sources stay the default bank's samples,
so the same corpus also plays in a session (``bench/concat_scheduler.py``).

    .venv/bin/python bench/concat_query.py [--units 100000]

Prints, per target, the median time of one query (k = 4, from Python, at points 0.3
scaled units around the target) through ``UnitIndex.query_qw`` with the per-subspace
KD-tree and with the numba brute force, and of one whole choice as a corpus pattern makes
it (target lookup, k nearest, seeded pick, consent check). Target (issue 9):
under 20 us median for one query on 100,000 units.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from livesamp.bank import default_library
from livesamp.concat import Corpus, CorpusPattern
from livesamp.concat.corpus import CorpusData
from livesamp.concat.knn import UnitIndex
from livesamp.concat.space import FeatureSpace


def synthetic_corpus(n_units: int, library=None, seed: int = 0) -> Corpus:
    """A Corpus of ``n_units`` jittered copies of the default bank's units (see the module)."""
    library = library or default_library()
    base = Corpus("default", library=library, progress=False)
    d = base.data
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(d), n_units)
    raw = d.raw[pick].copy()
    spread = np.maximum(np.std(d.raw, axis=0), 1e-9)
    raw += rng.standard_normal(raw.shape) * 0.05 * spread
    raw[:, [1, 2, 7]] = np.abs(raw[:, [1, 2, 7]])
    raw[:, 4] = np.where(d.raw[pick, 4] > 0, np.abs(raw[:, 4]), 0.0)
    space = FeatureSpace.fit(raw)
    data = CorpusData(d.sources, d.banks, d.source_frames, d.unit_source[pick], d.starts[pick], d.ends[pick],
                      raw, space, UnitIndex(space.scale(raw)), d.sr)
    big = Corpus("default", library=library, name=f"default x{n_units}", progress=False)
    big._data = data  # published as a build would (no cache file: this corpus is made up)
    return big


def _median_us(fn, args_list) -> float:
    times = []
    for args in args_list:
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return float(np.median(times) * 1e6)


TARGETS = [
    ("bright", dict(words=["bright"])),
    ("bright:noisy", dict(words=["bright", "noisy"])),
    ("centroid=3000 loudness=-12", dict(numbers={"centroid": 3000, "loudness": -12})),
    ("high:tonal:short", dict(words=["high", "tonal", "short"])),
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=3000)
    args = ap.parse_args(argv)
    c = synthetic_corpus(args.units)
    d = c.data
    rng = np.random.default_rng(1)
    print(f"corpus: {len(d)} units, {d.raw.shape[1]} descriptors")
    for label, spec in TARGETS:
        q = d.space.query(spec.get("words", ()), spec.get("numbers"))
        t0 = time.perf_counter()
        d.index.tree(q.dims)
        build_ms = (time.perf_counter() - t0) * 1e3
        jitter = [(np.stack([q.q + 0.3 * rng.standard_normal(len(q.dims)), q.weights]),)
                  for _ in range(args.queries)]
        tree = _median_us(lambda qw: d.index.query_qw(q.dims, qw, 4, method="tree"), jitter)
        brute = _median_us(lambda qw: d.index.query_qw(q.dims, qw, 4, method="brute"), jitter[:200])
        pat = CorpusPattern(c).k(4)
        key = (tuple(spec.get("words", ())), tuple(sorted(spec.get("numbers", {}).items())))
        onsets = [(i / 64,) for i in range(args.queries)]
        choose = _median_us(lambda t: pat._choose(d, key, t, 0, ()), onsets)
        print(f"  {label:<28} dims {len(q.dims)}: tree {tree:6.1f} us (built in {build_ms:5.0f} ms), "
              f"brute force {brute:7.1f} us; whole choice {choose:6.1f} us")
    full = d.space.full_query(d.index.features[0])
    rows = [(d.index.features[i, list(full.dims)] + 0.1,) for i in rng.integers(0, len(d), 100)]
    d.index.tree(full.dims)
    tree = _median_us(lambda x: d.index.query(full.dims, x, full.weights, 1, method="tree"), rows)
    brute = _median_us(lambda x: d.index.query(full.dims, x, full.weights, 1, method="brute"), rows)
    print(f"  {'all descriptors (mosaic)':<28} dims {len(full.dims)}: tree {tree:6.1f} us, brute force {brute:7.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
