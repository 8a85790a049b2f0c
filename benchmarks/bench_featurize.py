"""Fast composition featurization vs matminer's MultipleFeaturizer, side by side.

Both featurize the same compositions (a seeded sample of the MP ~2019 snapshot plus the
OBELiX training compositions) with the "composition" preset; the script prints both
times, the ratio, and the largest absolute difference of any value.

Run: SSENB_DATA_DIR=../shared/data python benchmarks/bench_featurize.py [--n 10000]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--preset", default="composition")
    args = parser.parse_args()

    from matminer.featurizers.base import MultipleFeaturizer
    from pymatgen.core import Composition

    from ssenb.data import load_mp_snapshot
    from ssenb.features import get_preset
    from ssenb.features._fast import fast_featurize

    warnings.simplefilter("ignore")
    formulas = load_mp_snapshot().sample(args.n, random_state=0)["formula"]
    comps = [Composition(f) for f in formulas]
    featurizers = get_preset(args.preset).featurizers()

    mf = MultipleFeaturizer(featurizers)
    t0 = time.perf_counter()
    ref = np.array(mf.featurize_many(comps, ignore_errors=True, pbar=False), dtype=float)
    t_matminer = time.perf_counter() - t0

    t0 = time.perf_counter()
    got = fast_featurize(comps, featurizers)
    t_fast = time.perf_counter() - t0

    both_nan = np.isnan(ref) & np.isnan(got)
    diff = np.where(both_nan, 0.0, np.abs(ref - got))
    print(f"{len(comps)} compositions, preset {args.preset!r}, {ref.shape[1]} features")
    print(
        f"matminer MultipleFeaturizer.featurize_many (n_jobs={mf.n_jobs}): {t_matminer:8.2f} s  ({1000 * t_matminer / len(comps):.2f} ms/composition)"
    )
    print(
        f"ssenb fast path:                                   {t_fast:8.2f} s  ({1000 * t_fast / len(comps):.3f} ms/composition)"
    )
    print(f"speed-up: {t_matminer / t_fast:.1f}x")
    print(
        f"max |difference|: {np.nanmax(diff):.2e}; NaN pattern identical: {np.array_equal(np.isnan(ref), np.isnan(got))}"
    )
    if np.nanmax(diff) > 1e-9:
        raise SystemExit("values differ")


if __name__ == "__main__":
    main()
