"""Batch screening vs the obvious per-formula pymatgen loop, side by side.

Both compute, for the same 500 Li-containing compounds of the MP ~2019 snapshot, the
energy above hull (eV/atom) and the Li stability window (V vs Li/Li+). The loop builds
each formula's hull from the snapshot table and walks ``get_element_profile``; ssenb's
``screen`` groups by chemical system and reads windows off the hull facets.

Run: SSENB_DATA_DIR=../shared/data python benchmarks/bench_screening.py [--n 500]
"""

from __future__ import annotations

import argparse
import math
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()

    from ssenb.data import load_mp_snapshot
    from ssenb.thermo import screen
    from ssenb.thermo.sources import MPSnapshot

    mp = load_mp_snapshot()
    li = mp[mp["chemsys"].str.split("-").map(lambda s: "Li" in s)]
    formulas = li.sample(args.n, random_state=0)["formula"].tolist()
    MPSnapshot()._index()  # both sides start from a loaded table

    t0 = time.perf_counter()
    ref = per_formula_loop(formulas, mp)
    t_loop = time.perf_counter() - t0

    t0 = time.perf_counter()
    fast = screen(formulas, source=MPSnapshot(), progress=False)
    t_fast = time.perf_counter() - t0

    got = fast[["e_above_hull_eV_atom", "reduction_V", "oxidation_V"]].to_numpy(float)
    finite = np.isfinite(ref)
    same_inf = np.array_equal(np.isinf(ref), np.isinf(got))
    max_diff = float(np.max(np.abs(ref[finite] - got[finite])))
    print(f"compounds: {len(formulas)} Li-containing, MP ~2019 snapshot")
    print(f"per-formula pymatgen loop: {t_loop:8.2f} s")
    print(f"ssenb.thermo.screen:       {t_fast:8.2f} s")
    print(f"speed-up: {t_loop / t_fast:.1f}x")
    print(f"max |difference| (eV/atom, V): {max_diff:.2e}; inf limits identical: {same_inf}")
    if max_diff > 1e-6 or not same_inf:
        raise SystemExit("results differ")


if __name__ == "__main__":
    main()
