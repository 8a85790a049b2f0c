"""Reproduce the polymer-grouped cross-validation table in docs/polymer_model.md.

Usage: SSENB_OFFLINE=1 OMP_NUM_THREADS=2 python scripts/polymer_cv.py  (about 5 min on 2 cores)
"""

from __future__ import annotations

import time

from ssenb.data import load_polymer_electrolytes
from ssenb.models import PolymerConductivityModel, cross_validate_polymer

SEED = 0
N_SPLITS = 10  # as Bradford et al.: each fold holds out about a tenth of the polymers


def main() -> None:
    df = load_polymer_electrolytes()
    settings = {
        "VTF, T0 = 150 K (default)": PolymerConductivityModel(random_state=SEED),
        "VTF, T0 = 200 K": PolymerConductivityModel(t0_K=200.0, random_state=SEED),
        "Arrhenius (T0 = 0)": PolymerConductivityModel(law="arrhenius", random_state=SEED),
    }
    # Bradford et al.'s test folds leave out polyanions (a "-" in the SMILES) and the two
    # most-measured polymers; the same subset of our held-out predictions, for comparison
    top2 = set(df["polymer"].value_counts().index[:2])
    comparable = ~df["polymer"].str.contains("-", regex=False) & ~df["polymer"].isin(top2)
    rows, by_t = [], {}
    for name, model in settings.items():
        start = time.perf_counter()
        report = cross_validate_polymer(df, model, n_splits=N_SPLITS, random_state=SEED)
        s = report.summary_metrics
        held = report.predictions[comparable.loc[report.predictions.index]]
        subset_mae = float((held["log10_sigma_pred"] - held["log10_sigma"]).abs().mean())
        rows.append(
            (
                name,
                s["mae"],
                subset_mae,
                s["median_polymer_mae"],
                s["r2"],
                s["baseline_mae"],
                time.perf_counter() - start,
            )
        )
        by_t[name] = report.by_temperature
        print(f"done {name}", flush=True)
    print(
        f"\n{N_SPLITS}-fold GroupKFold by polymer, seed {SEED}, {df['polymer'].nunique()} polymers, {len(df)} rows\n"
    )
    print(
        f"Bradford-comparable subset: {int(comparable.sum())} rows (no polyanions, not the 2 most-measured polymers)\n"
    )
    print(
        "| model | MAE log10 σ | MAE, Bradford-comparable subset | median per-polymer MAE | R² | median-predictor MAE | time (s) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, mae, sub, pmae, r2, base, sec in rows:
        print(
            f"| {name} | {mae:.2f} | {sub:.2f} | {pmae:.2f} | {r2:.2f} | {base:.2f} | {sec:.0f} |"
        )
    print("\nMAE of log10 σ by temperature range:\n")
    names = list(by_t)
    first = by_t[names[0]]
    print("| temperature (°C) | rows | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for i, label in enumerate(first["temperature range (°C)"]):
        cells = " | ".join(f"{by_t[n]['mae_log10_sigma'].iloc[i]:.2f}" for n in names)
        print(f"| {label} | {int(first['n_rows'].iloc[i])} | {cells} |")


if __name__ == "__main__":
    main()
