"""Train/test draws made the way the official OBELiX split was made (Therrien et al. 2026).

Shared by cross-validation (:mod:`ssenb.models.validation`) and the interval calibration
of :class:`~ssenb.models.PropertyModel`.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInputError

#: The official OBELiX split's design (``data/misc/arguments_split.yaml`` upstream):
#: a quarter of the groups in the test set, holding 20-30 % of the rows.
PAPER_TEST_SHARE = 0.25
PAPER_TEST_BOUNDS = (0.2, 0.3)
PAPER_SPLIT_ITER = 2000  # Monte Carlo swaps per draw (upstream ran 10,000 for its one split)


def _hist_distance(y: np.ndarray, edges: np.ndarray, test: np.ndarray) -> float:
    """Mean absolute difference of the train and test histograms of log10 σ (OBELiX's metric)."""
    if test.all() or not test.any():
        return np.inf
    h_test = np.histogram(y[test], edges)[0]
    h_all = np.histogram(y, edges)[0]
    return _count_distance(h_test, int(test.sum()), h_all, len(y))


def _count_distance(h_test: np.ndarray, n_test: int, h_all: np.ndarray, n_all: int) -> float:
    """:func:`_hist_distance` from bin counts: the test set's and everyone's (rows n_test, n_all)."""
    if n_test == n_all or n_test == 0:
        return np.inf
    return float(np.mean(np.abs(h_test / n_test - (h_all - h_test) / (n_all - n_test))))


def _group_counts(
    members: np.ndarray, n_groups: int, y: np.ndarray, edges: np.ndarray
) -> np.ndarray:
    """(n_groups, bins) counts of each group's rows per histogram bin, as ``np.histogram`` bins.

    Bins are half-open [e_i, e_i+1) but the last, which is closed, and rows outside the edges
    count nowhere (``np.histogram``'s rule; a test holds the sums equal to it).
    """
    n_bins = len(edges) - 1
    bins = np.searchsorted(edges, y, side="right") - 1
    bins[y == edges[-1]] = n_bins - 1
    inside = (bins >= 0) & (bins < n_bins)
    counts = np.zeros((n_groups, n_bins), dtype=np.int64)
    np.add.at(counts, (members[inside], bins[inside]), 1)
    return counts


def paper_splits(
    groups: np.ndarray,
    y: np.ndarray,
    *,
    has_structure: np.ndarray | None = None,
    n_splits: int = 5,
    random_state: int | None = 0,
    n_iter: int = PAPER_SPLIT_ITER,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test draws made the way the official OBELiX split was made.

    Each draw puts a quarter of the groups in the test set, keeps it only if it holds 20-30 %
    of the rows (and of the rows with a structure), then swaps one test group for one
    training group at a time, keeping swaps that bring the train and test histograms of
    log10 σ (25 bins) closer (Monte Carlo, as ``train_test_split.py --monte_carlo
    --hist_dist --ratio 0.6`` upstream). The 20-30 % bound is why a group holding a fifth of
    the data almost never lands in a test set; k-fold over the same groups would hold it out
    and score a far harder task than the official split poses.

    Parameters
    ----------
    groups : ndarray of int
        Group id per row (:func:`paper_groups`).
    y : ndarray of float
        log10 σ (S/cm) per row, censored rows at their bound.
    has_structure : ndarray of bool, optional
        Rows with a crystal structure; their test share is bounded and matched too.
    n_splits : int
        Independent draws (each a full train/test split; a row may be tested in several).
    random_state : int or None
        Seed; the same seed gives the same draws.
    n_iter : int
        Monte Carlo swaps per draw.

    Returns
    -------
    list of (train indices, test indices)
    """
    rng = np.random.default_rng(random_state)
    ids, members = np.unique(groups, return_inverse=True)
    n_groups = len(ids)
    n_test = int(n_groups * PAPER_TEST_SHARE)
    if n_test < 1 or n_test >= n_groups:
        raise InvalidInputError(
            f"{n_groups} paper/composition groups are too few for a 25 % test draw; "
            "use cv='grouped' on a frame this small"
        )
    lo, hi = PAPER_TEST_BOUNDS
    cif = has_structure if has_structure is not None and has_structure.any() else None
    edges = np.histogram_bin_edges(y, bins=25)
    # Each swap moves one group in and one out: the test set's histogram and row counts are
    # kept as running sums of per-group counts (O(bins) a swap, not O(rows)), the same
    # numbers the rows' histograms give, so the draws are those of the row-wise search.
    parts = [(_group_counts(members, n_groups, y, edges), len(y))]
    if cif is not None:
        parts.append((_group_counts(members[cif], n_groups, y[cif], edges), int(cif.sum())))
    sizes = [c.sum(axis=1) for c, _ in parts]
    totals = [c.sum(axis=0) for c, _ in parts]

    def score(test_counts: list[np.ndarray], test_rows: list[int]) -> float:
        shares = [t / n for t, (_, n) in zip(test_rows, parts, strict=True)]
        if any(not lo <= sh <= hi for sh in shares):
            return np.inf
        d = [
            _count_distance(h, t, total, n)
            for h, t, total, (_, n) in zip(test_counts, test_rows, totals, parts, strict=True)
        ]
        return d[0] if cif is None else 0.6 * d[0] + 0.4 * d[1]

    def test_sums(chosen: np.ndarray) -> tuple[list[np.ndarray], list[int]]:
        return [c[chosen].sum(axis=0) for c, _ in parts], [int(s[chosen].sum()) for s in sizes]

    draws = []
    for _ in range(n_splits):
        for _attempt in range(1000):  # a first order that satisfies the share bounds
            order = rng.permutation(n_groups)
            counts, rows = test_sums(order[:n_test])
            best = score(counts, rows)
            if np.isfinite(best):
                break
        else:
            raise InvalidInputError(
                "no draw of a quarter of the groups holds 20-30 % of the rows: one group "
                "holds too much of the data for cv='paper'; use cv='grouped'"
            )
        for _ in range(n_iter):
            i, j = rng.integers(0, n_test), rng.integers(n_test, n_groups)
            out, into = order[i], order[j]
            t_counts = [h - c[out] + c[into] for h, (c, _) in zip(counts, parts, strict=True)]
            t_rows = [r - int(s[out]) + int(s[into]) for r, s in zip(rows, sizes, strict=True)]
            trial = score(t_counts, t_rows)
            if trial < best:
                best, counts, rows = trial, t_counts, t_rows
                order[i], order[j] = into, out
        test = np.isin(members, order[:n_test])
        draws.append((np.flatnonzero(~test), np.flatnonzero(test)))
    return draws
