import numpy as np
import pytest

from ssenb.data import load_alexandria_entries, load_mp2020_entries
from ssenb.errors import InvalidInputError, UnknownNameError


def test_snapshot_size_and_columns(mp_table):
    assert len(mp_table) == 85014
    assert mp_table["reduced_formula"].is_unique
    assert (mp_table["e_above_hull_eV_atom"] >= 0).all()
    assert {
        "formula",
        "chemsys",
        "formation_energy_eV_atom",
        "decomposition_energy_eV_atom",
    } <= set(mp_table)


def test_snapshot_values_match_source_notes(mp_table):
    # SOURCE.md: LiCoO2 is -1.790 eV/atom and Li2O -2.072 eV/atom in this snapshot
    by = mp_table.set_index("reduced_formula")
    assert by.loc["LiCoO2", "formation_energy_eV_atom"] == pytest.approx(-1.790, abs=5e-4)
    assert by.loc["Li2O", "formation_energy_eV_atom"] == pytest.approx(-2.072, abs=5e-4)
    assert by.loc["Li3PS4", "chemsys"] == "Li-P-S"
    assert by.loc["Li3PS4", "e_above_hull_eV_atom"] == 0.0


def test_stable_rows_have_non_positive_decomposition_energy(mp_table):
    stable = mp_table[mp_table["e_above_hull_eV_atom"] == 0]
    assert (stable["decomposition_energy_eV_atom"] <= 0).all()
    assert 0.1 < len(stable) / len(mp_table) < 0.9


def test_mp2020_entries_carry_structures_and_corrections():
    entries = load_mp2020_entries()
    assert len(entries) == 775
    assert all(
        e.structure.composition.reduced_composition == e.composition.reduced_composition
        for e in entries[:50]
    )
    assert any("MP2020" in a.name for e in entries for a in e.energy_adjustments)


def test_alexandria_entries_get_elemental_references():
    entries = load_alexandria_entries("Li-P-S")
    assert len(entries) == 178 + 3
    refs = [e for e in entries if e.composition.is_element]
    assert sorted(str(e.composition.elements[0]) for e in refs) == ["Li", "P", "S"]


def test_unknown_demo_system():
    with pytest.raises(UnknownNameError, match="Li-P-S"):
        load_alexandria_entries("Li-Y-Cl")
    with pytest.raises(UnknownNameError, match="Li-Co-Ni-O"):
        load_mp2020_entries("Li-Fe-O")


def test_snapshot_formulas_by_chemistry(mp_table):
    from ssenb.data.mp_snapshot import snapshot_formulas

    within = snapshot_formulas(within="Li-P-S")
    expected = mp_table[mp_table["chemsys"].isin(["Li-P-S", "Li-P", "Li-S", "P-S"])]
    assert sorted(within) == sorted(expected["formula"])
    both = snapshot_formulas(contains="Li,S")
    has = mp_table["chemsys"].str.split("-").map(lambda s: {"Li", "S"} <= set(s))
    assert sorted(both) == sorted(mp_table.loc[has, "formula"])
    with pytest.raises(InvalidInputError, match="malformed"):
        snapshot_formulas(within="li-p-s")
    with pytest.raises(InvalidInputError, match=r"no compound of the snapshot has Og"):
        snapshot_formulas(contains="Li,Og")
    # written like a symbol, but no element: refused in both queries, never ignored
    for query in ({"within": "Li-Xx-S"}, {"contains": "Li,Xx"}):
        with pytest.raises(InvalidInputError, match=r"'Xx' is not an element symbol"):
            snapshot_formulas(**query)
    # a real element no compound has narrows nothing: Li-S-Og holds what Li-S holds
    assert sorted(snapshot_formulas(within="Li-S-Og")) == sorted(snapshot_formulas(within="Li-S"))


def test_snapshot_index_rows_match_the_table(mp_table):
    """Li3PS4 in the CSR matrix: 3 Li, 1 P, 4 S per formula unit, as its upstream formula says."""
    from ssenb.data.mp_snapshot import snapshot_index

    idx = snapshot_index()
    assert list(idx.formula) == list(mp_table["formula"])
    row = int(np.flatnonzero(idx.formula == "Li3P1S4")[0])
    np.testing.assert_array_equal(
        idx.amounts(np.array([row]), ["Li", "P", "S", "O"]), [[3, 1, 4, 0]]
    )
    assert idx.mask_of(["Li", "Og"]) is None
    assert row in idx.rows_within(["Li", "P", "S"]) and row not in idx.rows_within(["Li", "S"])
