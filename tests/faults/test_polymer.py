"""Fault battery, polymer electrolytes: each bad input gets ssenb's own error or a flagged result."""

import math

import numpy as np
import pandas as pd
import pytest

from ssenb.data.polymer_electrolytes import parse_polymer_table
from ssenb.errors import InvalidInputError, SsenbError
from ssenb.features.polymer import polymer_features

TFSI = "O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F.[Li+]"


def _row(**kw):
    base = {"polymer": "*CCO*", "salt": "LiTFSI", "salt_smiles": TFSI, "molality_mol_kg": 1.0,
            "mw_g_mol": 1e5, "temperature_K": 333.15}  # fmt: skip
    base.update(kw)
    return pd.DataFrame([base])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"polymer": "*C1CC(O*"}, "not valid SMILES"),
        ({"polymer": "CCOCC"}, "0 chain-end markers"),
        ({"polymer": "*CCO"}, "1 chain-end markers"),
        ({"polymer": "**"}, "no atoms between its chain ends"),
        ({"salt_smiles": "[Na+].[I-]"}, "has no Li"),
        ({"salt_smiles": "[Li+]"}, "no anion"),
        ({"salt_smiles": "[Li+].[I-"}, "not valid SMILES"),
        ({"molality_mol_kg": -0.5}, "negative"),
        ({"mw_g_mol": -5.0}, "positive"),
        ({"temperature_K": float("nan")}, "NaN"),
        ({"temperature_K": 100.0}, "diverges"),
    ],
)
def test_prediction_refuses_bad_input_with_its_own_error(polymer_model, change, match):
    with pytest.raises(SsenbError, match=match):
        polymer_model.predict(_row(**change))


@pytest.mark.parametrize(
    ("change", "note"),
    [
        ({"temperature_K": 520.0}, "outside the training range"),
        ({"temperature_K": 200.0}, "outside the training range"),
        ({"molality_mol_kg": 1e4}, "above the largest in training"),
        ({"salt_smiles": "[Li+].N#C[N-]C#N"}, "salt never seen"),
    ],
)
def test_out_of_domain_inputs_are_answered_and_flagged(polymer_model, change, note):
    out = polymer_model.predict_frame(_row(**change))
    assert np.isfinite(out["log10_sigma_pred"].iloc[0])
    assert not out["in_domain"].iloc[0] and note in out["domain_notes"].iloc[0]


def test_a_curve_outside_the_data_is_marked_extrapolated(polymer_model):
    curve = polymer_model.predict_curve(_row(), [200.0, 300.0, 550.0])
    assert curve["in_temperature_range"].tolist() == [False, True, False]


def test_empty_temperature_list_is_refused(polymer_model):
    with pytest.raises(InvalidInputError, match="empty"):
        polymer_model.predict_curve(_row(), [])


def test_wrong_input_type_is_refused(polymer_model):
    with pytest.raises(InvalidInputError, match="DataFrame of polymer electrolytes"):
        polymer_model.predict(np.zeros((2, 3)))


def test_batch_of_features_records_per_row_failures():
    frame = pd.concat(
        [_row(), _row(polymer="CCO"), _row(salt_smiles="[K+].[I-]")], ignore_index=True
    )
    out = polymer_features(frame, errors="record")
    assert out["error"].iloc[0] == ""
    assert "chain-end" in out["error"].iloc[1] and "no Li" in out["error"].iloc[2]
    assert math.isnan(out["ether O per heavy atom"].iloc[1])


def test_loaded_table_with_text_in_a_number_column_is_refused():
    raw = pd.DataFrame({"smiles": ["[Cu]CCO[Au]"], "conductivity": ["high"], "mw": [1e5],
                        "salt smiles": [TFSI], "molality": [1.0], "temperature": [25.0]})  # fmt: skip
    with pytest.raises(InvalidInputError, match="non-numbers"):
        parse_polymer_table(raw)


def test_user_frame_is_not_modified(polymer_model):
    row = _row()
    before = row.copy()
    polymer_model.predict_frame(row)
    pd.testing.assert_frame_equal(row, before)


def test_the_outlook_refuses_an_unknown_salt_and_a_bad_temperature_range(
    polymer_model, polymer_data
):
    from ssenb.models.polymer_outlook import polymer_outlook

    with pytest.raises(InvalidInputError, match="not a salt of the data"):
        polymer_outlook("*CCO*", salt="LiNotASalt", model=polymer_model, data=polymer_data)
    for bad in ((100.0, 20.0), (float("nan"), 50.0), (20.0, 20.0)):
        with pytest.raises(InvalidInputError, match="temperatures_C"):
            polymer_outlook("*CCO*", temperatures_C=bad, model=polymer_model, data=polymer_data)
