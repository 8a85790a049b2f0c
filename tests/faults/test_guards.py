"""Fault battery, guards: amounts and symbols that would make the work absurd or wrong.

One rule (ssenb.data.materials) decides for every entry point; these tests call it
directly and through featurize, so a new entry point should be added here.
"""

import numpy as np
import pytest
from pymatgen.core import Composition

from ssenb.data.materials import MAX_FORMULA_CHARS, to_composition, to_element
from ssenb.errors import InvalidInputError
from ssenb.features import featurize


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Li1e400S", r"amount '1e400' is not a finite number"),  # was pymatgen's OverflowError
        ("Li1e21PS4", r"amount '1e21' exceeds the limit of 10000"),
        ("Li0PS4", r"amount '0' is zero"),  # was silently PS4
        ("Li0.0PS4", r"amount '0.0' is zero"),
        ("Li1e-7PS4", r"amount '1e-7' is below the limit"),
        ("Li-1PS4", r"contains '-'"),
        ("Li3PS4*0H2O", r"multiplier '0' is zero"),
        ("(Li2S)5001P", r"amount of Li \(10002\) exceeds"),  # the product, after parsing
        ("Li3PS4*", r"empty part"),
        ("Li3PS4**H2O", r"empty part"),
        ("li3ps4", r"capital letter"),
        ("li", r"did you mean 'Li'\?"),
        ("Li3Xq", r"Xq is not an element symbol"),
        ("Li3PS4!", r"contains '!'"),
        ("Li" * (MAX_FORMULA_CHARS // 2 + 1), r"at most 1000"),
        ("   ", r"is empty"),
    ],
)
def test_malformed_or_absurd_formula_is_an_input_error(text, match):
    with pytest.raises(InvalidInputError, match=match):
        to_composition(text)


@pytest.mark.parametrize("bad", [12, 3.5, None, ["Li3PS4"], {"Li": 3}])
def test_a_non_material_is_refused_by_type(bad):
    with pytest.raises(InvalidInputError, match="must be a formula string"):
        to_composition(bad)


@pytest.mark.parametrize(
    ("symbol", "match"),
    [
        ("li", r"ion='li' is not an element symbol; symbols are capitalised: did you mean 'Li'\?"),
        ("NA", r"did you mean 'Na'\?"),
        ("Xx", r"'Xx' is not an element symbol; use e.g. 'Li'"),
        ("Li+", r"not an element symbol"),
        ("", r"not an element symbol"),
        (3, r"must be an element symbol string"),
    ],
)
def test_malformed_ion_names_the_malformation(symbol, match):
    with pytest.raises(InvalidInputError, match=match):
        to_element(symbol)


@pytest.mark.parametrize("bad", [12, 3.5, {"Li3PS4": 1}, {"Li3PS4"}, b"Li3PS4"])
def test_featurize_refuses_a_non_material_argument(bad):
    with pytest.raises(InvalidInputError, match="materials must be"):
        featurize(bad, progress=False)


def test_featurize_records_absurd_rows_and_keeps_the_others():
    """Li1e400S used to give 61 NaN features with no error recorded."""
    table = featurize(
        ["Li1e400S", "Li3PS4", "Li0PS4", 12, None, Composition({"Li": 1e21, "P": 1})],
        progress=False,
    )
    errors = table["error"].tolist()
    assert errors[1] is None
    assert np.isfinite(table.drop(columns="error").iloc[1].to_numpy(float)).all()
    assert "not a finite number" in errors[0]
    assert "is zero" in errors[2]
    assert "not a material: int" in errors[3]
    assert "no composition" in errors[4]
    assert "exceeds the limit" in errors[5]
    bad = table.drop(columns="error").iloc[[0, 2, 3, 4, 5]].to_numpy(float)
    assert np.isnan(bad).all()


def test_featurize_raise_mode_names_the_row():
    from ssenb.errors import FeaturizationError

    with pytest.raises(FeaturizationError, match=r"row 1.*not a finite number"):
        featurize(["Li3PS4", "Li1e400S"], errors="raise", progress=False)


@pytest.mark.parametrize(
    ("material", "ion", "match"),
    [
        ("Li1e21PS4", "Li", r"exceeds the limit"),  # was a 3.76 V - inf window
        ("Li0PS4", "Li", r"is zero"),  # was analysed as PS4
        ("Li1e400S", "Li", r"not a finite number"),  # was pymatgen's OverflowError
        ("Li3PS4", "li", r"did you mean 'Li'\?"),  # was "not covered by the MP data"
    ],
)
def test_thermodynamics_entry_points_use_the_same_rule(material, ion, match):
    from ssenb.thermo import stability_window

    with pytest.raises(InvalidInputError, match=match):
        stability_window(material, ion=ion)
