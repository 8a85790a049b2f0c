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

On a shared 2-core machine: about 1 min (OBELiX only) and 3 min (merged) per seed for the
composition preset; the structure presets add CIF parsing and featurization.
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path

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
]


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
    from ssenb.models import ConductivityModel, cross_validate_conductivity

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
                report = cross_validate_conductivity(
                    frame,
                    model=ConductivityModel(preset=preset, random_state=seed),
                    cv="paper",
                    n_splits=5,
                    random_state=seed,
                    extra=extra if data == "obelix+extra" else None,
                    progress=False,
                )
                s = report.summary_metrics
                row = {
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
                    "seconds": round(time.perf_counter() - t0, 1),
                }
                if args.predictions:
                    pred = report.predictions.assign(preset=preset, data=data, seed=seed)
                    target = Path(args.predictions)
                    pred.to_csv(target, mode="a", header=not target.exists(), index=False)
                new = not out.exists()
                with out.open("a", newline="") as fh:
                    writer = csv.DictWriter(fh, FIELDS)
                    if new:
                        writer.writeheader()
                    writer.writerow(row)
                print(row, flush=True)


if __name__ == "__main__":
    main()
