import pytest

from ssenb.errors import InvalidInputError
from ssenb.thermo import ELECTRODES, interface_reactions


def test_li_metal_reduction_of_li3ps4_by_hand(mp_table):
    """Li3PS4 + 8 Li -> 4 Li2S + Li3P: reaction energy per atom of the 16-atom mixture."""
    ef = mp_table.set_index("reduced_formula")["formation_energy_eV_atom"]
    expected = (4 * 3 * ef["Li2S"] + 4 * ef["Li3P"] - 8 * ef["Li3PS4"]) / 16
    r = interface_reactions("Li3PS4", "Li")
    kink = r.table[r.table["products"].map(lambda p: p == ["Li2S", "Li3P"])]
    assert len(kink) == 1
    assert kink["mixing_ratio"].iloc[0] == pytest.approx(8 / 16)  # electrolyte's atomic fraction
    assert kink["reaction_energy_eV_atom"].iloc[0] == pytest.approx(expected, abs=1e-9)
    assert r.min_energy <= expected + 1e-12


def test_sulfide_against_oxide_cathode_forms_phosphate_and_cobalt_sulfide():
    """Richards et al. 2016: LPS | LiCoO2 is strongly reactive, forming Li3PO4 and Co sulfides."""
    r = interface_reactions("Li3PS4", "LiCoO2")
    assert r.min_energy < -0.3
    assert "Li3PO4" in r.products and any(p.startswith("Co") and "S" in p for p in r.products)
    assert (
        r.table["reaction_energy_eV_atom"].iloc[[0, -1]].abs().max() < 1e-9
    )  # pure ends do not react


def test_stable_pair_does_not_react():
    r = interface_reactions("Li3PO4", "LiCoO2")
    assert r.min_energy == pytest.approx(0.0, abs=1e-6)


def test_li_open_interface_depends_on_mu():
    at_anode = interface_reactions("Li3PS4", "LiCoO2", open_element="Li", mu=0.0)
    charged = interface_reactions("Li3PS4", "LiCoO2", open_element="Li", mu=-4.0)
    assert at_anode.min_energy < 0 and charged.min_energy < 0
    assert at_anode.min_energy != pytest.approx(charged.min_energy)
    assert charged.open_element == "Li" and charged.mu == -4.0


def test_named_electrodes():
    assert "NMC811" in ELECTRODES
    r = interface_reactions("Li6PS5Cl", "NMC811")
    assert r.electrode == "NMC811" and r.min_energy < 0


def test_bad_interface_input():
    with pytest.raises(InvalidInputError, match="open_element"):
        interface_reactions("Li3PS4", "LiCoO2", mu=-3)
    with pytest.raises(InvalidInputError, match="reservoir"):
        interface_reactions("Li3PS4", "Li", open_element="Li")
    with pytest.raises(InvalidInputError, match="open_element='Qq' is not an element symbol"):
        interface_reactions("Li3PS4", "LiCoO2", open_element="Qq")
    with pytest.raises(InvalidInputError, match="electrode"):
        interface_reactions("Li3PS4", "LiCoOO2x")
