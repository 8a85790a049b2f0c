"""Phase stability: distance to the convex hull and decomposition products."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..data.materials import display_formula, to_composition
from ._hull import decompose
from .sources import get_source


@dataclass
class PhaseStability:
    """Where a composition sits relative to the convex hull of its chemical system.

    Attributes
    ----------
    formula, chemsys : str
    e_above_hull : float
        Energy above the hull (eV/atom); 0 on the hull; NaN when the composition is not in
        the data and no energy was given (then only its decomposition is known).
    decomposition : dict[str, float]
        Hull phases it decomposes into, as atomic fractions summing to 1.
    stable_phases : list[str]
        Every stable phase of the chemical system (elements included).
    in_data : bool
        Whether the composition itself has an entry in the source.
    source, correction_scheme : str
        Which data and which energy-correction scheme produced the numbers.
    """

    formula: str
    chemsys: str
    e_above_hull: float
    decomposition: dict[str, float]
    stable_phases: list[str]
    in_data: bool
    source: str
    correction_scheme: str
    hull_energy_per_atom: float = math.nan
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_stable(self) -> bool:
        """On the hull (within 1e-8 eV/atom)."""
        return self.e_above_hull <= 1e-8

    def to_frame(self) -> pd.DataFrame:
        """Decomposition products as a table (phase, atomic fraction)."""
        return pd.DataFrame(
            {
                "phase": list(self.decomposition),
                "atomic_fraction": list(self.decomposition.values()),
            }
        )

    def _repr_html_(self) -> str:
        ehull = (
            "not in data"
            if math.isnan(self.e_above_hull)
            else f"{self.e_above_hull * 1000:.1f} meV/atom"
        )
        products = " + ".join(f"{v:.3f} {k}" for k, v in self.decomposition.items())
        return (
            f"<b>{self.formula}</b> ({self.chemsys}): E<sub>hull</sub> = {ehull}; decomposes to {products}"
            f"<br><small>{self.source}; corrections: {self.correction_scheme}</small>"
        )


def phase_stability(
    material, *, source=None, energy_per_atom: float | None = None
) -> PhaseStability:
    """Energy above hull (eV/atom) and decomposition of a material.

    Parameters
    ----------
    material : str, Composition, Structure or entry
        A disordered Structure counts as its average composition.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: the offline MP ~2019 snapshot, legacy corrections).
    energy_per_atom : float, optional
        The material's own energy (eV/atom) on the source's scale (formation energy for
        the snapshot), e.g. from your DFT; it is then placed against the source's hull and
        may come out below it (negative ``e_above_hull``: a new stable phase).

    Examples
    --------
    >>> r = phase_stability("Li3PS4")
    >>> r.is_stable, sorted(r.decomposition)
    (True, ['Li3PS4'])
    """
    src = get_source(source)
    comp = to_composition(material)
    pd_ = src.phase_diagram(str(el) for el in comp.elements)
    entry, e_hull, decomp = decompose(pd_, comp, energy_per_atom)
    return PhaseStability(
        formula=display_formula(comp),
        chemsys=comp.chemical_system,
        e_above_hull=e_hull,
        decomposition=_named(decomp),
        stable_phases=sorted(e.composition.reduced_formula for e in pd_.stable_entries),
        in_data=entry is not None and energy_per_atom is None,
        source=src.name,
        correction_scheme=src.correction_scheme,
        hull_energy_per_atom=float(pd_.get_hull_energy_per_atom(comp)),
    )


def _named(decomp) -> dict[str, float]:
    out: dict[str, float] = {}
    for entry, amount in sorted(decomp.items(), key=lambda kv: -kv[1]):
        name = entry.composition.reduced_formula
        out[name] = out.get(name, 0.0) + float(amount)
    return out


__all__ = ["PhaseStability", "phase_stability"]
