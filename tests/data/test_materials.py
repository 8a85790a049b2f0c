"""The one formula parser: hand-counted compositions and the amount rule's limits."""

import pandas as pd
import pytest
from pymatgen.core import Composition, Element, Lattice, Structure

from ssenb.data.materials import MAX_AMOUNT, MIN_AMOUNT, to_composition, to_element
from ssenb.errors import InvalidInputError


def test_obelix_hydrate_row_parses_to_the_hand_count():
    """Li3(Mo8S8O8(OH)8(HWO5(H2O)))*(H2O)18, counted by hand:
    O = 8 + 8 (OH) + 5 (HWO5) + 1 (H2O) + 18 (water) = 40; H = 8 + 1 + 2 + 36 = 47."""
    comp = to_composition("Li3(Mo8S8O8(OH)8(HWO5(H2O)))*(H2O)18")
    assert comp == Composition({"Li": 3, "Mo": 8, "S": 8, "O": 40, "H": 47, "W": 1})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CuSO4·5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),  # multiplier on the water
        ("CuSO4*5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
        ("Li3PS4*(H2O)2", {"Li": 3, "P": 1, "S": 4, "H": 4, "O": 2}),
        ("LiCl·0.5H2O", {"Li": 1, "Cl": 1, "H": 1, "O": 0.5}),
        ("Li56.0La24.0Zr16.0O96.0", {"Li": 56, "La": 24, "Zr": 16, "O": 96}),  # OBELiX style
    ],
)
def test_joined_and_decimal_formulas(text, expected):
    assert to_composition(text) == Composition(expected)


def test_every_formula_shipped_with_ssenb_is_inside_the_limits(mirror, mp_table):
    """The limits were chosen so all OBELiX train and MP snapshot formulas fit well under."""
    raw = pd.read_csv(mirror / "obelix" / "train.csv", dtype=str, keep_default_na=False)
    formulas = [*raw["Reduced Composition"], *raw["True Composition"], *mp_table["formula"]]
    amounts = [float(a) for f in formulas for a in to_composition(f).values()]
    assert max(amounts) == 149.0  # Mg149Zr in the MP snapshot
    assert max(amounts) * 10 < MAX_AMOUNT
    assert min(amounts) == pytest.approx(0.01)  # OBELiX dopant level
    assert min(amounts) / 10 > MIN_AMOUNT


@pytest.mark.parametrize("value", [MAX_AMOUNT, MIN_AMOUNT])
def test_the_limits_themselves_are_accepted(value):
    assert to_composition(f"Li{value:g}P")["Li"] == pytest.approx(value)


def test_objects_follow_the_same_amount_rule():
    s = Structure(Lattice.cubic(4.0), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    assert to_composition(s) == Composition("LiF")
    with pytest.raises(InvalidInputError, match=r"amount of Li \(1e\+21\)"):
        to_composition(Composition({"Li": 1e21, "P": 1}))
    with pytest.raises(InvalidInputError, match=r"amount of P \(1e-05\) is below"):
        to_composition(Composition({"Li": 1, "P": 1e-5}))


def test_oxidation_states_are_dropped():
    comp = to_composition(Composition({"Li+": 3, "P5+": 1, "S2-": 4}))
    assert comp == Composition("Li3PS4") and all(isinstance(e, Element) for e in comp)


def test_to_element_accepts_symbols_and_elements():
    assert to_element("Na") == Element("Na")
    assert to_element(Element("K")) == Element("K")
    assert to_element(" Li ") == Element("Li")


def test_display_formula_orders_by_electronegativity_without_warning():
    """Pauling X: Li 0.98 < Ge 2.01 < P 2.19 < S 2.58; Ar has none, so it goes last."""
    import warnings

    from ssenb.data import display_formula

    assert display_formula(Composition("S12P2GeLi10")) == "Li10GeP2S12"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pymatgen warns on Ar.X; ssenb must not pass it on
        assert display_formula(Composition({"Ar": 1, "Li": 2})) == "Li2Ar"
