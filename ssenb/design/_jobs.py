"""From ranked substitution candidates to the structures a design run relaxes.

Each charge-balanced candidate of :func:`~ssenb.design.propose_substitutions` becomes, for
each fraction of its site that a cell within the bound realises, a substitution with its
compensation written as site occupancies: Ta⁵⁺ on Zr⁴⁺ takes one Li away per Ta
(``{"Zr": {"Ta": x}, "Li": {VACANCY: y}}``), Ga³⁺ on Li⁺ takes the Li it replaces and two
more. The orderings are those of :func:`ssenb.mlip.orderings.distinct_orderings` (the
enumeration :func:`ssenb.mlip.substitute` uses), lowest Ewald energy first. Li interstitials
(Ge⁴⁺ on P⁵⁺) need interstitial sites ssenb does not place: such a candidate is a recorded
row, never silently dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import keys as K
from ..batch import ErrorMode, run_row, run_tasks
from ..errors import InvalidInputError, UnsupportedMaterialError
from ._host import MOBILE

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
        label = f"{dopant}{_charge(q)} on {site}"
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
                o.supercell, comp)
            for o in orderings
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
) -> list[Any]:
    """Symmetry-distinct orderings of one candidate at one fraction (compensation included)."""
    from ..mlip.orderings import distinct_orderings

    subs = substitution_of(decorated, site, dopant, li_per_dopant, fraction)
    charges = {sp.symbol: float(sp.oxi_state or 0) for sp in decorated.species}
    charges[dopant] = q
    _check_neutral(decorated, subs, charges)
    orderings, _ = distinct_orderings(
        decorated,
        subs,
        charges,
        max_cells=max(1, max_atoms // len(decorated)),
        max_atoms=max_atoms,
        max_orderings=n_orderings,
    )
    return orderings


def substitution_of(
    host: Structure, site: str, dopant: str, li_per_dopant: float, fraction: float
) -> dict[str, dict[str, float]]:
    """``{site: {dopant: fraction}}`` plus the Li vacancies that compensate it, per site.

    Raises
    ------
    UnsupportedMaterialError
        Li interstitials (positive ``li_per_dopant``): they need interstitial sites.
    """
    from ..mlip.orderings import VACANCY

    if li_per_dopant > 0:
        raise UnsupportedMaterialError(
            f"{dopant} on {site} is compensated by {li_per_dopant:g} Li interstitial(s) per "
            "dopant, which need interstitial sites that ssenb does not place; make the "
            "orderings yourself (e.g. pymatgen-analysis-defects) and relax them with "
            "ssenb.mlip.relax"
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
    from ..mlip.orderings import VACANCY

    n = {el.symbol: float(a) for el, a in host.composition.element_composition.items()}
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


def _charge(q: float) -> str:
    n = abs(q)
    return f"{'' if n == 1 else f'{n:g}'}{'+' if q > 0 else '-'}"


def _fraction(f: float) -> str:
    from fractions import Fraction

    return str(Fraction(f).limit_denominator(64))
