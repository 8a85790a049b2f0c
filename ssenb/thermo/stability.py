"""Phase stability: distance to the convex hull and decomposition products."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import keys as K
from ..data.materials import display_formula, to_composition
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from ._hull import decompose
from .decomposition import Decomposition
from .sources import EntrySource, get_source

if TYPE_CHECKING:
    from pymatgen.core import Composition

#: A user's energy this far below the hull (eV/atom) is refused as implausible: real new
#: phases sit meV to ~0.1 eV/atom below a hull, and a value eV/atom below it is almost
#: always an energy on another scale (a DFT total energy given as a formation energy).
PLAUSIBLE_BELOW_HULL = 0.5


@dataclass(frozen=True, eq=False)
class PhaseStability(Result):
    """Where a composition sits relative to the convex hull of its chemical system.

    Attributes
    ----------
    formula, chemsys : str
    e_above_hull : float
        Energy above the hull (eV/atom); 0 on the hull; negative only for a user-given
        energy below the hull (a new stable phase); NaN when the composition is not in
        the data and no energy was given (then only its decomposition is known).
    decomposition : Decomposition
        Hull phases it decomposes into, as atomic fractions summing to 1.
    stable_phases : list[str]
        Every stable phase of the chemical system (elements included).
    in_data : bool
        Whether the composition itself has an entry in the source.
    source, correction_scheme : str
        Which data and which energy-correction scheme produced the numbers.
    hull_energy_per_atom : float
        Hull energy at this composition (eV/atom) on the source's scale.
    """

    formula: str
    chemsys: str
    e_above_hull: float
    decomposition: Decomposition
    stable_phases: list[str]
    in_data: bool
    source: str
    correction_scheme: str
    hull_energy_per_atom: float = math.nan

    @property
    def is_stable(self) -> bool:
        """On the hull (within 1e-8 eV/atom)."""
        return self.e_above_hull <= 1e-8

    def title(self) -> str:
        """Heading of the HTML view: formula and chemical system."""
        return f"{self.formula} ({self.chemsys}): phase stability"

    def summary(self) -> list[tuple[str, str]]:
        """Energy above hull (meV/atom, or why there is none) and the decomposition products."""
        ehull = (
            "not in the data (no energy of its own)"
            if math.isnan(self.e_above_hull)
            else fmt_number(1000 * self.e_above_hull, "meV/atom", digits=1)
        )
        return [
            ("energy above hull", ehull),
            (
                "decomposes to" if not self.is_stable else "phase equilibrium",
                str(self.decomposition),
            ),
        ]

    def to_frame(self) -> pd.DataFrame:
        """Decomposition products (phase, atomic fraction)."""
        return pd.DataFrame(
            {
                K.PHASE: list(self.decomposition),
                K.ATOMIC_FRACTION: list(self.decomposition.values()),
            }
        )


def phase_stability(
    material: Any,
    *,
    source: Any = None,
    formation_energy: float | None = None,
    total_energy: float | None = None,
) -> PhaseStability:
    """Energy above hull (eV/atom) and decomposition of a material.

    Parameters
    ----------
    material : str, Composition, Structure or entry
        A disordered Structure counts as its average composition.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: the offline MP ~2019 snapshot, legacy corrections).
    formation_energy : float, optional
        Your own formation energy of the material (eV/atom, relative to the source's
        elemental references, with the source's correction scheme), e.g. from DFT. It is
        placed against the source's hull and may come out below it (negative
        ``e_above_hull``: a new stable phase).
    total_energy : float, optional
        Instead, a total energy (eV/atom) on the same scale as a source of total energies
        (your own DFT entries, MP2020 entries). The offline snapshot holds formation
        energies only, so it refuses total energies.

    Raises
    ------
    InvalidInputError
        Both energies given, a non-finite energy, a total energy for a formation-energy
        source, or an energy more than :data:`PLAUSIBLE_BELOW_HULL` eV/atom below the hull
        (almost always an energy on the wrong scale).

    Examples
    --------
    >>> r = phase_stability("Li3PS4")
    >>> r.is_stable, list(r.decomposition)
    (True, ['Li3PS4'])
    """
    src = get_source(source)
    comp = to_composition(material)
    return stability_of(
        comp,
        src,
        formation_energy=formation_energy,
        total_energy=total_energy,
        reference=not src.fast_hull_answers,
    )


def stability_of(
    comp: Composition,
    src: EntrySource,
    *,
    formation_energy: float | None = None,
    total_energy: float | None = None,
    reference: bool = False,
) -> PhaseStability:
    """Phase stability from the FastHull, or (``reference``) from pymatgen's PhaseDiagram."""
    elements = {str(el) for el in comp.elements}
    if reference:
        pd_ = src.phase_diagram(elements)
        refs = {str(el): e.energy_per_atom for el, e in pd_.el_refs.items()}
        energy = _user_energy(refs, comp, src, formation_energy, total_energy)
        entry, e_hull, decomp = decompose(pd_, comp, energy)
        decomposition = Decomposition.from_pymatgen(decomp)
        stable = sorted(display_formula(e.composition) for e in pd_.stable_entries)
        in_data = entry is not None and energy is None
        hull_energy = float(pd_.get_hull_energy_per_atom(comp))
    else:
        hull = src.fast_hull(elements)
        refs = dict(zip(hull.elements, hull.refs.tolist()))
        energy = _user_energy(refs, comp, src, formation_energy, total_energy)
        x = [comp.get_atomic_fraction(el) for el in hull.elements]
        in_data, e_hull = hull.position(x)
        decomp_ = hull.decomposition(x)
        hull_energy = hull.hull_energy(x)
        if energy is not None:  # the user's energy against the hull, allowed below it
            in_data, e_hull = False, energy - hull_energy
        elif in_data and hull.is_stable(x):  # a stable phase is itself, exactly (as pymatgen)
            decomp_ = {max(decomp_, key=decomp_.__getitem__): 1.0}
        decomposition = Decomposition({hull.names[j]: w for j, w in decomp_.items()})
        stable = hull.stable_names
    if energy is not None and e_hull < -PLAUSIBLE_BELOW_HULL:
        given = "formation_energy" if formation_energy is not None else "total_energy"
        raise InvalidInputError(
            f"{given}={formation_energy if formation_energy is not None else total_energy!r} eV/atom "
            f"puts {display_formula(comp)} {-e_hull:.2f} eV/atom below the {src.name} hull; "
            f"more than {PLAUSIBLE_BELOW_HULL} eV/atom below a hull is not plausible. Check the "
            "energy's scale: formation_energy is relative to the elements (the snapshot's scale), "
            "total_energy is a DFT total energy per atom with the source's corrections"
        )
    return PhaseStability(
        formula=display_formula(comp),
        chemsys=comp.chemical_system,
        e_above_hull=e_hull,
        decomposition=decomposition,
        stable_phases=stable,
        in_data=in_data,
        source=src.name,
        correction_scheme=src.correction_scheme,
        hull_energy_per_atom=hull_energy,
    )


def _user_energy(
    refs: dict[str, float],
    comp: Composition,
    src: EntrySource,
    formation_energy: float | None,
    total_energy: float | None,
) -> float | None:
    """The user's energy on the hull's own scale (eV/atom), or None.

    ``refs`` are the hull's elemental energies (eV/atom) by symbol.
    """
    if formation_energy is None and total_energy is None:
        return None
    if formation_energy is not None and total_energy is not None:
        raise InvalidInputError("give formation_energy or total_energy, not both (both in eV/atom)")
    name = "formation_energy" if formation_energy is not None else "total_energy"
    value: Any = formation_energy if formation_energy is not None else total_energy
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name}={value!r} is not a number (eV/atom)") from None
    if not math.isfinite(value):
        raise InvalidInputError(f"{name}={value!r} must be a finite energy in eV/atom")
    ref = sum(comp.get_atomic_fraction(el) * refs[str(el)] for el in comp.elements)
    if formation_energy is not None:
        return value + ref
    if getattr(src, "energy_kind", "total") == "formation":
        raise InvalidInputError(
            f"total_energy= was given, but the {src.name} data holds formation energies (its "
            "elements sit at 0 eV/atom); pass formation_energy= instead, or a source of total "
            "energies computed like yours"
        )
    return value


__all__ = ["PLAUSIBLE_BELOW_HULL", "PhaseStability", "phase_stability", "stability_of"]
