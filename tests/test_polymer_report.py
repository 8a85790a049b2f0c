"""The polymer page of ``ssenb report``: the same outlook as the PolymerExplorer."""

import numpy as np
import pandas as pd
import pytest

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.report import build_polymer_report, build_report


def test_a_polymer_smiles_gets_the_polymer_page_not_a_formula_error():
    text = build_report("*CCO*", predict=False)
    assert "polymer electrolyte" in text and "<svg" in text
    assert "Predicted conductivity" not in text  # predict=False fits no model


def test_the_page_states_the_models_value_at_the_middle_temperature(polymer_model, polymer_data):
    text = build_polymer_report("*CCO*", model=polymer_model)
    # the curve spans -30..190 °C in 60 steps; its middle point, by hand: -30 + 30 * 220 / 59
    t_mid = -30 + 30 * 220 / 59 + 273.15
    tfsi = polymer_data.loc[polymer_data[K.SALT] == "LiTFSI", K.SALT_SMILES].iloc[0]
    row = pd.DataFrame(
        {K.POLYMER: ["*CCO*"], K.SALT: ["LiTFSI"], K.SALT_SMILES: [tfsi], K.MOLALITY: [1.0],
         K.MW: [1e5], K.TEMPERATURE_K: [t_mid]}
    )  # fmt: skip
    expected = float(np.asarray(polymer_model.predict(row))[0])
    assert f"At {t_mid - 273.15:.0f} °C" in text
    assert f"σ = {expected:.2f} ±" in text
    assert "Nearest polymers in the data" in text and "Bradford et al." in text
    assert text.count("plotly") > 0


def test_a_smiles_rdkit_refuses_is_named():
    with pytest.raises(InvalidInputError, match="SMILES"):
        build_polymer_report("*C(C*", predict=False)
