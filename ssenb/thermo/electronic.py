"""What decides whether an interphase passivates: band gaps, Li content, known conductors.

An interphase stops growing when it conducts ions but not electrons (an electronic
insulator, e.g. Li2S, LiCl at Li | Li3PS4, Li6PS5Cl); it keeps growing when one product
conducts electrons (Co, Ge and Li-Ge alloys at LGPS | Li, a "mixed-conducting
interphase"): Zhu, He & Mo, ACS Appl. Mater. Interfaces 7, 23685 (2015); Wenzel et al.,
Solid State Ionics 286, 24 (2016); Richards et al., Chem. Mater. 28, 266 (2016).

Band gaps are **PBE (GGA) gaps** from the Materials Project (composition level), which
underestimate true gaps (typically by 30-50 %, more for wide-gap ionic solids): a product
labelled "semiconductor" here may be an insulator, never the other way round, and a
"metal" (PBE gap < 0.1 eV) may have a small true gap. Labels say which gap they used.

Gaps come from an injectable lookup (``band_gaps=``): a mapping formula -> eV, a callable
formula -> eV or None, or None for the default data lookup (the MP PBE band-gap table,
:func:`ssenb.data.property_table` ``("pbe_gap")``, median over polymorphs). A formula the
lookup lacks has an unknown gap and the verdicts say so: gaps are never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, get_args

from ..data.materials import display_formula, to_composition
from ..errors import InvalidInputError

#: PBE band gap (eV) at or above which a product is labelled an electronic insulator.
INSULATOR_GAP_EV = 3.0
#: PBE band gap (eV) below which a product is labelled a metal.
METAL_GAP_EV = 0.1

Character: TypeAlias = Literal["insulator", "semiconductor", "metal", "unknown"]
CHARACTERS: tuple[str, ...] = get_args(Character)

Verdict: TypeAlias = Literal[
    "passivating", "mixed-conducting: keeps reacting", "unknown", "no reaction"
]

#: What the thresholds mean, stated wherever a label is shown.
THRESHOLDS_TEXT = (
    f"PBE gap >= {INSULATOR_GAP_EV:g} eV insulator, {METAL_GAP_EV:g}-{INSULATOR_GAP_EV:g} eV "
    f"semiconductor, < {METAL_GAP_EV:g} eV metal (PBE underestimates gaps, typically by 30-50 %)"
)

GapLookup: TypeAlias = Callable[[str], "float | None"]


@dataclass(frozen=True)
class BandGaps:
    """A band-gap lookup by formula (eV) with the name of its data.

    Parameters
    ----------
    lookup : callable
        ``lookup(reduced formula) -> gap in eV or None`` (None: not in the data).
    name : str
        Where the gaps come from (shown in results).
    """

    lookup: GapLookup
    name: str

    def __call__(self, formula: str) -> float:
        """The gap (eV) of a formula, NaN when unknown (never a guess)."""
        try:
            value = self.lookup(formula)
        except KeyError:
            return math.nan
        if value is None:
            return math.nan
        try:
            gap = float(value)
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"band_gaps gave {value!r} for {formula}; it must give a number in eV or None"
            ) from None
        if math.isnan(gap):
            return math.nan
        if not math.isfinite(gap) or gap < 0:
            raise InvalidInputError(
                f"band_gaps gave {gap} eV for {formula}; a band gap is a finite number >= 0 eV"
            )
        return gap


def band_gap_lookup(band_gaps: Any = None) -> BandGaps:
    """Resolve ``band_gaps=``: None (the data), a mapping or a callable formula -> eV.

    Mapping keys are read as formulas and written the ssenb way, so ``{"Li6P2": 0.7}``
    answers for Li3P.

    Examples
    --------
    >>> gaps = band_gap_lookup({"LiF": 8.7})
    >>> gaps("LiF"), gaps("Li3P")
    (8.7, nan)
    """
    if isinstance(band_gaps, BandGaps):
        return band_gaps
    if band_gaps is None:
        return _data_gaps()
    if isinstance(band_gaps, Mapping):
        table = {
            display_formula(to_composition(k, argname="band_gaps")): v for k, v in band_gaps.items()
        }
        return BandGaps(table.get, "user band gaps")
    if callable(band_gaps):
        return BandGaps(band_gaps, getattr(band_gaps, "__name__", "user band-gap function"))
    raise InvalidInputError(
        f"band_gaps={band_gaps!r}; use None (Materials Project PBE gaps), a dict "
        "{formula: gap eV} or a function formula -> gap eV or None"
    )


def _data_gaps() -> BandGaps:
    """The default lookup: MP PBE gaps of :mod:`ssenb.data` (median over polymorphs)."""
    from .. import keys as K
    from ..data import property_table
    from ..data.mp_properties import MP_DATA_VERSION

    values = property_table("pbe_gap")[K.BAND_GAP_PBE].to_dict()
    return BandGaps(
        values.get, f"Materials Project PBE gaps, median over polymorphs ({MP_DATA_VERSION})"
    )


#: Where measured conductivities come from (shown with every value).
SIGMA_SOURCE = "OBELiX train split (Therrien et al. 2025), room temperature, highest entry"


def measured_conductivity(formula: str) -> tuple[float, bool]:
    """(σ S/cm, censored) measured for a composition in OBELiX, or (NaN, False) if absent.

    Why: whether an interphase product or a coating is a *known* Li conductor (Li3P:
    7e-4 S/cm, Li3N: 6e-4 S/cm) or a known poor one (crystalline Li3PO4: 1e-13 S/cm)
    is data, not a guess. The highest room-temperature value among the entries of the
    reduced composition is returned; ``censored`` is True when that value is an upper
    bound (below detection). Without the OBELiX files the answer is (NaN, False).

    Examples
    --------
    >>> measured_conductivity("Li3P")
    (0.000703, False)
    """
    table = _sigma_table()
    return table.get(formula, (math.nan, False))


def _sigma_table() -> dict[str, tuple[float, bool]]:
    if not _SIGMA:
        from .. import keys as K
        from ..data import load_obelix
        from ..errors import DataUnavailableError

        out: dict[str, tuple[float, bool]] = {}
        try:
            rows = load_obelix("train", structures=False)
        except DataUnavailableError:
            rows = None
        if rows is not None:
            for comp, sigma, censored in zip(
                rows[K.REDUCED_COMPOSITION], rows[K.SIGMA], rows[K.CENSORED]
            ):
                if comp is None or not math.isfinite(sigma):
                    continue
                name = display_formula(comp)
                if name not in out or sigma > out[name][0]:
                    out[name] = (float(sigma), bool(censored))
        _SIGMA.append(out)
    return _SIGMA[0]


_SIGMA: list[dict[str, tuple[float, bool]]] = []


def electronic_character(gap: float) -> Character:
    """Insulator, semiconductor or metal from a PBE gap (eV); NaN gives "unknown".

    Thresholds: :data:`INSULATOR_GAP_EV` and :data:`METAL_GAP_EV` (see
    :data:`THRESHOLDS_TEXT`).

    Examples
    --------
    >>> electronic_character(3.39), electronic_character(0.70), electronic_character(0.0)
    ('insulator', 'semiconductor', 'metal')
    """
    if gap is None or math.isnan(gap):
        return "unknown"
    if gap >= INSULATOR_GAP_EV:
        return "insulator"
    if gap >= METAL_GAP_EV:
        return "semiconductor"
    return "metal"


def ion_fraction(formula: str, ion: str = "Li") -> float:
    """Atomic fraction of the mobile ion in a formula (Li2S -> 0.667)."""
    return float(to_composition(formula).get_atomic_fraction(ion))


def passivation_verdict(
    products: Mapping[str, Character], ion: str = "Li"
) -> tuple[Verdict, list[str]]:
    """A verdict for an interphase from its products' electronic character, with reasons.

    Rules (never more confident than the inputs): no products -> "no reaction"; a metal
    product -> "mixed-conducting: keeps reacting" (electrons reach the reaction front);
    else a product of unknown gap -> "unknown"; else "passivating" (every product has a
    gap), with a caveat for each semiconductor product. The ion itself (the metal
    reservoir) is not a product.

    Examples
    --------
    >>> passivation_verdict({"Li2S": "insulator", "Li3P": "semiconductor"})[0]
    'passivating'
    >>> passivation_verdict({"Li2S": "insulator", "Ge": "metal"})[0]
    'mixed-conducting: keeps reacting'
    """
    solid = {p: c for p, c in products.items() if p != ion}
    if not solid:
        return "no reaction", ["nothing forms: no reaction product"]
    metals = sorted(p for p, c in solid.items() if c == "metal")
    unknown = sorted(p for p, c in solid.items() if c == "unknown")
    semis = sorted(p for p, c in solid.items() if c == "semiconductor")
    reasons = []
    if metals:
        reasons.append(
            f"{', '.join(metals)} {'is' if len(metals) == 1 else 'are'} metallic (PBE gap < "
            f"{METAL_GAP_EV:g} eV): electrons reach the reaction front, the interphase keeps growing"
        )
    if unknown:
        reasons.append(f"no band gap known for {', '.join(unknown)}")
    if semis:
        reasons.append(
            f"{', '.join(semis)}: semiconductor by PBE gap ({METAL_GAP_EV:g}-{INSULATOR_GAP_EV:g} eV); "
            "electronic leakage is small but not zero (PBE underestimates gaps)"
        )
    insulators = sorted(p for p, c in solid.items() if c == "insulator")
    if insulators:
        reasons.append(
            f"{', '.join(insulators)}: electronic insulator (PBE gap >= {INSULATOR_GAP_EV:g} eV)"
        )
    if metals:
        return "mixed-conducting: keeps reacting", reasons
    if unknown:
        return "unknown", [f"unknown: product {unknown[0]} has no gap", *reasons]
    return "passivating", reasons


__all__ = [
    "CHARACTERS",
    "INSULATOR_GAP_EV",
    "METAL_GAP_EV",
    "SIGMA_SOURCE",
    "THRESHOLDS_TEXT",
    "BandGaps",
    "Character",
    "Verdict",
    "band_gap_lookup",
    "electronic_character",
    "ion_fraction",
    "measured_conductivity",
    "passivation_verdict",
]
