"""Paper-scheme CV of conductivity models, with and without the extra literature data.

Reproduces the numbers in docs/conductivity_model.md and README (seeds 0-3, composition
preset) and the cached results of notebooks/conductivity_leaderboard.ipynb (every preset,
seed 0). Each run is one call of the public API::

    cross_validate_conductivity(load_obelix("train"), model=ConductivityModel(preset, random_state=seed),
                                cv="paper", n_splits=5, random_state=seed, extra=extra)

with ``extra=None`` (OBELiX train only) or the Liverpool + Laskowski room-temperature
measurements (leak-filtered per fold against the held-out rows). Rows are appended to
the CSV as they finish; a row already there is skipped, so an interrupted run resumes.

    SSENB_OFFLINE=1 OMP_NUM_THREADS=1 python scripts/benchmark_conductivity_cv.py \
        --presets composition --seeds 0 1 2 3 --out benchmarks/conductivity_cv.csv

On one core (OMP_NUM_THREADS=1): about 35-50 s per seed (OBELiX only or merged) for
the composition preset; the structure presets add CIF parsing and featurization.

The OBELiX-only composition rows are also what ``notebooks/fig_shap_summary.ipynb``
quotes (seed 0: the call ``cross_validate_conductivity(random_state=0)`` makes):

    SSENB_OFFLINE=1 OMP_NUM_THREADS=1 python scripts/benchmark_conductivity_cv.py \
        --presets composition --seeds 0 1 2 3 --data obelix \
        --predictions benchmarks/conductivity_cv_predictions.csv

``tests/test_benchmark_cv.py`` holds the cached rows consistent with the cached
predictions and :func:`cv_row` equal to the report of the same call on a small case.
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ssenb.models import CVReport

FIELDS = [
    "preset",
    "data",
    "seed",
    "mae",
    "mae_draw_std",
    "coverage_1sigma",
    "coverage_2sigma",
    "r2",
    "baseline_mae",
    "n_draws",
    "n_test_predictions",
    "seconds",
    "data_version",
    "ssenb_version",
]


def run_cv(
    frame: Any,
    preset: str,
    data: str,
    seed: int,
    *,
    extra: Any = None,
    n_splits: int = 5,
    data_version: str | None = None,
    **model_params: Any,
) -> CVReport:
    """One benchmark run: the public call, ``extra`` used only for ``data="obelix+extra"``."""
    from ssenb.models import ConductivityModel, cross_validate_conductivity

    return cross_validate_conductivity(
        frame,
        model=ConductivityModel(preset=preset, random_state=seed, **model_params),
        cv="paper",
        n_splits=n_splits,
        random_state=seed,
        extra=extra if data == "obelix+extra" else None,
        progress=False,
        data_version=data_version,
    )


def cv_row(report: CVReport, preset: str, data: str, seed: int, seconds: float) -> dict:
    """The CSV row of one run (rounded as stored)."""
    import ssenb

    s = report.summary_metrics
    return {
        "preset": preset,
        "data": data,
        "seed": seed,
        "mae": round(s["mae"], 4),
        "mae_draw_std": round(float(report.folds["mae_log10_sigma"].std()), 4),
        "coverage_1sigma": round(s["coverage_1sigma"], 4),
        "coverage_2sigma": round(s["coverage_2sigma"], 4),
        "r2": round(s["r2"], 4),
        "baseline_mae": round(s["baseline_mae"], 4),
        "n_draws": report.n_splits,
        "n_test_predictions": len(report.predictions),
        "seconds": round(seconds, 1),
        "data_version": report.data_version,
        "ssenb_version": ssenb.__version__,
    }


def _append(out: Path, row: dict) -> None:
    """Append a row; a file written before a column was added is rewritten with it (blank)."""
    rows: list[dict] = []
    if out.exists():
        with out.open() as fh:
            reader = csv.DictReader(fh)
            if list(reader.fieldnames or []) != FIELDS:
                rows = list(reader)
    if rows:
        tmp = out.with_suffix(".tmp")
        with tmp.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, FIELDS, restval="")
            writer.writeheader()
            writer.writerows(rows)
        tmp.replace(out)
    new = not out.exists()
    with out.open("a", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(row)


def _append_predictions(target: Path, report: CVReport, preset: str, data: str, seed: int) -> None:
    """Append a run's held-out predictions (4 decimals), in the file's own columns."""
    import pandas as pd

    pred = report.predictions.assign(preset=preset, data=data, seed=seed).round(4)
    if target.exists():  # a file written before a column was added keeps its columns
        pred = pred.reindex(columns=pd.read_csv(target, nrows=0).columns)
    pred.to_csv(target, mode="a", header=not target.exists(), index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", nargs="+", default=["composition"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3])
    parser.add_argument("--data", nargs="+", default=["obelix", "obelix+extra"])
    parser.add_argument("--out", default="benchmarks/conductivity_cv.csv")
    parser.add_argument(
        "--predictions",
        default=None,
        help="also write every held-out prediction (with its calibrated interval) of each run "
        "to this CSV, for the reliability figure",
    )
    args = parser.parse_args()

    from ssenb.data import conductivity_measurements, load_obelix
    from ssenb.errors import SsenbWarning
    from ssenb.models.validation import OBELIX_TRAIN_VERSION

    warnings.simplefilter("ignore", SsenbWarning)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if out.exists():
        with out.open() as fh:
            done = {(r["preset"], r["data"], int(r["seed"])) for r in csv.DictReader(fh)}
    extra = conductivity_measurements(["liverpool", "laskowski"])
    for preset in args.presets:
        # with structures: the paper splits bound the share of CIF rows (as the official
        # split and docs/conductivity_model.md's numbers do), whatever the preset uses
        frame = load_obelix("train")
        for data in args.data:
            for seed in args.seeds:
                if (preset, data, seed) in done:
                    continue
                t0 = time.perf_counter()
                report = run_cv(
                    frame, preset, data, seed, extra=extra, data_version=OBELIX_TRAIN_VERSION
                )
                row = cv_row(report, preset, data, seed, time.perf_counter() - t0)
                if args.predictions:
                    _append_predictions(Path(args.predictions), report, preset, data, seed)
                _append(out, row)
                print(row, flush=True)


if __name__ == "__main__":
    main()
