import math

import pytest

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.results import formula_html
from ssenb.thermo import interface_reactions
from ssenb.thermo._hull import ion_voltage
from ssenb.thermo.electronic import (
    INSULATOR_GAP_EV,
    METAL_GAP_EV,
    band_gap_lookup,
    electronic_character,
    passivation_verdict,
)
from ssenb.thermo.interphases import Interphase, _product_fractions, chempot_of_voltage, interphase

# PBE gaps of the Materials Project (matbench_mp_gap rows "Li2S1" and "Li6P2"), eV
MP_GAPS = {"Li2S": 3.3862, "Li3P": 0.6996}


def test_li_metal_li3ps4_forms_li2s_and_li3p_by_hand(mp_table):
    """Li3PS4 + 8 Li -> 4 Li2S + Li3P at 0 V: 12 of 16 product atoms are Li2S."""
    ef = mp_table.set_index("reduced_formula")["formation_energy_eV_atom"]
    energy = (4 * 3 * ef["Li2S"] + 4 * ef["Li3P"] - 8 * ef["Li3PS4"]) / 16  # per mixture atom
    r = interphase("Li3PS4", "Li", band_gaps=MP_GAPS)
    p = r.products.set_index("phase")
    assert sorted(p.index) == ["Li2S", "Li3P"]
    assert p.loc["Li2S", "atomic_fraction"] == pytest.approx(12 / 16)
    assert p.loc["Li3P", "atomic_fraction"] == pytest.approx(4 / 16)
    assert r.reaction_energy == pytest.approx(energy, abs=1e-9)
    assert r.reaction == "Li3PS4 + 8 Li -> 4 Li2S + Li3P"
    mole = r.table.set_index("phase")["mole_fraction"]
    assert mole["Li2S"] == pytest.approx(0.8) and mole["Li3P"] == pytest.approx(0.2)
    # both have a gap: Li2S an insulator, Li3P a narrow-gap semiconductor at the PBE level
    assert p.loc["Li2S", "electronic_character"] == "insulator"
    assert p.loc["Li3P", "electronic_character"] == "semiconductor"
    assert p.loc["Li2S", "ion_atomic_fraction"] == pytest.approx(2 / 3)
    assert r.verdict == "passivating"
    assert any("Li3P" in why and "semiconductor" in why for why in r.reasons)
    assert r.voltage == 0.0 and r.anode_decomposition == ["Li2S", "Li3P"]


def test_lgps_with_li_is_mixed_conducting_through_the_metallic_li_ge_alloy():
    """Zhu, He & Mo 2015; Wenzel et al. 2016: LGPS | Li forms a Li-Ge alloy and keeps reacting."""
    gaps = {**MP_GAPS, "Li15Ge4": 0.0}
    r = interphase("Li10GeP2S12", "Li", band_gaps=gaps)
    assert "Li15Ge4" in r.products["phase"].tolist()
    assert r.verdict == "mixed-conducting: keeps reacting"
    assert "Li15Ge4" in r.reasons[0]


def test_unknown_gap_gives_an_unknown_verdict_not_a_guess():
    r = interphase("Li3PS4", "Li", band_gaps={"Li2S": 3.39})
    assert r.verdict == "unknown"
    assert r.reasons[0] == "unknown: product Li3P has no gap"
    assert math.isnan(r.products.set_index("phase").loc["Li3P", "band_gap_pbe_eV"])


def test_open_interphase_is_interface_reactions_at_mu_equal_minus_v():
    """Each voltage's energy and ratio are interface_reactions' own numbers at mu = -V."""
    r = interphase("Li3PO4", "LiCoO2", voltages=[3.0, 4.0], voltage=4.0, band_gaps={})
    rows = r.table
    assert interface_reactions("Li3PO4", "LiCoO2", open_element="Li", mu=-3.0).min_energy == 0
    assert 3.0 not in rows["voltage_V"].tolist()  # nothing reacts at 3 V: no product rows
    for v in (4.0,):
        ref = interface_reactions("Li3PO4", "LiCoO2", open_element="Li", mu=-v)
        at = rows[rows["voltage_V"] == v]
        assert ref.min_energy < -0.01
        assert at["reaction_energy_eV_atom"].iloc[0] == ref.min_energy
        assert at["mixing_ratio"].iloc[0] == ref.min_ratio
        assert set(at["phase"]) == set(ref.products) - {"Li"}
    assert r.reactions.mu == -4.0 and r.reactions.open_element == "Li"
    assert r.upper_v == 4.0 and r.lower_v == 3.0
    # LiCoO2 itself is delithiated above its own limit (3.39 V in this data)
    assert r.products["phase"].tolist() == ["LiCo2O4"]


def test_default_range_runs_from_the_anode_to_the_cathodes_own_potential():
    from ssenb.thermo import stability_window

    r = interphase("Li3PO4", "LiCoO2", band_gaps={})
    assert r.lower_v == 0.0
    assert r.upper_v == pytest.approx(stability_window("LiCoO2").oxidation_v)
    assert r.electrolyte_table["voltage_V"].nunique() == 9
    assert set(r.electrolyte_table["phase"]) == {"Li3PO4", "Li3P", "Li2O"}  # stable, then reduced
    assert set(r.to_frame().columns) == {
        K.VOLTAGE, K.PHASE, K.ATOMIC_FRACTION, K.MOLE_FRACTION,
        K.REACTION_ENERGY, K.MIXING_RATIO, K.REACTION,
    }  # fmt: skip
    assert all(c in K.COLUMNS for c in r.to_frame().columns)
    again = Interphase.from_dict(r.as_dict())
    assert again.verdict == r.verdict and again.table.shape == r.table.shape
    assert formula_html("Li3PO4 | LiCoO2") in r._repr_html_()


@pytest.mark.parametrize("ion", sorted(K.ION_CHARGES))
def test_voltage_and_chemical_potential_are_one_formula_for_every_ion(ion):
    for v in (0.0, 1.3, 4.2):
        assert ion_voltage(chempot_of_voltage(v, ion), 0.0, K.ion_charge(ion)) == pytest.approx(v)
    assert chempot_of_voltage(1.0, ion) == -K.ion_charge(ion)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"voltage": -0.5}, r"voltage=-0.5 is outside the physical range 0-10 V vs Li/Li⁺"),
        ({"voltages": (0, 12)}, r"voltages=12 is outside the physical range"),
        ({"voltages": "0-4"}, r"give \(lower, upper\)"),
        ({"voltage": float("nan")}, r"outside the physical range"),
    ],
)
def test_voltage_outside_the_physical_range_is_refused(kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        interphase("Li3PO4", "LiCoO2", **kwargs)


def test_ion_metal_only_at_zero_volts_and_a_cathode_without_li_needs_a_range():
    with pytest.raises(InvalidInputError, match="sits at 0 V"):
        interphase("Li3PS4", "Li", voltage=3.0)
    with pytest.raises(InvalidInputError, match=r"has no Li.*give voltages="):
        interphase("Li3PO4", "FeF3")


def test_electronic_character_thresholds():
    assert electronic_character(INSULATOR_GAP_EV) == "insulator"
    assert electronic_character(INSULATOR_GAP_EV - 1e-9) == "semiconductor"
    assert electronic_character(METAL_GAP_EV) == "semiconductor"
    assert electronic_character(METAL_GAP_EV - 1e-9) == "metal"
    assert electronic_character(math.nan) == "unknown"


def test_verdict_rules():
    assert passivation_verdict({})[0] == "no reaction"
    assert passivation_verdict({"Li": "metal"})[0] == "no reaction"  # the reservoir itself
    verdict, reasons = passivation_verdict({"Co": "metal", "X": "unknown"})
    assert verdict == "mixed-conducting: keeps reacting" and "Co is metallic" in reasons[0]
    assert passivation_verdict({"LiF": "insulator"}) == (
        "passivating",
        ["LiF: electronic insulator (PBE gap >= 3 eV)"],
    )


def test_band_gap_lookup_reads_formulas_and_refuses_nonsense():
    gaps = band_gap_lookup({"Li6P2": 0.7})
    assert gaps("Li3P") == 0.7 and math.isnan(gaps("Li2S"))
    assert band_gap_lookup(lambda f: 1.0 if f == "LiF" else None)("LiF") == 1.0
    with pytest.raises(InvalidInputError, match=r"a band gap is a finite number >= 0 eV"):
        band_gap_lookup({"LiF": -1})("LiF")
    with pytest.raises(InvalidInputError, match=r"must give a number in eV or None"):
        band_gap_lookup({"LiF": "wide"})("LiF")
    with pytest.raises(InvalidInputError, match=r"band_gaps=3; use None"):
        band_gap_lookup(3)


def test_product_fractions_read_pymatgen_formulas():
    made = _product_fractions("LiCoO2 + Li3PS4 -> 2 Li + 0.5 Co(PO3)2 + 0.5 CoS2", "Li")
    assert sorted(made) == ["CoP2O6", "CoS2"]  # the ion (reservoir) is not a product
    assert made["CoP2O6"][0] == pytest.approx(4.5 / 6)  # 0.5 * 9 atoms of 0.5 * 9 + 0.5 * 3
    assert made["CoS2"][1] == pytest.approx(0.5)


def test_default_gaps_are_the_mp_pbe_table():
    """matbench_mp_gap rows Li2S1 (3.3862 eV) and Li6P2 (0.6996 eV), read by hand."""
    r = interphase("Li3PS4", "Li")
    gaps = r.products.set_index("phase")["band_gap_pbe_eV"]
    assert gaps["Li2S"] == pytest.approx(3.3862) and gaps["Li3P"] == pytest.approx(0.6996)
    assert "Materials Project PBE" in r.gap_source and r.verdict == "passivating"
    lgps = interphase("Li10GeP2S12", "Li")  # Li15Ge4 is a metal in the data too
    assert lgps.verdict == "mixed-conducting: keeps reacting"


def test_products_carry_their_measured_conductivity():
    """OBELiX: Li3P 7.03e-4 S/cm; Li2S is not in it (NaN, no guess)."""
    r = interphase("Li3PS4", "Li", band_gaps=MP_GAPS)
    sigma = r.products.set_index("phase")["sigma_S_cm"]
    assert sigma["Li3P"] == pytest.approx(7.03e-4) and math.isnan(sigma["Li2S"])
    assert "Li3P: measured Li⁺ conductivity 7.0e-04 S/cm (OBELiX)" in r.reasons
