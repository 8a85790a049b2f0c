"""Chemical (and ion-open) reactions at an electrolyte | electrode interface.

Pseudo-binary mixing along the tie line between the two compositions, as in Richards et
al., Chem. Mater. 28, 266 (2016) and Zhu et al., J. Mater. Chem. A 4, 3253 (2016), via
pymatgen's ``InterfacialReactivity`` / ``GrandPotentialInterfacialReactivity``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from .. import keys as K
from ..data.materials import display_formula, to_composition, to_element
from ..errors import InvalidInputError
from ._hull import lowest_entry
from .sources import get_source

#: Common electrodes by name -> formula (NMC as integer formula units of the same ratio).
ELECTRODES: dict[str, str] = {
    "Li": "Li",
    "LiCoO2": "LiCoO2",
    "NMC111": "Li3NiMnCoO6",
    "NMC532": "Li10Ni5Mn3Co2O20",
    "NMC811": "Li10Ni8MnCoO20",
    "LiNiO2": "LiNiO2",
    "LiMn2O4": "LiMn2O4",
    "LNMO": "Li2NiMn3O8",
    "LiFePO4": "LiFePO4",
    "Li4Ti5O12": "Li4Ti5O12",
}


@dataclass
class InterfaceReactions:
    """Reaction energy along the electrolyte–electrode mixing line.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per kink: mixing_ratio (x, atomic fraction of the *electrolyte* in the
        mixture), reaction_energy_eV_atom (per atom of mixture), reaction, products.
    min_ratio, min_energy : float
        The most negative reaction: its x and energy (eV/atom).
    min_reaction : str
        That reaction, balanced.
    products : list[str]
        Products of the most negative reaction.
    """

    electrolyte: str
    electrode: str
    open_element: str | None
    mu: float | None
    min_ratio: float
    min_energy: float
    min_reaction: str
    products: list[str]
    source: str
    correction_scheme: str
    table: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The kink table (a copy)."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        cond = f", {self.open_element}-open at μ = {self.mu:+.2f} eV" if self.open_element else ""
        return (
            f"<b>{self.electrolyte} | {self.electrode}</b>{cond}: most negative reaction "
            f"{self.min_energy:.3f} eV/atom at x = {self.min_ratio:.2f}<br>{self.min_reaction}"
            f"<br><small>{self.source}; corrections: {self.correction_scheme}</small>"
        )


def interface_reactions(
    electrolyte,
    electrode,
    *,
    open_element: str | None = None,
    mu: float | None = None,
    source=None,
) -> InterfaceReactions:
    """Reaction energy (eV/atom) vs mixing ratio between an electrolyte and an electrode.

    Parameters
    ----------
    electrolyte, electrode : str, Composition or Structure
        The electrode may also be a name from :data:`ELECTRODES` (``"NMC811"``).
    open_element : str, optional
        An element exchanged with a reservoir (``"Li"`` for a Li-open interface under
        bias). Without it the interface is closed.
    mu : float, optional
        The open element's chemical potential relative to its element (eV); for Li,
        ``mu = -V`` at V vs Li/Li⁺ (0 at the Li-metal anode, about -4 at a charged
        cathode). Defaults to 0 when ``open_element`` is given.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).

    Notes
    -----
    Reactants in the data use their own energy (a metastable electrolyte's instability
    adds to the driving force); a composition absent from the data uses the hull energy.

    Examples
    --------
    >>> r = interface_reactions("Li3PS4", "LiCoO2")
    >>> r.min_energy < -0.1
    True
    """
    from pymatgen.analysis.interface_reactions import (
        GrandPotentialInterfacialReactivity,
        InterfacialReactivity,
    )
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram

    c1 = to_composition(electrolyte, argname="electrolyte")
    c2 = to_composition(
        ELECTRODES.get(electrode, electrode) if isinstance(electrode, str) else electrode,
        argname="electrode",
    )
    src = get_source(source)
    elements = {str(e) for e in c1.elements} | {str(e) for e in c2.elements}
    if open_element is not None:
        open_el = to_element(open_element, argname="open_element")
        elements.add(open_element)
    elif mu is not None:
        raise InvalidInputError(
            "mu was given without open_element; say which element is open, e.g. open_element='Li'"
        )
    pd_ = src.phase_diagram(elements)
    in_data = all(lowest_entry(pd_, c) is not None for c in (c1, c2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen warns when it falls back to hull energies
        if open_element is None:
            ir = InterfacialReactivity(c1, c2, pd_, norm=True, use_hull_energy=not in_data)
        else:
            mu = 0.0 if mu is None else float(mu)
            mu_abs = pd_.el_refs[open_el].energy_per_atom + mu
            gpd = GrandPotentialPhaseDiagram(pd_.all_entries, {open_el: mu_abs})
            grand = [_without(c, open_el) for c in (c1, c2)]
            if any(g.num_atoms == 0 for g in grand):
                raise InvalidInputError(
                    f"with open_element={open_element!r} a reactant made only of {open_element} is the reservoir "
                    f"itself; for an electrolyte | {open_element}-metal contact use the closed interface "
                    f"(open_element=None) or stability_window(...) for the reduction limit"
                )
            ir = GrandPotentialInterfacialReactivity(
                c1,
                c2,
                gpd,
                pd_non_grand=pd_,
                include_no_mixing_energy=True,
                norm=True,
                use_hull_energy=True,
            )
        kinks = ir.get_kinks()
    table = pd.DataFrame(
        {
            K.MIXING_RATIO: [float(k[1]) for k in kinks],
            K.REACTION_ENERGY: [float(k[2]) + 0.0 for k in kinks],
            "reaction": [str(k[3]) for k in kinks],
            "products": [sorted(c.reduced_formula for c in k[3].products) for k in kinks],
        }
    )
    i_min = int(table[K.REACTION_ENERGY].idxmin())
    return InterfaceReactions(
        electrolyte=display_formula(c1),
        electrode=electrode
        if isinstance(electrode, str) and electrode in ELECTRODES
        else display_formula(c2),
        open_element=open_element,
        mu=mu if open_element else None,
        min_ratio=float(table[K.MIXING_RATIO].iloc[i_min]),
        min_energy=float(table[K.REACTION_ENERGY].iloc[i_min]),
        min_reaction=str(table["reaction"].iloc[i_min]),
        products=list(table["products"].iloc[i_min]),
        source=src.name,
        correction_scheme=src.correction_scheme,
        table=table,
    )


def _without(comp, element):
    from pymatgen.core import Composition

    return Composition({el: amt for el, amt in comp.items() if el != element})


__all__ = ["ELECTRODES", "InterfaceReactions", "interface_reactions"]
