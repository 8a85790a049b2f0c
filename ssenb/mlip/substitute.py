"""Doped and hypothetical candidates: enumerate orderings, relax them, place them on a hull.

The substitution is checked and charge-balanced (:mod:`ssenb.mlip.substitutions`), the site
occupancy ``{"Co": {"Ni": 0.5}}`` is made in small supercells of the host and symmetrically
equivalent orderings are merged (:mod:`ssenb.mlip.orderings`, ranked by Ewald energy); the
lowest few are relaxed with the potential, and their energy above hull is taken against
competing phases computed with the SAME potential and corrections (a
:class:`~ssenb.mlip.PotentialBenchmark` of DFT entries, :mod:`ssenb.mlip.candidate_hull`):
MLIP and DFT energies never meet in one hull. The error bar is the benchmark's E_hull MAE.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import keys as K
from ..batch import ErrorMode, check_errors, check_executor
from ..data.materials import display_formula
from ..errors import InvalidInputError, UnsupportedMaterialError
from ..results import Result, fmt_number
from .batch import relax_many, relax_reason
from .candidate_hull import (
    HULL_KEEP,
    candidate_entry,
    competing_phases,
    e_above_mlip_hull,
    energy_scale,
    stable_phases,
)
from .entries import Scheme, mlip_entry, mlip_source
from .orderings import MAX_COMBINATIONS, MAX_ORDERINGS, Ordering, distinct_orderings
from .potential import Potential, check_potential, check_structure, energies
from .substitutions import (
    Substitutions,
    check_substitutions,
    describe,
    site_charges,
    with_oxidation_states,
)

if TYPE_CHECKING:
    import threading

    from pymatgen.core import Structure
    from pymatgen.entries.computed_entries import ComputedEntry, ComputedStructureEntry

    from ..thermo import UserEntries
    from .benchmark import PotentialBenchmark

#: largest supercell (sites) ``substitute`` builds: relaxations on CPU stay at minutes
MAX_SUPERCELL_ATOMS = 64
CANDIDATE = "candidate"
SUPERCELL = "supercell"
EWALD = "ewald_energy_eV_atom"


@dataclass(frozen=True, eq=False)
class DopingResult(Result):
    """Relaxed orderings of a doped host and their energy above an MLIP hull.

    Attributes
    ----------
    table : DataFrame
        One row per relaxed structure (the undoped host first): candidate, formula (as
        :func:`ssenb.data.display_formula` writes it, e.g. Li3CoNi2O6, no grouping),
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
        ``{site element: {dopant: fraction}}`` as checked.
    host : str
        The undoped host's formula as pymatgen's ``reduced_formula`` writes it: the key by
        which :class:`~ssenb.widgets.DopingExplorer` finds a cached result (results saved
        earlier carry it so); :meth:`title` shows it as :func:`ssenb.data.display_formula`.
    potential, correction_scheme, source : str
        ``source`` says where the energies come from (the potential, never DFT).
    notes : list of str
        Skipped supercells, limits met.
    """

    table: pd.DataFrame
    structures: list[Structure]
    hull_entries: list[ComputedEntry]
    substitutions: Substitutions
    host: str
    potential: str
    correction_scheme: str
    source: str
    notes: list[str]

    _table = "table"

    def title(self) -> str:
        """Heading of the HTML view: host and substitution."""
        from pymatgen.core import Composition

        host = display_formula(Composition(self.host))
        return f"{host} doped with {describe(self.substitutions)}"

    def summary(self) -> list[tuple[str, str]]:
        """Candidates relaxed, the lowest E_hull (meV/atom) with its error, non-converged count."""
        rows = [("candidates relaxed", str(int((self.table[CANDIDATE] != "host").sum())))]
        best = self.best()
        if best is not None:
            value = fmt_number(
                best[K.E_HULL_MLIP] * 1000, "meV/atom", digits=0, spread=best[K.E_HULL_ERR] * 1000
            )
            rows.append((f"lowest E_hull ({best[K.FORMULA]}, {best[CANDIDATE]})", value))
        bad = int((~self.table[K.CONVERGED]).sum())
        if bad:
            rows.append(("not converged (energies withheld)", str(bad)))
        rows.append(("energies from", self.potential))
        return rows

    def best(self) -> pd.Series | None:
        """The candidate to look at first: converged, doped, lowest E_hull on the MLIP hull.

        Returns
        -------
        Series or None
            Its row of :attr:`table`, or None when no doped candidate converged.
        """
        ok = self.table[(self.table[CANDIDATE] != "host") & self.table[K.E_HULL_MLIP].notna()]
        return None if ok.empty else ok.loc[ok[K.E_HULL_MLIP].idxmin()]

    def entry_source(self) -> UserEntries:
        """The hull plus the converged candidates, for windows and interface reactions.

        Returns
        -------
        ssenb.thermo.UserEntries
            Pass it as ``source=`` to :func:`ssenb.thermo.stability_window`,
            :func:`ssenb.thermo.interface_reactions` or :func:`ssenb.thermo.phase_stability`;
            its name says the energies come from the potential.
        """
        ok = self.table[K.E_MLIP].notna() & (self.table[CANDIDATE] != "host")
        extra = [
            candidate_entry(
                s, e, self.potential, self.hull_entries[0].data.get("corrections", ""), c
            )
            for s, e, c, good in zip(
                self.structures, self.table[K.E_MLIP], self.table[CANDIDATE], ok
            )
            if good
        ]
        return mlip_source([*self.hull_entries, *extra], self.potential)


def substitute(
    structure: Structure,
    substitutions: Substitutions,
    *,
    competing: PotentialBenchmark
    | list[ComputedStructureEntry]
    | tuple[ComputedStructureEntry, ...],
    potential: Potential | None = None,
    oxidation_states: Mapping[str, float] | None = None,
    max_cells: int = 4,
    max_atoms: int = 32,
    max_orderings: int = 10,
    n_relax: int = 3,
    fmax: float = 0.05,
    steps: int = 300,
    relax_cell: bool = True,
    executor: Executor | int | None = None,
    errors: ErrorMode = "record",
    progress: bool = True,
    cancel: threading.Event | None = None,
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
    executor : concurrent.futures.Executor, int or None
        Where the relaxations run, one task per ordering (:func:`ssenb.mlip.relax_many`):
        None here, an int a pool of that many processes, or an executor (a process pool,
        Dask's ``client.get_executor()``). The table is the same whichever runs them.
    errors : {"record", "raise"}
        "record" (default): a relaxation that raises (out of memory, CHGNet's "isolated
        atoms" on a diverging cell) is that ordering's row, with its energy withheld and
        the reason in ``error``; the host and the other orderings are kept (the row
        policy of :func:`ssenb.batch.run_row`; Ctrl-C always stops). "raise": stop.
    progress : bool
        Show a tqdm progress bar over the relaxations.
    cancel : threading.Event, optional
        Set from another thread (the DopingExplorer's Cancel) to stop: the relaxation
        under way stops at its next ionic step (:func:`ssenb.mlip.relax_many`) and
        :class:`~ssenb.errors.CancelledError` is raised; no result is returned.

    Returns
    -------
    DopingResult
        The host and the relaxed orderings with their E_hull (eV/atom) on the MLIP hull.

    Examples
    --------
    >>> from ssenb.data import load_mp2020_entries
    >>> entries = load_mp2020_entries()
    >>> lco = next(e.structure for e in entries if e.entry_id == "mp-22526-GGA+U")
    >>> res = substitute(lco, {"Co": {"Ni": 0.5}}, competing=entries, max_cells=2)  # doctest: +SKIP
    """
    check_errors(errors)
    check_executor(executor)
    potential = check_potential(potential)
    check_structure(structure)
    subs = check_substitutions(structure, substitutions)
    _check_limits(max_cells, max_atoms, max_orderings, n_relax)
    bench = competing_phases(competing, potential)
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
    host = with_oxidation_states(structure)
    charges = site_charges(host, subs, oxidation_states or {})
    orderings, notes = distinct_orderings(
        host,
        subs,
        charges,
        max_cells=max_cells,
        max_atoms=max_atoms,
        max_orderings=max_orderings,
    )
    if bench.n_skipped:  # said, never silent: a stable phase among them lowers the hull
        notes = [
            *notes,
            f"{bench.n_skipped} competing phase(s) with more than {bench.max_atoms} sites were "
            "not computed with the potential and are not on its hull; if one of them is "
            "stable, every E_hull here is too low by its distance to the hull",
        ]
    jobs = [Ordering("host", structure.copy(), math.nan, "1x1x1"), *orderings[:n_relax]]
    scheme = energy_scale(bench)
    rows, structures = _relax_all(
        jobs,
        potential,
        scheme,
        fmax=fmax,
        steps=steps,
        relax_cell=relax_cell,
        executor=executor,
        errors=errors,
        progress=progress,
        cancel=cancel,
    )
    table = pd.DataFrame(rows)
    if rows[0][K.CONVERGED]:  # how much relaxing moved the host: the bias against single points
        notes.append(_host_shift_note(structure, rows[0][K.E_MLIP], potential, scheme))
    hull = stable_phases(bench)
    corrections = hull[0].data["corrections"]
    if table[K.E_MLIP].iloc[0] == table[K.E_MLIP].iloc[0]:  # the relaxed host joins the hull
        hull.append(
            candidate_entry(
                structures[0], table[K.E_MLIP].iloc[0], bench.potential, corrections, "host"
            )
        )
    table[K.E_HULL_MLIP] = e_above_mlip_hull(hull, structures, table[K.E_MLIP], bench.potential)
    table[K.E_HULL_ERR] = bench.e_hull_mae
    return DopingResult(
        table=table,
        structures=structures,
        hull_entries=hull,
        substitutions=subs,
        host=structure.composition.reduced_formula,  # a lookup key (widget, saved caches)
        potential=bench.potential,
        correction_scheme=bench.correction_scheme,
        source=f"energies from {bench.potential}; hull of {len(hull)} phases from "
        f"{bench.source} recomputed with the same potential",
        notes=notes,
    )


def _relax_all(
    jobs: list[Ordering],
    potential: Potential,
    scheme: Scheme,
    *,
    fmax: float,
    steps: int,
    relax_cell: bool,
    executor: Executor | int | None,
    errors: ErrorMode,
    progress: bool,
    cancel: threading.Event | None,
) -> tuple[list[dict[str, Any]], list[Structure]]:
    """One table row per relaxed job (MLIP energy in eV/atom on ``scheme``, or why none).

    The relaxations run through :func:`ssenb.mlip.relax_many` (one task per job on
    ``executor``). A relaxation that raises gives its job a row with the energy withheld
    and the reason (``errors="record"``); its structure is the unrelaxed one.
    """
    relaxed = relax_many(
        [s for _, s, _, _ in jobs],
        potential,
        fmax=fmax,
        steps=steps,
        relax_cell=relax_cell,
        executor=executor,
        errors=errors,
        progress=progress,
        cancel=cancel,
    )
    rows: list[dict[str, Any]] = []
    structures: list[Structure] = []
    for (cid, s, ewald, cell), r in zip(jobs, relaxed.to_dict("records")):
        final = r[K.STRUCTURE]
        if final is None:  # the relaxation raised: no structure came back
            rows.append(
                {
                    CANDIDATE: cid,
                    K.FORMULA: display_formula(s.composition),
                    SUPERCELL: cell,
                    K.N_ATOMS: len(s),
                    EWALD: ewald,
                    K.E_MLIP: math.nan,
                    K.CONVERGED: False,
                    K.N_STEPS: 0,
                    K.MAX_FORCE: math.nan,
                    K.ERROR: relax_reason(r),
                }
            )
            structures.append(s)
            continue
        energy = math.nan
        if r[K.CONVERGED]:
            total = r[K.E_POTENTIAL] * len(final)
            energy = mlip_entry(final, total, potential, scheme=scheme).energy_per_atom
        rows.append(
            {
                CANDIDATE: cid,
                K.FORMULA: display_formula(final.composition),
                SUPERCELL: cell,
                K.N_ATOMS: len(final),
                EWALD: ewald,
                K.E_MLIP: energy,
                K.CONVERGED: bool(r[K.CONVERGED]),
                K.N_STEPS: int(r[K.N_STEPS]),
                K.MAX_FORCE: r[K.MAX_FORCE],
                K.ERROR: relax_reason(r),
            }
        )
        structures.append(final)
    return rows, structures


def _host_shift_note(
    structure: Structure, relaxed_eV_atom: float, potential: Potential, scheme: Scheme
) -> str:
    """How much relaxing moved the host's energy (meV/atom) from its single point."""
    single = energies(potential, [structure])[0] / len(structure)
    shift = (
        relaxed_eV_atom
        - mlip_entry(structure, single * len(structure), potential, scheme=scheme).energy_per_atom
    )
    return (
        f"relaxing the host changed its energy by {shift * 1000:+.1f} meV/atom from the single "
        "point at its input geometry; competing phases are single points at DFT geometries, "
        "so relaxed candidates may sit lower on the hull by about that much"
    )


def _check_limits(max_cells: int, max_atoms: int, max_orderings: int, n_relax: int) -> None:
    """Refuse limits outside what a CPU relaxes in minutes."""
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


__all__ = [
    "CANDIDATE",
    "EWALD",
    "HULL_KEEP",
    "MAX_COMBINATIONS",
    "MAX_ORDERINGS",
    "MAX_SUPERCELL_ATOMS",
    "SUPERCELL",
    "DopingResult",
    "substitute",
]
