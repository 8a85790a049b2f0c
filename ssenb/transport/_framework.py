"""From a pymatgen Structure to the BVSE framework: oxidation states, pair parameters.

Disorder is handled by occupancy weighting: a site holding 0.6 Ge + 0.4 P contributes
0.6 x the Ge term + 0.4 x the P term at every grid point (a mean-field average over the
configurations, the same choice softBV makes for partially occupied sites). The mobile
ion is removed from the framework entirely (as in bvlain and softBV): its own sites are
where the landscape is probed, not part of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..data.materials import MAX_OXIDATION_COMBINATIONS, oxidation_guess_cost
from ..errors import InvalidInputError, UnsupportedMaterialError
from ._kernels import KIND_COULOMB, KIND_MORSE
from ._softbv import COVALENT_RADII, MORSE

if TYPE_CHECKING:
    from pymatgen.core import Composition, Structure

#: mobile ion -> formal charge; the ions with softBV Morse parameters in ssenb.
MOBILE_IONS: dict[str, int] = {"Li": 1, "Na": 1, "K": 1, "Mg": 2}
COULOMB_EV_A = 14.4  # e^2 / (4 pi eps0) in eV Å, as in bvlain and softBV
SCREENING_F = 0.74  # softBV screening factor f of the cation-cation repulsion
PAIR_TOLERANCE_EV = 1e-4  # a pair term is cut where it falls below this
MAX_CUTOFF_A = 10.0  # and never beyond 10 Å (bvlain's r_cut)
FORBIDDEN_SPECIES = ("O-", "P3-")  # as bvlain asks pymatgen's BVAnalyzer
MAX_GUESS_ATOMS = 40  # largest scaled formula sent to pymatgen's (slow) oxidation-state guesser


@dataclass(frozen=True)
class Framework:
    """Pair terms of every framework species and the mobile-ion sites (internal)."""

    positions: np.ndarray  # (m, 3) Cartesian, Å
    kinds: np.ndarray  # KIND_MORSE or KIND_COULOMB
    p1: np.ndarray  # Morse R_min (Å) | Coulomb prefactor (eV Å)
    p2: np.ndarray  # Morse alpha (1/Å) | Coulomb screening length (Å)
    p3: np.ndarray  # Morse D0 (eV) | unused
    weights: np.ndarray  # site occupancy of that species
    cutoffs: np.ndarray  # Å
    ion_sites: list[tuple[int, float]]  # (site index, occupancy of the mobile ion)
    oxidation_states: dict[str, float]  # element -> mean formal charge used
    oxidation_source: str


def principal_quantum_number(symbol: str) -> int:
    """Period of the element (the n of softBV's Coulomb term)."""
    from pymatgen.core import Element

    return int(Element(symbol).row)  # lanthanides 6, actinides 7 (checked against bvlain)


def _decorated_charges(structure: Structure) -> list[dict[str, float]] | None:
    out = []
    for site in structure:
        charges: dict[str, float] = {}
        for sp in site.species:
            q = getattr(sp, "oxi_state", None)
            if q is None:
                return None
            charges[sp.symbol] = float(q)
        out.append(charges)
    return out


def _bv_analyzer(structure: Structure) -> list[dict[str, float]] | None:
    from pymatgen.analysis.bond_valence import BVAnalyzer

    try:
        decorated = BVAnalyzer(
            forbidden_species=list(FORBIDDEN_SPECIES)
        ).get_oxi_state_decorated_structure(structure)
    except Exception:  # pymatgen raises ValueError and others when no assignment fits
        return None
    return _decorated_charges(decorated)


def scaled_integer_formula(composition: Composition) -> dict[str, int]:
    """Element amounts scaled to the smallest near-integer multiple (for charge balance).

    ``Li6.4La3Zr1.4Ta0.6O12`` -> ``{"Li": 32, "La": 15, "Zr": 7, "Ta": 3, "O": 60}``.
    """
    amounts = {el.symbol: float(a) for el, a in composition.element_composition.items()}
    denominators = [Fraction(a).limit_denominator(24).denominator for a in amounts.values()]
    factor = math.lcm(*denominators) if denominators else 1
    ints = {el: round(a * factor) for el, a in amounts.items()}
    divisor = math.gcd(*ints.values()) if ints else 1
    return {el: max(1, n // max(divisor, 1)) for el, n in ints.items()}


MAX_COMBINATIONS = MAX_OXIDATION_COMBINATIONS  # combinations tried (ours or pymatgen's guesser)
CHARGE_TOLERANCE = 0.03  # accepted net charge, as a fraction of the total anion charge
MOBILE_SLACK = 0.6  # ... or as a fraction of the mobile ion's charge (incomplete Li sites)


@lru_cache(maxsize=1)
def _icsd_occurrence() -> dict[tuple[str, int], float]:
    """How often each (element, oxidation state) occurs in the ICSD (pymatgen's table)."""
    from pathlib import Path

    import pymatgen.core
    from monty.serialization import loadfn

    # pymatgen moved the table from analysis/ to core/ in 2024/25; both are supported versions
    package = Path(pymatgen.core.__file__).parent.parent
    path = next(
        (p for p in (package / "core", package / "analysis") if (p / "icsd_bv.yaml").is_file()),
        package / "core",
    )
    data = loadfn(str(path / "icsd_bv.yaml"))["occurrence"]
    out = {}
    for name, count in data.items():
        el = name.rstrip("0123456789+-")
        sign = -1 if name.endswith("-") else 1
        digits = name[len(el) :].rstrip("+-")
        out[(el, sign * int(digits or 1))] = float(count)
    return out


def _candidate_states(symbol: str) -> list[int]:
    from pymatgen.core import Element

    el = Element(symbol)
    states = sorted({int(q) for q in (*el.common_oxidation_states, *el.icsd_oxidation_states)})
    return [q for q in states if q != 0] or [int(q) for q in el.oxidation_states if q != 0]


def charge_balance(
    formula: dict[str, float], tolerance: float = CHARGE_TOLERANCE, mobile: str | None = None
) -> dict[str, float] | None:
    """Per-element formal charges that balance ``formula`` (element -> amount), or None.

    Each element takes one of its common or ICSD oxidation states. Measured compositions
    of doped electrolytes are often slightly off neutral (Li50.5La24Zr12Ta4O96 has +190.5
    against -192), so a combination counts as balanced when its net charge is within
    ``tolerance`` (3 %) of the total anion charge, or within 60 % of the ``mobile`` ion's
    own charge (CIFs often miss part of the mobile-ion sites, and BVSE removes the mobile
    ion from the framework anyway); among those, the one most frequent in
    the ICSD wins (pymatgen's occurrence table, the prior of
    ``Composition.oxi_state_guesses``). If none balances, one multivalent element may take
    a mixed (mean, positive) valence between its states. Milliseconds, where
    ``oxi_state_guesses`` needs integer formulas and can take minutes on large ones.
    """
    import itertools

    occ = _icsd_occurrence()
    elements = sorted(formula)
    options = [_candidate_states(el) for el in elements]
    if any(not o for o in options) or charge_balance_cost(formula) > MAX_COMBINATIONS:
        return None
    amounts = np.array([float(formula[el]) for el in elements])
    combos = np.array(list(itertools.product(*options)), dtype=float)
    net = combos @ amounts
    negative = np.where(combos < 0, combos, 0.0) @ amounts
    slack = tolerance * np.abs(negative)
    if mobile in formula:
        slack = np.maximum(slack, MOBILE_SLACK * formula[mobile] * MOBILE_IONS[mobile])
    ok = (negative < 0) & (np.abs(net) <= slack)
    if ok.any():
        logocc = np.array(
            [
                [math.log1p(occ.get((el, int(q)), 0.0)) for el, q in zip(elements, c)]
                for c in combos[ok]
            ]
        )
        best = combos[ok][int(np.argmax(logocc @ amounts))]
        return dict(zip(elements, map(float, best)))
    for i, el in enumerate(elements):  # one mixed-valence element
        if len(options[i]) < 2:
            continue
        others = [e for e in elements if e != el]
        for combo in itertools.product(*(options[elements.index(o)] for o in others)):
            q = -sum(formula[o] * c for o, c in zip(others, combo)) / formula[el]
            if 0 < min(options[i]) < q < max(options[i]) and min(combo) < 0:
                return {**dict(zip(others, map(float, combo))), el: float(q)}
    return None


def charge_balance_cost(formula: Mapping[str, float]) -> int:
    """Oxidation-state combinations :func:`charge_balance` tries.

    The product, over elements, of each element's candidate states (for LiCoO2's Li, Co
    and O: 1 x 4 x 1 = 4).
    """
    return math.prod(len(_candidate_states(el)) for el in formula)


def _composition_guess(structure: Structure, mobile: str | None = None) -> dict[str, float] | None:
    from pymatgen.core import Composition

    amounts = {el.symbol: float(a) for el, a in structure.composition.element_composition.items()}
    fast = charge_balance(amounts, mobile=mobile)
    formula = scaled_integer_formula(structure.composition)
    if (
        fast is not None
        or sum(formula.values()) > MAX_GUESS_ATOMS
        or oxidation_guess_cost(formula) > MAX_COMBINATIONS  # minutes and gigabytes otherwise
    ):
        return fast
    try:  # pymatgen's guesser also knows less common states; slow for large formulas
        guesses = Composition(formula).oxi_state_guesses(max_sites=-MAX_GUESS_ATOMS)
    except Exception:  # pymatgen: ValueError for formulas it cannot reduce
        return None
    return {el: float(q) for el, q in guesses[0].items()} if guesses else None


def oxidation_states(
    structure: Structure, mobile: str | None = None
) -> tuple[list[dict[str, float]], str]:
    """Formal charge of every species on every site, and which method gave it.

    Order: the structure's own oxidation states; charge balance of the formula scaled to
    integers (pymatgen ``Composition.oxi_state_guesses``, fast, works on disordered
    structures); pymatgen's BVAnalyzer (bvlain's choice; seconds for 200-atom cells).
    """
    own = _decorated_charges(structure)
    if own is not None:
        return own, "given with the structure"
    steps = [("charge balance of the scaled formula", None), ("pymatgen BVAnalyzer", _bv_analyzer)]
    for name, fn in steps:
        if fn is not None:
            charges = fn(structure)
            if charges is not None:
                return charges, name
        else:
            per_element = _composition_guess(structure, mobile)
            if per_element is not None:
                return [
                    {sp.symbol: per_element[sp.symbol] for sp in site.species} for site in structure
                ], name
    formula = scaled_integer_formula(structure.composition)
    cost = charge_balance_cost(formula)
    if sum(formula.values()) <= MAX_GUESS_ATOMS:
        cost = max(cost, oxidation_guess_cost(formula))
    limit = (
        f" (the formula's {len(formula)} elements need {cost:.1e} oxidation-state "
        f"combinations, more than the {MAX_COMBINATIONS:,} tried)"
        if cost > MAX_COMBINATIONS
        else ""
    )
    raise UnsupportedMaterialError(
        f"could not assign oxidation states to {structure.composition.reduced_formula}: neither "
        f"pymatgen's BVAnalyzer nor charge balance of the formula found an assignment{limit}. "
        "Fix: decorate the structure yourself, e.g. structure.add_oxidation_state_by_element("
        "{'Li': 1, 'P': 5, 'S': -2})."
    )


def _coulomb_cutoff(prefactor: float, screening: float) -> float:
    r = np.linspace(0.5, MAX_CUTOFF_A, 400)
    from scipy.special import erfc

    big = np.abs(prefactor / r * erfc(r / screening)) > PAIR_TOLERANCE_EV
    return float(r[big][-1] + 0.05) if big.any() else 0.5


def check_ion(ion: object) -> str:
    """``ion`` if ssenb has softBV parameters for it, else an error listing those it has."""
    if not isinstance(ion, str) or ion not in MOBILE_IONS:
        raise InvalidInputError(
            f"ion={ion!r} has no softBV parameters in ssenb; use one of {', '.join(MOBILE_IONS)}"
        )
    return ion


def build_framework(structure: Structure, ion: str) -> Framework:
    """Pair parameters for every framework species; raises on missing parameters."""
    check_ion(ion)
    q_ion = MOBILE_IONS[ion]
    ion_sites = [
        (i, float(sum(occ for sp, occ in site.species.items() if sp.symbol == ion)))
        for i, site in enumerate(structure)
    ]
    ion_sites = [(i, occ) for i, occ in ion_sites if occ > 0]
    if not ion_sites:
        raise UnsupportedMaterialError(
            f"{structure.composition.reduced_formula} holds no {ion}: a {ion} migration landscape "
            f"needs {ion} sites. Fix: pass ion= the mobile ion this material contains "
            f"(one of {', '.join(MOBILE_IONS)})."
        )
    charges, source = oxidation_states(structure, ion)
    table = MORSE[(ion, q_ion)]
    r_ion = COVALENT_RADII[ion]
    n_ion = principal_quantum_number(ion)
    rows: list[tuple] = []
    missing: set[str] = set()
    mean_q: dict[str, list[float]] = {}
    for site, site_q in zip(structure, charges):
        for sp, occ in site.species.items():
            el = sp.symbol
            if el == ion:
                continue
            q = site_q[el]
            mean_q.setdefault(el, []).append(q)
            if q < 0:
                key = (el, round(q))
                if key not in table or abs(q - round(q)) > 0.05:
                    missing.add(f"{el}{q:+g}")
                    continue
                r_min, alpha, d0, _r0 = table[key]
                cut = min(r_min + math.log(d0 / PAIR_TOLERANCE_EV) / alpha, MAX_CUTOFF_A)
                rows.append((site.coords, KIND_MORSE, r_min, alpha, d0, occ, cut))
            elif q > 0:
                if el not in COVALENT_RADII:
                    missing.add(f"{el}{q:+g}")
                    continue
                pref = COULOMB_EV_A * q_ion * q / math.sqrt(n_ion * principal_quantum_number(el))
                screening = SCREENING_F * (r_ion + COVALENT_RADII[el])
                rows.append(
                    (
                        site.coords,
                        KIND_COULOMB,
                        pref,
                        screening,
                        0.0,
                        occ,
                        _coulomb_cutoff(pref, screening),
                    )
                )
    if missing:
        raise UnsupportedMaterialError(
            f"no softBV bond-valence parameters for {ion}+ with {', '.join(sorted(missing))} in "
            f"{structure.composition.reduced_formula} (oxidation states from {source}). softBV "
            f"covers {ion}+ bonded to {', '.join(f'{a}{q:+d}' for a, q in table)}; hydrides "
            "(H-) and other anions have none. Fix: none within BVSE for this material; if the "
            "oxidation states are wrong, decorate the structure with the right ones."
        )
    if not any(r[1] == KIND_MORSE for r in rows):
        raise UnsupportedMaterialError(
            f"{structure.composition.reduced_formula} has no anion for {ion}+ to bond to "
            f"(oxidation states from {source}); BVSE needs an anion framework."
        )
    cols = list(zip(*rows))
    return Framework(
        positions=np.array(cols[0], dtype=float),
        kinds=np.array(cols[1], dtype=np.int64),
        p1=np.array(cols[2], dtype=float),
        p2=np.array(cols[3], dtype=float),
        p3=np.array(cols[4], dtype=float),
        weights=np.array(cols[5], dtype=float),
        cutoffs=np.array(cols[6], dtype=float),
        ion_sites=ion_sites,
        oxidation_states={el: float(np.mean(v)) for el, v in mean_q.items()},
        oxidation_source=source,
    )
