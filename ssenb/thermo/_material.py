"""Turn what a user passes (formula, Composition, Structure, entry) into a Composition."""

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
    bad = [
        str(el)
        for el in comp.elements
        if not hasattr(el, "Z") or getattr(el, "symbol", None) is None
    ]
    if bad:
        raise InvalidInputError(f"{argname}={material!r} holds non-element species {bad}")
    # oxidation-state decorated species -> plain elements
    return Composition(
        {
            el.symbol if hasattr(el, "symbol") else str(el): amt
            for el, amt in comp.element_composition.items()
        }
    )
