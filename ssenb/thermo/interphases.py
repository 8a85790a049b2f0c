"""What forms at an electrolyte | electrode interface at the voltages a cell sees.

(The module is ``interphases`` so that its name never shadows the function
:func:`ssenb.thermo.interphase` on the package.)

At an applied potential V (vs the ion's metal) the interface is open to the mobile ion at
chemical potential mu = -zV (eV vs the metal): the grand-potential pseudo-binary of
Richards et al., Chem. Mater. 28, 266 (2016) and Zhu, He & Mo, J. Mater. Chem. A 4, 3253
(2016), as pymatgen's ``GrandPotentialInterfacialReactivity`` with hull energies. At each
voltage of a range (anode to cathode potential) this module records the most negative
reaction between the two and its products, and the electrolyte's own phase equilibrium
(its decomposition outside its window, Zhu, He & Mo, ACS AMI 7, 23685 (2015)). The work is
done by :func:`~ssenb.thermo.interface_reactions` and
:func:`~ssenb.thermo.stability_window`: nothing here recomputes a hull.

Each product is then labelled by what decides passivation (:mod:`ssenb.thermo.electronic`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..data.materials import display_formula, to_composition, to_element
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from ._hull import ion_voltage
from .electronic import (
    THRESHOLDS_TEXT,
    band_gap_lookup,
    electronic_character,
    ion_fraction,
    measured_conductivity,
    passivation_verdict,
)
from .interface import ELECTRODES, InterfaceReactions, interface_reactions
from .sources import get_source
from .window import stability_window

#: Highest voltage (V vs the ion's metal) ssenb accepts: far above any cathode; above it
#: every compound of a system has lost its ion and nothing changes further.
MAX_VOLTAGE = 10.0
#: Voltages of a scan when none are given: this many, evenly from anode to cathode.
N_VOLTAGES = 9
_TERM = re.compile(r"^(?:(\d+(?:\.\d+)?(?:e-?\d+)?) )?(\S+)$")

INTERPHASE_COLUMNS = [
    K.VOLTAGE,
    K.PHASE,
    K.ATOMIC_FRACTION,
    K.MOLE_FRACTION,
    K.REACTION_ENERGY,
    K.MIXING_RATIO,
    K.REACTION,
]
ELECTROLYTE_COLUMNS = [K.VOLTAGE, K.PHASE, K.ATOMIC_FRACTION, K.MOLE_FRACTION, K.REACTION]


def chempot_of_voltage(voltage: float, ion: str = "Li") -> float:
    """The ion's chemical potential (eV vs its metal) at ``voltage`` (V vs the metal).

    The inverse of :func:`ssenb.thermo._hull.ion_voltage`, the one formula V = -mu / z
    (z: :func:`ssenb.keys.ion_charge`); tests hold the two to round-trip for every ion.

    Examples
    --------
    >>> chempot_of_voltage(4.0), chempot_of_voltage(1.5, "Mg")
    (-4.0, -3.0)
    """
    per_volt = -1.0 / ion_voltage(1.0, 0.0, K.ion_charge(ion))  # z: eV per volt
    return -per_volt * voltage + 0.0


@dataclass(frozen=True, eq=False)
class Interphase(Result):
    """Interface products across a voltage range, their labels and a passivation verdict.

    Attributes
    ----------
    electrolyte, electrode, ion : str
    voltage : float
        The chosen voltage (V vs the ion's metal) of ``reactions``, ``products`` and the
        verdict.
    lower_v, upper_v : float
        The scanned range (V): the anode's potential (0 for the ion metal) to the
        cathode's.
    table : pandas.DataFrame
        The interface products, long format, one row per (voltage, phase): voltage_V,
        phase, atomic_fraction and mole_fraction (among the products of the most
        negative reaction with the electrode at that voltage), reaction_energy_eV_atom
        (eV/atom of mixture), mixing_ratio, reaction. A voltage where nothing reacts has
        no rows. ``to_frame()`` returns it.
    electrolyte_table : pandas.DataFrame
        The electrolyte's own phase equilibrium at each voltage (its decomposition
        outside its window; itself where stable): voltage_V, phase, atomic_fraction,
        mole_fraction, reaction.
    reactions : InterfaceReactions
        The full reaction-energy curve at ``voltage``.
    products : pandas.DataFrame
        The interface products at ``voltage`` with their labels: phase,
        atomic_fraction, band_gap_pbe_eV, electronic_character, ion_atomic_fraction,
        sigma_S_cm (measured room-temperature σ in OBELiX, highest entry; NaN: not
        measured there).
    electrolyte_window : str
        The electrolyte's window in words.
    anode_decomposition, cathode_decomposition : list[str]
        The electrolyte's own phase equilibrium at ``lower_v`` and ``upper_v`` (its own
        formula when it is stable there).
    verdict : str
        "passivating", "mixed-conducting: keeps reacting", "unknown" or "no reaction".
    reasons : list[str]
    gap_source : str
        Where the band gaps come from.
    """

    _table = "table"

    electrolyte: str
    electrode: str
    ion: str
    voltage: float
    lower_v: float
    upper_v: float
    table: pd.DataFrame = field(repr=False)
    electrolyte_table: pd.DataFrame = field(repr=False)
    reactions: InterfaceReactions = field(repr=False)
    products: pd.DataFrame = field(repr=False)
    electrolyte_window: str
    anode_decomposition: list[str]
    cathode_decomposition: list[str]
    verdict: str
    reasons: list[str]
    gap_source: str
    source: str
    correction_scheme: str
    thresholds: str = THRESHOLDS_TEXT

    def title(self) -> str:
        """Heading: the interface and the chosen voltage."""
        unit = f"V vs {K.ion_label(self.ion)}"
        return (
            f"{self.electrolyte} | {self.electrode} at {fmt_number(self.voltage, unit)}: interphase"
        )

    def summary(self) -> list[tuple[str, str]]:
        """Verdict first, then the products at the chosen voltage and the limits."""
        unit = f"V vs {K.ion_label(self.ion)}"
        made = ", ".join(
            f"{p} ({c})"
            for p, c in zip(self.products[K.PHASE], self.products[K.ELECTRONIC_CHARACTER])
        )
        return [
            ("verdict", self.verdict),
            ("why", "; ".join(self.reasons)),
            ("interface products", made or "none"),
            ("reaction energy", fmt_number(self.reaction_energy, "eV/atom", digits=3)),
            ("reaction", self.reaction or "none (no driving force)"),
            ("electrolyte window", self.electrolyte_window),
            (
                f"electrolyte at {fmt_number(self.lower_v, unit)}",
                " + ".join(self.anode_decomposition),
            ),
            *(
                [
                    (
                        f"electrolyte at {fmt_number(self.upper_v, unit)}",
                        " + ".join(self.cathode_decomposition),
                    )
                ]
                if self.upper_v > self.lower_v
                else []
            ),
            ("band gaps", f"{self.gap_source}; {self.thresholds}"),
        ]

    def _at_voltage(self) -> pd.DataFrame:
        t = self.table
        return t[t[K.VOLTAGE] == self.voltage]

    @property
    def reaction_energy(self) -> float:
        """Energy (eV/atom of mixture) of the interface reaction at :attr:`voltage` (0: none)."""
        rows = self._at_voltage()
        return float(rows[K.REACTION_ENERGY].iloc[0]) if len(rows) else 0.0

    @property
    def reaction(self) -> str:
        """The balanced interface reaction at :attr:`voltage` ("" when nothing reacts)."""
        rows = self._at_voltage()
        return str(rows[K.REACTION].iloc[0]) if len(rows) else ""

    def provenance(self) -> str:
        """Hull data, corrections and the band-gap data."""
        return f"{super().provenance()}; gaps: {self.gap_source}"


def interphase(
    electrolyte: Any,
    electrode: Any,
    *,
    voltage: float | None = None,
    voltages: Any = None,
    ion: str = "Li",
    source: Any = None,
    band_gaps: Any = None,
) -> Interphase:
    """What forms between an electrolyte and an electrode at each voltage, and whether it passivates.

    Parameters
    ----------
    electrolyte, electrode : str, Composition or Structure
        The electrode may be a name of :data:`~ssenb.thermo.ELECTRODES` (``"NMC811"``) or
        the ion's metal (``"Li"``: the anode, at 0 V).
    voltage : float, optional
        The voltage (V vs the ion's metal) of the reaction curve, product table and
        verdict. Default: the upper end of the range (the cathode's potential).
    voltages : (lower, upper) or a list of voltages (V), optional
        The scan. A pair gives :data:`N_VOLTAGES` voltages from lower to upper; a longer
        list is used as given. Default: 0 V (ion-metal anode) to the electrode's own
        ion-extraction potential (the oxidation limit of its window, e.g. LiCoO2), or only
        0 V for the ion metal.
    ion : str
        The mobile ion, open at the interface.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).
    band_gaps : None, dict or callable
        Band gaps (eV) of the products by formula (see
        :func:`ssenb.thermo.electronic.band_gap_lookup`); None: the data's PBE gaps.

    Returns
    -------
    Interphase

    Raises
    ------
    InvalidInputError
        A voltage below 0 (the ion metal would plate), above :data:`MAX_VOLTAGE` or
        outside the system's physical range; an ion-metal electrode at a voltage other
        than 0; a non-metal electrode without the ion and no ``voltages``.

    Notes
    -----
    For the ion-metal anode the interface is the electrolyte's reduction by the metal
    (its ion profile at 0 V, e.g. Li3PS4 + 8 Li -> 4 Li2S + Li3P) and the reaction curve
    the closed one with the metal; for any other electrode each voltage is one
    ion-open :func:`interface_reactions` call at mu = -zV. Product fractions are read
    from the balanced reaction (4 significant digits, pymatgen's convention).

    Examples
    --------
    >>> r = interphase("Li3PS4", "Li", band_gaps={"Li2S": 3.39, "Li3P": 0.70})
    >>> r.products["phase"].tolist(), r.verdict
    (['Li2S', 'Li3P'], 'passivating')
    """
    to_element(ion, argname="ion")
    if voltage is not None:  # refused before any hull is built
        _checked_voltage(voltage, "voltage", ion)
    c_ely = to_composition(electrolyte, argname="electrolyte")
    name = electrode if isinstance(electrode, str) and electrode in ELECTRODES else None
    c_el = to_composition(
        ELECTRODES.get(name, electrode) if name else electrode, argname="electrode"
    )
    is_metal = all(str(el) == ion for el in c_el.elements)
    src = get_source(source)
    gaps = band_gap_lookup(band_gaps)
    window = stability_window(c_ely, ion=ion, source=src)
    grid = _voltage_grid(voltages, c_el, is_metal, ion, src)
    chosen = grid[-1] if voltage is None else _checked_voltage(voltage, "voltage", ion)
    if is_metal and chosen != 0.0:
        raise InvalidInputError(
            f"voltage={chosen} V: a {ion}-metal electrode sits at 0 V vs {K.ion_label(ion)}; "
            f"for an interface held at another voltage give that electrode (e.g. a cathode)"
        )
    if chosen not in grid:
        grid = sorted([*grid, chosen])
    frames, own, at_chosen = [], [], None
    for v in grid:
        rxn = _reactions_at(c_ely, c_el, v, is_metal, ion, src)
        frames.append(_rows(v, rxn, window, ion))
        own.append(_electrolyte_rows(v, window, ion))
        if v == chosen:
            at_chosen = rxn
    assert at_chosen is not None
    table = pd.concat([f for f in frames if len(f)] or frames, ignore_index=True)[
        INTERPHASE_COLUMNS
    ]
    here = table[table[K.VOLTAGE] == chosen]
    products = _labelled(here, gaps, ion)
    verdict, reasons = passivation_verdict(
        dict(zip(products[K.PHASE], products[K.ELECTRONIC_CHARACTER])), ion
    )
    for phase, sigma in zip(products[K.PHASE], products[K.SIGMA]):
        if math.isfinite(sigma) and phase != ion:
            reasons.append(f"{phase}: measured Li⁺ conductivity {sigma:.1e} S/cm (OBELiX)")
    if not {str(e) for e in c_ely.elements} & {str(e) for e in c_el.elements}:
        reasons.append(
            f"{display_formula(c_ely)} and {display_formula(c_el)} share no element: only "
            "compounds across the two systems could form, and the data's hull decides"
        )
    return Interphase(
        electrolyte=display_formula(c_ely),
        electrode=name or display_formula(c_el),
        ion=ion,
        voltage=chosen,
        lower_v=grid[0],
        upper_v=grid[-1],
        table=table,
        electrolyte_table=pd.concat(own, ignore_index=True)[ELECTROLYTE_COLUMNS],
        reactions=at_chosen,
        products=products,
        electrolyte_window=window.window_text(),
        anode_decomposition=_phases(window, grid[0]),
        cathode_decomposition=_phases(window, grid[-1]),
        verdict=verdict,
        reasons=reasons,
        gap_source=gaps.name,
        source=src.name,
        correction_scheme=src.correction_scheme,
    )


def _checked_voltage(value: Any, argname: str, ion: str) -> float:
    """A voltage (V vs the ion's metal) between 0 and :data:`MAX_VOLTAGE`."""
    unit = f"V vs {K.ion_label(ion)}"
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{argname}={value!r} is not a number ({unit})") from None
    if not math.isfinite(v) or not 0.0 <= v <= MAX_VOLTAGE:
        raise InvalidInputError(
            f"{argname}={value!r} is outside the physical range 0-{MAX_VOLTAGE:g} {unit}: below "
            f"0 V {ion} metal plates, above {MAX_VOLTAGE:g} V no cathode operates"
        )
    return v + 0.0


def _voltage_grid(voltages: Any, electrode: Any, is_metal: bool, ion: str, src: Any) -> list[float]:
    """The scanned voltages (V), sorted, from ``voltages=`` or the electrode's potential."""
    if voltages is None:
        if is_metal:
            return [0.0]
        if not any(str(el) == ion for el in electrode.elements):
            raise InvalidInputError(
                f"electrode {display_formula(electrode)} has no {ion}, so its potential is not "
                f"known from the hull; give voltages=(lower, upper) in V vs {K.ion_label(ion)}"
            )
        upper = stability_window(electrode, ion=ion, source=src).oxidation_v
        voltages = (0.0, _checked_voltage(upper, "the electrode's oxidation limit", ion))
    if isinstance(voltages, str) or not hasattr(voltages, "__iter__"):
        raise InvalidInputError(
            f"voltages={voltages!r}; give (lower, upper) or a list of voltages in V vs {K.ion_label(ion)}"
        )
    values = sorted(_checked_voltage(v, "voltages", ion) for v in voltages)
    if not values:
        raise InvalidInputError("voltages=[] is empty; give (lower, upper) in V")
    if len(values) == 2:
        values = np.linspace(
            values[0], values[1], N_VOLTAGES if values[1] > values[0] else 1
        ).tolist()
    if is_metal and values != [0.0]:
        raise InvalidInputError(
            f"voltages={voltages!r}: a {ion}-metal electrode sits at 0 V only; give a cathode "
            "for a voltage scan"
        )
    return sorted({round(v, 12) + 0.0 for v in values})


def _reactions_at(
    c_ely: Any, c_el: Any, v: float, is_metal: bool, ion: str, src: Any
) -> InterfaceReactions:
    """The interface reactions at ``v``: closed with the ion metal, ion-open otherwise."""
    if is_metal:
        return interface_reactions(c_ely, c_el, source=src)
    return interface_reactions(
        c_ely, c_el, open_element=ion, mu=chempot_of_voltage(v, ion), source=src
    )


def _rows(v: float, rxn: InterfaceReactions, window: Any, ion: str) -> pd.DataFrame:
    """Long-format rows at one voltage: the interface products, then the electrolyte's."""
    rows = []
    energy, ratio, text = rxn.min_energy, rxn.min_ratio, rxn.min_reaction
    if rxn.open_element is None:
        # the ion metal: with the metal in excess the products are the electrolyte's
        # phase equilibrium at 0 V; energy and ratio of that kink of the closed curve
        text = _profile_reaction(window, v)
        phases = sorted(_product_fractions(text, ion))
        kink = rxn.table[rxn.table[K.PRODUCTS].map(lambda p: sorted(set(p) - {ion}) == phases)]
        if len(kink):
            energy = float(kink[K.REACTION_ENERGY].iloc[0])
            ratio = float(kink[K.MIXING_RATIO].iloc[0])
    if energy < -1e-9:
        for phase, (atomic, mole) in _product_fractions(text, ion).items():
            rows.append((v, phase, atomic, mole, energy, ratio, text))
    return pd.DataFrame(rows, columns=INTERPHASE_COLUMNS)


def _electrolyte_rows(v: float, window: Any, ion: str) -> pd.DataFrame:
    """The electrolyte's own phase equilibrium at ``v`` (itself where it is stable)."""
    own = _profile_reaction(window, v)
    made = _product_fractions(own, ion) or {window.formula: (1.0, 1.0)}
    rows = [(v, phase, atomic, mole, own) for phase, (atomic, mole) in made.items()]
    return pd.DataFrame(rows, columns=ELECTROLYTE_COLUMNS)


def _profile_reaction(window: Any, v: float) -> str:
    """The reaction of the electrolyte's profile row holding ``v`` (its equilibrium there)."""
    profile = window.profile
    rows = profile[profile[K.VOLTAGE] <= v + 1e-12]
    row = rows.iloc[-1] if len(rows) else profile.iloc[0]
    return str(row[K.REACTION])


def _product_fractions(reaction: str, ion: str) -> dict[str, tuple[float, float]]:
    """{product: (atomic fraction, mole fraction)} of a balanced reaction's right side.

    The ion (the reservoir) is left out. Reactions are as
    :func:`ssenb.thermo._profile.reaction_text` writes them.
    """
    right = reaction.split("->", 1)[1].strip()
    units: dict[str, float] = {}  # formula units of the reduced formula
    atoms_per: dict[str, float] = {}
    for term in filter(None, (t.strip() for t in right.split(" + "))):
        match = _TERM.match(term)
        if match is None:
            continue
        amount = float(match.group(1)) if match.group(1) else 1.0
        comp = to_composition(match.group(2))  # pymatgen writes CoP2O6 as Co(PO3)2
        name, per_unit = (
            display_formula(comp),
            comp.num_atoms / comp.get_reduced_formula_and_factor()[1],
        )
        units[name] = units.get(name, 0.0) + amount * comp.get_reduced_formula_and_factor()[1]
        atoms_per[name] = per_unit
    units.pop(ion, None)
    atoms = {p: n * atoms_per[p] for p, n in units.items()}
    total_atoms, total_units = sum(atoms.values()), sum(units.values())
    if not total_atoms:
        return {}
    return {p: (atoms[p] / total_atoms, units[p] / total_units) for p in sorted(units)}


def _phases(window: Any, v: float) -> list[str]:
    """The electrolyte's phase equilibrium at ``v`` (its own formula where it is stable)."""
    made = _product_fractions(_profile_reaction(window, v), window.ion)
    return sorted(made) or [window.formula]


def _labelled(rows: pd.DataFrame, gaps: Any, ion: str) -> pd.DataFrame:
    """The product table: phase, atomic fraction, PBE gap, electronic character, ion fraction."""
    phases = rows[K.PHASE].tolist()
    gap_values = [gaps(p) for p in phases]
    return pd.DataFrame(
        {
            K.PHASE: phases,
            K.ATOMIC_FRACTION: rows[K.ATOMIC_FRACTION].to_numpy(float),
            K.BAND_GAP_PBE: gap_values,
            K.ELECTRONIC_CHARACTER: [electronic_character(g) for g in gap_values],
            K.ION_FRACTION: [ion_fraction(p, ion) for p in phases],
            K.SIGMA: [measured_conductivity(p)[0] for p in phases],
        }
    )


__all__ = [
    "ELECTROLYTE_COLUMNS",
    "INTERPHASE_COLUMNS",
    "MAX_VOLTAGE",
    "N_VOLTAGES",
    "Interphase",
    "chempot_of_voltage",
    "interphase",
]
