"""Electrochemical stability window by the grand-potential (ion-open) method.

Following Zhu, He & Mo, ACS Appl. Mater. Interfaces 7, 23685 (2015) and Richards et al.,
Chem. Mater. 28, 266 (2016): the material is put in contact with an ion reservoir at
chemical potential mu = mu0 - eV; the window is the range of V (vs the ion's metal) over
which it neither takes up ions (reduction) nor releases them (oxidation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import keys as K
from ..data.materials import display_formula, to_composition, to_element
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from ._hull import TOL, decompose
from ._profile import fast_ion_profile, reference_ion_profile
from .sources import get_source

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Composition

    from .sources import EntrySource

ION_PER_FU = K.ION_PER_FU  # >0: taken up (reduction), <0: released (oxidation)
#: A window narrower than this (V) is empty: the material decomposes at one voltage.
EMPTY_WINDOW_V = 1e-6


def window_text(
    reduction_v: float, oxidation_v: float, *, ion: str = "Li", reference: bool = True
) -> str:
    """The window as people read it, in every summary, figure and widget (one formatter).

    Parameters
    ----------
    reduction_v, oxidation_v : float
        Window limits (V vs the ion's metal); ``oxidation_v`` may be ``inf`` (no ion to
        release).
    ion : str
        The mobile ion, for the reference electrode (V vs Li/Li⁺).
    reference : bool
        Append "vs Li/Li⁺" (False: plain "V", for labels beside a voltage axis).

    Returns
    -------
    str
        ``"1.72–2.29 V vs Li/Li⁺"``; an empty window (limits within ``EMPTY_WINDOW_V``)
        ``"no window (decomposes at 1.72 V vs Li/Li⁺)"``; no oxidation limit
        ``"above 0.00 V vs Na/Na⁺ (no oxidation limit: no Na to release)"``. Limits that
        differ but round alike get a third (or fourth) decimal.

    Examples
    --------
    >>> window_text(1.7207, 1.7207)
    'no window (decomposes at 1.72 V vs Li/Li⁺)'
    >>> window_text(2.2793, 2.3118, reference=False)
    '2.28–2.31 V'
    """
    unit = f"V vs {K.ion_label(ion)}" if reference else "V"
    if not math.isfinite(oxidation_v):
        return f"above {fmt_number(reduction_v, unit)} (no oxidation limit: no {ion} to release)"
    if oxidation_v - reduction_v <= EMPTY_WINDOW_V:
        return f"no window (decomposes at {fmt_number(reduction_v, unit)})"
    digits = 2
    while digits < 4 and fmt_number(reduction_v, digits=digits) == fmt_number(
        oxidation_v, digits=digits
    ):
        digits += 1
    return (
        f"{fmt_number(reduction_v, digits=digits)}–{fmt_number(oxidation_v, unit, digits=digits)}"
    )


@dataclass(frozen=True, eq=False)
class StabilityWindow(Result):
    """The electrochemical stability window of one material.

    Attributes
    ----------
    formula : str
    ion : str
        The mobile ion; voltages are vs the ion's metal (V vs Li/Li⁺ for Li).
    reduction_v, oxidation_v : float
        Window limits (V). ``oxidation_v`` is ``inf`` for a material without the ion:
        nothing can be extracted, so ion release never limits it.
    reduction_products, oxidation_products : list[str]
        Phase equilibrium just beyond each limit (below ``reduction_v``/above ``oxidation_v``).
    e_above_hull : float
        eV/atom; NaN when the composition is not in the data.
    metastable : bool
        True when the material lies above the hull. Then, as Zhu et al. (2015) did for
        Li10GeP2S12, the window is that of its 0 K phase equilibrium (the decomposition
        products), i.e. the intersection of their windows.
    profile : pandas.DataFrame
        One row per voltage interval: voltage_V (lower end), voltage_upper_V,
        ion_per_formula_unit (ions taken up per formula unit of the material from its
        equilibrium at that voltage), products, reaction. ``to_frame()`` returns it.
    source, correction_scheme : str
    """

    _table = "profile"

    formula: str
    ion: str
    reduction_v: float
    oxidation_v: float
    reduction_products: list[str]
    oxidation_products: list[str]
    e_above_hull: float
    metastable: bool
    in_data: bool
    source: str
    correction_scheme: str
    profile: pd.DataFrame = field(repr=False)

    @property
    def width_v(self) -> float:
        """Window width (V)."""
        return self.oxidation_v - self.reduction_v

    @property
    def is_empty(self) -> bool:
        """True when the limits meet: the material decomposes at one voltage, no window."""
        return self.width_v <= EMPTY_WINDOW_V

    def window_text(self, *, reference: bool = True) -> str:
        """The window in words (see :func:`window_text`): a range, or "no window ..."."""
        return window_text(self.reduction_v, self.oxidation_v, ion=self.ion, reference=reference)

    def phases_at(self, voltage: float) -> list[str]:
        """Stable phase equilibrium at ``voltage`` (V vs the ion's metal)."""
        rows = self.profile[self.profile[K.VOLTAGE] <= voltage + 1e-12]
        row = rows.iloc[-1] if len(rows) else self.profile.iloc[0]
        return list(row["products"])

    def title(self) -> str:
        """Heading of the HTML view: the material's stability window."""
        return f"{self.formula}: electrochemical stability window"

    def summary(self) -> list[tuple[str, str]]:
        """Reduction and oxidation limits (V vs ion/ion⁺), their products and a metastability note."""
        ref = f"V vs {K.ion_label(self.ion)}"
        rows = [
            ("window", self.window_text()),
            ("reduction limit", fmt_number(self.reduction_v, ref)),
            (
                "oxidation limit",
                fmt_number(self.oxidation_v, ref)
                if math.isfinite(self.oxidation_v)
                else f"none (no {self.ion} to release)",
            ),
            (
                "reduced to",
                " + ".join(self.reduction_products) or f"stable against {self.ion} metal",
            ),
            ("oxidized to", " + ".join(self.oxidation_products) or "—"),
        ]
        if self.metastable:
            rows.append(
                (
                    "note",
                    "metastable (above the hull): the window is that of its phase equilibrium (Zhu et al. 2015)",
                )
            )
        return rows


def stability_window(material: Any, *, ion: str = "Li", source: Any = None) -> StabilityWindow:
    """Electrochemical stability window (V vs ion metal) with the full ion profile.

    Parameters
    ----------
    material : str, Composition, Structure or entry
        A formula unit as written (``"Li10GeP2S12"``); structures use their reduced formula.
    ion : str
        Mobile ion (Li, Na, K, Mg ...). A material without the ion still has a reduction
        limit (where it starts taking the ion up); its oxidation limit is ``inf``.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).

    Notes
    -----
    From the offline snapshot the window is computed from the hull's arrays
    (:class:`~ssenb.thermo._fasthull.FastHull`), without pymatgen's phase-diagram
    module; other sources use pymatgen's ``PhaseDiagram.get_element_profile``. Tests
    hold the two equal (voltages to 1e-6 V, the same phases and reactions).

    Examples
    --------
    >>> w = stability_window("Li3PO4")
    >>> round(w.reduction_v, 2), round(w.oxidation_v, 2)
    (0.69, 4.21)
    """
    comp = to_composition(material)
    check_window_input(comp, ion)
    src = get_source(source)
    return window_of(comp, ion, src, reference=not src.fast_hull_answers)


def window_of(
    comp: Composition, ion: str, src: EntrySource, *, reference: bool = False
) -> StabilityWindow:
    """The window of a checked composition: from the FastHull, or (``reference``) pymatgen."""
    elements = {str(el) for el in comp.elements} | {ion}
    if reference:
        pd_ = src.phase_diagram(elements)
        entry, e_hull, _ = decompose(pd_, comp)
        in_data = entry is not None
        profile = reference_ion_profile(pd_, comp, ion)
    else:
        hull = src.fast_hull(elements)
        in_data, e_hull = hull.position([comp.get_atomic_fraction(el) for el in hull.elements])
        profile = fast_ion_profile(hull, comp, ion)
    evolution = profile[ION_PER_FU].to_numpy()
    i_red = next(i for i, v in enumerate(evolution) if v <= TOL)
    i_ox = next((i for i, v in enumerate(evolution) if v < -TOL), None)
    reduction_v = float(profile[K.VOLTAGE].iloc[i_red])
    oxidation_v = math.inf if i_ox is None else float(profile[K.VOLTAGE].iloc[i_ox])
    return StabilityWindow(
        formula=display_formula(comp),
        ion=ion,
        reduction_v=reduction_v,
        oxidation_v=oxidation_v,
        reduction_products=list(profile["products"].iloc[i_red - 1]) if i_red > 0 else [],
        oxidation_products=list(profile["products"].iloc[i_ox]) if i_ox is not None else [],
        e_above_hull=e_hull,
        metastable=bool(e_hull > TOL) if in_data else True,
        in_data=in_data,
        source=src.name,
        correction_scheme=src.correction_scheme,
        profile=profile,
    )


MOBILE_IONS = K.MOBILE_IONS  # the ions ssenb names, in the order choose_ion prefers them


def choose_ion(material: Any, ion: str | None = None) -> tuple[str, str]:
    """The mobile ion of a material, validated, and what a reader must be told about it.

    Why: a default ion must never be applied silently where the material suggests
    another (a Li window of Na3PS4). The one rule for the widgets, the report and the
    CLI: an ion that is given is checked and kept; none given, the material's own mobile
    ion is chosen (the first of :data:`MOBILE_IONS` it holds) and the note says so; a
    material with none of them is treated vs Li, and the note says that too.

    Parameters
    ----------
    material : str, Composition or Structure
    ion : str, optional
        An element symbol; None: choose from the material.

    Returns
    -------
    (ion, note)
        ``note`` is "" when there is nothing to say (the given ion is in the material).

    Raises
    ------
    InvalidInputError
        ``material`` is not a material, or ``ion`` is not an element symbol.

    Examples
    --------
    >>> choose_ion("Na3PS4")
    ('Na', 'mobile ion Na, the one in Na3PS4 (pass ion= to choose another)')
    >>> choose_ion("NaCl", "Li")[1]
    'NaCl holds no Li: no Li to release, so its window vs Li/Li⁺ has no oxidation limit; it holds Na: pass ion="Na" for its own'
    """
    comp = to_composition(material)
    formula = display_formula(comp)
    held = {str(el) for el in comp.elements}
    present = [i for i in MOBILE_IONS if i in held]
    if ion is not None:
        ion = str(to_element(ion, argname="ion"))
        if ion in held:
            return ion, ""
        own = f'; it holds {present[0]}: pass ion="{present[0]}" for its own' if present else ""
        return ion, (
            f"{formula} holds no {ion}: no {ion} to release, so its window vs "
            f"{K.ion_label(ion)} has no oxidation limit{own}"
        )
    if present:
        others = f" (it also holds {', '.join(present[1:])})" if len(present) > 1 else ""
        which = "the first" if others else "the one"
        return present[0], (
            f"mobile ion {present[0]}, {which} in {formula}{others} (pass ion= to choose another)"
        )
    return "Li", (
        f"{formula} holds none of the mobile ions ssenb knows ({', '.join(MOBILE_IONS)}): "
        "voltages are vs Li/Li⁺ (pass ion= to choose another)"
    )


def check_window_input(comp: Composition, ion: str) -> None:
    """One rule for every window (single and batch): a known ion, and not the ion alone."""
    ion_el = to_element(ion, argname="ion")
    if all(el == ion_el for el in comp.elements):
        raise InvalidInputError(
            f"material {display_formula(comp)!r} is the ion {ion} itself: it has no window; "
            "give an electrolyte that contains other elements"
        )


def ion_profile(pd_: PhaseDiagram, comp: Composition, ion: str) -> pd.DataFrame:
    """The ion evolution profile of ``comp`` from ``PhaseDiagram.get_element_profile``.

    Why: a window of a hull you built yourself (any pymatgen ``PhaseDiagram``). Rows are
    sorted by increasing voltage (V vs the ion's metal); row i's phases are stable from
    its voltage_V up to voltage_upper_V; reactions are written by
    :func:`ssenb.thermo._profile.reaction_text`.

    Parameters
    ----------
    pd_ : pymatgen PhaseDiagram
        A hull that spans the elements of ``comp`` and the ion.
    comp : pymatgen Composition
    ion : str

    Returns
    -------
    pandas.DataFrame
        voltage_V, voltage_upper_V, ion_per_formula_unit, products, reaction.

    Examples
    --------
    >>> from pymatgen.core import Composition
    >>> from ssenb.thermo import get_source
    >>> p = ion_profile(get_source().phase_diagram("Li-F"), Composition("LiF"), "Li")
    >>> p["reaction"].iloc[-1]
    'LiF -> 0.5 F2 + Li'
    """
    return reference_ion_profile(pd_, comp, ion)


__all__ = [
    "EMPTY_WINDOW_V",
    "ION_PER_FU",
    "MOBILE_IONS",
    "StabilityWindow",
    "check_window_input",
    "choose_ion",
    "ion_profile",
    "stability_window",
    "window_of",
    "window_text",
]
