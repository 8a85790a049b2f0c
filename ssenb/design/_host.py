"""The host of a substitution: read, checked (Li, ordered), and given one valence per element.

A host is a pymatgen Structure, a CIF path, or a formula (enough to rank dopants; a
structure adds the coordination of each site). Oxidation states come from the structure's
own decoration, bond valence (:func:`ssenb.mlip.substitutions.with_oxidation_states`), or
for a formula pymatgen's ``Composition.oxi_state_guesses`` run only below the one bound
of ssenb (:func:`ssenb.data.materials.oxidation_guess_cost`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError, UnsupportedMaterialError

if TYPE_CHECKING:
    from pymatgen.core import Composition, Structure

MOBILE = "Li"


def max_cells(max_atoms: int, cell_atoms: int) -> int:
    """How many host cells a supercell of at most ``max_atoms`` atoms may hold (at least 1).

    One rule for the proposer (which site fractions a cell within the bound realises) and
    the orderings (the supercells :func:`ssenb.mlip.orderings.distinct_orderings` may try),
    so a fraction the proposer offers is one the orderings can make.

    Examples
    --------
    >>> max_cells(32, 16), max_cells(32, 33), max_cells(8, 0)
    (2, 1, 8)
    """
    return max(1, max_atoms // max(cell_atoms, 1))


def charge_label(q: float) -> str:
    """An ion's charge as written after its symbol: 1 is left out (Br-, Li+, Se2-, W6+).

    One rule for the proposer's rows and reasons and the candidates' labels.

    Examples
    --------
    >>> charge_label(-1), charge_label(-2), charge_label(6), charge_label(2.5)
    ('-', '2-', '6+', '2.5+')
    """
    n = abs(q)
    return f"{'' if n == 1 else f'{n:g}'}{'+' if q > 0 else '-'}"


@dataclass
class Host:
    """What the proposer needs of a host (amounts per formula unit, cell per cell)."""

    formula: str  # reduced formula
    amounts: dict[str, float]  # atoms per formula unit
    cell_amounts: dict[str, int]  # atoms per cell (structure cell, else the integer formula)
    charges: dict[str, float]  # one formal oxidation state per element (mean if mixed)
    mixed: set[str] = field(default_factory=set)  # elements with several valences
    coordination: dict[str, int] = field(default_factory=dict)  # first site of each element
    method: str = ""


def read_host(host: Any) -> Structure | Composition:
    """A Structure (from a Structure or CIF path) or a Composition (from a formula)."""
    from pymatgen.core import Composition, Structure

    from ..data import read_cif, to_composition
    from ..data.cif import MAX_CIF_BYTES

    if isinstance(host, Structure):
        return host
    if isinstance(host, Composition):
        return to_composition(host, argname="host")
    if isinstance(host, os.PathLike) or (isinstance(host, str) and host.lower().endswith(".cif")):
        path = Path(host)
        if not path.is_file():
            raise InvalidInputError(
                f"host={str(host)!r}: no such CIF file; give a path, a Structure or a formula"
            )
        with path.open("rb") as fh:
            text = fh.read(MAX_CIF_BYTES + 1)  # read_cif refuses what is over the bound
        return read_cif(text)
    if isinstance(host, str) and host.lower().startswith("obelix:"):
        raise InvalidInputError(
            f"host={host!r}: OBELiX ids are read by the command line (ssenb design {host}); "
            "in Python pass the Structure: load_obelix('train', structures=True)"
            ".set_index('id').loc[id, 'structure']"
        )
    if isinstance(host, str):
        try:
            return to_composition(host, argname="host")
        except InvalidInputError as err:
            if not os.path.exists(host):
                raise
            raise InvalidInputError(
                f"host={host!r} is a file but not a .cif: convert it to CIF, or read it with "
                "pymatgen (Structure.from_file) and pass the Structure"
            ) from err
    raise InvalidInputError(
        f"host must be a pymatgen Structure, a CIF path or a formula such as 'Li7La3Zr2O12', "
        f"not {type(host).__name__}"
    )


def describe_host(host: Any) -> Host:
    """Read and check a host; raise ssenb's errors for what cannot be doped."""
    from pymatgen.core import Composition, Structure

    from ..data.materials import display_formula

    material = read_host(host)
    comp = (
        material if isinstance(material, Composition) else material.composition
    ).element_composition
    formula = display_formula(comp)  # the one way ssenb writes a formula
    if MOBILE not in {el.symbol for el in comp.elements}:
        raise UnsupportedMaterialError(
            f"host {formula} has no {MOBILE}: the proposer compensates aliovalent dopants "
            f"with {MOBILE} vacancies or interstitials; give a {MOBILE}-containing host"
        )
    amounts = {
        el.symbol: float(a) for el, a in comp.get_reduced_composition_and_factor()[0].items()
    }
    if isinstance(material, Structure):
        if not material.is_ordered:
            raise UnsupportedMaterialError(
                f"host {formula} is disordered (partial occupancies): the proposer needs an "
                "ordered description of each site; order it first (pymatgen "
                "OrderDisorderedStructureTransformation) or pass the formula instead"
            )
        return _structure_host(material, formula, amounts)
    return _formula_host(comp, formula, amounts)


def _structure_host(s: Structure, formula: str, amounts: dict[str, float]) -> Host:
    from ..mlip.substitutions import with_oxidation_states

    decorated = s if all(getattr(sp, "oxi_state", None) is not None for sp in s.species) else None
    method = "given with the structure"
    if decorated is None:
        decorated = with_oxidation_states(s)  # bond valence, else the bounded guess
        method = "bond valence (pymatgen BVAnalyzer) or bounded formula guess"
    states: dict[str, set[float]] = {}
    for sp in decorated.species:
        states.setdefault(sp.symbol, set()).add(float(sp.oxi_state or 0))
    charges = {el: sum(q) / len(q) for el, q in states.items()}
    cell = {el.symbol: round(a) for el, a in s.composition.element_composition.items()}
    return Host(
        formula,
        amounts,
        cell,
        charges,
        mixed={el for el, q in states.items() if len(q) > 1},
        coordination=_coordination(decorated),
        method=method,
    )


#: counter-ions within this factor of the nearest one count as coordinating
CN_SHELL = 1.25
#: farthest counter-ion looked for (Å)
CN_SEARCH_A = 4.0


def _coordination(s: Structure) -> dict[str, int]:
    """Coordination number of the first site of each element: counter-ions in the first shell.

    Ions of opposite formal charge within :data:`CN_SHELL` times the nearest one's distance
    (a cation's anions; an anion's cations): the count Shannon's radii are tabulated by,
    without the seconds pymatgen's ``local_env`` takes to import.
    """
    out: dict[str, int] = {}
    for site in s:
        el, q = site.specie.symbol, float(getattr(site.specie, "oxi_state", 0) or 0)
        if el in out or q == 0:
            continue
        near = [
            n.nn_distance
            for n in s.get_neighbors(site, CN_SEARCH_A)
            if float(getattr(n.specie, "oxi_state", 0) or 0) * q < 0
        ]
        if near:
            out[el] = sum(d <= CN_SHELL * min(near) for d in near)
    return out


def _formula_host(comp: Composition, formula: str, amounts: dict[str, float]) -> Host:
    """One valence per element from the formula: pymatgen's guess within ssenb's bound.

    Measured compositions are often slightly off neutral or need huge integer formulas
    (Li6.26La3Zr2Al0.24O12); for those, one common or ICSD state per element within 3 %
    of neutral (:func:`ssenb.transport.charge_balance`, the same bound) is taken.
    """
    from pymatgen.core import Composition

    from ..data.materials import MAX_OXIDATION_COMBINATIONS, oxidation_guess_cost
    from ..transport import charge_balance

    integer, _ = comp.get_integer_formula_and_factor()
    cell = {el.symbol: round(a) for el, a in Composition(integer).items()}
    cost = oxidation_guess_cost(cell)
    guesses = Composition(cell).oxi_state_guesses() if cost <= MAX_OXIDATION_COMBINATIONS else []
    method = "pymatgen oxi_state_guesses (bounded)"
    charges = {el: float(q) for el, q in guesses[0].items()} if guesses else None
    if charges is None:
        charges = charge_balance(amounts, mobile=MOBILE)
        method = "one state per element within 3 % of neutral (ssenb.transport.charge_balance)"
    if charges is None:
        too_many = (
            f"; pymatgen's guess would walk {cost:.1e} combinations (over "
            f"{MAX_OXIDATION_COMBINATIONS:,})"
            if cost > MAX_OXIDATION_COMBINATIONS
            else ""
        )
        raise UnsupportedMaterialError(
            f"no charge-balanced oxidation states for host {formula}{too_many}; pass a "
            "Structure decorated with oxidation states (structure.add_oxidation_state_by_element)"
        )
    mixed = {el for el, q in charges.items() if abs(q - round(q)) > 1e-6}
    return Host(formula, amounts, cell, charges, mixed=mixed, method=method)
