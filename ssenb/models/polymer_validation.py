"""Honest validation of polymer-electrolyte models: whole polymers held out per fold."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone

from .. import keys as K
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from .polymer import PolymerConductivityModel

#: Temperature bins of the error table, °C (left-closed).
TEMPERATURE_BINS_C = (-np.inf, 25.0, 60.0, 100.0, np.inf)


@dataclass(frozen=True, eq=False)
class PolymerCVReport(Result):
    """Polymer-grouped cross-validation: MAE of log10 σ (log10 S/cm) beside a median baseline.

    ``by_temperature`` (``to_frame()``) has the MAE per temperature range, ``folds`` one
    row per fold, ``predictions`` one row per held-out measurement with its fold. Every
    polymer (canonical repeat unit) is tested once, in a fold that never saw it.
    """

    _table = "by_temperature"

    n_splits: int
    random_state: int | None
    summary_metrics: dict[str, float]
    by_temperature: pd.DataFrame = field(repr=False)
    folds: pd.DataFrame = field(repr=False)
    predictions: pd.DataFrame = field(repr=False)
    model: str = ""

    def title(self) -> str:
        """Heading of the HTML view."""
        return f"polymer-grouped cross-validation, {self.n_splits} folds (seed {self.random_state})"

    def summary(self) -> list[tuple[str, str]]:
        """MAE of log10 σ beside the median predictor, R², polymers and rows tested."""
        s = self.summary_metrics
        return [
            (
                "MAE of log10 σ",
                f"{fmt_number(s['mae'], 'log10 S/cm')} (median predictor {fmt_number(s['baseline_mae'])})",
            ),
            ("median per-polymer MAE", fmt_number(s["median_polymer_mae"], "log10 S/cm")),
            ("R²", fmt_number(s["r2"])),
            ("polymers / measurements", f"{int(s['n_polymers'])} / {int(s['n_rows'])}"),
        ]


def cross_validate_polymer(
    frame: pd.DataFrame,
    model: PolymerConductivityModel | None = None,
    *,
    n_splits: int = 5,
    random_state: int | None = 0,
) -> PolymerCVReport:
    """Cross-validate holding out whole polymers (GroupKFold on the canonical repeat unit).

    Why: one polymer is measured at many temperatures, salts and concentrations; a
    random split puts its other rows in training and reports a leak, not a prediction.

    Parameters
    ----------
    frame : DataFrame
        :func:`ssenb.data.load_polymer_electrolytes` output (rows whose SMILES were refused
        are left out).
    model : PolymerConductivityModel, optional
        Cloned per fold (default settings when None).
    n_splits : int
    random_state : int or None
        Shuffles which polymers share a fold.

    Examples
    --------
    >>> from ssenb.data import load_polymer_electrolytes
    >>> df = load_polymer_electrolytes()
    >>> small = PolymerConductivityModel(n_models=1, n_estimators=30, random_state=0)
    >>> report = cross_validate_polymer(df, small, n_splits=3)
    >>> bool(report.summary_metrics["mae"] < report.summary_metrics["baseline_mae"])
    True
    """
    from sklearn.metrics import r2_score
    from sklearn.model_selection import GroupKFold

    if not isinstance(n_splits, int) or n_splits < 2:
        raise InvalidInputError(f"n_splits={n_splits!r}; use an integer >= 2")
    data = frame[frame[K.SMILES_ERROR] == ""] if K.SMILES_ERROR in frame else frame
    groups = data[K.POLYMER].to_numpy()
    if len(set(groups)) < n_splits:
        raise InvalidInputError(
            f"{len(set(groups))} polymers cannot fill {n_splits} folds; lower n_splits"
        )
    model = model if model is not None else PolymerConductivityModel(random_state=random_state)
    y = data[K.LOG10_SIGMA].to_numpy(float)
    pred = np.full(len(data), np.nan)
    std = np.full(len(data), np.nan)
    baseline = np.full(len(data), np.nan)
    fold_of = np.zeros(len(data), int)
    folds = []
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    for k, (train, test) in enumerate(splitter.split(data, y, groups)):
        fitted = clone(model).fit(data.iloc[train])
        pred[test], std[test] = fitted.predict(data.iloc[test], return_std=True)
        baseline[test] = np.median(y[train])
        fold_of[test] = k
        folds.append(
            {
                K.FOLD: k,
                "n_polymers": len(set(groups[test])),
                "n_rows": len(test),
                K.MAE: float(np.mean(np.abs(pred[test] - y[test]))),
                K.BASELINE_MAE: float(np.mean(np.abs(baseline[test] - y[test]))),
            }
        )
    predictions = pd.DataFrame(
        {
            K.POLYMER: groups,
            K.SALT: data[K.SALT].to_numpy() if K.SALT in data else "",
            K.TEMPERATURE_C: data[K.TEMPERATURE_C].to_numpy(float),
            K.LOG10_SIGMA: y,
            K.PREDICTION: pred,
            K.PREDICTION_STD: std,
            K.FOLD: fold_of,
        },
        index=data.index,
    )
    err = np.abs(pred - y)
    per_polymer = pd.Series(err).groupby(groups).mean()
    summary = {
        "mae": float(err.mean()),
        "baseline_mae": float(np.mean(np.abs(baseline - y))),
        "median_polymer_mae": float(per_polymer.median()),
        "r2": float(r2_score(y, pred)),
        "n_polymers": float(len(per_polymer)),
        "n_rows": float(len(y)),
    }
    return PolymerCVReport(
        n_splits,
        random_state,
        summary,
        by_temperature(predictions),
        pd.DataFrame(folds),
        predictions,
        repr(model),
    )


def by_temperature(predictions: pd.DataFrame) -> pd.DataFrame:
    """MAE of log10 σ per temperature range (°C) of a table of held-out predictions."""
    bins = pd.cut(predictions[K.TEMPERATURE_C], TEMPERATURE_BINS_C, right=False)
    err = (predictions[K.PREDICTION] - predictions[K.LOG10_SIGMA]).abs()
    grouped = err.groupby(bins, observed=True)
    labels = [_bin_label(b) for b in grouped.mean().index]
    return pd.DataFrame(
        {
            "temperature range (°C)": labels,
            "n_rows": grouped.size().to_numpy(),
            K.MAE: grouped.mean().to_numpy(),
        }
    )


def _bin_label(interval: pd.Interval) -> str:
    lo, hi = interval.left, interval.right
    if np.isinf(lo):
        return f"< {hi:g}"
    if np.isinf(hi):
        return f">= {lo:g}"
    return f"{lo:g} to < {hi:g}"
