"""screen(properties=...): property columns appended by the one vectorised path, never overwriting."""

import math

import pandas as pd
import pytest

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.thermo import screen


def fake_properties(formulas):
    """A hand-checkable stand-in: gap = number of distinct elements (eV)."""
    from pymatgen.core import Composition

    out = pd.DataFrame({K.BAND_GAP: [len(Composition(f)) if f else math.nan for f in formulas]})
    out.attrs["note"] = "fake gaps"
    return out


def test_property_columns_follow_the_screen_columns_and_notes():
    t = screen(["Li3PS4", "Xq2", "LiF"], progress=False, properties=fake_properties)
    assert list(t.columns[-2:]) == [K.ERROR, K.BAND_GAP]
    assert t[K.BAND_GAP].tolist()[::2] == [3, 2]  # Li-P-S, Li-F
    assert math.isnan(t[K.BAND_GAP].iloc[1])  # the failed row has no formula
    assert t.attrs["note"] == "fake gaps"


def test_the_real_property_path_gives_data_first():
    from ssenb.models import property_columns

    t = screen(["Li2O"], progress=False, properties=property_columns)
    assert t[K.MODULI_SOURCE].iloc[0] == "MP data (DFT elastic tensor)"
    assert t[K.G_OVER_G_LI].iloc[0] == pytest.approx(t[K.G_VRH].iloc[0] / 4.2)


@pytest.mark.parametrize(
    ("properties", "match"),
    [
        (lambda f: pd.DataFrame({K.E_HULL: [0.0] * len(f)}), "never overwritten"),
        (lambda f: pd.DataFrame({"x": [0.0]}), "one row per formula"),
        ("band_gap", "not a function"),
    ],
)
def test_bad_property_functions_are_refused_by_name(properties, match):
    with pytest.raises(InvalidInputError, match=match):
        screen(["Li3PS4", "LiF"], progress=False, properties=properties)
