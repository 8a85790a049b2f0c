"""From ranked substitution candidates to the structures a design run relaxes.

Each charge-balanced candidate of :func:`~ssenb.design.propose_substitutions` becomes, for
each fraction of its site that a cell within the bound realises, a substitution with its
compensation written as site occupancies: Ta⁵⁺ on Zr⁴⁺ takes one Li away per Ta
(``{"Zr": {"Ta": x}, "Li": {VACANCY: y}}``), Ga³⁺ on Li⁺ takes the Li it replaces and two
more. The orderings are those of :func:`ssenb.mlip.orderings.distinct_orderings` (the
enumeration :func:`ssenb.mlip.substitute` uses), lowest Ewald energy first.

Li interstitials (Ge⁴⁺ on P⁵⁺ in Li3PS4: one more Li per Ge) go to the host's interstitial
sites, the unoccupied minima of its Li BVSE landscape
(:func:`ssenb.transport.interstitial_sites`, at least
:data:`~ssenb.transport.interstitials.MIN_DISTANCE_A` from every atom): the lowest-energy
orbits of sites (whole orbits, at most :data:`MAX_INTERSTITIAL_SITES` sites per host cell
unless the lowest orbit alone has more) are added to the host as empty placeholder sites
(:data:`ssenb.mlip.orderings.INTERSTITIAL`) of which the compensating share is filled with
Li, and the same Ewald enumeration places dopants and interstitial Li together. Orderings
that put two added Li closer than :data:`MIN_LI_SEPARATION_A` are dropped. Each row's
compensation says which minima were filled and at what BVSE energy. A host whose
landscape has no such minimum gives a recorded row with that reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import keys as K
from ..batch import ErrorMode, run_row, run_tasks
from ..errors import InvalidInputError, UnsupportedMaterialError
from ._host import MOBILE, charge_label, max_cells

#: most interstitial placeholder sites per host cell offered to the enumeration (whole
#: orbits, lowest BVSE energy first; the lowest orbit is always offered whole)
MAX_INTERSTITIAL_SITES = 8
#: two added interstitial Li closer than this (Å) are not an ordering that is kept (Li-Li
#: in ordered Li sulfides and oxides: >= ~2.3 Å)
MIN_LI_SEPARATION_A = 2.0

if TYPE_CHECKING:
    import pandas as pd
    from pymatgen.core import Structure


@dataclass
class Job:
    """One structure to relax: the host or one ordering of one candidate at one fraction."""

    candidate: str  # "host", "W5+ on Sb 1/4 #1"
    site: str
    dopant: str
    fraction: float
    structure: Structure | None
    ewald_eV_atom: float = math.nan
    supercell: str = ""
    compensation: str = ""
    error: str = ""  # why there is no structure
    notes: list[str] = field(default_factory=list)


def host_job(structure: Structure) -> Job:
    """The undoped host: the reference every candidate is compared with."""
    return Job("host", "", "", 0.0, structure.copy(), supercell="1x1x1")


def candidate_jobs(
    decorated: Structure,
    candidates: pd.DataFrame,
    fractions: tuple[float, ...] | None,
    *,
    max_atoms: int,
    n_orderings: int,
    errors: ErrorMode,
    executor: Any = None,
) -> list[Job]:
    """The orderings of every candidate row at every fraction it realises (or why none).

    Parameters
    ----------
    decorated : Structure
        The host with formal oxidation states.
    candidates : DataFrame
        Rows of :attr:`SubstitutionCandidates.table`.
    fractions : tuple of float or None
        Fractions of the site to make (None: every fraction the row realises).
    max_atoms, n_orderings : int
        Largest cell (atoms); orderings kept per candidate and fraction.
    errors : {"record", "raise"}
        A candidate whose orderings cannot be made is a row with its reason ("record").
    executor : Executor, int or None
        One task per (candidate, fraction) (:func:`ssenb.batch.run_tasks`); the jobs come
        back in the serial order.
    """
    # first the rows that cannot be made, then one task per (candidate, fraction)
    slots: list[Job | tuple[str, str, str, float, float, float, str]] = []
    for _, row in candidates.iterrows():
        site, dopant = str(row[K.SITE]), str(row[K.DOPANT])
        q = float(row[K.DOPANT_OXIDATION_STATE])
        label = f"{dopant}{charge_label(q)} on {site}"
        realised = [float(f) for f in str(row[K.SITE_FRACTIONS]).split(",") if f.strip()]
        wanted = [f for f in realised if fractions is None or _member(f, fractions)]
        if not bool(row[K.CHARGE_BALANCED]) or not wanted:
            why = (
                str(row[K.REASONS])
                if not bool(row[K.CHARGE_BALANCED])
                else f"no fraction of {fractions} is realised within {max_atoms} atoms "
                f"(realised: {row[K.SITE_FRACTIONS] or 'none'})"
            )
            if errors == "raise":
                raise InvalidInputError(f"{label}: {why}")
            slots.append(Job(label, site, dopant, math.nan, None, error=why))
            continue
        li, comp = float(row[K.LI_PER_DOPANT]), str(row[K.COMPENSATION])
        slots += [(label, site, dopant, q, li, f, comp) for f in wanted]
    tasks = [(i, t) for i, t in enumerate(slots) if not isinstance(t, Job)]
    made: dict[int, tuple[list[Any] | None, str | None]] = {}
    args = (decorated, max_atoms, n_orderings, errors)
    for (i, _), result, lost in run_tasks(tasks, ordering_task, args, executor):
        made[i] = result if result is not None else (None, str(lost))
    jobs: list[Job] = []
    for i, slot in enumerate(slots):
        if isinstance(slot, Job):
            jobs.append(slot)
            continue
        label, site, dopant, _, _, f, comp = slot
        orderings, failure = made[i]
        name = f"{label} {_fraction(f)}"
        if orderings is None:
            jobs.append(Job(name, site, dopant, f, None, error=str(failure)))
            continue
        jobs += [
            Job(f"{name} {o.name}", site, dopant, f, o.structure, o.ewald_eV_atom,
                o.supercell, f"{comp}; {how}" if how else comp)
            for o, how in orderings
        ]  # fmt: skip
    return jobs


def ordering_task(
    decorated: Structure,
    max_atoms: int,
    n_orderings: int,
    errors: ErrorMode,
    task: tuple[int, tuple[str, str, str, float, float, float, str]],
) -> tuple[list[Any] | None, str | None]:
    """One (candidate, fraction): its orderings or why none (module level: executors run it)."""
    _, (_, site, dopant, q, li, f, _) = task
    return run_row(
        partial(
            _orderings, decorated, site, dopant, q, li, f,
            max_atoms=max_atoms, n_orderings=n_orderings,
        ),
        errors,
    )  # fmt: skip


def _orderings(
    decorated: Structure,
    site: str,
    dopant: str,
    q: float,
    li_per_dopant: float,
    fraction: float,
    *,
    max_atoms: int,
    n_orderings: int,
) -> list[tuple[Any, str]]:
    """Symmetry-distinct orderings of one candidate at one fraction (compensation included).

    Each with how its interstitial Li were placed ("" for vacancy compensation).
    """
    from ..mlip.orderings import distinct_orderings

    charges = {sp.symbol: float(sp.oxi_state or 0) for sp in decorated.species}
    charges[dopant] = q
    if li_per_dopant > 0:
        return _interstitial_orderings(
            decorated, site, dopant, li_per_dopant, fraction, charges,
            max_atoms=max_atoms, n_orderings=n_orderings,
        )  # fmt: skip
    subs = substitution_of(decorated, site, dopant, li_per_dopant, fraction)
    _check_neutral(decorated, subs, charges)
    orderings, _ = distinct_orderings(
        decorated,
        subs,
        charges,
        max_cells=max_cells(max_atoms, len(decorated)),
        max_atoms=max_atoms,
        max_orderings=n_orderings,
    )
    return [(o, "") for o in orderings]


def _interstitial_orderings(
    decorated: Structure,
    site: str,
    dopant: str,
    li_per_dopant: float,
    fraction: float,
    charges: dict[str, float],
    *,
    max_atoms: int,
    n_orderings: int,
) -> list[tuple[Any, str]]:
    """Orderings with the compensating Li at the host's lowest BVSE interstitial minima."""
    from pymatgen.core import DummySpecies

    from ..mlip.orderings import INTERSTITIAL, distinct_orderings
    from ..transport.interstitials import MIN_DISTANCE_A, interstitial_sites

    label = f"{dopant} on {site} ({li_per_dopant:g} Li interstitial(s) per dopant)"
    sites = interstitial_sites(decorated, MOBILE)
    if sites.empty:
        raise UnsupportedMaterialError(
            f"{label}: no interstitial site in the host: no minimum of its {MOBILE} BVSE "
            f"landscape lies >= {MIN_DISTANCE_A} Å from every atom (no room for an extra "
            f"{MOBILE}); choose a dopant compensated by {MOBILE} vacancies"
        )
    offered = _offered_sites(sites)
    n = {el.symbol: round(a) for el, a in decorated.composition.element_composition.items()}
    extra = li_per_dopant * fraction * n[site]  # interstitial Li per host cell
    if extra > len(offered) + 1e-9:
        raise InvalidInputError(
            f"{label}: {extra:g} interstitial {MOBILE} per host cell, but only "
            f"{len(offered)} interstitial sites are offered; choose a smaller fraction"
        )
    host = decorated.copy()
    for _, r in offered.iterrows():
        host.append(DummySpecies(INTERSTITIAL, 0), [r.a_frac, r.b_frac, r.c_frac])
    subs: dict[str, dict[str, float]] = {
        site: {dopant: fraction},
        INTERSTITIAL: {MOBILE: extra / len(offered)},
    }
    _check_neutral(host, subs, charges | {INTERSTITIAL: 0.0})
    try:
        orderings, _ = distinct_orderings(
            host,
            subs,
            charges,
            max_cells=max_cells(max_atoms, len(decorated)),
            max_atoms=max_atoms,
            max_orderings=4 * n_orderings,  # room for those dropped below
        )
    except InvalidInputError as e:
        raise InvalidInputError(
            f"{label}, on {len(offered)} BVSE interstitial sites per host cell "
            f"({INTERSTITIAL}): {e}"
        ) from None
    kept: list[tuple[Any, str]] = []
    for o in orderings:
        energies, closest = _added_li(o.structure, o.supercell, offered)
        if closest < MIN_LI_SEPARATION_A:
            continue
        how = (
            f"{len(energies)} {MOBILE} at BVSE minim{'um' if len(energies) == 1 else 'a'} "
            f"{', '.join(f'{e:.2f}' for e in sorted(energies))} eV above the landscape minimum "
            f"(>= {MIN_DISTANCE_A} Å from every host atom"
            + (f", >= {MIN_LI_SEPARATION_A} Å apart)" if len(energies) > 1 else ")")
        )
        kept.append((o._replace(name=f"#{len(kept) + 1}"), how))
        if len(kept) == n_orderings:
            break
    if not kept:
        raise InvalidInputError(
            f"{label}: every ordering puts two interstitial {MOBILE} closer than "
            f"{MIN_LI_SEPARATION_A} Å; choose a smaller fraction or a larger max_atoms"
        )
    return kept


def _offered_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """Whole orbits, lowest energy first, up to :data:`MAX_INTERSTITIAL_SITES` sites."""
    take: list[int] = []
    for orbit in dict.fromkeys(sites["orbit"]):  # in order of their lowest energy
        members = sites.index[sites["orbit"] == orbit].tolist()
        if take and len(take) + len(members) > MAX_INTERSTITIAL_SITES:
            break
        take += members
    return sites.loc[take].reset_index(drop=True)


def _added_li(
    structure: Structure, supercell: str, offered: pd.DataFrame
) -> tuple[list[float], float]:
    """BVSE energies (eV) of the Li on interstitial sites, and their closest approach (Å)."""
    import numpy as np

    scale = np.array([int(x) for x in supercell.split("x")], dtype=float)
    base = offered[["a_frac", "b_frac", "c_frac"]].to_numpy(float)
    shifts = np.array(np.meshgrid(*(np.arange(int(m)) for m in scale), indexing="ij"))
    shifts = shifts.reshape(3, -1).T
    images = ((base[:, None, :] + shifts[None, :, :]) / scale).reshape(-1, 3)
    energy = np.repeat(offered["bvse_energy_eV"].to_numpy(float), len(shifts))
    li = [i for i, sp in enumerate(structure.species) if sp.symbol == MOBILE]
    d = structure.lattice.get_all_distances(structure.frac_coords[li], images)
    on = d.min(axis=1) < 0.01  # Li sitting on an interstitial placeholder
    added = structure.frac_coords[li][on]
    energies = energy[d[on].argmin(axis=1)].tolist()
    if len(added) < 2:
        return energies, float("inf")
    pair = structure.lattice.get_all_distances(added, added)
    np.fill_diagonal(pair, np.inf)
    return energies, float(pair.min())


def substitution_of(
    host: Structure, site: str, dopant: str, li_per_dopant: float, fraction: float
) -> dict[str, dict[str, float]]:
    """``{site: {dopant: fraction}}`` plus the Li vacancies that compensate it, per site.

    Raises
    ------
    InvalidInputError
        Li interstitials (positive ``li_per_dopant``): they are no site occupancy of the
        host; the design run places them on BVSE minima (``_interstitial_orderings``).
    """
    from ..mlip.orderings import VACANCY

    if li_per_dopant > 0:
        raise InvalidInputError(
            f"{dopant} on {site} is compensated by {li_per_dopant:g} Li interstitial(s) per "
            "dopant, which no occupancy of the host's sites describes; ssenb.design.design "
            "places them on the host's BVSE interstitial minima"
        )
    n = {el.symbol: round(a) for el, a in host.composition.element_composition.items()}
    vacancies = -li_per_dopant * fraction * n[site]  # per host cell
    if site == MOBILE:
        vacancies -= fraction * n[site]  # the Li the dopant replaces is no vacancy
    subs: dict[str, dict[str, float]] = {site: {dopant: fraction}}
    if vacancies > 1e-9:
        subs.setdefault(MOBILE, {})[VACANCY] = vacancies / n[MOBILE]
    if sum(subs.get(MOBILE, {}).values()) > 1 - 1e-9:
        raise InvalidInputError(
            f"{fraction:g} {dopant} on {site} with its compensation leaves no Li in the cell "
            "(no Li conductor is left); choose a smaller fraction"
        )
    return subs


def _check_neutral(
    host: Structure, subs: dict[str, dict[str, float]], charges: dict[str, float]
) -> None:
    """The doped cell's formal charge (e) is zero: the compensation is right."""
    from collections import Counter

    from ..mlip.orderings import VACANCY

    n = Counter(sp.symbol for sp in host.species)  # the host is ordered
    total = sum(charges[el] * a for el, a in n.items())
    for s, ds in subs.items():
        for d, f in ds.items():
            total += f * n[s] * ((0.0 if d == VACANCY else charges[d]) - charges[s])
    if abs(total) > 1e-6:
        raise InvalidInputError(
            f"{describe_subs(subs)} leaves the cell with charge {total:+.3f} e; "
            "the compensation is wrong"
        )


def describe_subs(subs: dict[str, dict[str, float]]) -> str:
    """``0.25 W on Sb, 0.0833 vacancy on Li`` (:func:`ssenb.mlip.substitutions.describe`)."""
    from ..mlip.substitutions import describe

    return describe(subs)


def _member(f: float, grid: tuple[float, ...]) -> bool:
    return any(abs(f - g) < 1e-9 for g in grid)


def _fraction(f: float) -> str:
    from fractions import Fraction

    return str(Fraction(f).limit_denominator(64))
