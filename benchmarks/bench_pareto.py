"""Pareto rank by sorting (ssenb._pareto, O(n log^2 n)) vs comparing all pairs (n^2), side by side.

Both count, for every candidate, the candidates that dominate it (Fonseca & Fleming's
rank - 1) on the same seeded random objectives (3 objectives, as in
``screen_candidates`` with a conductivity model; a tenth of the values rounded so that
ties occur). The script prints both times, their ratio, and whether the counts agree.
The pairwise count is skipped above ``--max-pairwise`` rows (60 000 rows: minutes).

Run: python benchmarks/bench_pareto.py [--n 2000 10000 60000] [--max-pairwise 20000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, nargs="+", default=[2_000, 10_000, 60_000])
    parser.add_argument("--max-pairwise", type=int, default=20_000)
    parser.add_argument("--objectives", type=int, default=3, choices=(2, 3))
    args = parser.parse_args()

    from ssenb._pareto import dominators, dominators_pairwise

    rng = np.random.default_rng(0)
    print(f"{'rows':>7} {'sorting s':>10} {'pairwise s':>11} {'ratio':>7}  same counts")
    for n in args.n:
        pts = rng.normal(size=(n, args.objectives))
        pts[: n // 10] = np.round(pts[: n // 10], 1)
        t0 = time.perf_counter()
        fast = dominators(pts)
        t_fast = time.perf_counter() - t0
        if n > args.max_pairwise:
            print(f"{n:>7} {t_fast:>10.3f} {'skipped':>11} {'':>7}  -")
            continue
        t0 = time.perf_counter()
        ref = dominators_pairwise(pts)
        t_ref = time.perf_counter() - t0
        same = bool((fast == ref).all())
        print(f"{n:>7} {t_fast:>10.3f} {t_ref:>11.3f} {t_ref / t_fast:>7.1f}  {same}")


if __name__ == "__main__":
    main()
