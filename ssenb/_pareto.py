"""How many points dominate each point, in O(n log^2 n): Fonseca & Fleming's Pareto rank.

A point q dominates p when it is at least as good in every objective and better in one
(here "higher is better"). Counting dominators by comparing all pairs costs n^2 (60 000
candidates: over two minutes). This module counts them with sorting and binary search
only, as a two-level range tree (Bentley 1980) walked level by level in numpy:

1. order the points by the first objective, best first; the points at least as good in it
   as p are a prefix of that order (ties included);
2. split that prefix into at most log2(n) aligned blocks of 2^l points (the binary digits
   of its length); inside each block, order by the second objective, best first: the
   points at least as good in it are again a prefix, split the same way;
3. inside each of those sub-blocks, the points at least as good in the third objective
   are counted by a binary search over the sub-block's sorted values.

Each (block size, sub-block size) pair is one vectorised sort and one ``searchsorted`` over
all points, so the cost is O(n log^2 n) time (about (log2 n)^2 / 2 numpy passes of
O(n log n)) and O(n) memory. Points equal in every objective do not dominate each other:
they are counted with ``np.unique`` and taken off. ``benchmarks/pareto_rank.py`` times it
against the pairwise count.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _ranks(values: np.ndarray) -> np.ndarray:
    """Dense ranks, 0 = best (highest value); equal values share a rank."""
    _, inverse = np.unique(-values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


def dominators(points: np.ndarray) -> np.ndarray:
    """For each row of ``points`` (n, 2 or 3; higher is better, no NaN): how many rows dominate it.

    Examples
    --------
    >>> dominators(np.array([[1.0, 1.0], [2.0, 2.0], [2.0, 0.0], [1.0, 1.0]]))
    array([1, 0, 1, 1])
    """
    pts = np.asarray(points, dtype=float)
    n, d = pts.shape if pts.ndim == 2 else (0, 0)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if d not in (2, 3):
        raise ValueError(f"dominators counts for 2 or 3 objectives, not {d}")
    ranks = np.column_stack([_ranks(pts[:, j]) for j in range(d)])
    if d == 2:
        ranks = np.column_stack([ranks, np.zeros(n, np.int64)])  # a third, equal for all
    at_least = _at_least_as_good(ranks)
    _, inverse, equal = np.unique(ranks, axis=0, return_inverse=True, return_counts=True)
    return at_least - equal[inverse.reshape(-1)]  # an equal point (p too) dominates no one


def _at_least_as_good(r: np.ndarray) -> np.ndarray:
    """#{q : r[q] <= r[p] in all three rank columns} for every p (0 = best; p included)."""
    n = len(r)
    big = n + 1  # ranks are < n: block * big + rank orders by block, then rank
    order = np.lexsort((r[:, 0],))  # first objective, best first
    x, y, z = (r[order, j] for j in range(3))
    # length of the prefix at least as good in x, for every point (its tie group's end)
    t = np.searchsorted(x, x, side="right")
    count = np.zeros(n, dtype=np.int64)
    levels = max(1, int(n).bit_length())
    pos = np.arange(n)
    for l1 in range(levels):
        use1 = ((t >> l1) & 1).astype(bool)
        if not use1.any():
            continue
        block = pos >> l1
        by_y = np.lexsort((y, block))  # within each block of 2^l1, best y first
        key_y = block[by_y] * big + y[by_y]
        q1 = np.flatnonzero(use1)
        b1 = (t[q1] >> l1) - 1
        start1 = b1 << l1
        # u: points of block b1 at least as good in y (a prefix of the block's y order)
        u = np.searchsorted(key_y, b1 * big + y[q1], side="right") - start1
        z_in_block = z[by_y]
        for l2 in range(l1 + 1):
            use2 = ((u >> l2) & 1).astype(bool)
            if not use2.any():
                continue
            sub = pos >> l2  # sub-blocks of 2^l2 inside the y order of each block
            key_z = np.sort(sub * big + z_in_block)
            q2 = q1[use2]
            b2 = (start1[use2] >> l2) + (u[use2] >> l2) - 1
            hi = np.searchsorted(key_z, b2 * big + z[q2], side="right")
            lo = np.minimum(b2 << l2, n)
            count[q2] += hi - lo
    out = np.empty(n, dtype=np.int64)
    out[order] = count
    return out


def dominators_pairwise(points: np.ndarray) -> np.ndarray:
    """The same count by comparing all pairs (n^2): the reference for tests and benchmarks."""
    pts = np.asarray(points, dtype=float)
    count = np.zeros(len(pts), dtype=np.int64)
    for lo in range(0, len(pts), 2048):  # blocks keep memory at 2048 x n booleans
        blk = pts[lo : lo + 2048, None, :]
        dominated = (pts[None, :, :] >= blk).all(axis=2) & (pts[None, :, :] > blk).any(axis=2)
        count[lo : lo + 2048] = dominated.sum(axis=1)
    return count


def count_dominators(points: np.ndarray) -> np.ndarray:
    """How many rows dominate each row, for any number of objectives (higher is better, no NaN).

    Two or three objectives are counted by sorting (:func:`dominators`, O(n log^2 n));
    four or more (a screen ranked on band gap and shear modulus too) by a compiled pairwise
    check (numba, compiled once and cached): a row that dominates another has a larger sum
    of objectives, so each row is compared only with the rows of a larger or equal sum,
    n^2 / 2 pairs at most (5 objectives on one shared core: 10,000 rows in about 0.6 s,
    60,000 in about 20 s; numba's first compilation takes seconds, once, then it is cached).
    One objective: the rows strictly better.

    Examples
    --------
    >>> count_dominators(np.array([[1.0, 1, 1, 1], [2, 2, 2, 2], [2, 2, 2, 0]]))
    array([1, 0, 1])
    """
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[0] == 0:
        return np.zeros(len(pts), dtype=np.int64)
    if pts.shape[1] in (2, 3):
        return dominators(pts)
    if pts.shape[1] == 1:
        ordered = np.sort(pts[:, 0])
        return (len(ordered) - np.searchsorted(ordered, pts[:, 0], side="right")).astype(np.int64)
    order = np.argsort(-pts.sum(axis=1), kind="stable")
    ranked = np.ascontiguousarray(pts[order])
    sums = ranked.sum(axis=1)
    # rows 0 .. end[i]-1 have a sum >= row i's (ties included: round-off never hides one)
    end = np.searchsorted(-sums, -sums, side="right").astype(np.int64)
    counts = _pairwise_kernel()(ranked, end)
    out = np.empty(len(pts), dtype=np.int64)
    out[order] = counts
    return out


def _count_within(pts: np.ndarray, end: np.ndarray) -> np.ndarray:  # pragma: no cover (jit)
    """For each row i, the rows j < end[i] that are >= in every column and > in one."""
    n, d = pts.shape
    out = np.zeros(n, dtype=np.int64)
    for i in range(n):
        c = 0
        for j in range(end[i]):
            better = False
            ok = True
            for k in range(d):
                if pts[j, k] < pts[i, k]:
                    ok = False
                    break
                if pts[j, k] > pts[i, k]:
                    better = True
            if ok and better:
                c += 1
        out[i] = c
    return out


_KERNEL: list[Callable[[np.ndarray, np.ndarray], np.ndarray]] = []


def _pairwise_kernel() -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """:func:`_count_within` compiled by numba on first use (``import ssenb`` stays light)."""
    if not _KERNEL:
        import numba

        _KERNEL.append(numba.njit(cache=True, nogil=True)(_count_within))
    return _KERNEL[0]
