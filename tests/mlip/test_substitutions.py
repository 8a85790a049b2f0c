"""The substitution: checked form, formal oxidation states of LiCoO2, charge balance by hand."""

from __future__ import annotations

import pytest

from ssenb.errors import InvalidInputError, UnsupportedMaterialError
from ssenb.mlip.substitutions import (
    check_substitutions,
    describe,
    site_charges,
    with_oxidation_states,
)


@pytest.fixture(scope="module")
def lco(by_id):
    return by_id["mp-22526-GGA+U"].structure  # LiCoO2, R-3m, 4 atoms


@pytest.fixture(scope="module")
def host(lco):
    return with_oxidation_states(lco)


def test_describe():
    assert describe({"Co": {"Ni": 0.5, "Mn": 0.25}}) == "0.5 Ni on Co, 0.25 Mn on Co"


def test_checked_form(lco):
    assert check_substitutions(lco, {"Co": {"Ni": 1 / 2}}) == {"Co": {"Ni": 0.5}}
    assert check_substitutions(lco, {"Co": {"Ni": 1}}) == {"Co": {"Ni": 1.0}}


@pytest.mark.parametrize(
    ("subs", "message"),
    [
        ("Co->Ni", r"substitutions='Co->Ni'; write \{site element"),
        ({}, r"substitutions=\{\}"),
        ({"Mn": {"Ni": 0.5}}, r"site element 'Mn' is not in LiCoO2 \(elements: Co, Li, O\)"),
        ({"Co": "Ni"}, r"substitutions\['Co'\]='Ni'; use \{dopant: fraction\}"),
        ({"Co": {"Xx": 0.5}}, "dopant 'Xx' is not an element symbol"),
        ({"Co": {"Co": 0.5}}, r"fraction of Co on Co = 0\.5"),
        ({"Co": {"Ni": 0}}, r"fraction of Ni on Co = 0; use a number in \(0, 1\]"),
        ({"Co": {"Ni": 1.5}}, r"fraction of Ni on Co = 1\.5"),
        ({"Co": {"Ni": "0.5"}}, r"fraction of Ni on Co = '0\.5'"),
        ({"Co": {"Ni": float("nan")}}, r"fraction of Ni on Co = nan"),
        # a bool is an int to Python, but True is no fraction (it used to pass as 1.0)
        ({"Co": {"Ni": True}}, r"fraction of Ni on Co = True"),
        ({"Co": {"Ni": 0.75, "Mn": 0.5}}, "fractions on Co add up to more than 1"),
    ],
)
def test_bad_substitutions_say_how_to_write_them(lco, subs, message):
    with pytest.raises(InvalidInputError, match=message):
        check_substitutions(lco, subs)


def test_formal_oxidation_states_of_licoo2(lco, host):
    # Li+ Co3+ O2-: the formal charges of the layered oxide, summing to 0
    charges = {site.specie.symbol: site.specie.oxi_state for site in host}
    assert charges == {"Li": 1, "Co": 3, "O": -2}
    from pymatgen.core import Species

    assert not any(isinstance(sp, Species) for sp in lco.species)  # the input is left as it was


def test_isovalent_dopant_takes_the_site_charge(host):
    assert site_charges(host, {"Co": {"Ni": 0.5}}, {}) == {"Co": 3, "Ni": 3}


def test_co_doping_balances_by_hand(host):
    # 0.5 (2 - 3) + 0.5 (4 - 3) = 0 e per Co site
    charges = site_charges(host, {"Co": {"Ni": 0.5, "Mn": 0.5}}, {"Ni": 2, "Mn": 4})
    assert charges == {"Co": 3, "Ni": 2, "Mn": 4}


def test_a_charged_substitution_is_refused_with_the_imbalance(host):
    # 0.5 (2 - 3) = -0.5 e per Co site
    with pytest.raises(InvalidInputError, match=r"leaves the cell charged \(-0\.500 e per Co"):
        site_charges(host, {"Co": {"Ni": 0.5}}, {"Ni": 2})


def test_an_oxidation_state_the_dopant_never_takes_is_refused(host):
    with pytest.raises(UnsupportedMaterialError, match=r"Ni does not take the oxidation state \+5"):
        site_charges(host, {"Co": {"Ni": 0.5}}, {"Ni": 5})
