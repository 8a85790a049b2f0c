"""Doped and hypothetical candidates: enumerate orderings, relax them, place them on a hull.

The site occupancy ``{"Co": {"Ni": 0.5}}`` is made in small supercells of the host
(pymatgen ``Structure.replace_species`` + ``OrderDisorderedStructureTransformation``, whose
orderings are ranked by Ewald energy with formal oxidation states), symmetrically
equivalent orderings are merged (``StructureMatcher``), the lowest few are relaxed with the
potential, and their energy above hull is taken against competing phases computed with the
SAME potential and corrections (a :class:`~ssenb.mlip.PotentialBenchmark` of DFT entries):
MLIP and DFT energies never meet in one hull. The error bar is the benchmark's E_hull MAE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import IncompatibleSourcesError, InvalidInputError, UnsupportedMaterialError
from ..results import Result, fmt_number
from .benchmark import PotentialBenchmark, benchmark_potential
from .entries import mlip_entry, mlip_source
from .potential import _check_structure, check_potential, energies, label, relax

#: most symmetry-distinct orderings kept per call, and most combinations tried per supercell
MAX_ORDERINGS = 50
MAX_COMBINATIONS = 5000
#: largest supercell (sites) ``substitute`` builds: relaxations on CPU stay at minutes
MAX_SUPERCELL_ATOMS = 64
#: competing phases kept in a result: the phases on the MLIP hull (eV/atom tolerance). The
#: others change no hull energy, window or interface reaction, and would only bloat it.
HULL_KEEP = 1e-6
CANDIDATE = "candidate"
SUPERCELL = "supercell"
EWALD = "ewald_energy_eV_atom"


@dataclass(frozen=True, eq=False)
class DopingResult(Result):
    """Relaxed orderings of a doped host and their energy above an MLIP hull.

    Attributes
    ----------
    table : DataFrame
        One row per relaxed structure (the undoped host first): candidate, formula,
        supercell, n_atoms, Ewald energy (eV/atom, formal charges), MLIP energy (eV/atom,
        corrected), e_above_hull (eV/atom, MLIP hull), its uncertainty (eV/atom, the
        benchmark's E_hull MAE), converged, n_steps, max force (eV/Å), error.
        A non-converged relaxation has NaN energy and E_hull and says why in ``error``.
    structures : list of Structure
        The relaxed structures, row by row.
    hull_entries : list of ComputedEntry
        The stable competing phases (same potential, same corrections) of the hull; phases
        above it change no E_hull or window and are not kept.
    substitutions : dict
    host : str
    potential, correction_scheme, source : str
        ``source`` says where the energies come from (the potential, never DFT).
    notes : list of str
        Skipped supercells, limits met.
    """

    table: pd.DataFrame
    structures: list
    hull_entries: list
    substitutions: dict
    host: str
    potential: str
    correction_scheme: str
    source: str
    notes: list

    _table = "table"

    def title(self) -> str:
        return f"{self.host} doped with {_describe(self.substitutions)}"

    def summary(self) -> list[tuple[str, str]]:
        rows = [("candidates relaxed", str(int((self.table[CANDIDATE] != "host").sum())))]
        best = self.best()
        if best is not None:
            err = fmt_number(best[K.E_HULL_ERR] * 1000, digits=0)
            rows.append(
                (
                    f"lowest E_hull ({best[K.FORMULA]}, {best[CANDIDATE]})",
                    f"{fmt_number(best[K.E_HULL_MLIP] * 1000, digits=0)} ± {err} meV/atom",
                )
            )
        bad = int((~self.table[K.CONVERGED]).sum())
        if bad:
            rows.append(("not converged (energies withheld)", str(bad)))
        rows.append(("energies from", self.potential))
        return rows

    def best(self):
        """The converged doped candidate with the lowest E_hull (a table row), or None."""
        ok = self.table[(self.table[CANDIDATE] != "host") & self.table[K.E_HULL_MLIP].notna()]
        return None if ok.empty else ok.loc[ok[K.E_HULL_MLIP].idxmin()]

    def entry_source(self):
        """The hull plus the converged candidates as a :class:`ssenb.thermo.UserEntries`.

        Pass it as ``source=`` to :func:`ssenb.thermo.stability_window`,
        :func:`ssenb.thermo.interface_reactions` or :func:`ssenb.thermo.phase_stability`;
        its name says the energies come from the potential.
        """
        ok = self.table[K.E_MLIP].notna() & (self.table[CANDIDATE] != "host")
        extra = [
            _entry(s, e, self.potential, self.hull_entries[0].data.get("corrections", ""), c)
            for s, e, c, good in zip(
                self.structures, self.table[K.E_MLIP], self.table[CANDIDATE], ok
            )
            if good
        ]
        return mlip_source(list(self.hull_entries) + extra, self.potential)


def _entry(structure, e_per_atom, name, corrections, cid):
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    return ComputedStructureEntry(
        structure,
        float(e_per_atom) * len(structure),
        parameters={"run_type": "MLIP", "potential": name},
        data={"energy_source": name, "corrections": corrections},
        entry_id=str(cid),
    )


def substitute(
    structure,
    substitutions: dict,
    *,
    competing: Any,
    potential: Any = None,
    oxidation_states: dict | None = None,
    max_cells: int = 4,
    max_atoms: int = 32,
    max_orderings: int = 10,
    n_relax: int = 3,
    fmax: float = 0.05,
    steps: int = 300,
    relax_cell: bool = True,
    progress: bool = True,
) -> DopingResult:
    """Dope a host structure and rank the relaxed orderings by energy above an MLIP hull.

    Parameters
    ----------
    structure : pymatgen Structure
        Ordered host cell (e.g. LiCoO2, R-3m, 4 atoms).
    substitutions : dict
        ``{site element: {dopant: fraction of those sites}}``, e.g. ``{"Co": {"Ni": 0.5}}``.
    competing : PotentialBenchmark or list of ComputedStructureEntry
        Competing phases on the potential's energy scale: a benchmark of the same potential
        (its MLIP energies and its E_hull MAE as uncertainty), or DFT entries with structures,
        which are then benchmarked here first (single points).
    potential : Potential, optional
        Default: CHGNet 0.3.0.
    oxidation_states : dict, optional
        Dopant oxidation states (``{"Ni": 2, "Mn": 4}`` for co-doping); default: that of
        the site it replaces. A substitution that leaves the cell charged is refused.
    max_cells : int
        Largest supercell, in copies of the host cell.
    max_atoms : int
        Largest supercell in sites (≤ :data:`MAX_SUPERCELL_ATOMS`).
    max_orderings : int
        Symmetry-distinct orderings kept (lowest Ewald energy first; ≤ :data:`MAX_ORDERINGS`).
    n_relax : int
        How many of them are relaxed with the potential.
    fmax, steps, relax_cell : float, int, bool
        Relaxation criteria (eV/Å, steps); a relaxation not converged by then is reported
        with its energy withheld.
    progress : bool

    Returns
    -------
    DopingResult

    Examples
    --------
    >>> from ssenb.data import load_mp2020_entries
    >>> entries = load_mp2020_entries()
    >>> lco = next(e.structure for e in entries if e.entry_id == "mp-22526-GGA+U")
    >>> res = substitute(lco, {"Co": {"Ni": 0.5}}, competing=entries, max_cells=2)  # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    potential = check_potential(potential)
    _check_structure(structure)
    subs = _check_substitutions(structure, substitutions)
    _check_limits(max_cells, max_atoms, max_orderings, n_relax)
    bench = _competing(competing, potential)
    missing = {d for m in subs.values() for d in m} | {
        el.symbol for el in structure.composition.elements
    }
    missing -= {el.symbol for e in bench.mlip_entries() for el in e.composition.elements}
    if missing:
        raise UnsupportedMaterialError(
            f"the competing phases ({bench.source}) have no {', '.join(sorted(missing))}: the "
            "hull would miss every phase with it. Pass DFT entries that cover it (e.g. live "
            "Materials Project entries of the whole chemical system)"
        )
    host = _with_oxidation_states(structure)
    charges = _charges(host, subs, oxidation_states or {})
    orderings, notes = _orderings(host, subs, charges, max_cells, max_atoms, max_orderings)
    jobs = [("host", structure.copy(), math.nan, "1x1x1"), *orderings[:n_relax]]
    rows, structures = [], []
    for cid, s, ewald, cell in tqdm(jobs, desc="relaxing", disable=not progress):
        r = relax(s, potential, fmax=fmax, steps=steps, relax_cell=relax_cell)
        energy = math.nan
        if r.converged:
            energy = mlip_entry(
                r.structure, r.energy_eV, potential, scheme=_scheme(bench)
            ).energy_per_atom
        rows.append(
            {
                CANDIDATE: cid,
                K.FORMULA: r.structure.composition.reduced_formula,
                SUPERCELL: cell,
                K.N_ATOMS: len(r.structure),
                EWALD: ewald,
                K.E_MLIP: energy,
                K.CONVERGED: r.converged,
                K.N_STEPS: r.n_steps,
                K.MAX_FORCE: r.max_force_eV_A,
                K.ERROR: ""
                if r.converged
                else f"relaxation not converged in {r.n_steps} steps (max force "
                f"{r.max_force_eV_A:.3f} > {fmax} eV/Å): energy withheld",
            }
        )
        structures.append(r.structure)
    table = pd.DataFrame(rows)
    if rows[0][K.CONVERGED]:  # how much relaxing moved the host: the bias against single points
        single = energies(potential, [structure])[0] / len(structure)
        shift = (
            rows[0][K.E_MLIP]
            - mlip_entry(
                structure, single * len(structure), potential, scheme=_scheme(bench)
            ).energy_per_atom
        )
        notes.append(
            f"relaxing the host changed its energy by {shift * 1000:+.1f} meV/atom from the single "
            "point at its input geometry; competing phases are single points at DFT geometries, "
            "so relaxed candidates may sit lower on the hull by about that much"
        )
    hull = _near_hull(bench)
    corrections = hull[0].data["corrections"]
    if table[K.E_MLIP].iloc[0] == table[K.E_MLIP].iloc[0]:  # the relaxed host joins the hull
        hull.append(
            _entry(structures[0], table[K.E_MLIP].iloc[0], bench.potential, corrections, "host")
        )
    table[K.E_HULL_MLIP] = _e_hull(hull, structures, table[K.E_MLIP], bench.potential)
    table[K.E_HULL_ERR] = bench.e_hull_mae
    return DopingResult(
        table=table,
        structures=structures,
        hull_entries=hull,
        substitutions=subs,
        host=structure.composition.reduced_formula,
        potential=bench.potential,
        correction_scheme=bench.correction_scheme,
        source=f"energies from {bench.potential}; hull of {len(hull)} phases from "
        f"{bench.source} recomputed with the same potential",
        notes=notes,
    )


def _near_hull(bench: PotentialBenchmark) -> list:
    """The benchmark's MLIP entries on its hull (within :data:`HULL_KEEP`)."""
    near = (bench.table[K.E_HULL_MLIP] <= HULL_KEEP).to_numpy()
    ids = set(bench.table.loc[near, K.ENTRY_ID])
    return [e for e in bench.mlip_entries() if e.entry_id in ids]


def _scheme(bench: PotentialBenchmark) -> str:
    return "raw" if bench.correction_scheme == "raw" else "MP2020"


def _competing(competing: Any, potential: Any) -> PotentialBenchmark:
    if isinstance(competing, PotentialBenchmark):
        if competing.potential != label(potential):
            raise IncompatibleSourcesError(
                f"competing phases were computed with {competing.potential}, the candidates "
                f"would be with {label(potential)}: one hull takes one potential. Benchmark "
                "the same potential, or pass DFT entries with structures"
            )
        return competing
    if isinstance(competing, list | tuple):
        return benchmark_potential(list(competing), potential, max_atoms=64, progress=False)
    raise InvalidInputError(
        f"competing={type(competing).__name__}: pass a PotentialBenchmark of the same potential "
        "or a list of DFT ComputedStructureEntry objects with structures"
    )


def _e_hull(hull, structures, energies, name) -> list[float]:
    """E_hull (eV/atom, negative below the hull) of each structure against the MLIP hull."""
    from pymatgen.analysis.phase_diagram import PDEntry

    source = mlip_source(hull, name)
    out = []
    for s, e in zip(structures, energies):
        if not math.isfinite(e):
            out.append(math.nan)
            continue
        pd_ = source.phase_diagram({el.symbol for el in s.composition.elements})
        entry = PDEntry(s.composition, float(e) * len(s))
        out.append(float(pd_.get_decomp_and_e_above_hull(entry, allow_negative=True)[1]))
    return out


def _describe(subs: dict) -> str:
    return ", ".join(
        f"{frac:g} {dop} on {site}" for site, m in subs.items() for dop, frac in m.items()
    )


def _check_substitutions(structure, substitutions) -> dict:
    from pymatgen.core import Element

    if not isinstance(substitutions, dict) or not substitutions:
        raise InvalidInputError(
            f"substitutions={substitutions!r}; write {{site element: {{dopant: fraction}}}}, "
            "e.g. {'Co': {'Ni': 0.5}}"
        )
    present = {el.symbol for el in structure.composition.elements}
    out: dict[str, dict[str, float]] = {}
    for site, dopants in substitutions.items():
        if site not in present:
            raise InvalidInputError(
                f"site element {site!r} is not in {structure.composition.reduced_formula} "
                f"(elements: {', '.join(sorted(present))})"
            )
        if not isinstance(dopants, dict) or not dopants:
            raise InvalidInputError(
                f"substitutions[{site!r}]={dopants!r}; use {{dopant: fraction}}"
            )
        for dop, frac in dopants.items():
            if not Element.is_valid_symbol(str(dop)):
                raise InvalidInputError(f"dopant {dop!r} is not an element symbol")
            if dop == site or not (isinstance(frac, int | float) and 0 < frac <= 1):
                raise InvalidInputError(
                    f"fraction of {dop} on {site} = {frac!r}; use a number in (0, 1] for a "
                    "different element"
                )
        if sum(dopants.values()) > 1 + 1e-9:
            raise InvalidInputError(f"fractions on {site} add up to more than 1: {dopants}")
        out[str(site)] = {str(d): float(f) for d, f in dopants.items()}
    return out


def _check_limits(max_cells, max_atoms, max_orderings, n_relax) -> None:
    for name, value, hi in (
        ("max_cells", max_cells, 16),
        ("max_atoms", max_atoms, MAX_SUPERCELL_ATOMS),
        ("max_orderings", max_orderings, MAX_ORDERINGS),
        ("n_relax", n_relax, MAX_ORDERINGS),
    ):
        if not (isinstance(value, int) and 1 <= value <= hi):
            raise InvalidInputError(
                f"{name}={value!r} must be an integer in 1..{hi} (bounds the relaxation time on CPU)"
            )


def _with_oxidation_states(structure):
    """The host with formal oxidation states (bond valence, else pymatgen's guess)."""
    from pymatgen.analysis.bond_valence import BVAnalyzer

    s = structure.copy()
    try:
        s = BVAnalyzer().get_oxi_state_decorated_structure(s)
    except ValueError:
        try:
            s.add_oxidation_state_by_guess()
        except ValueError as err:
            raise UnsupportedMaterialError(
                f"cannot assign oxidation states to {structure.composition.reduced_formula}: {err}"
            ) from err
    if abs(sum(getattr(sp, "oxi_state", 0) or 0 for sp in s.species)) > 1e-6:
        raise UnsupportedMaterialError(
            f"no charge-balanced oxidation states for {structure.composition.reduced_formula}"
        )
    return s


def _charges(host, subs, given) -> dict:
    """Oxidation state of each site element and dopant; refuse a charged substitution."""
    from pymatgen.core import Element

    site_ox: dict[str, set] = {}
    for sp in host.species:
        site_ox.setdefault(sp.symbol, set()).add(sp.oxi_state)
    charges: dict[str, float] = {}
    for site, dopants in subs.items():
        if len(site_ox[site]) != 1:
            raise UnsupportedMaterialError(
                f"{site} sits in {host.composition.reduced_formula} with several oxidation "
                f"states {sorted(site_ox[site])}; substitute a host with one {site} valence"
            )
        (q_site,) = site_ox[site]
        charges[site] = q_site
        imbalance = 0.0
        for dop, frac in dopants.items():
            q = float(given.get(dop, q_site))
            if q != 0 and int(q) not in Element(dop).oxidation_states:
                raise UnsupportedMaterialError(
                    f"{dop} does not take the oxidation state {q:+g} (known: "
                    f"{list(Element(dop).oxidation_states)}); give oxidation_states={{'{dop}': ...}}"
                )
            charges[dop] = q
            imbalance += frac * (q - q_site)
        if abs(imbalance) > 1e-6:
            raise InvalidInputError(
                f"substituting {_describe({site: dopants})} with charges "
                f"{ {d: charges[d] for d in dopants} } vs {site}{q_site:+g} leaves the cell charged "
                f"({imbalance:+.3f} e per {site} site); choose isovalent dopants or co-dope to balance "
                "(e.g. {'Ni': 0.5, 'Mn': 0.5} with oxidation_states={'Ni': 2, 'Mn': 4})"
            )
    return charges


def _orderings(host, subs, charges, max_cells, max_atoms, max_orderings):
    """Symmetry-distinct orderings, lowest Ewald energy first: (id, structure, eV/atom, cell)."""
    from pymatgen.analysis.ewald import EwaldMinimizer
    from pymatgen.analysis.structure_matcher import StructureMatcher
    from pymatgen.core import Species
    from pymatgen.transformations.standard_transformations import (
        OrderDisorderedStructureTransformation,
    )

    notes: list[str] = []
    found: list[tuple[Any, float, str]] = []
    n_site = {site: sum(1 for sp in host.species if sp.symbol == site) for site in subs}
    for scale in _scalings(max_cells):
        m = int(np.prod(scale))
        if len(host) * m > max_atoms:
            continue
        counts = {s: {d: f * n_site[s] * m for d, f in ds.items()} for s, ds in subs.items()}
        if any(abs(c - round(c)) > 1e-6 for ds in counts.values() for c in ds.values()):
            continue
        combos = math.prod(_multinomial(n_site[s] * m, ds.values()) for s, ds in counts.items())
        if combos > MAX_COMBINATIONS:
            notes.append(
                f"supercell {_cell(scale)} skipped: {combos} orderings > {MAX_COMBINATIONS}"
            )
            continue
        cell = host * scale
        mapping = {
            Species(s, charges[s]): {
                Species(s, charges[s]): 1 - sum(ds.values()),
                **{Species(d, charges[d]): f for d, f in ds.items()},
            }
            for s, ds in subs.items()
        }
        cell.replace_species(mapping)
        ranked = OrderDisorderedStructureTransformation(
            algo=EwaldMinimizer.ALGO_BEST_FIRST
        ).apply_transformation(cell, return_ranked_list=max_orderings * 4)
        for r in ranked:
            st = r["structure"]
            st.remove_oxidation_states()
            found.append((st, float(r["energy"]) / len(st), _cell(scale)))
    if not found:
        raise InvalidInputError(
            f"no supercell of up to {max_cells} cells and {max_atoms} atoms holds "
            f"{_describe(subs)} in whole atoms; raise max_cells/max_atoms or pick a fraction "
            "such as 1/2, 1/4"
        )
    found.sort(key=lambda t: (round(t[1], 4), len(t[0])))  # ties within 0.1 meV/atom: noise
    groups = StructureMatcher().group_structures([t[0] for t in found])
    position = {id(t[0]): i for i, t in enumerate(found)}
    firsts = {min(position[id(s)] for s in g) for g in groups}  # first found of each group
    distinct = [t for i, t in enumerate(found) if i in firsts][:max_orderings]
    notes.append(f"{len(found)} orderings enumerated, {len(groups)} symmetry-distinct")
    return [(f"#{i + 1}", s, e, c) for i, (s, e, c) in enumerate(distinct)], notes


def _multinomial(n: int, counts) -> int:
    """Ways to place dopants of the given counts on ``n`` sites."""
    out, left = 1, n
    for c in counts:
        out *= math.comb(left, round(c))
        left -= round(c)
    return out


def _scalings(max_cells: int) -> list[tuple[int, int, int]]:
    """Diagonal supercells of up to ``max_cells`` copies, smallest first."""
    cells = [s for s in product(range(1, max_cells + 1), repeat=3) if np.prod(s) <= max_cells]
    return sorted(cells, key=lambda s: (int(np.prod(s)), s))


def _cell(scale) -> str:
    return "x".join(str(i) for i in scale)


__all__ = ["MAX_COMBINATIONS", "MAX_ORDERINGS", "MAX_SUPERCELL_ATOMS", "DopingResult", "substitute"]
