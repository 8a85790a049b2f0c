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

from ..errors import InvalidInputError
from .substitutions import Substitutions, describe

if TYPE_CHECKING:
    from pymatgen.core import Structure
    from pymatgen.util.typing import SpeciesLike

#: most symmetry-distinct orderings kept per call, and most combinations tried per supercell
MAX_ORDERINGS = 50
MAX_COMBINATIONS = 5000
#: the "dopant" that leaves a site empty: ``{"Li": {VACANCY: 0.25}}`` removes a quarter of the
#: Li (the compensation of an aliovalent dopant, :func:`ssenb.design.design`); it takes no
#: charge and no atom
VACANCY = "vacancy"


class Ordering(NamedTuple):
    """One arrangement of the dopants, as it goes to the relaxation."""

    #: "#1", "#2", ... lowest Ewald energy first ("host" for the undoped cell)
    name: str
    structure: Structure
    #: Ewald energy with formal charges (eV/atom); NaN for the host
    ewald_eV_atom: float
    #: the supercell, e.g. "1x1x2"
    supercell: str


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
        its share of the site (the cell must stay neutral with it).
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
    """
    from pymatgen.analysis.ewald import EwaldMinimizer
    from pymatgen.analysis.structure_matcher import StructureMatcher
    from pymatgen.core import Species
    from pymatgen.transformations.standard_transformations import (
        OrderDisorderedStructureTransformation,
    )

    notes: list[str] = []
    found: list[tuple[Structure, float, str]] = []
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
        mapping: dict[SpeciesLike, SpeciesLike | dict[SpeciesLike, float]] = {
            Species(s, charges[s]): {
                Species(s, charges[s]): 1 - sum(ds.values()),
                **{Species(d, charges[d]): f for d, f in ds.items() if d != VACANCY},
            }
            for s, ds in subs.items()
        }
        cell.replace_species(mapping)
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


__all__ = ["MAX_COMBINATIONS", "MAX_ORDERINGS", "VACANCY", "Ordering", "distinct_orderings"]
