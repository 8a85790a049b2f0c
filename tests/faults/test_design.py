"""Fault battery, ssenb.design: hosts and dopants the proposer cannot use, refused by name."""

import pytest
from pymatgen.core import Lattice, Structure

from ssenb.design import propose_substitutions
from ssenb.errors import InvalidInputError, UnsupportedMaterialError


def test_a_host_without_li_is_refused():
    with pytest.raises(UnsupportedMaterialError, match=r"host La2Zr2O7 has no Li.*vacancies"):
        propose_substitutions("La2Zr2O7")


def test_a_disordered_host_is_refused_with_the_fix():
    s = Structure(Lattice.cubic(4.0), [{"Li": 0.5, "Na": 0.5}, "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    with pytest.raises(UnsupportedMaterialError, match=r"disordered.*pass the formula"):
        propose_substitutions(s)


def test_a_host_without_charge_balanced_states_is_refused():
    with pytest.raises(UnsupportedMaterialError, match=r"no charge-balanced oxidation states"):
        propose_substitutions("LiNa")  # two cations, no anion


def test_a_dopant_that_cannot_be_balanced_is_flagged_not_proposed():
    # Cl- has the wrong sign for P5+; Cl3+, Cl5+, Cl7+ would be cations more
    # electronegative than S2- (Pauling test)
    c = propose_substitutions("Li3PS4", dopants=["Cl"], sites=["P"], top=None)
    assert len(c.table) == 4 and not c.table["charge_balanced"].any()
    reasons = c.table.set_index("dopant_oxidation_state")["reasons"]
    assert "opposite charge" in reasons[-1]
    assert "at least as electronegative as the anion S (Pauling test)" in reasons[7]
    assert reasons.str.startswith("cannot be charge-balanced").all()
    c = propose_substitutions("Li3PS4", dopants=["Ne"], sites=["P"], top=None)
    assert "not in the substitution table" in c.table.loc[0, "reasons"]


def test_a_fraction_no_cell_within_the_bound_realises_is_refused():
    with pytest.raises(InvalidInputError, match=r"fraction 0.01 of a site is realised by no cell"):
        propose_substitutions("Li3PS4", fractions=[0.01])
    with pytest.raises(InvalidInputError, match=r"fractions=\[1.5\]"):
        propose_substitutions("Li3PS4", fractions=[1.5])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"host": "Li3PS4", "dopants": ["Xx"]}, r"are not element symbols"),
        ({"host": "Li3PS4", "sites": ["Ge"]}, r"not in host Li3PS4"),
        ({"host": "Li3PS4", "max_atoms": 0}, r"max_atoms=0"),
        ({"host": "Li3PS4", "rank_by": "luck"}, r"rank_by='luck'"),
        ({"host": "missing.cif"}, r"no such CIF file"),
        ({"host": 42}, r"not int"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        propose_substitutions(**kwargs)
