"""Small helpers on pymatgen phase diagrams shared by stability, windows and screening."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Composition
    from pymatgen.entries import Entry

TOL = 1e-8  # eV/atom and ion per formula unit


def lowest_entry(pd: PhaseDiagram, comp: Composition) -> Entry | None:
    """The lowest-energy entry of ``pd`` with the reduced composition of ``comp``, or None."""
    target = comp.reduced_composition
    matches = [e for e in pd.all_entries if e.composition.reduced_composition == target]
    return min(matches, key=lambda e: e.energy_per_atom) if matches else None


def decompose(
    pd: PhaseDiagram, comp: Composition, energy_per_atom: float | None = None
) -> tuple[Entry | None, float, dict[Entry, float]]:
    """(entry or None, e_above_hull eV/atom or NaN, {entry: atomic fraction}) for ``comp``."""
    from pymatgen.analysis.phase_diagram import PDEntry

    entry = (
        lowest_entry(pd, comp)
        if energy_per_atom is None
        else PDEntry(comp, energy_per_atom * comp.num_atoms)
    )
    if entry is None:
        return None, math.nan, pd.get_decomposition(comp)
    decomp, e_hull = pd.get_decomp_and_e_above_hull(entry, allow_negative=True)
    # pymatgen types both as optional for on_error="ignore"; the default "raise" sets them
    decomp, e_hull = cast("dict[Entry, float]", decomp), cast(float, e_hull)
    if energy_per_atom is None:  # the data's own entries lie on or above their hull
        e_hull = max(float(e_hull), 0.0)
    return entry, float(e_hull), decomp


def ion_voltage(chempot: Any, ref_energy_per_atom: float, charge: int) -> Any:
    """Voltage (V vs the ion's metal) of an ion chemical potential (eV per atom).

    V = -(mu - mu0) / (z e), with z the ion's charge (:func:`ssenb.keys.ion_charge`). The
    one voltage formula of ssenb: the single window (both profile paths) and the batch
    screen (:meth:`FastHull.analyse`) call it; ``chempot`` may be a float or an array.

    Examples
    --------
    >>> ion_voltage(-3.0, -1.0, 2)  # Mg: 2 eV per Mg atom is 1 V per electron
    1.0
    """
    return -(chempot - ref_energy_per_atom) / charge + 0.0
