"""Read what a user passes as a material (formula, Composition, Structure, entry).

One parser for the whole package, so a formula is accepted or refused the same way
in thermodynamics, featurization, models, the widgets and the command line.

The rule for amounts (atoms of one element per formula unit, as written or as held by a
Composition/Structure): finite, at least :data:`MIN_AMOUNT` and at most
:data:`MAX_AMOUNT`. The limits were chosen after checking the data ssenb ships with:
every formula of the OBELiX training split (reduced and true compositions: 0.01 to 104
atoms of one element) and of the MP ~2019 snapshot (1 to 149, ``Mg149Zr``) lies well
inside them. A formula's text is checked token by token *before* pymatgen sees it, so
``"Li0PS4"`` is not silently read as PS4 and ``"Li1e400S"`` never reaches pymatgen's
OverflowError.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from pymatgen.core import Composition, Element

#: Largest amount of one element in one formula unit (atoms). MP ~2019 reaches 149.
MAX_AMOUNT = 10_000.0
#: Smallest non-zero amount of one element in one formula unit (atoms). OBELiX reaches 0.01.
MIN_AMOUNT = 1e-4
#: Longest formula text accepted (characters); the longest OBELiX formula has ~40.
MAX_FORMULA_CHARS = 1_000

#: Characters that join the parts of one formula in hydrate/adduct notation.
_JOINERS = "*·•⋅"
_NUMBER = re.compile(r"\d*\.?\d+(?:[eE][-+]?\d+)?")
_ALLOWED = re.compile(r"[A-Za-z0-9.()\[\]{}\s]")
_SYMBOL = re.compile(r"[A-Z][a-z]*")
_LEADING = re.compile(r"^\s*(\d*\.?\d+)\s*(?=[A-Z(\[{])")
_EXAMPLE = "write it like 'Li7La3Zr2O12', 'Li6PS5Cl' or 'Li3PS4*(H2O)2'"


def to_composition(material: Any, *, argname: str = "material") -> Composition:
    """A pymatgen ``Composition`` from a formula string, Composition, Structure or entry.

    Why: every part of ssenb reads materials through this one function, so the same
    input is accepted or refused the same way everywhere, always with
    :class:`~ssenb.errors.InvalidInputError` naming the cause.

    Parameters
    ----------
    material : str, Composition, Structure or entry
        A formula such as ``"Li3PS4"``; hydrate/adduct notation joins parts of one
        formula with ``*`` or ``·`` (``"CuSO4·5H2O"``, ``"Li3PS4*(H2O)2"``; a part may
        start with a multiplier). A disordered Structure (partial occupancies) is reduced
        to its average composition: every thermodynamic method in ssenb is
        composition-based, so the result is the same as for that formula.
    argname : str
        Name of the argument, used in error messages.

    Returns
    -------
    pymatgen.core.Composition
        Plain elements (oxidation states dropped), amounts in atoms per formula unit.

    Raises
    ------
    InvalidInputError
        Not a material; text that is not a formula (an unknown or lower-case symbol, a
        stray character); or an amount that is zero, negative, non-finite or outside
        [:data:`MIN_AMOUNT`, :data:`MAX_AMOUNT`] atoms per formula unit.

    Examples
    --------
    >>> to_composition("Li3(Mo8S8O8(OH)8(HWO5(H2O)))*(H2O)18").formula
    'Li3 Mo8 H47 W1 S8 O40'
    >>> to_composition("CuSO4·5H2O").formula
    'Cu1 H10 S1 O9'
    """
    from pymatgen.core import Composition, Structure

    if isinstance(material, Composition):
        comp = material
    elif isinstance(material, Structure):
        comp = material.composition
    elif hasattr(material, "composition") and isinstance(material.composition, Composition):
        comp = material.composition
    elif isinstance(material, str):
        comp = _parse_formula(material, argname)
    else:
        raise InvalidInputError(
            f"{argname} must be a formula string, pymatgen Composition, Structure or entry, "
            f"not {type(material).__name__}"
        )
    from pymatgen.core.periodic_table import DummySpecies

    unknown = [str(sp.symbol) for sp in comp if isinstance(sp, DummySpecies)]
    if unknown:  # pymatgen parses unknown symbols ("Xq") as dummy species
        raise InvalidInputError(
            f"{argname}={_show(material)} is not a chemical formula: "
            f"{', '.join(unknown)} is not an element symbol; {_EXAMPLE}"
        )
    comp = comp.element_composition  # oxidation-state decorated species -> plain elements
    for el, amount in comp.items():
        _check_amount(float(amount), f"the amount of {el} ({float(amount):g})", material, argname)
    if comp.num_atoms <= 0:
        raise InvalidInputError(f"{argname}={_show(material)} has no atoms; {_EXAMPLE}")
    return comp


def _show(material: Any) -> str:
    """Echo a material in a message without printing a whole structure or 1,000 chars."""
    text = repr(material) if isinstance(material, str) else type(material).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def _check_amount(value: float, what: str, material: Any, argname: str) -> None:
    """The one rule for amounts (atoms of one element per formula unit)."""
    if not math.isfinite(value):
        problem = "is not a finite number"
    elif value == 0:
        problem = "is zero (leave the element out instead)"
    elif value < 0:
        problem = "is negative"
    elif value > MAX_AMOUNT:
        problem = f"exceeds the limit of {MAX_AMOUNT:g} atoms per formula unit"
    elif value < MIN_AMOUNT:
        problem = f"is below the limit of {MIN_AMOUNT:g} atoms per formula unit"
    else:
        return
    raise InvalidInputError(
        f"{argname}={_show(material)}: {what} {problem}; amounts "
        f"must lie between {MIN_AMOUNT:g} and {MAX_AMOUNT:g} atoms per formula unit"
    )


def _parse_formula(material: str, argname: str) -> Composition:
    """Parse formula text, part by part for hydrate/adduct notation (``"CuSO4·5H2O"``)."""
    text = material.strip()
    if not text:
        raise InvalidInputError(f"{argname}='' is empty; give a formula such as 'Li3PS4'")
    if len(text) > MAX_FORMULA_CHARS:
        raise InvalidInputError(
            f"{argname} is {len(text)} characters long; a formula may have at most "
            f"{MAX_FORMULA_CHARS} ({_EXAMPLE})"
        )
    parts = re.split(f"[{_JOINERS}]", text)  # at least one part
    comps = [_parse_part(part, k > 0, material, argname) for k, part in enumerate(parts)]
    total = comps[0]
    for comp in comps[1:]:
        total = total + comp
    return total


def _parse_part(part: str, joined: bool, material: str, argname: str) -> Composition:
    """One part of a formula; a ``joined`` part may start with a multiplier (``5H2O``)."""
    from pymatgen.core import Composition

    factor = 1.0
    lead = _LEADING.match(part) if joined else None  # "CuSO4·5H2O": 5 multiplies H2O
    if lead:
        factor = float(lead.group(1))
        part = part[lead.end() :]
    _check_tokens(part, material, argname)
    if lead and factor != 1.0:
        _check_amount(factor, f"the multiplier {lead.group(1)!r}", material, argname)
    try:
        return Composition(part.strip()) * factor
    except Exception as err:  # ValueError/KeyError/CompositionError/OverflowError
        raise InvalidInputError(
            f"{argname}={_show(material)} is not a chemical formula pymatgen can parse "
            f"({type(err).__name__}: {err}); {_EXAMPLE}"
        ) from err


def _check_tokens(part: str, material: str, argname: str) -> None:
    """Refuse malformed text before pymatgen reads it (which would guess or overflow)."""
    from pymatgen.core import Element

    if not part.strip():
        raise InvalidInputError(
            f"{argname}={_show(material)} is not a chemical formula: it has an empty part "
            f"around '*' or '·'; {_EXAMPLE}"
        )
    bad = sorted({c for c in _NUMBER.sub(" ", part) if not _ALLOWED.fullmatch(c)})
    if bad:
        raise InvalidInputError(
            f"{argname}={_show(material)} is not a chemical formula: it contains "
            f"{', '.join(repr(c) for c in bad)}, which "
            f"cannot appear in a formula (amounts are positive numbers written after the "
            f"symbol); {_EXAMPLE}"
        )
    letters = re.sub(r"[^A-Za-z]", " ", _NUMBER.sub(" ", part))
    if re.search(r"(^|\s)[a-z]", letters):
        fixed = re.sub(r"[A-Za-z]+", lambda m: m.group().capitalize(), part)
        symbols = _SYMBOL.findall(re.sub(r"[^A-Za-z]", " ", _NUMBER.sub(" ", fixed)))
        hint = fixed if all(Element.is_valid_symbol(x) for x in symbols) else None
        raise InvalidInputError(
            f"{argname}={_show(material)} is not a chemical formula: element symbols start "
            "with a capital letter ('Li', not 'li')"
            + (f"; did you mean {hint!r}?" if hint else f"; {_EXAMPLE}")
        )
    unknown = [s for s in dict.fromkeys(_SYMBOL.findall(letters)) if not Element.is_valid_symbol(s)]
    if unknown:
        raise InvalidInputError(
            f"{argname}={_show(material)} is not a chemical formula: "
            f"{', '.join(unknown)} is not an element symbol; {_EXAMPLE}"
        )
    for number in _NUMBER.findall(part):
        _check_amount(float(number), f"the amount {number!r}", material, argname)


def display_formula(comp: Composition) -> str:
    """The one way ssenb writes a formula: reduced, electronegativity order, no grouping.

    Why: ``Li10GeP2S12`` (pymatgen's ``reduced_formula`` would give ``Li10Ge(PS6)2``),
    the same whatever order the input was written in, so a material reads the same in a
    window, a screening table and a decomposition.

    Parameters
    ----------
    comp : pymatgen.core.Composition
        Any composition; amounts in atoms per formula unit.

    Returns
    -------
    str
        The reduced formula, elements by increasing Pauling electronegativity (elements
        without one last, then by symbol). A single element keeps pymatgen's name
        (``O2``, ``S``).

    Examples
    --------
    >>> from pymatgen.core import Composition
    >>> display_formula(Composition("S12P2GeLi10"))
    'Li10GeP2S12'
    >>> display_formula(Composition("O4"))
    'O2'
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen warns for He, Ne, Ar (no Pauling X)
        reduced = comp.reduced_composition
        if len(reduced) == 1:
            return comp.reduced_formula
        order = sorted(reduced, key=lambda e: (e.X if e.X == e.X else 99, e.symbol))
    return "".join(f"{el.symbol}{amount_text(float(reduced[el]))}" for el in order)


def amount_text(amount: float) -> str:
    """How an amount is written in a formula, so every ssenb formula writes it one way.

    Parameters
    ----------
    amount : float
        Atoms of one element per formula unit.

    Returns
    -------
    str
        ``""`` for 1, the integer for a whole number (``"2"`` for 2.0), else 4
        significant digits (``"0.3333"``).

    Examples
    --------
    >>> [amount_text(x) for x in (1.0, 2.0, 1 / 3)]
    ['', '2', '0.3333']
    """
    if abs(amount - 1) < 1e-8:
        return ""
    if abs(amount - round(amount)) < 1e-8:
        return f"{amount:.0f}"
    return f"{amount:.4g}"


def to_element(symbol: Any, *, argname: str = "ion") -> Element:
    """A pymatgen ``Element`` from a symbol, or an error saying what is malformed.

    Why: ``ion="li"`` must be refused as a malformed symbol, not reported as an element
    the data does not cover.

    Parameters
    ----------
    symbol : str or Element
        A symbol as written on the periodic table, e.g. ``"Li"``.
    argname : str
        Name of the argument, used in error messages.

    Returns
    -------
    pymatgen.core.Element
        The element (``symbol`` itself when it already is one).

    Raises
    ------
    InvalidInputError
        Not a string, or not a symbol on the periodic table (with a hint when only the
        capitalisation is wrong).

    Examples
    --------
    >>> to_element("Na").Z
    11
    """
    from pymatgen.core import Element

    if isinstance(symbol, Element):
        return symbol
    if not isinstance(symbol, str):
        raise InvalidInputError(
            f"{argname} must be an element symbol string such as 'Li', not {type(symbol).__name__}"
        )
    text = symbol.strip()
    if Element.is_valid_symbol(text):
        return Element(text)
    fixed = text[:1].upper() + text[1:].lower()
    hint = (
        f"; symbols are capitalised: did you mean {fixed!r}?"
        if fixed != text and Element.is_valid_symbol(fixed)
        else "; use e.g. 'Li', 'Na', 'K'"
    )
    raise InvalidInputError(f"{argname}={symbol!r} is not an element symbol{hint}")


#: most oxidation-state combinations a charge balance may walk (about a second)
MAX_OXIDATION_COMBINATIONS = 100_000


def oxidation_guess_cost(formula: Mapping[str, int]) -> int:
    """Combinations pymatgen's ``Composition.oxi_state_guesses`` walks for an integer formula.

    It enumerates, per element, every multiset of ``n`` states (``C(k + n - 1, n)`` for
    ``k`` states) and then the product over elements of the distinct sums those give;
    time and memory grow with that product (Li, 16 transition metals and O23: 2.8 x 10^7,
    over two minutes and 3 GB). Counted exactly here, in microseconds, so that every
    caller (BVSE frameworks, the doping hosts of ssenb.mlip) refuses a formula above
    :data:`MAX_OXIDATION_COMBINATIONS` instead of running it.

    Examples
    --------
    >>> oxidation_guess_cost({"Co": 2})  # C(5, 2) multisets of Co's 4 states; sums 2..8
    17
    """
    from pymatgen.core import Element

    enumerated, product = 0, 1
    for el, n in formula.items():
        states = Element(el).icsd_oxidation_states or Element(el).common_oxidation_states
        if not states:
            return 0  # pymatgen finds nothing, at once
        enumerated += math.comb(len(states) + n - 1, n)
        sums = {0}
        for _ in range(n):
            sums = {t + q for t in sums for q in states}
        product *= len(sums)
    return enumerated + product
