"""Read what a user passes as a material (formula, Composition, Structure, entry).

One parser for the whole package, so a formula is accepted or refused the same way
in thermodynamics, featurization and models.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidInputError


def to_composition(material: Any, *, argname: str = "material"):
    """A pymatgen ``Composition`` from a formula string, Composition, Structure or entry.

    A disordered Structure (partial occupancies) is reduced to its average composition:
    every thermodynamic method in ssenb is composition-based, so the result is the same as
    for that formula.
    """
    from pymatgen.core import Composition, Structure

    if isinstance(material, Composition):
        comp = material
    elif isinstance(material, Structure):
        comp = material.composition
    elif hasattr(material, "composition") and isinstance(material.composition, Composition):
        comp = material.composition
    elif isinstance(material, str):
        text = material.strip()
        if not text:
            raise InvalidInputError(f"{argname}='' is empty; give a formula such as 'Li3PS4'")
        try:
            comp = Composition(text)
        except Exception as err:  # pymatgen raises ValueError/KeyError/CompositionError
            raise InvalidInputError(
                f"{argname}={material!r} is not a chemical formula pymatgen can parse ({err}); "
                "write it like 'Li7La3Zr2O12' or 'Li6PS5Cl'"
            ) from err
    else:
        raise InvalidInputError(
            f"{argname} must be a formula string, pymatgen Composition, Structure or entry, "
            f"not {type(material).__name__}"
        )
    if comp.num_atoms <= 0:
        raise InvalidInputError(f"{argname}={material!r} has no atoms")
    from pymatgen.core.periodic_table import DummySpecies

    unknown = [str(sp.symbol) for sp in comp if isinstance(sp, DummySpecies)]
    if unknown:  # pymatgen parses unknown symbols ("Xq") as dummy species
        raise InvalidInputError(
            f"{argname}={material!r} is not a chemical formula pymatgen can parse: "
            f"{', '.join(unknown)} is not an element symbol; write it like 'Li7La3Zr2O12'"
        )
    return comp.element_composition  # oxidation-state decorated species -> plain elements


def display_formula(comp) -> str:
    """The one way ssenb writes a formula: reduced, electronegativity order, no grouping.

    ``Li10GeP2S12`` (pymatgen's ``reduced_formula`` would give ``Li10Ge(PS6)2``), the same
    whatever order the input was written in, so a material reads the same in a window, a
    screening table and a decomposition. Elements keep pymatgen's names (``O2``, ``S``).
    """
    reduced = comp.reduced_composition
    if len(reduced) == 1:
        return comp.reduced_formula
    parts = []
    for el in sorted(reduced, key=lambda e: (e.X if e.X == e.X else 99, e.symbol)):
        amt = float(reduced[el])
        if abs(amt - 1) < 1e-8:
            text = ""
        elif abs(amt - round(amt)) < 1e-8:
            text = f"{amt:.0f}"
        else:
            text = f"{amt:.4g}"
        parts.append(f"{el.symbol}{text}")
    return "".join(parts)


def to_element(symbol: str, *, argname: str = "ion"):
    """A pymatgen ``Element`` from a symbol, or a clear error naming the argument."""
    from pymatgen.core import Element

    try:
        return Element(symbol)
    except (ValueError, KeyError, TypeError) as err:
        raise InvalidInputError(
            f"{argname}={symbol!r} is not an element symbol; use e.g. 'Li', 'Na', 'K'"
        ) from err
