"""ssenb's composition models on four matbench v0.1 tasks, by matbench's own protocol.

Tasks (the registered ``mp-properties`` tables, rows as upstream): matbench_expt_gap
(eV), matbench_mp_gap (eV), matbench_log_gvrh and matbench_log_kvrh (log10 GPa).

Protocol: matbench's outer split, ``KFold(n_splits=5, shuffle=True,
random_state=18012019)`` over the rows; for each fold a fresh
:class:`ssenb.models.PropertyModel` (composition features, the settings below) is fitted on
the four training folds and scored on the held-out one (MAE). The settings are fixed
before any run and the same for every task except the ensemble size (``--n-models``):
there is **no hyperparameter search**, so matbench's inner (nested) selection loop is
empty and no choice ever sees a test fold. Features are computed once per task for all rows
(they do not depend on labels) and cached in ``--cache``.

Caveat, stated with the numbers: the rows are CrabNet's composition-level copies of the
matbench sets. If their order differs from matbench's own dataframes, the same splitter
and seed give equally sized but different folds: the MAE is comparable in protocol, not
fold by fold.

Run (one task, every fold; ``--folds 0`` to time a single fold first)::

    SSENB_DATA_DIR=../shared/data OMP_NUM_THREADS=1 \
        python benchmarks/matbench_properties.py --task log10_g --folds 0 1 2 3 4

Prints one JSON line per fold and a summary line; ``--out`` appends them to a file.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

TASKS = {
    "expt_gap": ("band_gap_expt", "matbench_expt_gap"),
    "pbe_gap": ("band_gap_pbe", "matbench_mp_gap"),
    "log10_g": ("log10_shear_modulus", "matbench_log_gvrh"),
    "log10_k": ("log10_bulk_modulus", "matbench_log_kvrh"),
}
#: fixed before any run (no search): deeper trees than the OBELiX default, which is sized
#: for ~600 rows; these tables have 4,604 to 106,113.
SETTINGS = {
    "n_estimators": 1500,
    "learning_rate": 0.05,
    "max_depth": 7,
    "subsample": 0.8,
    "colsample_bytree": 0.5,
    "min_child_weight": 1.0,
    "reg_lambda": 1.0,
}
MATBENCH_SEED = 18012019


def features(task: str, cache: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(feature matrix, labels, feature names) of every row, cached as .npz (no pickle)."""
    from ssenb.data.mp_properties import SOURCES, load_mp_properties
    from ssenb.models import material_features
    from ssenb.models._inputs import as_material_frame

    rows = load_mp_properties(task)  # type: ignore[arg-type]
    y = rows[SOURCES[task].column].to_numpy(float)
    path = cache / f"matbench_features_{task}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as z:
            return z["x"], y, [str(n) for n in z["names"]]
    unique = rows[["formula"]].drop_duplicates()
    ft = material_features(as_material_frame(unique.reset_index(drop=True)), "composition")
    if ft.errors.notna().any():
        raise SystemExit(f"{int(ft.errors.notna().sum())} formulas failed to featurize")
    table = ft.table.set_index(unique["formula"].to_numpy())
    x = table.loc[rows["formula"]].to_numpy(float)
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, x=x, names=np.array(table.columns, dtype=str))
    return x, y, [str(c) for c in table.columns]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=list(TASKS), required=True)
    parser.add_argument("--folds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--n-models", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(".bench_cache"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    import pandas as pd
    from sklearn.model_selection import KFold

    from ssenb.models import PropertyModel

    t0 = time.perf_counter()
    x, y, names = features(args.task, args.cache)
    t_feat = time.perf_counter() - t0
    target, mb_name = TASKS[args.task]
    folds = list(KFold(n_splits=5, shuffle=True, random_state=MATBENCH_SEED).split(x))
    maes = []
    for k in args.folds:
        train, test = folds[k]
        t1 = time.perf_counter()
        model = PropertyModel(
            target=target, n_models=args.n_models, n_jobs=1, random_state=k, **SETTINGS
        )
        model.fit(pd.DataFrame(x[train], columns=names), y[train])
        pred = model.predict(pd.DataFrame(x[test], columns=names))
        mae = float(np.mean(np.abs(pred - y[test])))
        maes.append(mae)
        line = {
            "task": mb_name,
            "fold": k,
            "n_train": len(train),
            "n_test": len(test),
            "mae": round(mae, 4),
            "fit_predict_s": round(time.perf_counter() - t1, 1),
            "features_s": round(t_feat, 1),
            "n_models": args.n_models,
        }
        print(json.dumps(line), flush=True)
        if args.out:
            with open(args.out, "a") as fh:
                fh.write(json.dumps(line) + "\n")
    print(
        json.dumps(
            {
                "task": mb_name,
                "folds": args.folds,
                "mean_mae": round(float(np.mean(maes)), 4),
                "std_mae": round(float(np.std(maes)), 4),
                "settings": SETTINGS,
            }
        )
    )


if __name__ == "__main__":
    main()
