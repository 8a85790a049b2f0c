"""Screening every Li compound of the MP ~2019 snapshot vs the per-formula pymatgen loop.

ssenb's ``screen`` computes, for all Li-containing compositions of the snapshot, the
energy above hull (eV/atom), the Li stability window (V vs Li/Li+) and the decomposition;
it groups formulas by chemical system, builds each hull once (FastHull), and runs the
hull groups on an executor (here a pool of --jobs processes). The reference is what a
user would write with plain pymatgen: one PhaseDiagram and one ``get_element_profile``
per formula, timed on a random sample and extrapolated to the whole set; the numbers of
that sample must be identical (to 1e-6) to ssenb's. Cost growth is measured on 1k, 5k
and all compounds.

``--dims`` instead times one hull build against the number of elements (3 to 9), the
measurement behind ``ssenb.thermo.sources.MAX_HULL_ELEMENTS``.

Run: SSENB_DATA_DIR=../shared/data python benchmarks/bench_screening.py [--sample 100] [--jobs 2]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time

import numpy as np


def per_formula_loop(formulas, mp):
    """What a user would write with plain pymatgen: one hull and one profile per formula."""
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition, Element

    systems = mp["chemsys"].str.split("-").map(frozenset)
    out = []
    for formula in formulas:
        comp = Composition(formula)
        els = frozenset(str(e) for e in comp.elements) | {"Li"}
        rows = mp[systems.map(lambda s, els=els: s <= els)]
        entries = [PDEntry(Composition(e), 0.0) for e in els]
        entries += [
            PDEntry(Composition(f), ef * Composition(f).num_atoms)
            for f, ef in zip(rows["formula"], rows["formation_energy_eV_atom"])
        ]
        pd_ = PhaseDiagram(entries)
        entry = min(
            (
                e
                for e in pd_.all_entries
                if e.composition.reduced_composition == comp.reduced_composition
            ),
            key=lambda e: e.energy_per_atom,
        )
        e_hull = max(pd_.get_e_above_hull(entry, allow_negative=True), 0.0)
        profile = pd_.get_element_profile(Element("Li"), comp)
        ref = pd_.el_refs[Element("Li")].energy_per_atom
        volts = [-(p["chempot"] - ref) for p in profile]
        evo = [p["evolution"] for p in profile]
        red = next(v for v, e in zip(volts, evo) if e <= 1e-8)
        ox = next((v for v, e in zip(volts, evo) if e < -1e-8), math.inf)
        out.append((e_hull, red, ox))
    return np.array(out)


def hull_cost_by_dimension(max_n: int = 9) -> None:
    """Seconds to build one hull of n elements (the basis of MAX_HULL_ELEMENTS)."""
    from pymatgen.analysis.phase_diagram import PhaseDiagram

    from ssenb.thermo import sources
    from ssenb.thermo._fasthull import FastHull

    src = sources.MPSnapshot()
    order = ["Li", "O", "P", "S", "Co", "Ge", "Cl", "La", "Zr", "N", "F", "Si"]
    limit, sources.MAX_HULL_ELEMENTS = sources.MAX_HULL_ELEMENTS, len(order)
    try:
        print(f"hull build time vs elements (MAX_HULL_ELEMENTS = {limit}):")
        for n in range(3, max_n + 1):
            arrays = src.hull_arrays(order[:n])
            t0 = time.perf_counter()
            FastHull(*arrays)
            t_fast = time.perf_counter() - t0
            entries = src.entries(order[:n])
            t0 = time.perf_counter()
            PhaseDiagram(entries)
            t_pmg = time.perf_counter() - t0
            print(
                f"  {'-'.join(order[:n]):32} {len(entries):4d} entries: FastHull {t_fast:6.2f} s, "
                f"pymatgen PhaseDiagram {t_pmg:6.2f} s"
            )
    finally:
        sources.MAX_HULL_ELEMENTS = limit


def peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest child process."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=100, help="formulas in the pymatgen loop")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for screen")
    parser.add_argument("--no-scaling", action="store_true")
    parser.add_argument("--dims", action="store_true", help="only time hulls of 3..9 elements")
    args = parser.parse_args()
    if args.dims:
        hull_cost_by_dimension()
        return

    from ssenb.data import load_mp_snapshot
    from ssenb.data.mp_snapshot import snapshot_formulas
    from ssenb.thermo import screen

    mp = load_mp_snapshot()  # both sides start from a loaded table
    everything = snapshot_formulas(contains="Li")
    rng = np.random.default_rng(0)
    order = rng.permutation(len(everything))
    formulas = [everything[k] for k in order]  # random order: subsets are random samples
    n = len(formulas)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {n} Li compounds")

    t0 = time.perf_counter()
    serial = screen(formulas, progress=False)
    t_serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = screen(formulas, progress=False, executor=args.jobs)
    t_par = time.perf_counter() - t0
    same = serial.drop(columns="decomposition").equals(table.drop(columns="decomposition")) and all(
        a == b for a, b in zip(serial["decomposition"], table["decomposition"])
    )
    mem_self, mem_child = peak_mb()
    print(f"ssenb.thermo.screen, 1 process:      {t_serial:7.1f} s  ({n / t_serial:6.0f} rows/s)")
    print(
        f"ssenb.thermo.screen, {args.jobs} processes:    {t_par:7.1f} s  ({n / t_par:6.0f} rows/s); "
        f"identical to 1 process: {same}"
    )
    print(f"peak memory: main {mem_self:.0f} MB, largest worker {mem_child:.0f} MB")
    print(
        f"failed rows: {int(table['error'].notna().sum())}; "
        f"rows with their own snapshot energy: {int(table['in_data'].sum())} of {n}"
    )

    sample = formulas[: args.sample]
    t0 = time.perf_counter()
    ref = per_formula_loop(sample, mp)
    t_loop = time.perf_counter() - t0
    got = table[["e_above_hull_eV_atom", "reduction_V", "oxidation_V"]].to_numpy(float)[
        : len(sample)
    ]
    finite = np.isfinite(ref)
    same_inf = np.array_equal(np.isinf(ref), np.isinf(got))
    max_diff = float(np.max(np.abs(ref[finite] - got[finite])))  # NaN if ssenb gave NaN
    identical = np.allclose(ref, got, rtol=0, atol=1e-6)  # NaN never passes; equal infs do
    per_row = t_loop / len(sample)
    print(
        f"per-formula pymatgen loop: {len(sample)} formulas in {t_loop:.1f} s "
        f"({per_row * 1000:.0f} ms each) -> {per_row * n:.0f} s extrapolated to {n}"
    )
    print(
        f"speed-up vs the loop: {per_row * n / t_serial:.0f}x (1 process), "
        f"{per_row * n / t_par:.0f}x ({args.jobs} processes)"
    )
    print(
        f"sample vs loop: max |difference| {max_diff:.1e} (eV/atom, V); inf limits identical: {same_inf}"
    )
    if not identical or not same:
        raise SystemExit("results differ")

    if not args.no_scaling:
        print(f"cost vs N ({args.jobs} processes):")
        for size in (1000, 5000, n):
            t0 = time.perf_counter()
            screen(formulas[:size], progress=False, executor=args.jobs)
            dt = time.perf_counter() - t0
            print(f"  N = {size:5d}: {dt:6.1f} s  ({size / dt:5.0f} rows/s)")


if __name__ == "__main__":
    main()
