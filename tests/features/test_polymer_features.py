import math

import pandas as pd
import pytest

from ssenb.errors import InvalidInputError, UnknownNameError
from ssenb.features.polymer import (
    POLYMER_FAMILIES,
    RepeatUnitFeatures,
    SaltFeatures,
    polymer_feature_families,
    polymer_features,
    polymer_featurizer,
)

TFSI = "[Li+].O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F"


def unit(smiles):
    f = RepeatUnitFeatures()
    return dict(zip(f.feature_labels(), f.featurize(smiles), strict=True))


def salt(smiles):
    f = SaltFeatures()
    return dict(zip(f.feature_labels(), f.featurize(smiles), strict=True))


def test_peo_counted_by_hand():
    peo = unit("[Cu]CCO[Au]")  # -CH2-CH2-O-: 3 heavy atoms, one ether O
    assert peo["ether O per heavy atom"] == pytest.approx(1 / 3)
    assert peo["coordinating sites per repeat unit"] == 1
    assert peo["heavy atoms per repeat unit"] == 3
    assert peo["repeat-unit molar mass (g/mol)"] == pytest.approx(
        2 * 12.011 + 15.999 + 4 * 1.008, abs=0.01
    )
    assert peo["backbone fraction"] == 1.0 and peo["carbonyl per heavy atom"] == 0


def test_densities_do_not_depend_on_how_many_units_are_written():
    one, two = unit("*CCO*"), unit("*CCOCCO*")
    for label in ("ether O per heavy atom", "O + N per heavy atom", "backbone fraction"):
        assert one[label] == pytest.approx(two[label])
    assert two["coordinating sites per repeat unit"] == 2


def test_carbonate_nitrile_and_side_chains():
    ptmc = unit("*OC(=O)OCCC*")  # poly(trimethylene carbonate): 7 heavy atoms
    assert ptmc["carbonate per heavy atom"] == pytest.approx(1 / 7)
    assert ptmc["ether O per heavy atom"] == 0  # carbonate O are not ethers
    pan = unit("*CC(C#N)*")  # backbone C-C, side group C#N
    assert pan["nitrile per heavy atom"] == pytest.approx(1 / 4)
    assert pan["backbone fraction"] == pytest.approx(2 / 4)
    ps = unit("*CC(c1ccccc1)*")
    assert ps["aromatic atom fraction"] == pytest.approx(6 / 8)


def test_tfsi_anion_by_hand():
    tfsi = salt(TFSI)
    assert tfsi["anion sulfonyl groups"] == 2
    assert tfsi["anion perfluorinated C"] == 2
    assert tfsi["anion charge"] == 1
    assert tfsi["anion heavy atoms"] == 15
    assert tfsi["no added salt (single-ion polymer)"] == 0


def test_both_perchlorate_forms_get_one_description():
    assert salt("[Li+].[O-][Cl+3]([O-])([O-])[O-]") == salt("O=Cl(=O)([O-])=O.[Li+]")


def test_no_salt_is_flagged_and_anion_features_are_not_applicable():
    none = salt("")
    assert none["no added salt (single-ion polymer)"] == 1
    assert all(math.isnan(none[k]) for k in SaltFeatures().not_applicable())


def test_every_feature_has_a_declared_family(polymer_data):
    table = polymer_features(polymer_data.head(200))
    families = polymer_feature_families()
    assert list(families) == list(table.columns)
    assert set(families.values()) <= set(POLYMER_FAMILIES)


def test_frame_features_on_real_rows(polymer_data):
    rows = polymer_data[
        (polymer_data["polymer"] == "*CCO*") & polymer_data["molality_mol_kg"].notna()
    ].head(3)
    table = polymer_features(rows)
    expected = rows["molality_mol_kg"] * 0.044053 / 1
    assert table["Li per coordinating site"].to_numpy() == pytest.approx(
        expected.to_numpy(), rel=1e-4
    )
    assert (table.index == rows.index).all()


def _frame(**kw):
    base = {
        "polymer": ["*CCO*"],
        "salt_smiles": [TFSI],
        "molality_mol_kg": [1.0],
        "mw_g_mol": [1e5],
    }
    base.update(kw)
    return pd.DataFrame(base)


def test_negative_molality_is_refused():
    with pytest.raises(InvalidInputError, match="negative"):
        polymer_features(_frame(molality_mol_kg=[-1.0]))


def test_bad_smiles_recorded_or_raised():
    frame = pd.concat([_frame(), _frame(polymer=["CCO"])], ignore_index=True)
    with pytest.raises(InvalidInputError, match="chain-end markers"):
        polymer_features(frame)
    out = polymer_features(frame, errors="record")
    assert out["error"].iloc[0] == "" and "chain-end" in out["error"].iloc[1]
    assert math.isnan(out["ether O per heavy atom"].iloc[1])


def test_unknown_preset_lists_valid_ones():
    with pytest.raises(UnknownNameError, match="repeat_unit, salt"):
        polymer_featurizer("fingerprint")


def test_missing_column_named():
    with pytest.raises(InvalidInputError, match="needs columns"):
        polymer_features(pd.DataFrame({"polymer": ["*CCO*"]}))
