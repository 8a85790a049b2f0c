"""Small helpers on pymatgen phase diagrams shared by stability, windows and screening."""

from __future__ import annotations

import math

import numpy as np

from ..errors import InvalidInputError

TOL = 1e-8  # eV/atom and ion per formula unit


def lowest_entry(pd, comp):
    """The lowest-energy entry of ``pd`` with the reduced composition of ``comp``, or None."""
    target = comp.reduced_composition
    matches = [e for e in pd.all_entries if e.composition.reduced_composition.almost_equals(target)]
    return min(matches, key=lambda e: e.energy_per_atom) if matches else None


def decompose(pd, comp, energy_per_atom: float | None = None):
    """(entry or None, e_above_hull eV/atom or NaN, {entry: atomic fraction}) for ``comp``."""
    from pymatgen.analysis.phase_diagram import PDEntry

    entry = lowest_entry(pd, comp) if energy_per_atom is None else PDEntry(comp, energy_per_atom * comp.num_atoms)
    if entry is None:
        return None, math.nan, pd.get_decomposition(comp)
    decomp, e_hull = pd.get_decomp_and_e_above_hull(entry, allow_negative=True)
    if energy_per_atom is None:  # the data's own entries lie on or above their hull
        e_hull = max(float(e_hull), 0.0)
    return entry, float(e_hull), decomp


def ion_voltage(chempot: float, ref_energy_per_atom: float) -> float:
    """Voltage vs the ion's metal (V) of an ion chemical potential (eV): V = -(mu - mu0)/e."""
    return -(chempot - ref_energy_per_atom) + 0.0


class FacetVoltages:
    """Ion voltage (V vs M/M+) of every facet of a phase diagram, for fast windows.

    A phase assemblage is stable at exactly the chemical potentials of the hull facets
    that contain all its phases (and the polytope between them), so its window is the
    min..max of those facets' voltages. This gives the same numbers as walking
    ``PhaseDiagram.get_element_profile`` (tested), without balancing reactions.
    """

    def __init__(self, pd, ion: str) -> None:
        from pymatgen.core import Element

        el = Element(ion)
        if el not in pd.elements:
            raise InvalidInputError(f"ion={ion!r} is not an element of this phase diagram")
        col = pd.elements.index(el)
        ref = pd.el_refs[el].energy_per_atom
        comps = [e.composition for e in pd.qhull_entries]
        fractions = np.array([[c.get_atomic_fraction(x) for x in pd.elements] for c in comps])
        energies = np.array([e.energy_per_atom for e in pd.qhull_entries])
        facets = np.asarray(pd.facets)
        mu = np.linalg.solve(fractions[facets], energies[facets])  # (n_facets, n_elements)
        self.voltages = -(mu[:, col] - ref) + 0.0
        self._index = {id(e): i for i, e in enumerate(pd.qhull_entries)}
        self._members = [frozenset(f) for f in facets.tolist()]

    def window(self, phases, *, has_ion: bool) -> tuple[float, float]:
        """(reduction V, oxidation V) of the assemblage ``phases`` (entries of the hull)."""
        want = {self._index[id(e)] for e in phases}
        volts = [v for v, members in zip(self.voltages, self._members) if want <= members]
        if not volts:
            return math.nan, math.nan
        return float(min(volts)), float(max(volts)) if has_ion else math.inf
