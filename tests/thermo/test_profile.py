"""The ion profile's two paths on a hand-made hull, and how reactions are written."""

import pytest
from pymatgen.analysis.phase_diagram import PDEntry
from pymatgen.core import Composition

from ssenb.thermo import get_source
from ssenb.thermo._profile import fast_ion_profile, formula_atoms, reaction_text
from ssenb.thermo.window import window_of

# A toy Li-S hull: Li2S at -1.5 eV/atom, LiS at -1.2 eV/atom (below the Li2S-S tie line,
# -1.125 eV/atom at LiS, so both are stable). By hand, per Li atom moved:
#   LiS + Li -> Li2S: 3(-1.5) - 2(-1.2) = -2.1 eV, so Li2S | LiS at 2.1 V vs Li/Li+;
#   S + Li -> LiS:    2(-1.2)           = -2.4 eV, so LiS | S at 2.4 V.
TOY = [
    PDEntry(Composition("Li"), 0.0),
    PDEntry(Composition("S"), 0.0),
    PDEntry(Composition("Li2S"), 3 * -1.5),
    PDEntry(Composition("LiS"), 2 * -1.2),
]


@pytest.mark.parametrize(
    ("terms", "text"),
    [
        (
            [("Li3PS4", -1.0), ("Li2S", 4.0), ("Li3P", 1.0), ("Li", -8.0)],
            "Li3PS4 + 8 Li -> 4 Li2S + Li3P",
        ),
        ([("Li2S", -1.0), ("S", 1.0), ("Li", 2.0)], "Li2S -> S + 2 Li"),
        ([("Li3PS4", -1.0), ("Li3PS4", 1.0), ("Li", 3e-16)], "Li3PS4 -> Li3PS4"),  # ~0 left out
        ([("A", -2.0), ("B", 1 / 3)], "2 A -> 0.3333 B"),  # 4 significant digits
        # a tie written the same way whatever the round-off (half to even: 20.12)
        ([("X", -1.0), ("Li", -20.125 + 1e-13)], "X + 20.12 Li -> "),
        ([("X", -1.0), ("Li", -20.125 - 1e-13)], "X + 20.12 Li -> "),
    ],
)
def test_reaction_text(terms, text):
    assert reaction_text(terms) == text


@pytest.mark.parametrize(
    ("name", "atoms"), [("Li2O2", 4), ("O2", 2), ("S", 1), ("Li10GeP2S12", 25), ("Li0.5CoO2", 3.5)]
)
def test_formula_atoms(name, atoms):
    assert formula_atoms(name) == atoms


def test_toy_profile_by_hand():
    src = get_source(TOY)
    hull = src.fast_hull(["Li", "S"])
    p = fast_ion_profile(hull, Composition("Li2S"), "Li")
    assert p["voltage_V"].tolist() == pytest.approx([0.0, 2.1, 2.4], abs=1e-12)
    assert p["ion_per_formula_unit"].tolist() == pytest.approx([0.0, -1.0, -2.0], abs=1e-12)
    assert p["products"].tolist() == [["Li2S"], ["LiS"], ["S"]]
    assert p["reaction"].tolist() == ["Li2S -> Li2S", "Li2S -> LiS + Li", "Li2S -> S + 2 Li"]
    # the material without Li: S takes up Li (LiS at 2.4 V, Li2S at 2.1 V), never releases it
    p = fast_ion_profile(hull, Composition("S"), "Li")
    assert p["ion_per_formula_unit"].tolist() == pytest.approx([2.0, 1.0, 0.0], abs=1e-12)
    assert p["reaction"].tolist() == ["S + 2 Li -> Li2S", "S + Li -> LiS", "S -> S"]


@pytest.mark.parametrize("formula", ["Li2S", "LiS", "Li3S2", "S", "Li4S"])
def test_toy_window_both_paths(formula):
    src = get_source(TOY)
    comp = Composition(formula)
    fast = window_of(comp, "Li", src)
    ref = window_of(comp, "Li", src, reference=True)
    assert fast.profile.drop(
        columns=["voltage_V", "voltage_upper_V", "ion_per_formula_unit"]
    ).equals(ref.profile.drop(columns=["voltage_V", "voltage_upper_V", "ion_per_formula_unit"]))
    for col in ("voltage_V", "ion_per_formula_unit"):
        assert fast.profile[col].tolist() == pytest.approx(ref.profile[col].tolist(), abs=1e-9)
    assert (fast.reduction_v, fast.oxidation_v) == pytest.approx((ref.reduction_v, ref.oxidation_v))


def test_toy_windows_by_hand():
    src = get_source(TOY)
    li2s = window_of(Composition("Li2S"), "Li", src)
    assert (li2s.reduction_v, li2s.oxidation_v) == pytest.approx((0.0, 2.1))
    assert li2s.oxidation_products == ["LiS"]
    lis = window_of(Composition("LiS"), "Li", src)
    assert (lis.reduction_v, lis.oxidation_v) == pytest.approx((2.1, 2.4))
    assert lis.reduction_products == ["Li2S"] and lis.oxidation_products == ["S"]
    # Li3S2 (not an entry) = Li2S + LiS: stable between 2.1 and 2.1 V, i.e. a zero-width window
    mix = window_of(Composition("Li3S2"), "Li", src)
    assert not mix.in_data and mix.width_v == pytest.approx(0.0, abs=1e-12)
