"""Fault battery, interphases and coatings: hostile input gets ssenb's own error or a flagged row."""

import pytest

from ssenb import keys as K
from ssenb.cli import main
from ssenb.errors import InvalidInputError, UnsupportedMaterialError
from ssenb.thermo import coating_screen, interphase


def test_electrode_and_electrolyte_that_share_no_chemistry():
    r = interphase("LiF", "Au", voltages=[4.0], band_gaps={})
    assert r.verdict == "no reaction" and len(r.table) == 0
    assert "LiF and Au share no element" in r.reasons[-1]
    with pytest.raises(UnsupportedMaterialError, match=r"Xe are not covered by the MP ~2019"):
        interphase("Li3PS4", "Xe", voltages=(1.0, 2.0))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"voltage": -1.0}, r"voltage=-1.0 is outside the physical range 0-10 V"),
        ({"voltages": (0.0, 11.0)}, r"voltages=11.0 is outside the physical range"),
        ({"voltages": ["a", 2]}, r"voltages='a' is not a number"),
        ({"voltages": []}, r"voltages=\[\] is empty"),
        ({"voltage": 4.0, "ion": "Qq"}, r"ion='Qq'"),
    ],
)
def test_voltage_outside_the_physical_range(kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        interphase("Li3PO4", "LiCoO2", **kwargs)


def test_cathode_with_no_li():
    with pytest.raises(InvalidInputError, match=r"electrode FeF3 has no Li.*voltages="):
        interphase("Li3PO4", "FeF3")
    with pytest.raises(InvalidInputError, match=r"cathode FeF3 has no Li.*cathode_voltage="):
        coating_screen("FeF3", "Li3PS4", candidates=["Li3PO4"], progress=False)
    assert main(["coatings", "FeF3", "Li3PS4", "Li3PO4", "-q"]) == 2


def test_candidates_with_unknown_gaps_are_flagged_not_guessed():
    r = coating_screen("LiCoO2", "Li3PS4", candidates=["Li3PO4"], band_gaps={}, progress=False)
    row = r.table.iloc[0]
    assert row[K.ELECTRONIC_CHARACTER] == "unknown" and not row[K.PASSES]
    assert "band gap unknown" in row[K.REASONS]
    i = interphase("Li3PS4", "Li", band_gaps={"Li2S": 3.4})
    assert i.verdict == "unknown" and i.reasons[0] == "unknown: product Li3P has no gap"


def test_cell_too_large():
    big = "Li6.4Ga0.2La3Zr1.4Ta0.6O12"  # 6 elements; with NMC811's Ni, Mn, Co: 9 > 8
    with pytest.raises(InvalidInputError, match=r"9 elements; hulls are limited to"):
        interphase(big, "NMC811", voltages=(3.0, 4.0))
    r = coating_screen("NMC811", "Li6PS5Cl", candidates=[big, "Li3PO4"], progress=False)
    flagged = r.table[r.table[K.ERROR].notna()]
    assert len(flagged) == 1 and "over MAX_HULL_ELEMENTS = 8" in flagged[K.ERROR].iloc[0]


def test_bad_band_gap_input_and_bad_options():
    with pytest.raises(InvalidInputError, match=r"a band gap is a finite number >= 0 eV"):
        interphase("Li3PS4", "Li", band_gaps={"Li2S": float("inf")})
    with pytest.raises(InvalidInputError, match=r"candidates='LiF' is not a list"):
        coating_screen("LiCoO2", "Li3PS4", candidates="LiF", progress=False)
    with pytest.raises(InvalidInputError, match=r"errors='skip'; use one of"):
        coating_screen("LiCoO2", "Li3PS4", candidates=["LiF"], errors="skip")
    with pytest.raises(InvalidInputError, match=r"exclude='Qq' is not an element symbol|Qq"):
        coating_screen("LiCoO2", "Li3PS4", candidates=["LiF"], exclude=["Qq"], progress=False)
    assert main(["coatings", "LiCoO2", "Li3PS4", "Li3Xq"]) == 2
