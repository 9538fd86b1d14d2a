"""numba kernels of the unit index: a weighted k-nearest-neighbour KD-tree and a brute force.

Distances are weighted squared Euclidean: ``d2 = sum_j w[j] * (x[j] - q[j]) ** 2`` with
``w >= 0``. The tree is built over the points reordered so that every node is a contiguous
range ``[lo, hi)`` of ``points``; each node keeps its bounding box, so a query prunes a
node whose box is farther than the current k-th best (box distance uses the same
weights: any ``w`` is exact).

Results come back sorted by distance, then by id (so ties are deterministic). Points with
``alive[id] == False`` are skipped: removing units (a revoked sample) costs nothing here.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["build_tree", "query_tree", "query_brute", "LEAF_SIZE"]

LEAF_SIZE = 8


@njit(cache=True)
def build_tree(data, leaf_size):
    """KD-tree over the rows of ``data`` (n, d) float64: split the widest box side at the
    median (points equal to the median may go either side; every box is exact).

    Returns ``(points, nodes)``, both float64 (few arguments make a cheap call from
    Python): ``points`` (n, d + 1) are the rows reordered, each followed by its id;
    ``nodes`` (count, 4 + 2d) per node ``lo, hi`` (its range of ``points``), ``left, right``
    (children, -1 for a leaf), then the box: d minima, d maxima. Node 0 is the root.
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
        half = (b - a) // 2
        median = np.partition(vals, half)[half]
        seg = order[a:b].copy()  # below the median, then equal to it, then above (O(n) per node)
        p = a
        for i in range(b - a):
            if vals[i] < median:
                order[p] = seg[i]
                p += 1
        for i in range(b - a):
            if vals[i] == median:
                order[p] = seg[i]
                p += 1
        for i in range(b - a):
            if vals[i] > median:
                order[p] = seg[i]
                p += 1
        mid = a + half
        l, r = count, count + 1
        count += 2
        lo[l], hi[l] = a, mid
        lo[r], hi[r] = mid, b
        left[node], right[node] = l, r
        stack[top] = l
        stack[top + 1] = r
        top += 2
    points = np.empty((n, d + 1))
    for i in range(n):
        for j in range(d):
            points[i, j] = data[order[i], j]
        points[i, d] = order[i]
    nodes = np.empty((count, 4 + 2 * d))
    for c in range(count):
        nodes[c, 0], nodes[c, 1], nodes[c, 2], nodes[c, 3] = lo[c], hi[c], left[c], right[c]
        for j in range(d):
            nodes[c, 4 + j] = bmin[c, j]
            nodes[c, 4 + d + j] = bmax[c, j]
    return points, nodes


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
def query_tree(points, nodes, qw, alive, k, max_d2):
    """The ``k`` nearest alive points to ``q = qw[0]`` within ``max_d2`` (squared distance
    weighted by ``w = qw[1]``): (ids, squared distances), nearest first."""
    q = qw[0]
    w = qw[1]
    d = q.shape[0]
    best_d = np.empty(k)
    best_i = np.empty(k, np.int64)
    found = 0
    stack = np.empty(128, np.int64)
    stack_d = np.empty(128)
    stack[0] = 0
    stack_d[0] = 0.0
    top = 1
    while top > 0:
        top -= 1
        node = stack[top]
        bound = best_d[k - 1] if found == k else max_d2
        if stack_d[top] > bound:
            continue
        left = np.int64(nodes[node, 2])
        if left < 0:
            for i in range(np.int64(nodes[node, 0]), np.int64(nodes[node, 1])):
                idx = np.int64(points[i, d])
                if not alive[idx]:
                    continue
                s = 0.0
                for j in range(d):
                    t = points[i, j] - q[j]
                    s += w[j] * t * t
                if s <= max_d2:
                    found = _insert(best_d, best_i, found, k, s, idx)
            continue
        right = np.int64(nodes[node, 3])
        dl = 0.0
        dr = 0.0
        for j in range(d):
            t = nodes[left, 4 + j] - q[j]
            if t < 0.0:
                t = q[j] - nodes[left, 4 + d + j]
                if t < 0.0:
                    t = 0.0
            dl += w[j] * t * t
            t = nodes[right, 4 + j] - q[j]
            if t < 0.0:
                t = q[j] - nodes[right, 4 + d + j]
                if t < 0.0:
                    t = 0.0
            dr += w[j] * t * t
        if top + 2 > stack.shape[0]:  # deeper than 64 levels: cannot happen for n < 2**60
            break
        if dl <= dr:  # the nearer child is popped first
            stack[top], stack_d[top] = right, dr
            stack[top + 1], stack_d[top + 1] = left, dl
        else:
            stack[top], stack_d[top] = left, dl
            stack[top + 1], stack_d[top + 1] = right, dr
        top += 2
    return best_i[:found], best_d[:found]


@njit(cache=True)
def query_brute(data, qw, alive, k, max_d2):
    """Same answer as ``query_tree``, by looking at every row of ``data`` (n, d)."""
    n, d = data.shape
    q = qw[0]
    w = qw[1]
    best_d = np.empty(k)
    best_i = np.empty(k, np.int64)
    found = 0
    for idx in range(n):
        if not alive[idx]:
            continue
        s = 0.0
        for j in range(d):
            t = data[idx, j] - q[j]
            s += w[j] * t * t
        if s <= max_d2:
            found = _insert(best_d, best_i, found, k, s, idx)
    return best_i[:found], best_d[:found]
