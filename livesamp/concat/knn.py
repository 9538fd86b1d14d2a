"""``UnitIndex``: k nearest units to a target, over the descriptors a target names.

A target rarely names every descriptor: ``.target("bright")`` asks for a centroid and
nothing else, so the other 20 dimensions have weight 0. A KD-tree over all dimensions
would split on dimensions that then never prune; so the index keeps one KD-tree per set
of *active* dimensions (those with a weight > 0), built on first use of that set
(100,000 units in 2 dimensions: ~60 ms) and kept. A query then visits a handful of
leaves: a few microseconds for 100,000 units, where a brute force over the same units
(numba, one pass) takes ~150 us in 2 dimensions and ~1.5 ms in all 21
(``bench/concat_query.py`` measures both). Below ``BRUTE_BELOW`` units the brute force
is used: it needs no tree and is as fast there.

``remove(ids)`` only clears bits of the ``alive`` mask that both searches skip, so taking
a revoked sample's units out is instant and safe while another thread queries.
"""

from __future__ import annotations

import threading

import numpy as np

__all__ = ["UnitIndex", "BRUTE_BELOW"]

BRUTE_BELOW = 512


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
        k = max(1, int(k))
        out_i = np.empty(k, np.int64)
        out_d = np.empty(k)
        qw = np.empty((2, len(dims)))
        qw[0] = q
        qw[1] = w
        if method == "auto":
            method = "brute" if self.features.shape[0] < self.brute_below else "tree"
        if method == "tree":
            t = self._trees.get(dims) or self.tree(dims)
            found = _kernels().query_tree(t[0], t[1], t[2], t[3], qw, self.alive, k, float(max_d2), out_i, out_d)
        elif method == "brute":
            found = _kernels().query_brute(self._subset(dims), qw, self.alive, k, float(max_d2), out_i, out_d)
        else:
            raise ValueError(f"method must be 'auto', 'tree' or 'brute', got {method!r}")
        return out_i[:found], out_d[:found]


_KERNELS = []


def _kernels():
    """The numba kernels module, imported on first query (``import livesamp`` stays light)."""
    if not _KERNELS:
        from . import _knn_kernels

        _KERNELS.append(_knn_kernels)
    return _KERNELS[0]
