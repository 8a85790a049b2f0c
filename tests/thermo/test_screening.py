"""The vectorised batch path against pymatgen's per-material results (the reference)."""

import math

import pytest

from ssenb.errors import InvalidInputError, UnsupportedMaterialError
from ssenb.thermo import phase_stability, screen, stability_window

KNOWN = ["Li3PS4", "Li10GeP2S12", "Li7La3Zr2O12", "LiF", "GeS2", "Li3InCl6", "Li3YCl6", "Li6PS5Cl"]


def test_screen_equals_per_material_pymatgen(mp_table):
    sample = (
        mp_table[mp_table["chemsys"].str.contains("Li")]
        .sample(25, random_state=7)["formula"]
        .tolist()
    )
    formulas = KNOWN + sample
    fast = screen(formulas, progress=False)
    assert list(fast["input"]) == formulas
    for formula, row in zip(formulas, fast.itertuples()):
        w = stability_window(formula)
        assert row.reduction_V == pytest.approx(w.reduction_v, abs=1e-6), formula
        if math.isinf(w.oxidation_v):
            assert math.isinf(row.oxidation_V)
        else:
            assert row.oxidation_V == pytest.approx(w.oxidation_v, abs=1e-6), formula
        s = phase_stability(formula)
        if s.in_data:
            assert row.e_above_hull_eV_atom == pytest.approx(s.e_above_hull, abs=1e-6), formula
        else:
            assert math.isnan(row.e_above_hull_eV_atom)
        assert set(row.decomposition) == set(s.decomposition), formula


def test_sodium_screen_matches():
    fast = screen(["Na3PS4", "NaF"], ion="Na", progress=False)
    assert fast["reduction_V"].tolist() == pytest.approx(
        [stability_window(f, ion="Na").reduction_v for f in ["Na3PS4", "NaF"]]
    )


def test_bad_rows_are_recorded_and_the_batch_goes_on():
    out = screen(["Li3PS4", "notaformula!", "LiHe", "Li3PO4"], progress=False)
    assert out["error"].isna().tolist() == [True, False, False, True]
    assert "not a chemical formula" in out.loc[1, "error"]
    assert "He" in out.loc[2, "error"]
    assert out.loc[3, "oxidation_V"] == pytest.approx(4.21, abs=0.05)


def test_raise_mode_and_bad_option():
    with pytest.raises(UnsupportedMaterialError):
        screen(["LiHe"], errors="raise", progress=False)
    with pytest.raises(InvalidInputError, match="errors="):
        screen(["Li3PS4"], errors="ignore", progress=False)
