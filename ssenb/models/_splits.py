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
    h_test = np.histogram(y[test], edges)[0] / test.sum()
    h_train = np.histogram(y[~test], edges)[0] / (~test).sum()
    return float(np.mean(np.abs(h_test - h_train)))


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

    def score(order: np.ndarray) -> float:
        test = np.isin(members, order[:n_test])
        shares = [test.mean()] + ([test[cif].mean()] if cif is not None else [])
        if any(not lo <= sh <= hi for sh in shares):
            return np.inf
        d = _hist_distance(y, edges, test)
        if cif is None:
            return d
        return 0.6 * d + 0.4 * _hist_distance(y[cif], edges, test[cif])

    draws = []
    for _ in range(n_splits):
        for _attempt in range(1000):  # a first order that satisfies the share bounds
            order = rng.permutation(n_groups)
            best = score(order)
            if np.isfinite(best):
                break
        else:
            raise InvalidInputError(
                "no draw of a quarter of the groups holds 20-30 % of the rows: one group "
                "holds too much of the data for cv='paper'; use cv='grouped'"
            )
        for _ in range(n_iter):
            i, j = rng.integers(0, n_test), rng.integers(n_test, n_groups)
            order[i], order[j] = order[j], order[i]
            trial = score(order)
            if trial < best:
                best = trial
            else:
                order[i], order[j] = order[j], order[i]
        test = np.isin(members, order[:n_test])
        draws.append((np.flatnonzero(~test), np.flatnonzero(test)))
    return draws
