"""Fast, paired experiments on the default conductivity model's paper-scheme CV (merged data).

Reuses the exact draws and leak filtering of
``cross_validate_conductivity(load_obelix("train"), extra=conductivity_measurements(
["liverpool", "laskowski"]), cv="paper", n_splits=5, random_state=seed)``: the same
``paper_splits`` call on the same groups, and each draw's training table from
``validation._MergedTraining.fold`` (extra rows leak-filtered against the held-out rows,
repeats combined). What it adds is a cache: the feature matrices of OBELiX train and of
the extra tables are computed once, and each seed's fold tables once, so a variant of the
model costs only its boosters (on one core: about 25 s per seed without the interval
calibration, 60 s with it; the cache itself about 30 s once).

Every variant is scored on the same draws as the baseline (paired), per seed:
MAE of log10 σ (log10 S/cm; censored rows count the excess above their bound) and the
coverage of the calibrated 1σ and 2σ intervals, as ``CVReport.summary_metrics`` computes
them; checked against the public call (benchmarks/conductivity_cv.csv): the same MAE and
coverages to every stored digit.

    SSENB_OFFLINE=1 OMP_NUM_THREADS=1 python scripts/conductivity_experiments.py \
        --variants baseline_mae depth4 --seeds 0 1 2 3 --out /tmp/cond_experiments.csv

Every variant tried, with its numbers, is in docs/conductivity_model.md ("Variants tried on
the merged data"). The cache lives in $SSENB_EXPERIMENT_CACHE (default
/tmp/ssenb_cond_cache); delete it after changing the features or the fold logic.
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

CACHE = Path(os.environ.get("SSENB_EXPERIMENT_CACHE", "/tmp/ssenb_cond_cache"))

#: name -> variant: ConductivityModel keyword arguments, plus "extra_weight" (sample weight
#: of the literature-only rows; OBELiX rows weigh 1) and "element_fractions" (append one
#: atomic-fraction column per element to the preset's features). MAE-only variants skip
#: the interval calibration (it draws its own random numbers: the ensemble is unchanged).
VARIANTS: dict[str, dict[str, Any]] = {
    "baseline": {},
    "baseline_mae": {"calibration_splits": 0},
    "weight_extra_0.3": {"calibration_splits": 0, "extra_weight": 0.3},
    "weight_extra_0.6": {"calibration_splits": 0, "extra_weight": 0.6},
    "depth4": {"calibration_splits": 0, "max_depth": 4},
    "depth5": {"calibration_splits": 0, "max_depth": 5},
    "depth4_mcw3": {"calibration_splits": 0, "max_depth": 4, "min_child_weight": 3.0},
    "depth5_mcw5": {"calibration_splits": 0, "max_depth": 5, "min_child_weight": 5.0},
    "depth4_lr0.03_1000": {
        "calibration_splits": 0,
        "max_depth": 4,
        "learning_rate": 0.03,
        "n_estimators": 1000,
    },
    "depth4_col0.3": {"calibration_splits": 0, "max_depth": 4, "colsample_bytree": 0.3},
    "depth3_col0.8": {"calibration_splits": 0, "colsample_bytree": 0.8},
    "col0.3": {"calibration_splits": 0, "colsample_bytree": 0.3},
    "mcw5": {"calibration_splits": 0, "min_child_weight": 5.0},
    "depth2_1200": {"calibration_splits": 0, "max_depth": 2, "n_estimators": 1200},
    "element_fractions": {"calibration_splits": 0, "element_fractions": True},
    "repeats_mean": {"calibration_splits": 0, "combine": "mean"},
    "nmodels10": {"calibration_splits": 0, "n_models": 10},
    "lr0.03_1000": {"calibration_splits": 0, "learning_rate": 0.03, "n_estimators": 1000},
    "subsample0.6": {"calibration_splits": 0, "subsample": 0.6},
    "element_fractions_nmodels10": {
        "calibration_splits": 0,
        "element_fractions": True,
        "n_models": 10,
    },
}


def _frames() -> tuple[Any, Any]:
    from ssenb.data import conductivity_measurements, load_obelix

    return load_obelix("train"), conductivity_measurements(["liverpool", "laskowski"])


def features(preset: str = "composition") -> tuple[Any, Any, Any, Any]:
    """(OBELiX train frame, extra frame, OBELiX feature table, extra feature table), cached."""
    from ssenb.models import ConductivityModel

    path = CACHE / f"features_{preset}.pkl"
    frame, extra = _frames()
    if path.exists():
        with path.open("rb") as fh:
            table, extra_table = pickle.load(fh)
        return frame, extra, table, extra_table
    model = ConductivityModel(preset=preset)
    table, _ = model.feature_matrix(frame, fitting=True)
    extra_table, _ = model.feature_matrix(extra.reset_index(drop=True), fitting=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump((table, extra_table), fh)
    return frame, extra, table, extra_table


def _combine_mean(measurements: Any) -> Any:
    """combine_repeats, but log10 σ the mean of a composition's values (not the median)."""
    from ssenb import keys as K
    from ssenb.data import conductivity_table as ct
    from ssenb.data.leaks import composition_key

    out = ct.combine_repeats(measurements)
    m = measurements.reset_index(drop=True)
    keys = [composition_key(c) for c in m[K.REDUCED_COMPOSITION]]
    exact = ~m[K.CENSORED].to_numpy(bool)
    sums: dict[Any, list[float]] = {}
    for k, value, ok in zip(keys, m[K.LOG10_SIGMA].to_numpy(float), exact, strict=True):
        if ok:
            sums.setdefault(k, []).append(value)
    mean = [
        np.mean(sums[k]) if k in sums else np.nan
        for k in map(composition_key, out[K.REDUCED_COMPOSITION])
    ]
    has = ~np.isnan(mean)
    out.loc[has, K.LOG10_SIGMA] = np.asarray(mean)[has]
    return out


def folds(
    seed: int, preset: str = "composition", n_splits: int = 5, combine: str = "median"
) -> dict:
    """One seed's draws and training tables, as cross_validate_conductivity makes them.

    ``combine="mean"`` swaps the repeat rule of ``combine_repeats`` (median) for the mean.
    """
    from ssenb import keys as K
    from ssenb.models import ConductivityModel
    from ssenb.models._inputs import as_material_frame, targets
    from ssenb.models._splits import paper_splits
    from ssenb.models.validation import _MergedTraining, paper_groups

    path = (
        CACHE
        / f"folds_{preset}_{seed}_{n_splits}{'' if combine == 'median' else '_' + combine}.pkl"
    )
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    frame, extra, table, extra_table = features(preset)
    frame = as_material_frame(frame)
    y, censored = targets(frame)
    has_structure = frame[K.STRUCTURE].notna().to_numpy() if K.STRUCTURE in frame else None
    splits = paper_splits(
        paper_groups(frame),
        y,
        has_structure=has_structure,
        n_splits=n_splits,
        random_state=seed,
    )

    class _Cached(ConductivityModel):  # featurizes nothing: the cached extra table
        def feature_matrix(self, X: Any, **kw: Any) -> Any:
            return extra_table, None

    merged = _MergedTraining(frame, table, extra, _Cached(preset=preset), False)
    out = {"X": table.to_numpy(float), "y": y, "censored": censored, "folds": []}
    comps = list(frame[K.REDUCED_COMPOSITION]) + list(merged.extra[K.REDUCED_COMPOSITION])
    out["fractions"] = _element_fractions(comps)
    import ssenb.data

    original = ssenb.data.combine_repeats
    if combine == "mean":
        ssenb.data.combine_repeats = _combine_mean  # what _MergedTraining.fold imports
    try:
        fold_tables = [merged.fold(train, test) for train, test in splits]
    finally:
        ssenb.data.combine_repeats = original
    for (train, test), (x_fit, y_fit, c_fit, g_fit, scored) in zip(splits, fold_tables):
        out["folds"].append(
            {
                "train": train,
                "test": test,
                "rows": x_fit.index.to_numpy(),  # into the merged feature table
                "X": x_fit.to_numpy(float),
                "columns": list(x_fit.columns),
                "y": y_fit,
                "censored": c_fit,
                "groups": g_fit,
                "scored": scored,
            }
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(out, fh)
    return out


def _element_fractions(comps: list[Any]) -> np.ndarray:
    """(rows, elements) atomic fractions, one column per element seen (0 where absent)."""
    elements = sorted({str(el) for c in comps for el in c.elements})
    col = {e: j for j, e in enumerate(elements)}
    out = np.zeros((len(comps), len(elements)))
    for i, c in enumerate(comps):
        for el in c.elements:
            out[i, col[str(el)]] = c.get_atomic_fraction(el)
    return out


def _weighted_model(base: type, weight_of: dict[bytes, float]) -> type:
    """``base`` whose boosters weigh each training row by ``weight_of[row bytes]``."""
    import xgboost as xgb

    class Weighted(base):  # type: ignore[misc,valid-type]
        def _train_boosters(self, X, y, censored, n_models, rng, *, progress=False):  # type: ignore[no-untyped-def]
            w = np.array([weight_of.get(row.tobytes(), 1.0) for row in X])
            params = self._booster_params(y)  # the package's own, so only the weights differ
            boosters = []
            n = len(y)
            for _ in range(n_models):  # the same random stream as the package's
                rows = np.arange(n) if n_models == 1 else rng.integers(0, n, n)
                seed = int(rng.integers(0, 2**31 - 1))
                d = xgb.DMatrix(X[rows], label=y[rows], weight=w[rows], missing=np.nan)
                obj = self._custom_objective(censored[rows]) if censored is not None else None
                boosters.append(
                    xgb.train(
                        {**params, "seed": seed}, d, num_boost_round=self.n_estimators, obj=obj
                    )
                )
            return boosters

    return Weighted


def coverage(y: np.ndarray, censored: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    from ssenb.models.validation import _coverage

    return _coverage(y, censored, low, high)


def run_variant(seed: int, params: dict[str, Any], preset: str = "composition") -> dict:
    """Paired CV numbers of one variant on one seed (same draws as the public call)."""
    import pandas as pd

    from ssenb.models import ConductivityModel
    from ssenb.models.property import ONE_SIGMA, TWO_SIGMA, censored_mae, widening

    params = dict(params)
    data = folds(seed, preset, combine=params.pop("combine", "median"))
    X, y, censored = data["X"], data["y"], data["censored"]
    extra_weight = params.pop("extra_weight", None)
    fractions = params.pop("element_fractions", False)
    parts: dict[str, list] = {k: [] for k in ("idx", "pred", "sd", "lo", "hi", "factor")}
    t0 = time.perf_counter()
    fit_seconds, cal_q = [], []
    for fold in data["folds"]:
        x_fit_arr, x_test_arr, columns = fold["X"], X[fold["test"]], list(fold["columns"])
        if fractions:
            ef = data["fractions"]
            x_fit_arr = np.hstack([x_fit_arr, ef[fold["rows"]]])
            x_test_arr = np.hstack([x_test_arr, ef[fold["test"]]])
            columns += [f"fraction_{j}" for j in range(ef.shape[1])]
        cls: type = ConductivityModel
        if extra_weight is not None:
            w = np.where(np.asarray(fold["scored"]) > 0, 1.0, float(extra_weight))
            cls = _weighted_model(ConductivityModel, {r.tobytes(): v for r, v in zip(x_fit_arr, w)})
        model = cls(preset=preset, random_state=seed, n_jobs=1, **params)
        x_fit = pd.DataFrame(x_fit_arr, columns=columns)
        t1 = time.perf_counter()
        model.fit(
            x_fit,
            fold["y"],
            censored=fold["censored"],
            groups=fold["groups"],
            calibration_rows=fold["scored"],
        )
        fit_seconds.append(time.perf_counter() - t1)
        if model.calibration_ is not None:
            levels = model.calibration_["levels"]
            q = model.calibration_["quantiles"]
            cal_q.append([q[levels.index(ONE_SIGMA)], q[levels.index(TWO_SIGMA)]])
        x_test = pd.DataFrame(x_test_arr, columns=columns)
        p, sd = model.predict(x_test, return_std=True)
        lo, hi = model.predict_interval(x_test, TWO_SIGMA)
        factor = widening(model.domain_.distance_ratio(x_test.to_numpy(float)))
        for key, value in zip(parts, (fold["test"], p, sd, lo, hi, factor), strict=True):
            parts[key].append(value)
    cat = {k: np.concatenate(v) for k, v in parts.items()}
    yt, ct = y[cat["idx"]], censored[cat["idx"]]
    # what the calibration should have found: the held-out |residual| / widening quantiles
    held = (np.abs(cat["pred"] - yt) / cat["factor"])[~ct]
    return {
        "seed": seed,
        "mae": censored_mae(yt, cat["pred"], ct),
        "coverage_1sigma": coverage(yt, ct, cat["pred"] - cat["sd"], cat["pred"] + cat["sd"]),
        "coverage_2sigma": coverage(yt, ct, cat["lo"], cat["hi"]),
        "n_test_predictions": len(yt),
        # calibrated 1σ and 2σ half-widths inside the domain (log10 S/cm), mean over draws
        "calibration_q1": float(np.mean([q[0] for q in cal_q])) if cal_q else float("nan"),
        "calibration_q2": float(np.mean([q[1] for q in cal_q])) if cal_q else float("nan"),
        "held_out_q1": float(np.quantile(held, ONE_SIGMA)),
        "held_out_q2": float(np.quantile(held, TWO_SIGMA)),
        "fit_seconds_per_fold": float(np.mean(fit_seconds)),
        "seconds": time.perf_counter() - t0,
    }


def paired(rows: list[dict], variant: str, base: str = "baseline") -> str:
    """Mean paired MAE gain of ``variant`` over ``base`` (positive: better) and its SE."""
    by = {(r["variant"], r["seed"]): r["mae"] for r in rows}
    seeds = sorted({s for v, s in by if v == variant and (base, s) in by})
    if not seeds:
        return f"{variant}: no paired seeds"
    gain = np.array([by[(base, s)] - by[(variant, s)] for s in seeds])
    se = gain.std(ddof=1) / np.sqrt(len(gain)) if len(gain) > 1 else float("nan")
    return f"{variant}: paired gain {gain.mean():+.3f} ± {se:.3f} (SE, seeds {seeds})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", nargs="+", default=["baseline"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3])
    parser.add_argument("--out", default=str(CACHE / "experiments.csv"))
    args = parser.parse_args()
    from ssenb.errors import SsenbWarning

    warnings.simplefilter("ignore", SsenbWarning)
    out = Path(args.out)
    rows: list[dict] = []
    if out.exists():
        with out.open() as fh:
            rows = [
                {**r, "seed": int(r["seed"]), "mae": float(r["mae"])} for r in csv.DictReader(fh)
            ]
    done = {(r["variant"], r["seed"]) for r in rows}
    for variant in args.variants:
        for seed in args.seeds:
            if (variant, seed) in done:
                continue
            row = {"variant": variant, **run_variant(seed, VARIANTS[variant])}
            rows.append(row)
            new = not out.exists()
            with out.open("a", newline="") as fh:
                writer = csv.DictWriter(fh, list(row))
                if new:
                    writer.writeheader()
                writer.writerow(row)
            print(row, flush=True)
        mae_only = VARIANTS[variant].get("calibration_splits") == 0
        print(paired(rows, variant, "baseline_mae" if mae_only else "baseline"), flush=True)


if __name__ == "__main__":
    main()
