"""Chemical (and ion-open) reactions at an electrolyte | electrode interface.

Pseudo-binary mixing along the tie line between the two compositions, as in Richards et
al., Chem. Mater. 28, 266 (2016) and Zhu et al., J. Mater. Chem. A 4, 3253 (2016), via
pymatgen's ``InterfacialReactivity`` / ``GrandPotentialInterfacialReactivity``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import keys as K
from ..data.materials import display_formula, to_composition, to_element
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from ._hull import decompose
from ._kinks import fast_kinks, kinks_frame, reference_kinks, reference_text
from .sources import get_source

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Composition, Element

#: How reaction energies are referenced (stated on every result).
CONVENTION = (
    "each reactant at its own hull energy (Richards et al. 2016): the reaction energy counts "
    "only the reaction between the two, not a metastable reactant's own decomposition"
)

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


@dataclass(frozen=True, eq=False)
class InterfaceReactions(Result):
    """Reaction energy along the electrolyte–electrode mixing line.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per kink: mixing_ratio (x, atomic fraction of the *electrolyte* in the
        mixture), reaction_energy_eV_atom (per atom of mixture), reaction, products.
        ``to_frame()`` returns it.
    min_ratio, min_energy : float
        The most negative reaction: its x and energy (eV/atom of mixture).
    min_reaction : str
        That reaction, balanced.
    products : list[str]
        Products of the most negative reaction.
    electrolyte_e_above_hull, electrode_e_above_hull : float
        Each reactant's own energy above hull (eV/atom; NaN when not in the data). It is
        *not* part of the reaction energy (see ``convention``); a metastable reactant
        decomposes on its own by this much.
    convention : str
        How the reaction energy is referenced.
    """

    _table = "table"

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
    electrolyte_e_above_hull: float = math.nan
    electrode_e_above_hull: float = math.nan
    convention: str = CONVENTION

    def title(self) -> str:
        """Heading of the HTML view: the two phases and the open-element condition."""
        cond = (
            f", {self.open_element}-open at μ = {fmt_number(self.mu, 'eV')}"
            if self.open_element
            else ""
        )
        return f"{self.electrolyte} | {self.electrode}{cond}: interface reactions"

    def summary(self) -> list[tuple[str, str]]:
        """Most negative reaction energy (eV/atom), its mixing ratio and reaction; reactants above hull."""
        rows = [
            ("most negative reaction energy", fmt_number(self.min_energy, "eV/atom", digits=3)),
            ("at x (electrolyte fraction)", fmt_number(self.min_ratio)),
            (
                "reaction",
                self.min_reaction if self.min_energy < -1e-9 else "none (no driving force)",
            ),
        ]
        for name, value in (
            (self.electrolyte, self.electrolyte_e_above_hull),
            (self.electrode, self.electrode_e_above_hull),
        ):
            if value > 1e-9:
                rows.append(
                    (
                        f"{name} on its own",
                        f"{fmt_number(1000 * value, 'meV/atom', digits=0)} above hull (not counted)",
                    )
                )
        return rows


def interface_reactions(
    electrolyte: Any,
    electrode: Any,
    *,
    open_element: str | None = None,
    mu: float | None = None,
    source: Any = None,
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
        cathode). Defaults to 0 when ``open_element`` is given. It must lie between 0
        (above, the element's metal would form) and 1 eV below the lowest chemical
        potential at which the element still has a stable compound in the system.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).

    Notes
    -----
    Both reactants are taken at their hull energies (Richards et al., Chem. Mater. 28,
    266 (2016); Zhu et al. 2016), so the curve is 0 at x = 0 and x = 1 and a metastable
    reactant's own decomposition is not counted as reaction with the other; it is
    reported separately as ``electrolyte_e_above_hull`` / ``electrode_e_above_hull``.

    Examples
    --------
    >>> r = interface_reactions("Li3PS4", "LiCoO2")
    >>> r.min_energy < -0.1
    True
    """
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
    if open_element is None and src.fast_hull_answers and not _same_ratio(c1, c2):
        hull = src.fast_hull(elements)
        own_e_hull = [
            hull.position([c.get_atomic_fraction(el) for el in hull.elements])[1] for c in (c1, c2)
        ]
        table = fast_kinks(hull, c1, c2)
    else:
        pd_ = src.phase_diagram(elements)
        own_e_hull = [decompose(pd_, c)[1] for c in (c1, c2)]
        if open_element is None:
            table = reference_kinks(pd_, c1, c2)
        else:
            mu = _check_mu(pd_, open_el, 0.0 if mu is None else mu)
            table = _open_kinks(pd_, c1, c2, open_el, mu, open_element)
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
        min_reaction=str(table[K.REACTION].iloc[i_min]),
        products=list(table[K.PRODUCTS].iloc[i_min]),
        source=src.name,
        correction_scheme=src.correction_scheme,
        table=table,
        electrolyte_e_above_hull=own_e_hull[0],
        electrode_e_above_hull=own_e_hull[1],
    )


def _same_ratio(c1: Composition, c2: Composition) -> bool:
    """Whether the two reactants have the same atomic fractions (no mixing line)."""
    return c1.fractional_composition.almost_equals(c2.fractional_composition, rtol=0, atol=1e-10)


def _open_kinks(
    pd_: PhaseDiagram,
    c1: Composition,
    c2: Composition,
    open_el: Element,
    mu: float,
    open_element: str,
) -> pd.DataFrame:
    """Kinks of the interface open to ``open_el`` at ``mu`` (eV vs its element), by pymatgen."""
    from pymatgen.analysis.interface_reactions import GrandPotentialInterfacialReactivity
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram

    mu_abs = pd_.el_refs[open_el].energy_per_atom + mu
    gpd = GrandPotentialPhaseDiagram(pd_.all_entries, {open_el: mu_abs})
    grand = [_without(c, open_el) for c in (c1, c2)]
    if any(g.num_atoms == 0 for g in grand):
        raise InvalidInputError(
            f"with open_element={open_element!r} a reactant made only of {open_element} is the reservoir "
            f"itself; for an electrolyte | {open_element}-metal contact use the closed interface "
            f"(open_element=None) or stability_window(...) for the reduction limit"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen warns when it falls back to hull energies
        kinks = GrandPotentialInterfacialReactivity(
            c1,
            c2,
            gpd,
            pd_non_grand=pd_,
            include_no_mixing_energy=True,
            norm=True,
            use_hull_energy=True,
        ).get_kinks()
    return kinks_frame(
        [float(k[1]) for k in kinks],
        [float(k[2]) for k in kinks],
        [reference_text(k[3], c1, c2) for k in kinks],
        [sorted(display_formula(c) for c in k[3].products) for k in kinks],
    )


def _check_mu(pd_: PhaseDiagram, element: Element, mu: Any) -> float:
    """The open element's chemical potential (eV vs its element), checked to be physical."""
    try:
        mu = float(mu)
    except (TypeError, ValueError):
        raise InvalidInputError(f"mu={mu!r} is not a number (eV relative to {element})") from None
    if not math.isfinite(mu):
        raise InvalidInputError(f"mu={mu!r} must be a finite chemical potential in eV")
    ref = pd_.el_refs[element].energy_per_atom
    lowest = min(float(c) - ref for c in pd_.get_transition_chempots(element))
    low = lowest - 1.0
    if not low <= mu <= 0.0:
        raise InvalidInputError(
            f"mu={mu} eV is outside the physical range for {element} in this system, "
            f"{low:.2f} to 0 eV: above 0 the reservoir would plate {element} metal; below "
            f"{lowest:.2f} eV no {element} compound is stable, nothing changes further. For a "
            f"voltage V vs {K.ion_label(str(element))} use mu = -{_per_volt(str(element))}V (eV)"
        )
    return mu


def _per_volt(element: str) -> str:
    """The z of mu = -zV (eV per volt for an ion of charge z), written "" when z is 1."""
    z = K.ion_charge(element)
    return "" if z == 1 else str(z)


def _without(comp: Composition, element: Element) -> Composition:
    from pymatgen.core import Composition

    return Composition({el: amt for el, amt in comp.items() if el != element})


__all__ = ["CONVENTION", "ELECTRODES", "InterfaceReactions", "interface_reactions"]
