"""The whole-snapshot coating screen vs the per-candidate loop of single-material calls.

``ssenb.thermo.coating_screen(cathode, electrolyte)`` ranks every compound of the MP ~2019
snapshot (85,014 compositions) as a coating: the cheap criteria on the snapshot table,
then, for the candidates left, one hull per candidate+cathode system (own hull energy,
window, reaction with the cathode) and one linear program per candidate for the reaction
with the electrolyte (``ssenb.thermo._mixing_lp``, no 6-8 element hull).

The reference is the obvious loop over the same candidates with ssenb's single-material
functions, ``stability_window(c)``, ``interface_reactions(c, cathode)`` and
``interface_reactions(electrolyte, c)``: timed on a seeded sample of the candidates that
reach each stage and extrapolated to all of them; the sample's numbers must agree with the
screen's to 1e-11 eV/atom and V (round-off). Wall and CPU seconds are both printed: on a
shared, loaded machine the CPU seconds are the fair comparison.

Run: SSENB_DATA_DIR=../shared/data OMP_NUM_THREADS=1 \
     python benchmarks/bench_coatings.py [--jobs 2] [--sample 40] [--electrolyte Li6PS5Cl]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cathode", default="LiCoO2")
    parser.add_argument("--electrolyte", default="Li6PS5Cl")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--sample", type=int, default=40, help="candidates in the loop")
    args = parser.parse_args()

    from ssenb.data import load_mp_snapshot
    from ssenb.thermo import coating_screen, interface_reactions, stability_window
    from ssenb.thermo.sources import get_source

    load_mp_snapshot()  # the parsed snapshot index is cached on disk; load it outside the clock
    get_source()
    cpu0 = _cpu()
    start = time.perf_counter()
    result = coating_screen(
        args.cathode, args.electrolyte, executor=args.jobs if args.jobs > 1 else None,
        progress=False,
    )  # fmt: skip
    screen_s = time.perf_counter() - start
    screen_cpu = _cpu() - cpu0
    table = result.table
    stage1 = table[table["cathode_reaction_energy_eV_atom"].notna()]
    stage2 = table[table["electrolyte_reaction_energy_eV_atom"].notna()]
    print(
        f"coating_screen {args.cathode} | {args.electrolyte}: {len(table)} compounds, "
        f"{len(stage1)} on hulls (window, cathode), {len(stage2)} with the electrolyte, "
        f"{int(table['passes'].sum())} pass; {screen_s:.1f} s wall with {args.jobs} process(es), "
        f"{screen_cpu:.1f} s CPU in all processes"
    )

    rng = np.random.default_rng(0)
    pick = stage2.iloc[rng.choice(len(stage2), min(args.sample, len(stage2)), replace=False)]
    worst = 0.0
    t_window = t_cathode = t_ely = 0.0
    loop_cpu0 = _cpu()
    for _, row in pick.iterrows():
        c = row["coating"]
        t0 = time.perf_counter()
        w = stability_window(c)
        t1 = time.perf_counter()
        cat = interface_reactions(c, args.cathode).min_energy
        t2 = time.perf_counter()
        ely = interface_reactions(args.electrolyte, c).min_energy
        t3 = time.perf_counter()
        t_window, t_cathode, t_ely = t_window + t1 - t0, t_cathode + t2 - t1, t_ely + t3 - t2
        worst = max(
            worst,
            abs(w.oxidation_v - row["oxidation_V"]),
            abs(cat - row["cathode_reaction_energy_eV_atom"]),
            abs(ely - row["electrolyte_reaction_energy_eV_atom"]),
        )
    n = len(pick)
    loop_cpu = (_cpu() - loop_cpu0) / n * len(stage2)  # CPU, extrapolated (lower bound)
    loop_s = (t_window + t_cathode) / n * len(stage1) + t_ely / n * len(stage2)
    print(
        f"per-candidate loop (1 process): {(t_window + t_cathode + t_ely) / n:.3f} s per candidate "
        f"on {n} sampled; extrapolated to the same candidates: {loop_s:.0f} s"
    )
    print(f"largest difference on the sample: {worst:.1e} (eV/atom or V)")
    assert worst < 1e-11, "the screen's numbers differ from the single-material functions"
    print(f"ratio loop / screen: {loop_s / screen_s:.1f}x wall, {loop_cpu / screen_cpu:.1f}x CPU")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (worker processes)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


if __name__ == "__main__":
    main()
