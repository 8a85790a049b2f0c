import csv
import math

import pandas as pd
import pytest

from ssenb.data import load_polymer_electrolytes
from ssenb.data.polymer_electrolytes import NO_SALT, parse_polymer_table
from ssenb.data.polymer_smiles import canonical_polymer, repeat_unit, salt_name
from ssenb.errors import InvalidInputError


@pytest.fixture(scope="module")
def raw_rows(mirror):
    with open(mirror / "polymer-electrolytes" / "clean_train_data.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_row_is_read_and_no_smiles_is_refused(polymer_data, raw_rows):
    assert len(polymer_data) == len(raw_rows) == 10114
    assert (polymer_data["smiles_error"] == "").all()
    assert polymer_data["polymer_smiles"].nunique() == 229
    # two pairs of upstream SMILES are the same repeat unit written differently
    assert polymer_data["polymer"].nunique() == 227


def test_missing_molality_and_mw_stay_missing(polymer_data, raw_rows):
    blank_m = [r["molality"].strip() == "" for r in raw_rows]
    blank_mw = [r["mw"].strip() == "" for r in raw_rows]
    assert polymer_data["molality_mol_kg"].isna().tolist() == blank_m
    assert polymer_data["mw_g_mol"].isna().tolist() == blank_mw
    assert sum(blank_m) == 933 and sum(blank_mw) == 996


def test_units_of_a_real_row(polymer_data, raw_rows):
    row, raw = polymer_data.iloc[5], raw_rows[5]
    assert row["temperature_C"] == pytest.approx(float(raw["temperature"]))
    assert row["temperature_K"] == pytest.approx(float(raw["temperature"]) + 273.15)
    assert row["log10_sigma"] == pytest.approx(float(raw["conductivity"]))


def test_no_salt_rows_are_named_and_have_no_molality(polymer_data):
    none = polymer_data[polymer_data["salt"] == NO_SALT]
    assert len(none) == 933
    assert (none["salt_smiles"] == "").all() and none["molality_mol_kg"].isna().all()


def test_peo_is_found_by_its_canonical_smiles(polymer_data):
    peo = polymer_data[polymer_data["polymer"] == "*CCO*"]
    assert len(peo) > 1000
    assert peo["salt"].value_counts().head(3).to_dict() == {
        "LiOTf": 763,
        "LiTFSI": 635,
        "LiClO4": 531,
    }


@pytest.mark.parametrize(
    ("smiles", "name"),
    [
        ("O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F.[Li+]", "LiTFSI"),
        # the same salt written differently upstream
        ("O=S([N-]S(=O)(C(F)(F)F)=O)(C(F)(F)F)=O.[Li+]", "LiTFSI"),
        ("[Li+].[O-][Cl+3]([O-])([O-])[O-]", "LiClO4"),
        ("O=Cl(=O)([O-])=O.[Li+]", "LiClO4"),
        ("F[P-](F)(F)(F)(F)F.[Li+]", "LiPF6"),
        ("[Li+].[I-]", "LiI"),
    ],
)
def test_salt_names(smiles, name):
    assert salt_name(smiles) == name


def test_unknown_anion_is_named_by_its_canonical_smiles():
    assert salt_name("[Li+].N#Cc1nn[n-]c1C#N") == "N#Cc1nn[n-]c1C#N.[Li+]"


def test_both_chain_end_conventions_give_one_polymer():
    assert canonical_polymer("[Cu]CCO[Au]") == canonical_polymer("*OCC*") == "*CCO*"
    assert canonical_polymer("[*]CCO[*]") == "*CCO*"
    mol = repeat_unit("[Au]C(=O)OCCC[Cu]")
    assert sorted(a.GetAtomicNum() for a in mol.GetAtoms())[:2] == [0, 0]


@pytest.mark.parametrize(
    ("smiles", "match"),
    [
        ("CCO", "0 chain-end markers"),
        ("*CCO", "1 chain-end markers"),
        ("*CC(*)O*", "3 chain-end markers"),
        ("[Cu]CCO[Cu]", "0 chain-end markers"),
        ("*CC(O*", "not valid SMILES"),
        ("", "non-empty string"),
    ],
)
def test_bad_repeat_units_are_refused_with_the_reason(smiles, match):
    with pytest.raises(InvalidInputError, match=match):
        repeat_unit(smiles)


def test_salt_without_li_is_refused():
    with pytest.raises(InvalidInputError, match="has no Li"):
        salt_name("[Na+].O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F")


def test_a_bad_row_gets_a_reason_and_the_table_survives():
    raw = pd.DataFrame(
        {
            "smiles": ["[Cu]CCO[Au]", "C1CC", "[Cu]CCO[Au]"],
            "conductivity": [-4.0, -5.0, -6.0],
            "mw": [1e5, None, 1e5],
            "salt smiles": ["[Li+].[I-]", "[Li+].[I-]", "[Na+].[I-]"],
            "molality": [1.0, 1.0, None],
            "temperature": [25.0, 25.0, 25.0],
        }
    )
    out = parse_polymer_table(raw)
    assert out["smiles_error"].iloc[0] == ""
    assert "not valid SMILES" in out["smiles_error"].iloc[1]
    assert "no Li" in out["smiles_error"].iloc[2]
    assert math.isnan(out["mw_g_mol"].iloc[1]) and math.isnan(out["molality_mol_kg"].iloc[2])


def test_missing_column_is_named():
    with pytest.raises(InvalidInputError, match="lacks column"):
        parse_polymer_table(pd.DataFrame({"smiles": ["*CCO*"]}))


def test_each_call_is_a_fresh_copy(polymer_data):
    a = load_polymer_electrolytes()
    a.loc[0, "log10_sigma"] = 99.0
    assert load_polymer_electrolytes().loc[0, "log10_sigma"] != 99.0
