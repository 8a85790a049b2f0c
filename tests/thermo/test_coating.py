from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.thermo import coating_screen, get_source, interface_reactions, stability_window
from ssenb.thermo._mixing_lp import mixing_minimum_lp
from ssenb.thermo.coating import COATING_COLUMNS, CRITERIA

ESTABLISHED = ["LiNbO3", "LiTaO3", "Li3PO4", "Li2SiO3", "Li3BO3", "LiAlO2", "Li2ZrO3", "Li4Ti5O12"]


@pytest.fixture(scope="module")
def established():
    return {
        ely: coating_screen("LiCoO2", ely, candidates=ESTABLISHED, progress=False)
        for ely in ("Li6PS5Cl", "Li7La3Zr2O12")
    }


@pytest.mark.parametrize("electrolyte", ["Li6PS5Cl", "Li7La3Zr2O12"])
def test_established_coatings_score_as_interface_reactions_and_windows(established, electrolyte):
    """Each number is the single-material function's own, to round-off (1e-11 eV/atom, V)."""
    table = established[electrolyte].table.set_index(K.COATING)
    assert sorted(table.index) == sorted(ESTABLISHED)
    for c in ESTABLISHED:
        row = table.loc[c]
        cathode = interface_reactions(c, "LiCoO2").min_energy
        ely = interface_reactions(electrolyte, c).min_energy
        window = stability_window(c)
        assert row[K.CATHODE_REACTION_ENERGY] == pytest.approx(cathode, abs=1e-11)
        assert row[K.ELECTROLYTE_REACTION_ENERGY] == pytest.approx(ely, abs=1e-11)
        assert row[K.OXIDATION_V] == pytest.approx(window.oxidation_v, abs=1e-11)
        assert row[K.REDUCTION_V] == pytest.approx(window.reduction_v, abs=1e-11)
        assert row[K.E_HULL] == 0.0 and row[K.ION_FRACTION] > 0


def test_rank_of_the_established_coatings_is_explained(established):
    """Li3PO4 hardly reacts with either side (Richards 2016: stable with LiCoO2); Li4Ti5O12 is
    oxidized below LiCoO2's own potential, so its window misses the cathode."""
    r = established["Li6PS5Cl"]
    table = r.table.set_index(K.COATING)
    assert r.cathode_voltage == pytest.approx(stability_window("LiCoO2").oxidation_v)
    assert table.loc["Li3PO4", K.CATHODE_REACTION_ENERGY] == 0.0
    assert table.loc["Li3PO4", K.ELECTROLYTE_REACTION_ENERGY] == 0.0
    assert table.loc["Li3PO4", K.PARETO_RANK] == 1
    assert "window covers cathode" in table.loc["Li4Ti5O12", K.FAILED_CRITERIA]
    assert "oxidized at 2.51 V < cathode 3.39 V" in table.loc["Li4Ti5O12", K.REASONS]
    # with MP PBE gaps: Li3PO4 (5.77 eV) meets every criterion; LiNbO3 reacts with the sulfide
    assert table.loc["Li3PO4", K.PASSES] and r.table[K.COATING].iloc[0] == "Li3PO4"
    assert table.loc["LiNbO3", K.FAILED_CRITERIA] == "inert to electrolyte"
    assert "reacts with the electrolyte (-0.109 eV/atom)" in table.loc["LiNbO3", K.REASONS]
    assert list(r.to_frame().columns) == COATING_COLUMNS
    assert all(c in K.COLUMNS for c in COATING_COLUMNS)


def test_unknown_gaps_fail_the_insulator_criterion_with_a_reason():
    r = coating_screen("LiCoO2", "Li6PS5Cl", candidates=["Li3PO4"], band_gaps={}, progress=False)
    row = r.table.iloc[0]
    assert not row[K.PASSES] and row[K.ELECTRONIC_CHARACTER] == "unknown"
    assert row[K.FAILED_CRITERIA] == "electronic insulator" and "band gap unknown" in row[K.REASONS]


def test_gaps_decide_the_insulator_criterion_and_the_best_rows_come_first():
    gaps = {"Li3PO4": 5.9, "LiNbO3": 3.4, "Li4Ti5O12": 2.3}  # PBE-like values, eV
    r = coating_screen(
        "LiCoO2", "Li7La3Zr2O12", candidates=[*ESTABLISHED[:4], "Li4Ti5O12"], band_gaps=gaps,
        progress=False,
    )  # fmt: skip
    table = r.table.set_index(K.COATING)
    assert table.loc["Li3PO4", K.PASSES] and table.loc["Li3PO4", K.FAILED_CRITERIA] == ""
    assert table.loc["Li3PO4", K.ELECTRONIC_CHARACTER] == "insulator"
    assert table.loc["Li4Ti5O12", K.ELECTRONIC_CHARACTER] == "semiconductor"
    assert r.table[K.PASSES].iloc[0]  # passing rows first
    assert set(CRITERIA) >= set(table.loc["Li4Ti5O12", K.FAILED_CRITERIA].split(", "))


def test_lp_reaction_minimum_equals_the_hull_path():
    """The slow path (FastHull.mixing_minimum) is the reference for the LP, seeded pairs."""
    src = get_source()
    rng = np.random.default_rng(0)
    pairs = [("Li-O-P-S-Cl", "Li3PO4", "Li6PS5Cl"), ("Li-O-Nb-P-S-Cl", "LiNbO3", "Li6PS5Cl")]
    pairs += [("Co-Li-O-Ti", "Li4Ti5O12", "LiCoO2"), ("La-Li-O-Zr-B", "Li3BO3", "Li7La3Zr2O12")]
    for system, a_formula, b_formula in pairs:
        hull = src.fast_hull(system.split("-"))
        els, f, e, _ = src.hull_arrays(system.split("-"))
        a, b = (_fractions(formula, els) for formula in (a_formula, b_formula))
        # also random mixtures of two phases of the system as reactants
        picks = rng.choice(len(e), size=(3, 2), replace=False)
        cases = [(a, b)] + [(np.asarray(f[i]), np.asarray(f[j])) for i, j in picks]
        for p, q in cases:
            ref = hull.mixing_minimum(p, q)
            got = mixing_minimum_lp(f, e, p, q, hull.hull_energy(p), hull.hull_energy(q))
            assert got is not None
            assert got[0] == pytest.approx(ref[0], abs=1e-11)


def _fractions(formula, elements):
    from ssenb.data import to_composition

    c = to_composition(formula)
    return np.array([c.get_atomic_fraction(el) for el in elements])


def test_an_executor_gives_the_same_table():
    kwargs = {"candidates": ESTABLISHED[:3], "progress": False}
    here = coating_screen("LiCoO2", "Li6PS5Cl", **kwargs)
    with ThreadPoolExecutor(2) as pool:
        there = coating_screen("LiCoO2", "Li6PS5Cl", executor=pool, **kwargs)
    pd.testing.assert_frame_equal(here.table, there.table)


def test_bad_rows_are_recorded_and_the_batch_goes_on():
    r = coating_screen(
        "LiCoO2",
        "Li6PS5Cl",
        candidates=["Li3PO4", "Li3Xq", "LiBaSrCaMgO5", "NaCl", "LiPbO2"],
        exclude=["toxic"],
        progress=False,
    )
    from ssenb.data import display_formula, to_composition

    t = r.table.set_index(K.COATING)
    assert "Xq is not an element symbol" in t.loc["Li3Xq", K.ERROR]  # as given
    big = display_formula(to_composition("LiBaSrCaMgO5"))
    assert "over MAX_HULL_ELEMENTS = 8" in t.loc[big, K.ERROR]
    assert t.loc["NaCl", K.REASONS] == "contains no Li: not an ion conductor"
    assert t.loc["LiPbO2", K.REASONS] == "excluded element(s) Pb"
    assert t.loc["Li3PO4", K.ERROR] is None
    with pytest.raises(InvalidInputError, match="Xq is not an element symbol"):
        coating_screen("LiCoO2", "Li6PS5Cl", candidates=["Li3Xq"], errors="raise", progress=False)


def test_cathode_without_li_needs_its_potential():
    with pytest.raises(InvalidInputError, match=r"cathode FeF3 has no Li.*cathode_voltage="):
        coating_screen("FeF3", "Li6PS5Cl", candidates=["Li3PO4"], progress=False)
    r = coating_screen(
        "FeF3", "Li6PS5Cl", candidates=["Li3PO4"], cathode_voltage=3.0, progress=False
    )
    assert r.cathode_voltage == 3.0
    with pytest.raises(InvalidInputError, match=r"cathode_voltage=-1 must lie between 0 and 10"):
        coating_screen("LiCoO2", "Li6PS5Cl", candidates=["Li3PO4"], cathode_voltage=-1)


def test_whole_source_needs_the_snapshot():
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    entries = [PDEntry(Composition(el), 0.0) for el in ("Li", "O", "Co")]
    with pytest.raises(InvalidInputError, match=r"give candidates=\[\.\.\.\]"):
        coating_screen("LiCoO2", "Li2O", source=entries, progress=False)


def test_a_reaction_not_computed_is_unknown_not_failed():
    """With the funnel on, a coating oxidized below the cathode gets no electrolyte energy."""
    r = coating_screen(
        "LiCoO2", "Li6PS5Cl", candidates=["Li4Ti5O12", "Li3PO4"], funnel=True, progress=False
    )
    row = r.table.set_index(K.COATING).loc["Li4Ti5O12"]
    assert np.isnan(row[K.ELECTROLYTE_REACTION_ENERGY])
    assert "inert to electrolyte" not in row[K.FAILED_CRITERIA]
    assert "window covers cathode" in row[K.FAILED_CRITERIA] and not row[K.PASSES]
    assert "reaction with the electrolyte not computed" in row[K.REASONS]
