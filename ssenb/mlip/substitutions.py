"""The substitution itself: its checked form, the host's oxidation states, and charge balance.

``{site element: {dopant: fraction of those sites}}`` is checked against the host, the host
is given formal oxidation states (bond valence, else pymatgen's guess), and a substitution
that would leave the cell charged is refused before any ordering is enumerated: dopants
take the oxidation state of the site they replace unless told otherwise, so aliovalent
doping needs a balancing co-dopant (``{"Ni": 0.5, "Mn": 0.5}`` with Ni2+ and Mn4+ on Co3+).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from ..errors import InvalidInputError, UnsupportedMaterialError

if TYPE_CHECKING:
    from pymatgen.core import Structure

#: ``{site element: {dopant: fraction of those sites}}``
Substitutions = dict[str, dict[str, float]]


def describe(subs: Substitutions) -> str:
    """The substitution in words, for titles and messages.

    Parameters
    ----------
    subs : dict
        ``{site element: {dopant: fraction}}``.

    Returns
    -------
    str

    Examples
    --------
    >>> describe({"Co": {"Ni": 0.5, "Mn": 0.25}})
    '0.5 Ni on Co, 0.25 Mn on Co'
    """
    return ", ".join(
        f"{frac:g} {dop} on {site}" for site, m in subs.items() for dop, frac in m.items()
    )


def check_substitutions(structure: Structure, substitutions: object) -> Substitutions:
    """The substitutions in one checked form, or an error that says how to write them.

    Parameters
    ----------
    structure : pymatgen Structure
        The host; every site element must be in it.
    substitutions : dict
        ``{site element: {dopant: fraction of those sites}}``, fractions in (0, 1] adding up
        to at most 1 per site.

    Returns
    -------
    dict of str to dict of str to float

    Raises
    ------
    InvalidInputError
        A site element not in the host, a dopant that is not an element, or a fraction
        outside (0, 1].
    """
    from pymatgen.core import Element

    if not isinstance(substitutions, dict) or not substitutions:
        raise InvalidInputError(
            f"substitutions={substitutions!r}; write {{site element: {{dopant: fraction}}}}, "
            "e.g. {'Co': {'Ni': 0.5}}"
        )
    present = {el.symbol for el in structure.composition.elements}
    out: dict[str, dict[str, float]] = {}
    for site, dopants in substitutions.items():
        if site not in present:
            raise InvalidInputError(
                f"site element {site!r} is not in {structure.composition.reduced_formula} "
                f"(elements: {', '.join(sorted(present))})"
            )
        if not isinstance(dopants, dict) or not dopants:
            raise InvalidInputError(
                f"substitutions[{site!r}]={dopants!r}; use {{dopant: fraction}}"
            )
        for dop, frac in dopants.items():
            if not Element.is_valid_symbol(str(dop)):
                raise InvalidInputError(f"dopant {dop!r} is not an element symbol")
            is_number = isinstance(frac, int | float) and not isinstance(frac, bool)
            if dop == site or not (is_number and 0 < frac <= 1):
                raise InvalidInputError(
                    f"fraction of {dop} on {site} = {frac!r}; use a number in (0, 1] for a "
                    "different element"
                )
        if sum(dopants.values()) > 1 + 1e-9:
            raise InvalidInputError(f"fractions on {site} add up to more than 1: {dopants}")
        out[str(site)] = {str(d): float(f) for d, f in dopants.items()}
    return out


def with_oxidation_states(structure: Structure) -> Structure:
    """The host with formal oxidation states, which the Ewald ranking and charge balance need.

    Parameters
    ----------
    structure : pymatgen Structure

    Returns
    -------
    pymatgen Structure
        A copy decorated by bond valence analysis, else by pymatgen's guess.

    Raises
    ------
    UnsupportedMaterialError
        When no charge-balanced oxidation states are found.
    """
    from pymatgen.analysis.bond_valence import BVAnalyzer

    from ..data.materials import MAX_OXIDATION_COMBINATIONS, oxidation_guess_cost

    s = structure.copy()
    try:
        s = BVAnalyzer().get_oxi_state_decorated_structure(s)
    except ValueError:
        formula = {el.symbol: round(n) for el, n in s.composition.element_composition.items()}
        cost = oxidation_guess_cost(formula)
        if cost > MAX_OXIDATION_COMBINATIONS:  # pymatgen would take minutes and gigabytes
            raise UnsupportedMaterialError(
                f"cannot assign oxidation states to {structure.composition.reduced_formula}: "
                f"bond valence analysis failed, and guessing from the formula would walk "
                f"{cost:.1e} combinations (more than {MAX_OXIDATION_COMBINATIONS:,}): too "
                "many elements and valences for a host to dope"
            ) from None
        try:
            s.add_oxidation_state_by_guess()
        except ValueError as err:
            raise UnsupportedMaterialError(
                f"cannot assign oxidation states to {structure.composition.reduced_formula}: {err}"
            ) from err
    if abs(sum(getattr(sp, "oxi_state", 0) or 0 for sp in s.species)) > 1e-6:
        raise UnsupportedMaterialError(
            f"no charge-balanced oxidation states for {structure.composition.reduced_formula}"
        )
    return s


def site_charges(
    host: Structure, subs: Substitutions, given: Mapping[str, float]
) -> dict[str, float]:
    """Oxidation state of each site element and dopant, refusing a charged substitution.

    Parameters
    ----------
    host : pymatgen Structure
        Decorated with oxidation states (:func:`with_oxidation_states`).
    subs : dict
        Checked substitutions (:func:`check_substitutions`).
    given : mapping of str to float
        Dopant oxidation states; a dopant not in it takes that of the site it replaces.

    Returns
    -------
    dict of str to float
        Formal charge (e) of every site element and dopant.

    Raises
    ------
    UnsupportedMaterialError
        A site element with several oxidation states in the host, or a dopant oxidation
        state the element does not take.
    InvalidInputError
        When the substitution leaves the cell charged.
    """
    from pymatgen.core import Element

    site_ox: dict[str, set[float]] = {}
    for sp in host.species:
        # the host is decorated (with_oxidation_states): every species has its oxidation state
        site_ox.setdefault(sp.symbol, set()).add(cast("float", sp.oxi_state))
    charges: dict[str, float] = {}
    for site, dopants in subs.items():
        if len(site_ox[site]) != 1:
            raise UnsupportedMaterialError(
                f"{site} sits in {host.composition.reduced_formula} with several oxidation "
                f"states {sorted(site_ox[site])}; substitute a host with one {site} valence"
            )
        (q_site,) = site_ox[site]
        charges[site] = q_site
        imbalance = 0.0
        for dop, frac in dopants.items():
            q = float(given.get(dop, q_site))
            if q != 0 and int(q) not in Element(dop).oxidation_states:
                raise UnsupportedMaterialError(
                    f"{dop} does not take the oxidation state {q:+g} (known: "
                    f"{list(Element(dop).oxidation_states)}); give oxidation_states={{'{dop}': ...}}"
                )
            charges[dop] = q
            imbalance += frac * (q - q_site)
        if abs(imbalance) > 1e-6:
            raise InvalidInputError(
                f"substituting {describe({site: dopants})} with charges "
                f"{ {d: charges[d] for d in dopants} } vs {site}{q_site:+g} leaves the cell charged "
                f"({imbalance:+.3f} e per {site} site); choose isovalent dopants or co-dope to balance "
                "(e.g. {'Ni': 0.5, 'Mn': 0.5} with oxidation_states={'Ni': 2, 'Mn': 4})"
            )
    return charges


__all__ = [
    "Substitutions",
    "check_substitutions",
    "describe",
    "site_charges",
    "with_oxidation_states",
]
