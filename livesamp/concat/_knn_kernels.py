"""numba kernels of the unit index: a weighted k-nearest-neighbour KD-tree and a brute force.

Distances are weighted squared Euclidean: ``d2 = sum_j w[j] * (x[j] - q[j]) ** 2`` with
``w >= 0``. The tree is built over the points reordered so that every node is a contiguous
range ``[lo, hi)`` of ``points`` (``order[i]`` is the original id of ``points[i]``); each
node keeps its bounding box, so a query prunes a node whose box is farther than the
current k-th best (box distance uses the same weights: any ``w`` is exact).

Results come back sorted by distance, then by id (so ties are deterministic). Points with
``alive[id] == False`` are skipped: removing units (a revoked sample) costs nothing here.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["build_tree", "query_tree", "query_brute", "LEAF_SIZE"]

LEAF_SIZE = 16


@njit(cache=True)
def build_tree(data, leaf_size):
    """KD-tree over the rows of ``data`` (n, d) float64: split the widest box side at the median.

    Returns (points, order, nodes, boxes): reordered points, their ids, per node
    ``(lo, hi, left, right)`` (the range of ``points``; children, -1 for a leaf) and
    ``boxes[node] = (min, max)`` per dimension. Node 0 is the root.
    """
    n, d = data.shape
    max_nodes = 2 * max(1, (n + leaf_size - 1) // leaf_size) * 2 + 1
    order = np.arange(n)
    lo = np.zeros(max_nodes, np.int64)
    hi = np.zeros(max_nodes, np.int64)
    left = np.full(max_nodes, -1, np.int64)
    right = np.full(max_nodes, -1, np.int64)
    bmin = np.zeros((max_nodes, d))
    bmax = np.zeros((max_nodes, d))
    stack = np.zeros(max_nodes, np.int64)
    count = 1
    lo[0], hi[0] = 0, n
    top = 0
    stack[0] = 0
    top = 1
    while top > 0:
        top -= 1
        node = stack[top]
        a, b = lo[node], hi[node]
        for j in range(d):
            mn = np.inf
            mx = -np.inf
            for i in range(a, b):
                v = data[order[i], j]
                if v < mn:
                    mn = v
                if v > mx:
                    mx = v
            bmin[node, j] = mn
            bmax[node, j] = mx
        if b - a <= leaf_size:
            continue
        dim = 0
        widest = -1.0
        for j in range(d):
            w = bmax[node, j] - bmin[node, j]
            if w > widest:
                widest = w
                dim = j
        if widest <= 0.0:
            continue  # all points equal: a leaf, however many
        vals = np.empty(b - a)
        for i in range(a, b):
            vals[i - a] = data[order[i], dim]
        srt = np.argsort(vals, kind="mergesort")
        seg = order[a:b].copy()
        for i in range(b - a):
            order[a + i] = seg[srt[i]]
        mid = a + (b - a) // 2
        l, r = count, count + 1
        count += 2
        lo[l], hi[l] = a, mid
        lo[r], hi[r] = mid, b
        left[node], right[node] = l, r
        stack[top] = l
        stack[top + 1] = r
        top += 2
    points = np.empty((n, d))
    for i in range(n):
        for j in range(d):
            points[i, j] = data[order[i], j]
    nodes = np.empty((count, 4), np.int64)
    boxes = np.empty((count, 2, d))
    for c in range(count):
        nodes[c, 0], nodes[c, 1], nodes[c, 2], nodes[c, 3] = lo[c], hi[c], left[c], right[c]
        for j in range(d):
            boxes[c, 0, j] = bmin[c, j]
            boxes[c, 1, j] = bmax[c, j]
    return points, order, nodes, boxes


@njit(cache=True, inline="always")
def _insert(best_d, best_i, found, k, dist, idx):
    """Insert (dist, idx) into the sorted best list of ``found`` entries (capacity k)."""
    if found == k:
        if dist > best_d[k - 1] or (dist == best_d[k - 1] and idx > best_i[k - 1]):
            return found
        pos = k - 1
    else:
        pos = found
        found += 1
    while pos > 0 and (best_d[pos - 1] > dist or (best_d[pos - 1] == dist and best_i[pos - 1] > idx)):
        best_d[pos] = best_d[pos - 1]
        best_i[pos] = best_i[pos - 1]
        pos -= 1
    best_d[pos] = dist
    best_i[pos] = idx
    return found


@njit(cache=True)
def query_tree(points, order, nodes, boxes, qw, alive, k, max_d2, out_i, out_d):
    """The ``k`` nearest alive points to ``q = qw[0]`` within ``max_d2`` (squared distance
    weighted by ``w = qw[1]``). Fills ``out_i``/``out_d`` (length >= k) and returns how
    many were found. (Few arguments: each costs dispatch time when called from Python.)
    """
    q = qw[0]
    w = qw[1]
    d = points.shape[1]
    best_d = out_d
    best_i = out_i
    found = 0
    stack = np.empty(128, np.int64)
    stack_d = np.empty(128)
    stack[0] = 0
    stack_d[0] = 0.0
    top = 1
    while top > 0:
        top -= 1
        node = stack[top]
        nd = stack_d[top]
        bound = best_d[k - 1] if found == k else max_d2
        if nd > bound:
            continue
        l = nodes[node, 2]
        if l < 0:
            for i in range(nodes[node, 0], nodes[node, 1]):
                idx = order[i]
                if not alive[idx]:
                    continue
                s = 0.0
                for j in range(d):
                    t = points[i, j] - q[j]
                    s += w[j] * t * t
                if s <= max_d2:
                    found = _insert(best_d, best_i, found, k, s, idx)
            continue
        r = nodes[node, 3]
        dl = 0.0
        dr = 0.0
        for j in range(d):
            t = boxes[l, 0, j] - q[j]
            if t < 0.0:
                t = q[j] - boxes[l, 1, j]
                if t < 0.0:
                    t = 0.0
            dl += w[j] * t * t
            t = boxes[r, 0, j] - q[j]
            if t < 0.0:
                t = q[j] - boxes[r, 1, j]
                if t < 0.0:
                    t = 0.0
            dr += w[j] * t * t
        if top + 2 > stack.shape[0]:  # deeper than 64 levels: cannot happen for n < 2**60
            break
        if dl <= dr:  # the nearer child is popped first
            stack[top], stack_d[top] = r, dr
            stack[top + 1], stack_d[top + 1] = l, dl
        else:
            stack[top], stack_d[top] = l, dl
            stack[top + 1], stack_d[top + 1] = r, dr
        top += 2
    return found


@njit(cache=True)
def query_brute(data, qw, alive, k, max_d2, out_i, out_d):
    """Same answer as ``query_tree``, by looking at every point of ``data`` (n, d)."""
    n, d = data.shape
    q = qw[0]
    w = qw[1]
    found = 0
    for idx in range(n):
        if not alive[idx]:
            continue
        s = 0.0
        for j in range(d):
            t = data[idx, j] - q[j]
            s += w[j] * t * t
        if s <= max_d2:
            found = _insert(out_d, out_i, found, k, s, idx)
    return found
