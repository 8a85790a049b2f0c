"""ssenb.design: substitution candidates (charge balance by hand) and the recall mining rule."""

import math

import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifWriter

from ssenb.design import mine_dopant_pairs, propose_substitutions, recall_at_k
from ssenb.design.recall import dopant_ranks
from ssenb.results import formula_html

# formal charges written out by hand, not taken from the code under test
LLZO = {"Li": 7, "La": 3, "Zr": 2, "O": 12}
LLZO_Q = {"Li": 1, "La": 3, "Zr": 4, "O": -2}


def test_ta_on_zr_in_llzo_costs_one_li_vacancy_per_ta():
    c = propose_substitutions("Li7La3Zr2O12", dopants=["Ta"], sites=["Zr"], top=None)
    row = c.table[c.table["dopant_oxidation_state"] == 5].iloc[0]
    assert row["li_per_dopant"] == -1
    assert row["compensation"] == "1 Li vacancy per dopant"
    assert row["doped_formula"] == "Li7-xLa3Zr2-xTaxO12"
    assert row["charge_balanced"]
    # Zr2 per 24-atom formula unit: 1/4 and 1/2 of Zr fit in 48 atoms, 1/16 and 1/8 do not in 64
    assert row["site_fractions"] == "0.25, 0.5"
    assert row["min_cell_atoms"] == 48


def test_ge_on_p_in_li3ps4_adds_one_li_interstitial_per_ge():
    c = propose_substitutions("Li3PS4", dopants=["Ge"], sites=["P"], top=None)
    row = c.table[c.table["dopant_oxidation_state"] == 4].iloc[0]
    assert row["li_per_dopant"] == 1
    assert row["compensation"] == "1 Li interstitial per dopant"
    assert row["doped_formula"] == "Li3+xP1-xGexS4"


def test_every_candidate_is_charge_balanced_with_hand_charges():
    c = propose_substitutions("Li7La3Zr2O12", top=None)
    ok = c.table[c.table["charge_balanced"]]
    assert len(ok) > 50
    for _, r in ok.iterrows():
        x = 0.25  # dopants per formula unit
        amounts = dict(LLZO)
        charges = dict(LLZO_Q)
        if r["site"] != "Li":  # on a Li site, li_per_dopant counts the Li replaced
            amounts[r["site"]] -= x
        amounts["Li"] += r["li_per_dopant"] * x
        net = sum(charges[e] * n for e, n in amounts.items()) + r["dopant_oxidation_state"] * x
        assert net == pytest.approx(0, abs=1e-9), r["doped_formula"]
    # ranked best first, ranks 1..n
    assert c.table["rank"].tolist() == list(range(1, len(c.table) + 1))
    assert (ok["substitution_probability"] > 0).all()


def test_a_dopant_that_cannot_be_balanced_is_flagged_with_a_reason():
    c = propose_substitutions("Li3PS4", dopants=["F", "Ta"], sites=["P", "Li"], top=None)
    t = c.table
    f_on_p = t[(t["dopant"] == "F") & (t["site"] == "P")].iloc[0]
    assert not f_on_p["charge_balanced"]
    assert (
        "cannot be charge-balanced" in f_on_p["reasons"] and "opposite charge" in f_on_p["reasons"]
    )
    # Ta5+ on Li+ takes 5 Li per Ta: 1/2 of the 3 Li would need 7.5 Li, more than there is
    ta_on_li = t[(t["dopant"] == "Ta") & (t["site"] == "Li") & (t["dopant_oxidation_state"] == 5)]
    assert ta_on_li.iloc[0]["li_per_dopant"] == -5
    assert ta_on_li.iloc[0]["compensation"] == "replaces 1 Li and 4 Li vacancies per dopant"
    assert "0.5 needs more Li than the host has" in ta_on_li.iloc[0]["reasons"]
    assert "0.5" not in ta_on_li.iloc[0]["site_fractions"].split(", ")
    # the flagged rows come after every balanced one
    assert t["charge_balanced"].tolist() == sorted(t["charge_balanced"], reverse=True)


def test_structure_host_gives_coordination_and_its_radii():
    s = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.2), ["Li", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    s.replace(0, "Mg")
    s.replace(1, "Zr")  # ordered rock salt Li2MgZrO4: 1 + 1 + 2 + 4 = 4 x 2
    s.add_oxidation_state_by_element({"Li": 1, "Mg": 2, "Zr": 4, "O": -2})
    c = propose_substitutions(s, dopants=["Zn"], sites=["Mg"], top=None)
    row = c.table.iloc[0]
    assert row["coordination"] == 6
    assert row["site_radius_A"] == pytest.approx(0.72)  # Shannon Mg2+ VI
    assert row["dopant_radius_A"] == pytest.approx(0.74)  # Shannon Zn2+ VI
    assert row["compensation"] == "isovalent: no compensation"
    assert c.oxidation_method == "given with the structure"


def test_result_frame_html_and_json_round_trip():
    c = propose_substitutions("Li3PS4", dopants=["Ge", "Si"], top=5)
    back = type(c).from_dict(c.as_dict())
    pd.testing.assert_frame_equal(back.to_frame(), c.to_frame())
    html = c._repr_html_()
    assert formula_html("Li3PS4") in html and "Si<sup>4+</sup> on P" in html  # an ion, not Si4


# --- the recall mining rule -----------------------------------------------------------
SYNTHETIC = pd.DataFrame(
    {
        "reduced_composition": [
            "Li7La3Zr2O12",
            "Li6.5La3Zr1.5Ta0.5O12",  # Ta on Zr, one Li vacancy each
            "Li6.25La3Zr2Ga0.25O12",  # Ga on Li: La, Zr, O unchanged, Li fell
            "Li6La3ZrTaNbO12",  # two new elements: not a single doping
            "Li3PS4",
            "Li3.25Ge0.25P0.75S4",  # Ge on P
            "Li4Ge0.9P0.1S4",  # 0.9 Ge per P: over half the site, not a dopant
            "Li7P3S11",  # same elements as Li3PS4, nothing new
            "not a formula",
        ]
    }
)


def test_mining_rule_on_a_hand_made_frame():
    pairs = mine_dopant_pairs(SYNTHETIC)
    got = sorted(zip(pairs["parent"], pairs["variant"], pairs["dopant"], pairs["site"]))
    assert got == [
        ("Li3PS4", "Li3.25Ge0.25P0.75S4", "Ge", "P"),
        ("Li7La3Zr2O12", "Li6.25La3Zr2Ga0.25O12", "Ga", "Li"),
        ("Li7La3Zr2O12", "Li6.5La3Zr1.5Ta0.5O12", "Ta", "Zr"),
    ]
    x = dict(zip(pairs["dopant"], pairs["dopant_per_formula_unit"]))
    assert x == pytest.approx({"Ge": 0.25, "Ga": 0.25, "Ta": 0.5})


def test_recall_counts_distinct_triples_and_refused_parents_as_misses():
    pairs = pd.DataFrame(
        {"parent": ["Li7La3Zr2O12", "La2Zr2O7"], "variant": ["v1", "v2"],
         "dopant": ["Ta", "Ce"], "site": ["Zr", "Zr"], "dopant_per_formula_unit": [0.5, 0.1]}
    )  # fmt: skip
    ranks = dopant_ranks(pairs)
    assert ranks.loc[0, "rank_site_and_dopant"] >= 1 and ranks.loc[0, "error"] == ""
    assert math.isnan(ranks.loc[1, "rank_site_and_dopant"])
    assert "has no Li" in ranks.loc[1, "error"]
    assert ranks.loc[0, "n_choices"] > 50 and ranks.loc[1, "n_choices"] == 0
    r = recall_at_k(ranks, ks=[1000])
    assert r.loc[0, "n_pairs"] == 2 and r.loc[0, "recall_site_and_dopant"] == 0.5
    # random ranking: the first parent's choices all fit in 1000, the refused one has none
    assert r.loc[0, "random_site_and_dopant"] == 0.5


def test_random_baseline_is_k_over_the_number_of_choices():
    r = pd.DataFrame(
        {"parent": ["A", "B"], "dopant": ["X", "Y"], "site": ["Zr", "P"],
         "rank_site_and_dopant": [1, 40], "rank_dopant_any_site": [1, 30], "n_choices": [10, 100]}
    )  # fmt: skip
    got = recall_at_k(r, ks=[5, 20])
    assert got["random_site_and_dopant"].tolist() == pytest.approx(
        [(0.5 + 0.05) / 2, (1 + 0.2) / 2]
    )
    assert got["recall_site_and_dopant"].tolist() == [0.5, 0.5]


def test_ga_on_li_in_llzo_replaces_one_li_and_leaves_two_vacancies():
    c = propose_substitutions("Li7La3Zr2O12", dopants=["Ga"], sites=["Li"], top=None)
    row = c.table[c.table["dopant_oxidation_state"] == 3].iloc[0]
    assert row["doped_formula"] == "Li7-3xGaxLa3Zr2O12"  # 7 - 3x + 3x = 7 positive charges
    assert row["compensation"] == "replaces 1 Li and 2 Li vacancies per dopant"


def test_a_cif_path_is_read_through_the_bounded_reader(tmp_path):
    s = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.2), ["Li", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    s.replace(0, "Mg")
    s.replace(1, "Zr")
    path = tmp_path / "Li2MgZrO4.cif"
    CifWriter(s).write_file(str(path))  # P1, no symmetry search
    c = propose_substitutions(path, dopants=["Zn"], sites=["Mg"])
    assert c.host == "Li2MgZrO4"
    assert c.table.loc[0, "coordination"] == 6  # octahedral rock salt site


def test_probability_table_equals_pymatgens_cond_prob():
    """The numpy table (built once) against pymatgen's SubstitutionProbability, its reference."""
    from pymatgen.analysis.structure_prediction.substitution_probability import (
        SubstitutionProbability,
    )
    from pymatgen.core import Species

    from ssenb.design.propose import _lambda_table

    index, cond = _lambda_table()
    ref = SubstitutionProbability()
    assert set(index) == {str(s) for s in ref.species}
    for dop, site in [
        ("Ta5+", "Zr4+"),
        ("Ge4+", "P5+"),
        ("Ga3+", "Li+"),
        ("Br-", "Cl-"),
        ("Xe2+", "O2-"),
    ]:
        expected = ref.cond_prob(Species.from_str(dop), Species.from_str(site))
        assert cond[index[dop], index[site]] == pytest.approx(expected, rel=1e-12)


def test_radii_are_compared_at_one_coordination_and_a_missing_radius_is_not_within():
    # zinc blende Li3SbS4 (8 atoms): every cation tetrahedral. Sb5+ has a Shannon radius only
    # at CN 6 (0.60 A), so Ge4+ must be compared at CN 6 too (0.53 A): -11.7 %, within 15 %
    # (at CN 4 Ge4+ is 0.39 A, which against Sb5+'s mean radius read -49 % before)
    s = Structure.from_spacegroup(
        "F-43m", Lattice.cubic(5.6), ["Li", "S"], [[0, 0, 0], [0.25, 0.25, 0.25]]
    )
    s.replace(0, "Sb")
    s.add_oxidation_state_by_element({"Li": 1, "Sb": 5, "S": -2})
    c = propose_substitutions(s, dopants=["Ge"], sites=["Sb"], top=None)
    t = c.table.set_index("dopant_oxidation_state")
    assert t.loc[4, "coordination"] == 4
    assert t.loc[4, "site_radius_A"] == pytest.approx(0.60)
    assert t.loc[4, "dopant_radius_A"] == pytest.approx(0.53)
    assert t.loc[4, "radius_mismatch_pct"] == pytest.approx(100 * (0.53 - 0.60) / 0.60)
    assert "at CN 6" in t.loc[4, "reasons"]
    assert t.loc[4, "li_per_dopant"] == 1  # 1 Li interstitial per Ge4+
    # Ge3+ has no Shannon radius: the size rule cannot vouch for it, so it ranks after Ge4+
    # (which is within the tolerance) even if its probability were higher
    assert math.isnan(t.loc[3, "radius_mismatch_pct"])
    assert "no ionic radius" in t.loc[3, "reasons"]
    assert t.loc[3, "rank"] > t.loc[4, "rank"]
