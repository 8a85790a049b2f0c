"""Reaction energy along an electrolyte-electrode mixing line, two ways.

Both follow pymatgen's ``InterfacialReactivity`` with ``norm=True`` and
``use_hull_energy=True`` (Richards et al., Chem. Mater. 28, 266 (2016)): mix the two
compositions, normalised to one atom each, as ``x c1 + (1 - x) c2`` (x: atomic fraction of
the electrolyte c1); the reaction energy at x is the hull energy of the mixture minus the
hull energies of the two ends, ``E_hull(mix) - x E_hull(c1) - (1 - x) E_hull(c2)`` (eV/atom
of mixture); the kinks are where the mixing line crosses facet boundaries, and the
reaction at a kink forms the phase equilibrium there from the two reactants, in reduced
formula units that add up to one reduced formula unit of reactants (:func:`_terms`).

:func:`fast_kinks` answers from a FastHull's facets (no pymatgen analysis module);
:func:`reference_kinks` is pymatgen's own answer, kept as the reference the tests hold the
fast path to. Both write reactions with :func:`ssenb.thermo._profile.reaction_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..data.materials import display_formula
from ._profile import formula_atoms, reaction_text

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Composition

    from ._fasthull import FastHull

ZERO_ENERGY = 1e-12  # eV/atom: round-off below this is written as exactly 0


def clean_energy(energy: float) -> float:
    """Round-off (|E| < 1e-12 eV/atom) is exactly 0, so no "-2.4e-15" reaches a table."""
    return 0.0 if abs(energy) < ZERO_ENERGY else energy


def _clean_ratio(x: float) -> float:
    """A mixing ratio within 1e-12 of an end is that end (no "7.5e-17" for x = 0)."""
    return 0.0 if abs(x) < ZERO_ENERGY else 1.0 if abs(1.0 - x) < ZERO_ENERGY else float(x)


def kinks_frame(
    ratios: list[float], energies: list[float], reactions: list[str], products: list[list[str]]
) -> pd.DataFrame:
    """The ``table`` of an InterfaceReactions, rows by increasing mixing ratio."""
    return pd.DataFrame(
        {
            K.MIXING_RATIO: [_clean_ratio(x) for x in ratios],
            K.REACTION_ENERGY: [clean_energy(e) for e in energies],
            K.REACTION: reactions,
            K.PRODUCTS: products,
        }
    )


def _terms(
    c1: Composition, c2: Composition, units1: float, units2: float, products: dict[str, float]
) -> list[tuple[str, float]]:
    """Electrolyte, electrode, then products by name, per reduced formula unit of reactants.

    ``units1``/``units2`` are formula units of ``c1``/``c2`` as given and ``products``
    formula units made from them. The reactants are written as reduced formulas
    (Li6PS5Cl, not Li24P4S20Cl4), so every amount is rescaled to one reduced formula unit
    of reactants in all: the same reaction reads the same whether the electrolyte came as
    a formula or as a structure's cell (one normalisation for every view).
    """
    r1 = units1 * c1.get_reduced_formula_and_factor()[1]
    r2 = units2 * c2.get_reduced_formula_and_factor()[1]
    total = r1 + r2
    scale = 1.0 / total if total > 0 else 1.0
    return [
        (display_formula(c1), -r1 * scale),
        (display_formula(c2), -r2 * scale),
        *sorted((name, amount * scale) for name, amount in products.items()),
    ]


def fast_kinks(hull: FastHull, c1: Composition, c2: Composition) -> pd.DataFrame:
    """The closed-interface kinks of ``c1`` (electrolyte) and ``c2`` from a FastHull."""
    x1 = np.array([c1.get_atomic_fraction(el) for el in hull.elements])
    x2 = np.array([c2.get_atomic_fraction(el) for el in hull.elements])
    e1, e2 = hull.hull_energy(x1), hull.hull_energy(x2)
    n1, n2 = c1.num_atoms, c2.num_atoms
    ratios, energies, reactions, products = [], [], [], []
    for s in hull.line_crossings(x2, x1).tolist():
        x = min(max(s, 0.0), 1.0) + 0.0  # atomic fraction of c1; no -1e-16 at the end
        mix = x * x1 + (1 - x) * x2
        decomp = hull.decomposition(mix)
        units1, units2 = x / n1, (1 - x) / n2  # formula units of each per atom of mixture
        scale = 1 / (units1 + units2)  # one formula unit of reactants in all
        made = {hull.names[j]: w * scale / formula_atoms(hull.names[j]) for j, w in decomp.items()}
        ratios.append(x)
        energies.append(hull.hull_energy(mix) - x * e1 - (1 - x) * e2)
        reactions.append(reaction_text(_terms(c1, c2, units1 * scale, units2 * scale, made)))
        products.append(sorted(made))
    return kinks_frame(ratios, energies, reactions, products)


def reference_kinks(pd_: PhaseDiagram, c1: Composition, c2: Composition) -> pd.DataFrame:
    """The same table from pymatgen's ``InterfacialReactivity.get_kinks`` (the reference)."""
    import warnings

    from pymatgen.analysis.interface_reactions import InterfacialReactivity

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen warns when it falls back to hull energies
        kinks = InterfacialReactivity(c1, c2, pd_, norm=True, use_hull_energy=True).get_kinks()
    return kinks_frame(
        [float(k[1]) for k in kinks],
        [float(k[2]) for k in kinks],
        [reference_text(k[3], c1, c2) for k in kinks],
        [sorted(display_formula(c) for c in k[3].products) for k in kinks],
    )


def reference_text(rxn: Any, c1: Composition, c2: Composition) -> str:
    """A pymatgen ``Reaction`` written as :func:`fast_kinks` writes its reactions.

    Reactants are the compositions with negative coefficients (c1, c2 or both, in
    formula units as written), products those with positive ones.
    """
    units = {c1: 0.0, c2: 0.0}
    made: dict[str, float] = {}
    for comp, k in zip(rxn.all_comp, (float(k) for k in rxn.coeffs)):
        if k < 0 and comp in units:
            units[comp] -= k
        else:
            name = display_formula(comp)
            made[name] = made.get(name, 0.0) + k * comp.get_reduced_formula_and_factor()[1]
    return reaction_text(_terms(c1, c2, units[c1], units[c2], made))


__all__ = [
    "clean_energy",
    "fast_kinks",
    "kinks_frame",
    "reference_kinks",
    "reference_text",
]
