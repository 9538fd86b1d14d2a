"""``UnitIndex``: k nearest units to a target, over the descriptors a target names.

Which index, and why (``bench/concat_query.py``, 100,000 units, 21 descriptors, a loaded
2-core machine): a target rarely names every descriptor. ``.target("bright")`` asks for a
centroid and nothing else, so the other 20 dimensions have weight 0, and a KD-tree over
all 21 would split on dimensions that never prune. So the index keeps one KD-tree per
set of *active* dimensions (weight > 0), built when a pattern first sets that target
(on the performer's thread; 100,000 units: 0.1-0.3 s) and kept. A query visits a few
leaves: 4-13 us median from Python for 1-4 active dimensions, where the numba brute
force takes ~2 ms (it reads every unit). Over all 21 descriptors (mosaicing) the tree
still wins on real-shaped data (~0.15 ms against ~4 ms); on uniform random data in 21
dimensions it would lose by 2x, so ``auto`` uses the brute force above
``MAX_TREE_DIMS``, and below ``BRUTE_BELOW`` units, where it needs no tree and is as fast.
scipy's cKDTree was not an option (no scipy), and would not take per-query weights.

``remove(ids)`` only clears bits of the ``alive`` mask that both searches skip, so taking
a revoked sample's units out is instant and safe while another thread queries.
"""

from __future__ import annotations

import threading

import numpy as np

__all__ = ["UnitIndex", "BRUTE_BELOW", "MAX_TREE_DIMS"]

BRUTE_BELOW = 512
MAX_TREE_DIMS = 32  # above this, "auto" uses the brute force (a tree rarely prunes there)


class UnitIndex:
    """Nearest-neighbour search over ``features`` (n units, d dimensions; scaled, finite)."""

    def __init__(self, features: np.ndarray, alive: np.ndarray | None = None, *, brute_below: int = BRUTE_BELOW):
        f = np.ascontiguousarray(features, dtype=np.float64)
        if f.ndim != 2:
            raise ValueError(f"features must be (units, dimensions), got shape {np.shape(features)}")
        if not np.isfinite(f).all():
            raise ValueError("features must be finite (scale them first: see space.FeatureSpace)")
        self.features = f
        self.alive = np.ones(f.shape[0], dtype=np.bool_) if alive is None else np.array(alive, dtype=np.bool_)
        if self.alive.shape != (f.shape[0],):
            raise ValueError(f"alive must have one flag per unit ({f.shape[0]}), got shape {self.alive.shape}")
        self.brute_below = int(brute_below)
        self._trees: dict[tuple[int, ...], tuple] = {}
        self._subsets: dict[tuple[int, ...], np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.features.shape[0]

    @property
    def n_alive(self) -> int:
        return int(self.alive.sum())

    def remove(self, ids) -> None:
        """Take units out of every later answer (a revoked sample's units)."""
        alive = self.alive.copy()
        alive[np.asarray(ids, dtype=np.int64)] = False
        self.alive = alive  # one reference swap: a query in flight sees the old or the new mask

    def _subset(self, dims: tuple[int, ...]) -> np.ndarray:
        sub = self._subsets.get(dims)
        if sub is None:
            sub = np.ascontiguousarray(self.features[:, list(dims)])
            self._subsets[dims] = sub
        return sub

    def tree(self, dims: tuple[int, ...]) -> tuple:
        """The KD-tree over dimensions ``dims`` (built now if it was not yet)."""
        t = self._trees.get(dims)
        if t is None:
            with self._lock:
                t = self._trees.get(dims)
                if t is None:
                    from ._knn_kernels import LEAF_SIZE, build_tree

                    t = build_tree(self._subset(dims), LEAF_SIZE)
                    self._trees[dims] = t
        return t

    def query(self, dims: tuple[int, ...], q: np.ndarray, w: np.ndarray, k: int = 1,
              max_d2: float = np.inf, method: str = "auto") -> tuple[np.ndarray, np.ndarray]:
        """(ids, squared distances) of the ``k`` nearest alive units to ``q`` within
        ``max_d2``, nearest first. ``dims``: the feature columns ``q`` and ``w`` give
        (same length); ``method``: "tree", "brute" or "auto" (brute below ``brute_below``)."""
        qw = np.empty((2, len(dims)))
        qw[0] = q
        qw[1] = w
        return self.query_qw(dims, qw, k, max_d2, method)

    def query_qw(self, dims: tuple[int, ...], qw: np.ndarray, k: int = 1, max_d2: float = np.inf,
                 method: str = "auto") -> tuple[np.ndarray, np.ndarray]:
        """``query`` with ``q`` and ``w`` stacked as ``qw`` (2, len(dims)) float64 (a corpus
        pattern keeps one per target: a few microseconds less per query)."""
        if method == "auto":
            n = self.features.shape[0]
            method = "brute" if n < self.brute_below or len(dims) > MAX_TREE_DIMS else "tree"
        if method == "tree":
            t = self._trees.get(dims) or self.tree(dims)
            return _kernels().query_tree(t[0], t[1], qw, self.alive, max(1, int(k)), float(max_d2))
        if method == "brute":
            return _kernels().query_brute(self._subset(dims), qw, self.alive, max(1, int(k)), float(max_d2))
        raise ValueError(f"method must be 'auto', 'tree' or 'brute', got {method!r}")


_KERNELS = []


def _kernels():
    """The numba kernels module, imported on first query (``import livesamp`` stays light)."""
    if not _KERNELS:
        from . import _knn_kernels

        _KERNELS.append(_knn_kernels)
    return _KERNELS[0]
