"""The cached CV results (benchmarks/conductivity_cv*.csv) agree with each other and with
the code: two notebooks quote them instead of running minutes of cross-validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
RUNS = REPO / "benchmarks" / "conductivity_cv.csv"
PREDICTIONS = REPO / "benchmarks" / "conductivity_cv_predictions.csv"
KEY = ["preset", "data", "seed"]


@pytest.fixture(scope="module")
def bench(load_script):
    return load_script("benchmark_conductivity_cv")


def test_each_cached_run_is_its_cached_predictions_summed_up():
    """MAE (censored rows: only the excess above the bound), interval coverages and the
    count of held-out predictions, recomputed by hand from the stored predictions."""
    runs = pd.read_csv(RUNS)
    preds = pd.read_csv(PREDICTIONS)
    assert not runs.duplicated(KEY).any()
    # the SHAP figure quotes this run (notebooks/fig_shap_summary.ipynb)
    assert ((runs.preset == "composition") & (runs.data == "obelix") & (runs.seed == 0)).any()
    checked = 0
    for key, run in runs.set_index(KEY).iterrows():
        part = preds[(preds[KEY] == pd.Series(key, index=KEY)).all(axis=1)]
        if part.empty:
            continue
        checked += 1
        assert len(part) == run.n_test_predictions
        assert part["fold"].nunique() == run.n_draws
        y, pred = part["log10_sigma"].to_numpy(), part["log10_sigma_pred"].to_numpy()
        bound = part["censored"].to_numpy(bool)
        err = np.where(bound, np.maximum(pred - y, 0.0), np.abs(pred - y))
        assert err.mean() == pytest.approx(run.mae, abs=2e-4)
        sd = part["log10_sigma_std"].to_numpy()
        lo, hi = (
            part["log10_sigma_low_2sigma"].to_numpy(),
            part["log10_sigma_high_2sigma"].to_numpy(),
        )
        for low, high, stored in (
            (pred - sd, pred + sd, run.coverage_1sigma),
            (lo, hi, run.coverage_2sigma),
        ):
            inside = np.where(bound, low <= y, (low <= y) & (y <= high))
            # 4-decimal rounding of the stored values may move a row on an interval's edge
            assert inside.mean() == pytest.approx(stored, abs=2 / len(part) + 1e-4)
    assert checked >= 5  # the merged-data seeds 0-3 and OBELiX-only seed 0 at least


def test_a_benchmark_row_is_the_public_calls_report(bench, obelix):
    """On a small case: the script's run and row are what cross_validate_conductivity says."""
    from ssenb.models import ConductivityModel, cross_validate_conductivity

    small = obelix.iloc[::3]
    params = {"n_estimators": 15, "n_models": 1, "n_jobs": 1}
    report = bench.run_cv(small, "composition", "obelix", 1, n_splits=2, **params)
    row = bench.cv_row(report, "composition", "obelix", 1, seconds=2.04)
    direct = cross_validate_conductivity(
        small,
        model=ConductivityModel(random_state=1, **params),
        n_splits=2,
        random_state=1,
        progress=False,
    )
    s = direct.summary_metrics
    assert list(row) == bench.FIELDS
    assert (row["mae"], row["coverage_1sigma"], row["coverage_2sigma"], row["r2"]) == tuple(
        round(s[k], 4) for k in ("mae", "coverage_1sigma", "coverage_2sigma", "r2")
    )
    assert row["n_test_predictions"] == len(direct.predictions) and row["n_draws"] == 2
    assert row["data_version"] == direct.data_version and row["seconds"] == 2.0
    # "obelix" never trains on the extra tables, even when they are passed
    again = bench.run_cv(small, "composition", "obelix", 1, extra=small, n_splits=2, **params)
    assert again.summary_metrics["mae"] == s["mae"]
