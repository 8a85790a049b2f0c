"""Where the dopants go: symmetry-distinct orderings in small supercells, lowest Ewald first.

The site occupancy ``{"Co": {"Ni": 0.5}}`` is made in diagonal supercells of the host
(pymatgen ``Structure.replace_species`` + ``OrderDisorderedStructureTransformation``, whose
orderings are ranked by Ewald energy with the formal charges of
:func:`~ssenb.mlip.substitutions.site_charges`), and symmetrically equivalent orderings are
merged (``StructureMatcher``). Supercells whose orderings would be too many to rank
(:data:`MAX_COMBINATIONS`) are skipped with a note.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from itertools import product
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np

from ..batch import ErrorMode, capture_row, check_errors, check_executor, failure_reason, run_tasks
from ..errors import InvalidInputError
from .substitutions import Substitutions, describe

if TYPE_CHECKING:
    from concurrent.futures import Executor

    import pandas as pd
    from pymatgen.core import Structure
    from pymatgen.util.typing import SpeciesLike

#: most symmetry-distinct orderings kept per call, and most combinations tried per supercell
MAX_ORDERINGS = 50
MAX_COMBINATIONS = 5000
#: the "dopant" that leaves a site empty: ``{"Li": {VACANCY: 0.25}}`` removes a quarter of the
#: Li (the compensation of an aliovalent dopant, :func:`ssenb.design.design`); it takes no
#: charge and no atom
VACANCY = "vacancy"
#: the placeholder species (a pymatgen ``DummySpecies``, charge 0) of an empty interstitial
#: site in the host: ``{INTERSTITIAL: {"Li": 0.5}}`` fills half of those sites with Li and
#: leaves the rest empty (the Li that compensate Ge⁴⁺ on P⁵⁺, :func:`ssenb.design.design`);
#: the placeholders take no charge and never reach an ordering
INTERSTITIAL = "Xi"


class Ordering(NamedTuple):
    """One arrangement of the dopants, as it goes to the relaxation."""

    #: "#1", "#2", ... lowest Ewald energy first ("host" for the undoped cell)
    name: str
    structure: Structure
    #: Ewald energy with formal charges (eV/atom); NaN for the host
    ewald_eV_atom: float
    #: the supercell, e.g. "1x1x2"
    supercell: str


class OrderingRequest(NamedTuple):
    """One host and its substitution, as :func:`orderings_many` enumerates it."""

    #: the host cell, ordered (oxidation states are assigned as in :func:`ssenb.mlip.substitute`)
    host: Structure
    #: ``{site element: {dopant: fraction}}``
    substitutions: Mapping[str, Mapping[str, float]]
    #: dopant oxidation states; default that of the site each replaces
    oxidation_states: Mapping[str, float] | None = None
    max_cells: int = 4
    max_atoms: int = 32
    max_orderings: int = 10


def orderings_many(
    requests: Iterable[OrderingRequest],
    *,
    executor: Executor | int | None = None,
    errors: ErrorMode = "record",
    progress: bool = True,
) -> pd.DataFrame:
    """Orderings of many hosts or substitutions at once, one task each, on any executor.

    Each request is checked and charge-balanced as :func:`ssenb.mlip.substitute` does
    (:func:`~ssenb.mlip.substitutions.check_substitutions`, formal oxidation states,
    :func:`~ssenb.mlip.substitutions.site_charges`), then enumerated by
    :func:`distinct_orderings`, which is pure (the host is not modified) and picklable.

    Parameters
    ----------
    requests : iterable of OrderingRequest
    executor : concurrent.futures.Executor, int or None
        None: this process; an int: a pool of that many processes; or an executor (a
        process pool, Dask's ``client.get_executor()``). A task lost with its worker
        fails only its own row.
    errors : {"record", "raise"}
        "record": a request that cannot be realised (charged, no cell holds the fraction)
        gets a reason in ``error``; "raise": stop at it.
    progress : bool
        A tqdm progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per request, in input order: ``n_orderings``, ``orderings`` (list of
        :class:`Ordering`, lowest Ewald energy first; empty on failure), ``notes`` (list
        of str) and ``error``.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> lco = Structure.from_spacegroup("R-3m", Lattice.hexagonal(2.82, 14.05),
    ...     ["Li", "Co", "O"], [[0, 0, 0.5], [0, 0, 0], [0, 0, 0.24]])
    >>> out = orderings_many([OrderingRequest(lco, {"Co": {"Ni": 0.5}}, max_atoms=24)],
    ...     progress=False)
    >>> out["error"].tolist(), int(out["n_orderings"].iloc[0]) > 0
    ([None], True)
    """
    import pandas as pd
    from tqdm.auto import tqdm

    check_errors(errors)
    check_executor(executor)
    if isinstance(requests, OrderingRequest) or not isinstance(requests, Iterable):
        raise InvalidInputError(
            "requests must be a list of OrderingRequest; wrap one in a list: [request]"
        )
    tasks = list(enumerate(requests))
    for i, r in tasks:
        if not isinstance(r, OrderingRequest):
            raise InvalidInputError(
                f"request {i} is a {type(r).__name__}, not an OrderingRequest(host, "
                "substitutions, ...)"
            )
    rows: list[dict[str, Any]] = [{} for _ in tasks]
    with tqdm(total=len(tasks), desc="orderings", disable=not progress, leave=False) as bar:
        for (i, _), result, lost in run_tasks(tasks, _orderings_task, (), executor):
            value, err = (None, lost) if result is None else result
            if err is not None or value is None:
                if errors == "raise" and err is not None:
                    raise err
                why = failure_reason(err) if err is not None else "no result"
                rows[i] = {"orderings": [], "notes": [], "error": why}
            else:
                rows[i] = {"orderings": value[0], "notes": value[1], "error": None}
            bar.update()
    out = pd.DataFrame(rows, columns=["orderings", "notes", "error"])
    out.insert(0, "n_orderings", [len(o) for o in out["orderings"]])
    return out


def _orderings_task(
    task: tuple[int, OrderingRequest],
) -> tuple[tuple[list[Ordering], list[str]] | None, Exception | None]:
    """One request enumerated (in a worker or here), its failure returned, not raised."""
    from .substitutions import check_substitutions, site_charges, with_oxidation_states

    _, r = task

    def work() -> tuple[list[Ordering], list[str]]:
        subs = check_substitutions(r.host, r.substitutions)
        host = with_oxidation_states(r.host)
        charges = site_charges(host, subs, r.oxidation_states or {})
        return distinct_orderings(
            host,
            subs,
            charges,
            max_cells=r.max_cells,
            max_atoms=r.max_atoms,
            max_orderings=r.max_orderings,
        )

    return capture_row(work)


def distinct_orderings(
    host: Structure,
    subs: Substitutions,
    charges: Mapping[str, float],
    *,
    max_cells: int,
    max_atoms: int,
    max_orderings: int,
) -> tuple[list[Ordering], list[str]]:
    """Symmetry-distinct orderings of the dopants, lowest Ewald energy first.

    Parameters
    ----------
    host : pymatgen Structure
        Decorated with oxidation states.
    subs : dict
        Checked substitutions.
    charges : mapping of str to float
        From :func:`site_charges`. A :data:`VACANCY` in ``subs`` needs none: it empties
        its share of the site (the cell must stay neutral with it). Nor does an
        :data:`INTERSTITIAL` placeholder site of ``host`` (a ``DummySpecies``): ``subs``
        fills a share of those sites (``{INTERSTITIAL: {"Li": f}}``) and the rest stay
        empty, so the enumeration places interstitial ions and dopants together, ranked by
        the same Ewald energy. ``max_atoms`` bounds the host's atoms in the supercell
        (as :func:`ssenb.design.propose_substitutions` counts them): neither the
        placeholders nor the interstitial ions they receive count.
    max_cells : int
        Largest diagonal supercell, in copies of the host cell.
    max_atoms : int
        Largest supercell, in sites.
    max_orderings : int
        Orderings kept (``4 * max_orderings`` ranked per supercell before merging).

    Returns
    -------
    orderings : list of Ordering
        Named "#1", "#2", ...; structures without oxidation states.
    notes : list of str
        Supercells skipped for more than :data:`MAX_COMBINATIONS` combinations, and how many
        orderings were enumerated and distinct.

    Raises
    ------
    InvalidInputError
        When no supercell within the limits holds the fractions in whole atoms, or every one
        that does has more than :data:`MAX_COMBINATIONS` orderings.

    Notes
    -----
    Pure and picklable: ``host`` is not modified and nothing outside is touched, so a
    caller may map it over many hosts on any executor (:func:`orderings_many` does).
    """
    from pymatgen.analysis.ewald import EwaldMinimizer
    from pymatgen.analysis.structure_matcher import StructureMatcher
    from pymatgen.core import DummySpecies, Species
    from pymatgen.transformations.standard_transformations import (
        OrderDisorderedStructureTransformation,
    )

    notes: list[str] = []
    found: list[tuple[Structure, float, str]] = []
    n_site = {site: sum(1 for sp in host.species if sp.symbol == site) for site in subs}
    n_empty = sum(1 for sp in host.species if sp.symbol == INTERSTITIAL)  # no atoms

    def species(symbol: str) -> Species | DummySpecies:
        if symbol == INTERSTITIAL:
            return DummySpecies(INTERSTITIAL, 0)
        return Species(symbol, charges[symbol])

    for scale in _scalings(max_cells):
        m = int(np.prod(scale))
        if (len(host) - n_empty) * m > max_atoms:  # the host's atoms, as the proposer counts
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
        mapping: dict[SpeciesLike, SpeciesLike | dict[SpeciesLike, float]] = {
            species(s): {
                # an interstitial placeholder left unfilled is empty space, not an atom
                **({} if s == INTERSTITIAL else {species(s): 1 - sum(ds.values())}),
                **{species(d): f for d, f in ds.items() if d != VACANCY},
            }
            for s, ds in subs.items()
        }
        cell.replace_species(mapping)
        if cell.is_ordered:  # a whole site replaced: one ordering (pymatgen's minimizer fails)
            from pymatgen.analysis.ewald import EwaldSummation

            energy = float(EwaldSummation(cell).total_energy)  # eV
            cell.remove_oxidation_states()
            found.append((cell, energy / len(cell), _cell(scale)))
            continue
        # a ranked list of {"structure", "energy" (eV, Ewald), ...} when return_ranked_list is set
        ranked = cast(
            "list[dict[str, Any]]",
            OrderDisorderedStructureTransformation(
                algo=EwaldMinimizer.ALGO_BEST_FIRST
            ).apply_transformation(cell, return_ranked_list=max_orderings * 4),
        )
        for r in ranked:
            st = r["structure"]
            st.remove_oxidation_states()
            found.append((st, float(r["energy"]) / len(st), _cell(scale)))
    if not found and notes:  # whole atoms fit, but in too many ways to rank
        raise InvalidInputError(
            f"every supercell of up to {max_cells} cells and {max_atoms} atoms that holds "
            f"{describe(subs)} in whole atoms has more than {MAX_COMBINATIONS} orderings "
            f"({'; '.join(notes)}); lower max_cells/max_atoms or start from a smaller host cell"
        )
    if not found:
        raise InvalidInputError(
            f"no supercell of up to {max_cells} cells and {max_atoms} atoms holds "
            f"{describe(subs)} in whole atoms; raise max_cells/max_atoms or pick a fraction "
            "such as 1/2, 1/4"
        )
    found.sort(key=lambda t: (round(t[1], 4), len(t[0])))  # ties within 0.1 meV/atom: noise
    groups = StructureMatcher().group_structures([t[0] for t in found])
    position = {id(t[0]): i for i, t in enumerate(found)}
    firsts = {min(position[id(s)] for s in g) for g in groups}  # first found of each group
    distinct = [t for i, t in enumerate(found) if i in firsts][:max_orderings]
    notes.append(f"{len(found)} orderings enumerated, {len(groups)} symmetry-distinct")
    return [Ordering(f"#{i + 1}", s, e, c) for i, (s, e, c) in enumerate(distinct)], notes


def _multinomial(n: int, counts: Iterable[float]) -> int:
    """Ways to place dopants of the given counts on ``n`` sites."""
    out, left = 1, n
    for c in counts:
        out *= math.comb(left, round(c))
        left -= round(c)
    return out


def _scalings(max_cells: int) -> list[tuple[int, int, int]]:
    """Diagonal supercells of up to ``max_cells`` copies, smallest first."""
    cells = [
        (a, b, c)
        for a, b, c in product(range(1, max_cells + 1), repeat=3)
        if a * b * c <= max_cells
    ]
    return sorted(cells, key=lambda s: (math.prod(s), s))


def _cell(scale: tuple[int, int, int]) -> str:
    """A supercell as text: (1, 1, 2) -> "1x1x2"."""
    return "x".join(str(i) for i in scale)


__all__ = [
    "INTERSTITIAL",
    "MAX_COMBINATIONS",
    "MAX_ORDERINGS",
    "VACANCY",
    "Ordering",
    "OrderingRequest",
    "distinct_orderings",
    "orderings_many",
]
