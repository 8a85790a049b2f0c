"""Honest validation of conductivity models on OBELiX-like data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ._inputs import as_material_frame, material_features, targets
from .conductivity import SUPERIONIC_LOG10, ConductivityModel, censored_mae

CVScheme = Literal["random", "family"]
NEAR_DUPLICATE_TOL = 0.02  # max difference of any atomic fraction within one group


def near_duplicate_groups(compositions, tol: float = NEAR_DUPLICATE_TOL) -> np.ndarray:
    """Group ids joining compositions with the same elements and every atomic fraction within ``tol``.

    Doping series such as Li0.33La0.56Ti0.99Al0.01O2.99F0.01 / ...Al0.02... form one group,
    so they never sit on both sides of a train/test split.
    """
    parent = list(range(len(compositions)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_elements: dict[frozenset, list[int]] = {}
    fracs = []
    for i, c in enumerate(compositions):
        f = {str(el): c.get_atomic_fraction(el) for el in c.elements}
        fracs.append(f)
        by_elements.setdefault(frozenset(f), []).append(i)
    for members in by_elements.values():
        for a_i, a in enumerate(members):
            for b in members[a_i + 1 :]:
                if max(abs(fracs[a][e] - fracs[b][e]) for e in fracs[a]) <= tol:
                    parent[find(a)] = find(b)
    roots = [find(i) for i in range(len(compositions))]
    _, ids = np.unique(roots, return_inverse=True)
    return ids


@dataclass
class CVReport:
    """Cross-validated performance of a conductivity model, beside a median baseline.

    ``summary`` holds MAE of log10 σ (S/cm; censored rows count only the excess above
    their bound), R² (uncensored rows), the median predictor's MAE, and the superionic
    classification (σ ≥ 1e-4 S/cm, from the regression) accuracy and MCC beside the
    majority-class baseline. ``predictions`` has one row per material with its fold.
    """

    scheme: str
    n_splits: int
    random_state: int | None
    summary: dict[str, float]
    folds: pd.DataFrame
    predictions: pd.DataFrame = field(repr=False)
    data_version: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Per-fold metrics (a copy)."""
        return self.folds.copy()

    def _repr_html_(self) -> str:
        s = self.summary
        return (
            f"<b>{self.scheme} CV</b> ({self.n_splits} folds, seed {self.random_state}) on {self.data_version}: "
            f"MAE {s['mae']:.2f} (median baseline {s['baseline_mae']:.2f}) log10 S/cm, R² {s['r2']:.2f}; "
            f"superionic accuracy {s['accuracy']:.2f}, MCC {s['mcc']:.2f}"
        )


def cross_validate_conductivity(
    frame: pd.DataFrame | None = None,
    *,
    model: ConductivityModel | None = None,
    cv: CVScheme = "random",
    n_splits: int = 5,
    random_state: int | None = 0,
    progress: bool = True,
) -> CVReport:
    """Cross-validate a conductivity model with near-duplicates kept together.

    Parameters
    ----------
    frame : DataFrame, optional
        OBELiX-like frame (default: ``load_obelix("train")``; the test split is never used).
    model : ConductivityModel, optional
        Unfitted model to clone per fold (default ``ConductivityModel(random_state=...)``).
    cv : {"random", "family"}
        "random": grouped k-fold over near-duplicate groups (shuffled with
        ``random_state``); "family": leave one structural family out.
    n_splits : int
        Folds for "random".
    random_state : int or None
        Seed of the fold assignment and of the default model. Same seed, same report.

    Returns
    -------
    CVReport
    """
    from sklearn.base import clone
    from sklearn.metrics import matthews_corrcoef, r2_score
    from sklearn.model_selection import GroupKFold, LeaveOneGroupOut
    from tqdm.auto import tqdm

    if frame is None:
        from ..data import load_obelix

        frame, version = load_obelix("train"), "OBELiX train split (NRC-Mila/OBELiX 4eaac88)"
    else:
        version = "user frame"
    frame = as_material_frame(frame)
    y, censored = targets(frame)
    model = model if model is not None else ConductivityModel(random_state=random_state)
    table, optional = material_features(frame, model.preset, progress=progress)
    names = [c for c in table.columns if c != K.ERROR]
    if table[K.ERROR].notna().any():
        raise InvalidInputError(
            f"featurization failed for {int(table[K.ERROR].notna().sum())} rows; drop them first"
        )
    X = table.drop(columns=K.ERROR).to_numpy(float)
    groups = near_duplicate_groups(list(frame[K.REDUCED_COMPOSITION]))
    if cv == "random":
        splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
        split_groups = groups
    elif cv == "family":
        if K.FAMILY not in frame:
            raise InvalidInputError("cv='family' needs a 'family' column")
        family = frame[K.FAMILY].astype(str).to_numpy()
        # a near-duplicate group spanning families joins its first member's family
        first = {g: family[np.where(groups == g)[0][0]] for g in np.unique(groups)}
        split_groups = np.array([first[g] for g in groups])
        splitter = LeaveOneGroupOut()
    else:
        raise InvalidInputError(f"cv={cv!r}; use 'random' or 'family'")
    pred = np.full(len(y), np.nan)
    std = np.full(len(y), np.nan)
    fold_of = np.full(len(y), -1)
    rows = []
    splits = list(splitter.split(X, y, split_groups))
    for k, (train, test) in enumerate(
        tqdm(splits, desc=f"{cv} CV", disable=not progress, leave=False)
    ):
        m = clone(model).fit(X[train], y[train], censored=censored[train])
        m._record_features(names, optional)  # as fit() does for material input
        pred[test], std[test] = m.predict(X[test], return_std=True)
        fold_of[test] = k
        baseline = np.full(len(test), np.median(y[train][~censored[train]]))
        rows.append(
            {
                "fold": k,
                "test_group": str(split_groups[test][0])
                if cv == "family"
                else f"{len(np.unique(groups[test]))} groups",
                "n_test": len(test),
                "mae": censored_mae(y[test], pred[test], censored[test]),
                "baseline_mae": censored_mae(y[test], baseline, censored[test]),
            }
        )
    exact = ~censored
    true_cls = y >= SUPERIONIC_LOG10
    pred_cls = pred >= SUPERIONIC_LOG10
    summary = {
        "mae": censored_mae(y, pred, censored),
        "r2": float(r2_score(y[exact], pred[exact])),
        "baseline_mae": float(
            np.mean([r["baseline_mae"] * r["n_test"] for r in rows]) * len(rows) / len(y)
        ),
        "accuracy": float((true_cls == pred_cls).mean()),
        "baseline_accuracy": float(max(true_cls.mean(), 1 - true_cls.mean())),
        "mcc": float(matthews_corrcoef(true_cls, pred_cls)),
        "n": len(y),
        "n_censored": int(censored.sum()),
    }
    predictions = pd.DataFrame(
        {
            K.ID: frame[K.ID].to_numpy() if K.ID in frame else np.arange(len(y)),
            K.FAMILY: frame[K.FAMILY].to_numpy() if K.FAMILY in frame else None,
            K.LOG10_SIGMA: y,
            K.CENSORED: censored,
            K.PREDICTION: pred,
            K.PREDICTION_STD: std,
            "fold": fold_of,
        }
    )
    return CVReport(
        cv, len(splits), random_state, summary, pd.DataFrame(rows), predictions, version
    )
