"""Honest cross-validation of every model preset: the numbers in docs/conductivity_model.md.

Runs ``cross_validate_conductivity(cv="paper")`` (draws made like the official OBELiX
split) for each model preset over several seeds, beside the optimistic "grouped" scheme,
and prints a Markdown table. Slow: about 1-3 minutes per preset and seed on 2 cores.

    python scripts/compare_models.py                 # every preset, seeds 0-3
    python scripts/compare_models.py --seeds 0 1 --presets composition
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from ssenb.data import load_obelix
from ssenb.models import MODEL_PRESETS, ConductivityModel, cross_validate_conductivity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="*", default=list(MODEL_PRESETS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2, 3])
    parser.add_argument("--schemes", nargs="*", default=["paper", "grouped"])
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    frame = load_obelix("train")
    print("| model preset | " + " | ".join(f"{s} CV MAE (log10 S/cm)" for s in args.schemes) + " |")
    print("|---|" + "---|" * len(args.schemes))
    for preset in args.presets:
        cells = []
        for scheme in args.schemes:
            maes, base, t0 = [], [], time.time()
            for seed in args.seeds:
                rep = cross_validate_conductivity(
                    frame,
                    model=ConductivityModel(preset=preset, random_state=seed),
                    cv=scheme,
                    random_state=seed,
                    progress=False,
                )
                maes.append(rep.summary_metrics["mae"])
                base.append(rep.summary_metrics["baseline_mae"])
            cells.append(
                f"{np.mean(maes):.2f} ± {np.std(maes):.2f} (median predictor {np.mean(base):.2f}; "
                f"{time.time() - t0:.0f} s)"
            )
        print(f"| `{preset}` | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
