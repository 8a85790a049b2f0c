"""Liverpool Ionics and Laskowski et al. loaders: every line read or its reason recorded."""

import math

import pytest

from ssenb.data.conductivity_extra import (
    COLUMNS,
    ROOM_TEMPERATURE_C,
    in_room_temperature_window,
    load_laskowski,
    load_liverpool_ionics,
    parse_laskowski,
    parse_liverpool,
    read_formula,
)
from ssenb.errors import InvalidInputError


@pytest.fixture(scope="module")
def liverpool(mirror):
    return load_liverpool_ionics()


@pytest.fixture(scope="module")
def laskowski(mirror):
    return load_laskowski()


def test_liverpool_rows_carry_units_temperature_doi_source_and_id(liverpool):
    assert len(liverpool) == 820  # one row per line of the file (SOURCE.md: 820 rows)
    assert set(COLUMNS) <= set(liverpool.columns)
    assert liverpool["parse_error"].isna().all()
    # ID 26 of the file: Li1.3Al0.3Ti1.7(PO4)3 (LATP), 6.20E-03 S/cm at 24.85 °C
    row = liverpool.set_index("source_id").loc["26"]
    assert row["reduced_composition"].reduced_formula == "Li1.3Ti1.7Al0.3P3O12"
    assert row["sigma_S_cm"] == pytest.approx(6.2e-3)
    assert row["log10_sigma"] == pytest.approx(math.log10(6.2e-3))
    assert row["temperature_C"] == 24.85 and row["room_temperature"]
    assert row["doi"] == "10.1016/j.ssi.2014.07.018" and row["source"] == "liverpool"
    # ID 265 was measured at 290 °C: kept, but not room temperature
    hot = liverpool.set_index("source_id").loc["265"]
    assert hot["temperature_C"] == 290 and not hot["room_temperature"]
    t = liverpool["temperature_C"]
    assert liverpool["room_temperature"].equals((t >= 15) & (t <= 35))
    assert 5 <= t.min() and t.max() == 873  # SOURCE.md: 5-873 °C


def test_laskowski_lines_are_read_or_their_reason_recorded(laskowski):
    assert len(laskowski) == 1928  # every line of the file
    assert laskowski["source_id"].iloc[0] == "line 1"
    ok = laskowski["parse_error"].isna()
    assert ok.sum() > 850 and (~ok).sum() > 900  # about half the lines are broken renderings
    assert laskowski.loc[ok, "sigma_S_cm"].notna().all()
    assert laskowski.loc[~ok, "sigma_S_cm"].isna().all()
    assert laskowski["room_temperature"].all() and laskowski["temperature_C"].isna().all()
    first = laskowski.iloc[0]  # "LiAlSi3O8, 1.30E-10̅,,C-1,2,,81980,1": overline dropped
    assert first["sigma_S_cm"] == pytest.approx(1.3e-10) and first["doi"] == "10.1039/c4cp03609c"
    li7bio6 = laskowski.iloc[2]  # reference 3 -> 10.1021/ic030208w (lookup table)
    assert li7bio6["activation_energy_eV"] == pytest.approx(0.58)
    assert li7bio6["doi"] == "10.1021/ic030208w" and li7bio6["icsd_id"] == "155950"
    wrapped = laskowski.iloc[14]  # '"",,,,,O10,,': the tail of a wrapped row
    assert "wrapped PDF row" in wrapped["parse_error"]
    hafnium = laskowski.iloc[15]  # "Li0.91Hf2.022(PO )  4 3": subscripts displaced
    assert "subscripts rendered apart" in hafnium["parse_error"]
    assert laskowski.loc[ok, "censored"].sum() > 20  # "<1E-10" kept as upper bounds


def test_room_temperature_window_is_declared_once():
    assert ROOM_TEMPERATURE_C == (15.0, 35.0)
    assert in_room_temperature_window(15.0) and in_room_temperature_window(35.0)
    assert not in_room_temperature_window(36.0) and not in_room_temperature_window(14.9)


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("Li 7.22 Si 1.5 P 0.5 O8", "Li7.22Si1.5P0.5O8"),  # a subscript beside its symbol
        ("LiYO  2", "LiYO2"),
        ("β-Li3PS4", "Li3PS4"),  # polymorph label dropped
        ("0.75Li2S-0.25P2S5", "Li3PS4"),  # glass notation, in moles of each compound
        ('"(LiCl)0.5 (P2O5)0.5"', "LiP2ClO5"),  # csv quotes inside the cell
    ],
)
def test_formulas_read_only_where_the_text_says_one_thing(text, formula):
    from pymatgen.core import Composition

    got = read_formula(text).fractional_composition
    assert got.almost_equals(Composition(formula).fractional_composition, rtol=1e-9)


@pytest.mark.parametrize(
    "text", ["Li PS Br 6 5", "Li SiS  4 4", "Li TeO  2 4", "Li SrN4 2", "Li0.91Hf2.022(PO )  4 3"]
)
def test_displaced_subscripts_are_refused_not_guessed(text):
    with pytest.raises(InvalidInputError, match="subscripts rendered apart"):
        read_formula(text)


def test_parsers_on_hand_made_lines():
    table = (
        b"LiF,<1E-12,1.0,Fm-3m,225,,,1\n"  # a bound: censored
        b"Li3N,6E-3,0.25,P6/mmm,191,,,2\n"
        b",2E-7,0.37,Pmmm,47,,,\n"  # a value whose formula is on another line
        b"Li 3N,1E-3,,,,,,\n"  # "3" follows a symbol: read as Li3N
    )
    lookup = b"ref. number,DOI\n1,10.1000/one\n2,https://doi.org/10.1000/Two\n"
    df = parse_laskowski(table, lookup)
    assert list(df["censored"]) == [True, False, False, False]
    assert df["sigma_S_cm"].iloc[0] == pytest.approx(1e-12)
    assert list(df["doi"].iloc[:2]) == ["10.1000/one", "10.1000/Two"]
    assert "no formula on this line" in df["parse_error"].iloc[2]
    assert df["reduced_composition"].iloc[3].reduced_formula == "Li3N"
    csv = (
        b"ID,composition,source,temperature,target,log_target,family,ChemicalFamily\n"
        b"1,Li3PS4,10.1/x,25,1E-4,-4,Thio-LISICON,#N/A\n"
        b"2,Li3PS4,10.1/x,warm,1E-4,-4,Thio-LISICON,Sulfides\n"
        b"3,Li3PS4,10.1/x,25,-1E-4,-4,Thio-LISICON,Sulfides\n"
    )
    lv = parse_liverpool(csv)
    assert lv["chemical_family"].iloc[0] is None
    assert "temperature 'warm' is not a number" in lv["parse_error"].iloc[1]
    assert "must be positive" in lv["parse_error"].iloc[2]
    with pytest.raises(InvalidInputError, match="lacks columns"):
        parse_liverpool(b"ID,formula\n1,LiF\n")
