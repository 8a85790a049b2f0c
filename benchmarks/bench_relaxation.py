"""Relaxation throughput of the offline potentials, and the scaling from 1 to 2 workers.

``ssenb.mlip.relax_many`` relaxes the same set of strained, shaken small cells (the DFT
cells of LiCoO2, 4 sites, and Li2O, 12 sites in the conventional cell, from the shipped
MP2020 entries: 2 % larger and every atom moved by 0.05 Å, one seed per copy) with CHGNet
0.3.0 and SevenNet-0, once in this process (1 worker) and once on a 2-process pool
(``executor=``, forked after the model was loaded, so no model load is timed). Side by
side in one run, it prints for each potential:

- throughput in atoms·steps per second (Σ sites × FIRE steps / wall seconds), 1 and 2 workers;
- the 2-worker / 1-worker speed-up (wall), and the CPU seconds of each (on a shared,
  loaded machine the CPU seconds say what the work costs, the wall what it waited for);
- that both runs gave the same table (they must: the same relaxations, in input order);
- seconds per relaxation and per atom·step on one core, the numbers the cost sketch of a
  10,000-candidate run in docs/design.md ("Performance") starts from;
- the BVSE barrier (``ssenb.transport.migration_barriers``) seconds per relaxed cell;
- the CPU cost of a step on a cell of the size ``ssenb.mlip.substitute`` relaxes (the
  LiCoO2 cell 2x2x2, 32 sites, ``--supercell-steps`` FIRE steps): a small cell's cost per
  atom·step is mostly fixed per-step overhead, so the cost sketch uses this one.

Run: SSENB_DATA_DIR=../shared/data OMP_NUM_THREADS=1 \
     python benchmarks/bench_relaxation.py [--copies 3] [--steps 100] [--potentials chgnet 7net-0]
(about 2-3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor

#: the DFT cells relaxed: LiCoO2 (R-3m, 4 sites) and Li2O (Fm-3m, conventional, 12 sites)
CELLS = ("mp-22526-GGA+U", "mp-1960-GGA")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="shaken copies of each cell")
    parser.add_argument("--steps", type=int, default=100, help="most FIRE steps each")
    parser.add_argument("--fmax", type=float, default=0.05, help="eV/Å")
    parser.add_argument("--potentials", nargs="+", default=["chgnet", "7net-0"])
    parser.add_argument(
        "--supercell-steps", type=int, default=5, help="FIRE steps timed on the 32-site cell"
    )
    args = parser.parse_args()

    import pandas as pd

    from ssenb import keys as K
    from ssenb.data import load_mp2020_entries
    from ssenb.mlip import relax_many
    from ssenb.mlip.sevennet import load_potential
    from ssenb.transport import migration_barriers

    by_id = {e.entry_id: e for e in load_mp2020_entries()}
    cells = []
    for entry_id in CELLS:
        dft = by_id[entry_id].structure.copy()
        if entry_id == "mp-1960-GGA":
            dft = dft.to_conventional()
        for seed in range(args.copies):
            s = dft.copy()
            s.scale_lattice(dft.volume * 1.02)
            s.perturb(0.05, seed=seed)
            cells.append(s)
    sizes = sorted({len(s) for s in cells})
    print(
        f"{len(cells)} relaxations ({args.copies} copies each of {len(CELLS)} cells of "
        f"{sizes} sites), fmax {args.fmax} eV/Å, at most {args.steps} steps; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    settings = {"fmax": args.fmax, "steps": args.steps, "progress": False}
    big = by_id[CELLS[0]].structure * (2, 2, 2)
    big.perturb(0.05, seed=0)
    for name in args.potentials:
        pot = load_potential(name)
        relax_many(cells[:1] or [big], pot, fmax=args.fmax, steps=2, progress=False)  # warm
        if args.supercell_steps:
            n = args.supercell_steps
            run, _, big_cpu = _timed(
                lambda p=pot, n=n: relax_many([big], p, fmax=1e-6, steps=n, progress=False)
            )
            work = len(big) * int(run[K.N_STEPS].iloc[0])
            print(
                f"\n{run[K.POTENTIAL].iloc[0]}: {len(big)} sites, {work // len(big)} steps: "
                f"{big_cpu:.1f} CPU s, {big_cpu / work * 1000:.2f} CPU ms per atom·step"
            )
        if not cells:
            continue
        one, one_s, one_cpu = _timed(lambda p=pot: relax_many(cells, p, **settings))
        pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
        pool.submit(int).result()  # the workers exist (forked, model loaded) before the clock
        two, two_s, two_cpu = _timed(
            lambda p=pot, ex=pool: relax_many(cells, p, executor=ex, **settings)
        )
        pool.shutdown()
        two_cpu += _children_cpu()
        same = one.drop(columns=[K.STRUCTURE]).equals(two.drop(columns=[K.STRUCTURE]))
        work = float((one[K.N_ATOMS] * one[K.N_STEPS]).sum())
        print(f"\n{one[K.POTENTIAL].iloc[0]}")
        print(
            f"  converged {int(one[K.CONVERGED].sum())}/{len(one)}; FIRE steps per cell "
            f"{one[K.N_STEPS].min()}-{one[K.N_STEPS].max()} (Σ atoms·steps {work:.0f})"
        )
        print(
            f"  1 worker : {one_s:6.1f} s wall, {one_cpu:6.1f} s CPU, "
            f"{work / one_s:7.1f} atoms·steps/s"
        )
        print(
            f"  2 workers: {two_s:6.1f} s wall, {two_cpu:6.1f} s CPU, "
            f"{work / two_s:7.1f} atoms·steps/s"
        )
        print(f"  speed-up 2 vs 1 worker: {one_s / two_s:.2f}x (wall); same table: {same}")
        by_size = one.groupby(K.N_ATOMS)
        for n, group in by_size:
            steps = int(group[K.N_STEPS].sum())
            print(f"  {n:3d} sites: {steps / len(group):5.1f} steps per relaxation")
        print(
            f"  one core: {one_cpu / len(one):.2f} CPU s per relaxation, "
            f"{one_cpu / work * 1000:.2f} CPU ms per atom·step"
        )
        if name == args.potentials[0]:
            ok = one[one[K.CONVERGED]]
            start = time.perf_counter()
            bvse = migration_barriers(pd.DataFrame(ok), progress=False, cache="none")
            bvse_s = (time.perf_counter() - start) / max(len(ok), 1)
            print(f"  BVSE barrier of a relaxed cell: {bvse_s:.2f} s each ({len(ok)} cells)")
            assert bvse[K.ERROR].isna().all(), bvse[K.ERROR].dropna().tolist()


def _timed(fn):
    cpu0 = _self_cpu()
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start, _self_cpu() - cpu0


def _self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


_SEEN_CHILDREN = [0.0]


def _children_cpu() -> float:
    """CPU seconds of worker processes ended since the last call (a pool, once shut down)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = r.ru_utime + r.ru_stime
    new, _SEEN_CHILDREN[0] = total - _SEEN_CHILDREN[0], total
    return new


if __name__ == "__main__":
    main()
