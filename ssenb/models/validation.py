"""Honest validation of conductivity models on OBELiX-like data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from ._inputs import as_material_frame, targets
from .conductivity import SUPERIONIC_LOG10, ConductivityModel, censored_mae

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pymatgen.core import Composition

CVScheme = Literal["grouped", "random", "family"]
OBELIX_TRAIN_VERSION = "OBELiX train split (NRC-Mila/OBELiX 4eaac88)"
NEAR_DUPLICATE_TOL = 0.02  # max difference of any atomic fraction within one group


def near_duplicate_groups(
    compositions: Sequence[Composition], tol: float = NEAR_DUPLICATE_TOL
) -> np.ndarray:
    """Group ids joining compositions with the same elements and every atomic fraction within ``tol``.

    Doping series such as Li0.33La0.56Ti0.99Al0.01O2.99F0.01 / ...Al0.02... form one group,
    so they never sit on both sides of a train/test split.
    """
    parent = list(range(len(compositions)))

    def find(i: int) -> int:
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


@dataclass(frozen=True, eq=False)
class CVReport(Result):
    """Cross-validated performance of a conductivity model, beside a median baseline.

    ``summary_metrics`` holds MAE of log10 σ (S/cm; censored rows count only the excess
    above their bound), R² (uncensored rows), the median predictor's MAE, and the
    superionic classification (σ ≥ 1e-4 S/cm, from the regression) accuracy and MCC
    beside the majority-class baseline. ``folds`` has one row per fold (``to_frame()``),
    ``predictions`` one row per material with its fold.
    """

    _table = "folds"

    scheme: str
    n_splits: int
    random_state: int | None
    summary_metrics: dict[str, float]
    folds: pd.DataFrame = field(repr=False)
    predictions: pd.DataFrame = field(repr=False)
    data_version: str = ""
    model: str = ""

    def title(self) -> str:
        """Heading of the HTML view: scheme, folds and seed."""
        return f"{self.scheme} cross-validation, {self.n_splits} folds (seed {self.random_state})"

    def summary(self) -> list[tuple[str, str]]:
        """MAE of log10 σ (log10 S/cm), R², superionic accuracy and MCC, beside baselines."""
        s = self.summary_metrics
        return [
            (
                "MAE of log10 σ",
                f"{fmt_number(s['mae'], 'log10 S/cm')} (median predictor {fmt_number(s['baseline_mae'])})",
            ),
            ("R² (uncensored rows)", fmt_number(s["r2"])),
            (
                "superionic accuracy",
                f"{fmt_number(s['accuracy'])} (majority class {fmt_number(s['baseline_accuracy'])})",
            ),
            ("superionic MCC", fmt_number(s["mcc"])),
            ("materials", f"{s['n']} ({s['n_censored']} censored)"),
        ]


def cross_validate_conductivity(
    frame: pd.DataFrame | None = None,
    *,
    model: ConductivityModel | None = None,
    cv: CVScheme = "grouped",
    n_splits: int = 5,
    random_state: int | None = 0,
    progress: bool = True,
    data_version: str | None = None,
) -> CVReport:
    """Cross-validate a conductivity model with near-duplicates kept together.

    Parameters
    ----------
    frame : DataFrame, optional
        OBELiX-like frame (default: ``load_obelix("train")``; the test split is never used).
    model : ConductivityModel, optional
        Unfitted model to clone per fold (default ``ConductivityModel(random_state=...)``).
    cv : {"grouped", "family"}
        "grouped" (alias "random"): k-fold over near-duplicate groups, shuffled with
        ``random_state``, so doping series never straddle a split; "family": leave one
        structural family out.
    n_splits : int
        Folds for "random".
    random_state : int or None
        Seed of the fold assignment and of the default model. Same seed, same report.
    data_version : str, optional
        What ``frame`` is, for the report (default: the frame's ``attrs["data_version"]``).

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

        frame, version = load_obelix("train"), OBELIX_TRAIN_VERSION
    else:
        version = data_version or frame.attrs.get("data_version", "a user-supplied frame")
    if not isinstance(n_splits, int) or isinstance(n_splits, bool) or n_splits < 2:
        raise InvalidInputError(f"n_splits={n_splits!r}: cross-validation needs at least 2 folds")
    frame = as_material_frame(frame)
    y, censored = targets(frame)
    model = model if model is not None else ConductivityModel(random_state=random_state)
    table, _ = clone(model).feature_matrix(frame, fitting=True, progress=progress)
    X = table.to_numpy(float)
    groups = near_duplicate_groups(list(frame[K.REDUCED_COMPOSITION]))
    if cv in ("grouped", "random"):
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
        raise InvalidInputError(f"cv={cv!r}; use 'grouped' or 'family'")
    pred = np.full(len(y), np.nan)
    std = np.full(len(y), np.nan)
    fold_of = np.full(len(y), -1)
    rows: list[dict[str, Any]] = []
    splits = list(splitter.split(X, y, split_groups))
    for k, (train, test) in enumerate(
        tqdm(
            splits,
            desc=f"{'grouped' if cv == 'random' else cv} CV",
            disable=not progress,
            leave=False,
        )
    ):
        m = clone(model).fit(table.iloc[train], y[train], censored=censored[train])
        pred[test], std[test] = m.predict(table.iloc[test], return_std=True)
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
    folds = pd.DataFrame(rows).rename(columns={"mae": K.MAE, "baseline_mae": K.BASELINE_MAE})
    return CVReport(
        "grouped" if cv == "random" else cv,
        len(splits),
        random_state,
        summary,
        folds,
        predictions,
        version,
        f"{type(model).__name__}(preset={model.preset!r})",
    )
