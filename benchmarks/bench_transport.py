"""ssenb's BVSE barriers vs bvlain 0.25, side by side, and ssenb over all OBELiX structures.

Part 1: N ordered OBELiX training structures spread over sizes up to --max-sites sites
(bvlain handles only ordered ones), both codes at the same grid spacing; bvlain runs in a child process with a
per-structure time limit. Prints both barrier triples, the largest difference, both times,
the speed ratio and how many structures each could process.

Part 2: ssenb alone over all 254 training structures with a structure: how many got
barriers, per-row reasons for the rest, time per structure, and Spearman's rank
correlation of the 3D barrier with the measured log10 σ.

Run: SSENB_DATA_DIR=../shared/data timeout 1800 python benchmarks/bench_transport.py \
         [--n 10] [--resolution 0.2] [--bvlain-timeout 120] [--skip-all]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import time
import warnings

import numpy as np


def _bvlain(args):
    structure, resolution = args
    import warnings

    warnings.simplefilter("ignore")
    from bvlain import Lain

    calc = Lain(verbose=False)
    calc.read_structure(structure)
    t0 = time.perf_counter()
    calc.bvse_distribution(mobile_ion="Li1+", resolution=resolution)
    out = calc.percolation_barriers()
    return [float(out["E_1D"]), float(out["E_2D"]), float(out["E_3D"])], time.perf_counter() - t0


def run_bvlain(structure, resolution: float, timeout: float):
    """(barriers, seconds) or (None, reason) within ``timeout`` seconds."""
    with mp.get_context("spawn").Pool(1) as pool:
        job = pool.apply_async(_bvlain, ((structure, resolution),))
        try:
            return job.get(timeout=timeout)
        except mp.TimeoutError:
            pool.terminate()
            return None, f"timeout > {timeout:.0f} s"
        except Exception as err:  # bvlain's own failures (oxidation states, no parameters)
            return None, f"{type(err).__name__}: {str(err)[:60]}"


def side_by_side(frame, n: int, resolution: float, timeout: float, max_sites: int) -> None:
    from ssenb.transport import migration_landscape

    ordered = frame[[s.is_ordered for s in frame["structure"]]].copy()
    ordered["n_sites"] = [len(s) for s in ordered["structure"]]
    ordered = ordered[ordered["n_sites"] <= max_sites].sort_values(["n_sites", "id"])
    pick = np.unique(np.linspace(0, len(ordered) - 1, n).round().astype(int))
    rows = ordered.iloc[pick]  # spread over sizes, 4 to max_sites sites
    print(
        f"\n== ssenb vs bvlain 0.25, {len(rows)} ordered OBELiX structures (<= {max_sites} sites), "
        f"{resolution} Å grid, bvlain limit {timeout:.0f} s each =="
    )
    print(
        f"{'id':5} {'formula':16} {'sites':>5} {'ssenb 1D/2D/3D (eV)':>22} "
        f"{'bvlain 1D/2D/3D (eV)':>22} {'max|Δ|':>7} {'ssenb s':>8} {'bvlain s':>8} {'ratio':>6}"
    )
    t_s, t_b, diffs, n_s, n_b = [], [], [], 0, 0
    for _, row in rows.iterrows():
        st = row["structure"]
        t0 = time.perf_counter()
        try:
            land = migration_landscape(st, resolution=resolution)
            ours = [land.barrier_1d, land.barrier_2d, land.barrier_3d]
            n_s += 1
        except Exception as err:
            ours = None
            print(f"   ssenb failed on {row['id']}: {err}")
        ts = time.perf_counter() - t0
        ref, tb = run_bvlain(st, resolution, timeout)
        fmt = lambda b: "/".join("inf" if math.isinf(x) else f"{x:.3f}" for x in b) if b else "-"  # noqa: E731
        diff = ratio = float("nan")
        if ref is not None:
            n_b += 1
            if ours is not None:
                finite = [
                    (a, b) for a, b in zip(ours, ref) if math.isfinite(a) and math.isfinite(b)
                ]
                same_inf = all(math.isinf(a) == math.isinf(b) for a, b in zip(ours, ref))
                diff = max(abs(a - b) for a, b in finite) if finite else 0.0
                diff = diff if same_inf else float("inf")
                diffs.append(diff)
                ratio = tb / ts
                t_s.append(ts)
                t_b.append(tb)
        print(
            f"{row['id']:5} {st.composition.reduced_formula:16} {len(st):5d} {fmt(ours):>22} "
            f"{fmt(ref) if ref else tb:>22} {diff:7.3f} {ts:8.2f} "
            f"{tb if isinstance(tb, float) else float('nan'):8.1f} {ratio:6.0f}"
        )
    if t_s:
        print(f"processed: ssenb {n_s}/{len(rows)}, bvlain {n_b}/{len(rows)} (within the limit)")
        print(f"largest barrier difference: {max(diffs):.3f} eV (median {np.median(diffs):.3f})")
        print(
            f"time on structures both finished: ssenb {sum(t_s):.1f} s, bvlain {sum(t_b):.1f} s "
            f"-> total ratio {sum(t_b) / sum(t_s):.0f}x, median per-structure ratio "
            f"{np.median(np.array(t_b) / np.array(t_s)):.0f}x (goal 20x)"
        )


def all_training(frame, resolution: float) -> None:
    from scipy.stats import spearmanr

    from ssenb.transport import migration_barriers

    rows = frame[frame["structure"].notna()]
    t0 = time.perf_counter()
    out = migration_barriers(rows, resolution=resolution, progress=False, cache="none")
    wall = time.perf_counter() - t0
    out["log10_sigma"] = rows["log10_sigma"].to_numpy()
    ok = out["error"].isna()
    print(
        f"\n== ssenb over all {len(rows)} OBELiX training structures ({resolution} Å grid, "
        f"{int((~np.array([s.is_ordered for s in rows['structure']])).sum())} disordered) =="
    )
    print(
        f"barriers: {int(ok.sum())}/{len(rows)}; wall {wall:.0f} s; per structure median "
        f"{out.loc[ok, 'time_s'].median():.2f} s, max {out.loc[ok, 'time_s'].max():.2f} s "
        f"({out.loc[out['time_s'].idxmax(), 'formula']})"
    )
    for reason, count in out.loc[~ok, "error"].str.slice(0, 90).value_counts().items():
        print(f"  {count:3d} x {reason}")
    for dim in ("1d", "2d", "3d"):
        col = f"barrier_{dim}_eV"
        fin = ok & np.isfinite(out[col])
        rho, p = spearmanr(out.loc[fin, col], out.loc[fin, "log10_sigma"])
        capped = np.minimum(out.loc[ok, col], 10.0)
        rho_all, _ = spearmanr(capped, out.loc[ok, "log10_sigma"])
        print(
            f"Spearman(log10 σ, {dim.upper()} barrier): {rho:+.2f} (p={p:.1g}, n={int(fin.sum())} "
            f"finite); {rho_all:+.2f} with no-path rows as 10 eV (n={int(ok.sum())})"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--resolution", type=float, default=0.2)
    parser.add_argument("--bvlain-timeout", type=float, default=120.0)
    parser.add_argument("--max-sites", type=int, default=110)
    parser.add_argument("--skip-all", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    from ssenb.data import load_obelix
    from ssenb.transport import migration_landscape

    frame = load_obelix("train")
    frame = frame[frame["structure"].notna()]
    t0 = time.perf_counter()
    first = frame.set_index("id").loc["gvd", "structure"]
    migration_landscape(first, resolution=args.resolution)
    print(
        f"one-off start-up (numba kernels loaded or compiled, imports): "
        f"{time.perf_counter() - t0:.1f} s, not counted below"
    )
    side_by_side(frame, args.n, args.resolution, args.bvlain_timeout, args.max_sites)
    if not args.skip_all:
        all_training(frame, args.resolution)


if __name__ == "__main__":
    main()
