"""The ion profile of a stability window, two ways: from a FastHull, or from pymatgen.

Both follow ``PhaseDiagram.get_element_profile`` (Ong et al., Chem. Mater. 20, 1798
(2008); used for windows by Zhu, He & Mo 2015): walk the tie line from the ion's metal to
the material without its ion, stop where the line crosses a facet boundary (a critical
composition), and at each stop record the ion chemical potential of the facet on the
ion-rich side (a voltage), the phase equilibrium at the stop, and the balanced reaction
``material + n ion -> products`` (n ions taken up per formula unit; negative: released).

The fast path (:func:`fast_ion_profile`) needs no pymatgen analysis module: the crossings
and decompositions come from the hull's facets, and the reaction from the decomposition's
atomic fractions (the products of a critical composition are affinely independent, so the
reaction is unique). :func:`reference_ion_profile` is pymatgen's own answer, kept as the
reference that tests hold the fast path to. Both write reactions with
:func:`reaction_text`, so they are compared as text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import keys as K
from ..data.materials import display_formula
from ..keys import ion_charge
from ._hull import ion_voltage

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Composition

    from ._fasthull import FastHull

#: A reaction coefficient within this of 0 is left out, within this of 1 written bare
#: (pymatgen's ``BalancedReaction.TOLERANCE``).
COEFF_TOL = 1e-6
_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*\.?\d*)")


def reaction_text(terms: Sequence[tuple[str, float]]) -> str:
    """``"Li3PS4 + 8 Li -> 4 Li2S + Li3P"`` from (formula, signed formula units) pairs.

    Negative amounts are reactants, positive products, each side in the given order;
    amounts within 1e-6 of 0 are left out, within 1e-6 of 1 written bare, others with 4
    significant digits (pymatgen's ``BalancedReaction`` convention) after rounding to 9
    decimals, so that round-off cannot flip a tie (20.125 is written 20.12 either way).

    Examples
    --------
    >>> reaction_text([("Li3PS4", -1.0), ("Li2S", 4.0), ("Li3P", 1.0), ("Li", -8.0)])
    'Li3PS4 + 8 Li -> 4 Li2S + Li3P'
    """
    left: list[str] = []
    right: list[str] = []
    for name, raw in terms:
        amount = round(raw, 9) + 0.0  # 20.125 +- 1e-15 is written one way (20.12)
        if abs(amount + 1) <= COEFF_TOL:
            left.append(name)
        elif abs(amount - 1) < COEFF_TOL:
            right.append(name)
        elif amount < -COEFF_TOL:
            left.append(f"{-amount:.4g} {name}")
        elif amount > COEFF_TOL:
            right.append(f"{amount:.4g} {name}")
    return f"{' + '.join(left)} -> {' + '.join(right)}"


def formula_atoms(name: str) -> float:
    """Atoms in one formula unit of a formula as written (``"Li2O2"`` -> 4, ``"O2"`` -> 2)."""
    return float(sum(float(amount) if amount else 1.0 for _, amount in _TOKEN.findall(name)))


def _ordered_terms(
    material: tuple[str, float],
    products: dict[str, float],
    ion: tuple[str, float],
) -> list[tuple[str, float]]:
    """Material first, products by name, the ion last: one order for both paths."""
    return [material, *sorted(products.items()), ion]


def profile_frame(
    volts: list[float],
    evolution: list[float],
    products: list[list[str]],
    reactions: list[str],
) -> pd.DataFrame:
    """The ``profile`` table of a StabilityWindow, rows by increasing voltage (V)."""
    return pd.DataFrame(
        {
            K.VOLTAGE: volts,
            K.VOLTAGE_UPPER: [*volts[1:], math.inf],
            K.ION_PER_FU: [v + 0.0 for v in evolution],  # + 0.0: no -0.0
            K.PRODUCTS: products,
            K.REACTION: reactions,
        }
    )


def fast_ion_profile(hull: FastHull, comp: Composition, ion: str) -> pd.DataFrame:
    """The ion profile of ``comp`` from the facets of a FastHull (no pymatgen analysis).

    ``hull`` spans the elements of ``comp`` and the ion. Voltages are V vs the ion's metal;
    see the module docstring for the method.
    """
    col = hull.elements.index(ion)
    charge = ion_charge(ion)
    amounts = {str(el): float(a) for el, a in comp.items()}
    ion_amount = amounts.pop(ion, 0.0)
    rest_atoms = sum(amounts.values())  # atoms per formula unit without the ion
    start = np.zeros(len(hull.elements))
    start[col] = 1.0
    end = np.zeros(len(hull.elements))
    for el, a in amounts.items():
        end[hull.elements.index(el)] = a / rest_atoms
    material = (display_formula(comp), -comp.get_reduced_formula_and_factor()[1])
    crossings = hull.line_crossings(start, end)
    volts, evolution, products, reactions = [], [], [], []
    for before, s in pairwise(crossings):
        decomp = hull.decomposition((1 - s) * start + s * end)
        middle = (before + s) / 2  # any facet holding the segment has the same ion potential
        facet, _ = hull.facet_of((1 - middle) * start + middle * end)
        volts.append(ion_voltage(float(hull.mu[facet, col]), float(hull.refs[col]), charge))
        taken_up = rest_atoms * (1 - s) / s - ion_amount  # ions per formula unit of comp
        evolution.append(taken_up)
        atoms = rest_atoms / s  # atoms of the products per formula unit of comp
        units = {hull.names[j]: w * atoms / formula_atoms(hull.names[j]) for j, w in decomp.items()}
        products.append(sorted(units))
        reactions.append(reaction_text(_ordered_terms(material, units, (ion, -taken_up))))
    return profile_frame(volts, evolution, products, reactions)


def reference_ion_profile(pd_: PhaseDiagram, comp: Composition, ion: str) -> pd.DataFrame:
    """The ion profile of ``comp`` from pymatgen's ``PhaseDiagram.get_element_profile``.

    The reference for :func:`fast_ion_profile`; reactions are pymatgen's balanced
    coefficients written with :func:`reaction_text`.
    """
    from pymatgen.core import Element

    el = Element(ion)
    raw = pd_.get_element_profile(el, comp)
    ref = pd_.el_refs[el].energy_per_atom
    reactions = []
    for step in raw:
        rxn = step["reaction"]
        terms = [
            (display_formula(c), float(k) * c.get_reduced_formula_and_factor()[1])
            for c, k in zip(rxn.all_comp, rxn.coeffs)
        ]
        # get_element_profile builds Reaction([comp], [*decomposition, ion]): all_comp
        # keeps that order, so the material is first and the ion last
        reactions.append(reaction_text(_ordered_terms(terms[0], dict(terms[1:-1]), terms[-1])))
    return profile_frame(
        [ion_voltage(step["chempot"], ref, ion_charge(ion)) for step in raw],
        [float(step["evolution"]) for step in raw],
        [sorted(display_formula(e.composition) for e in step["entries"]) for step in raw],
        reactions,
    )


__all__ = [
    "COEFF_TOL",
    "fast_ion_profile",
    "formula_atoms",
    "profile_frame",
    "reaction_text",
    "reference_ion_profile",
]
