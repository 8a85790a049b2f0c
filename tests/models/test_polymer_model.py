import math

import numpy as np
import pandas as pd
import pytest

from ssenb.errors import InvalidInputError, NotFittedError
from ssenb.explain import explain_polymer
from ssenb.explain.polymer import REFERENCE_K, TEMPERATURE_TERM
from ssenb.models import PolymerConductivityModel, cross_validate_polymer, vtf_log10_sigma

TFSI = "O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F.[Li+]"


def test_vtf_law_by_hand():
    # B = 1000 ln10 K and T - T0 = 100 K: the exponent is 10 decades
    assert vtf_log10_sigma(400.0, -1.0, 1000.0 * math.log(10), 300.0) == pytest.approx(-11.0)
    # Arrhenius (T0 = 0): sigma = A exp(-Ea/kT) with Ea = 0.5 eV at 300 K
    ea_ev, k_ev = 0.5, 8.617333262e-5
    expected = math.log10(10.0 * math.exp(-ea_ev / (k_ev * 300.0)))
    assert vtf_log10_sigma(300.0, 1.0, ea_ev / k_ev, 0.0) == pytest.approx(expected)


def _synthetic(params, temps):
    rows = []
    for (polymer, log_a, b), molality in zip(params, (1.0, 0.5), strict=True):
        for t in temps:
            rows.append(
                {"polymer": polymer, "salt_smiles": TFSI, "salt": "LiTFSI", "molality_mol_kg": molality,
                 "mw_g_mol": 1e5, "temperature_K": t, "temperature_C": t - 273.15,
                 "log10_sigma": float(vtf_log10_sigma(t, log_a, b, 150.0))}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_known_vtf_parameters_are_recovered():
    params = [("*CCO*", -1.0, 1200.0), ("*OC(=O)OCCC*", 0.5, 2500.0)]
    frame = _synthetic(params, np.linspace(250.0, 400.0, 16))
    model = PolymerConductivityModel(t0_K=150.0, n_models=1, n_estimators=400, learning_rate=0.3,
                                     subsample=1.0, colsample_bytree=1.0, min_child_weight=0.0,
                                     reg_lambda=0.0, random_state=0).fit(frame)  # fmt: skip
    got = model.predict_vtf(frame.iloc[[0, 16]])
    assert got["vtf_log10_A"].to_numpy() == pytest.approx([-1.0, 0.5], abs=0.02)
    assert got["vtf_B_K"].to_numpy() == pytest.approx([1200.0, 2500.0], rel=0.02)
    assert model.predict(frame) == pytest.approx(frame["log10_sigma"].to_numpy(), abs=0.02)


def test_curves_rise_monotonically_with_temperature(polymer_model, polymer_data):
    rows = polymer_data.drop_duplicates("polymer").head(40)
    curve = polymer_model.predict_curve(rows, np.linspace(230.0, 480.0, 26))
    steps = curve.groupby("row")["log10_sigma_pred"].diff().dropna()
    assert (steps >= 0).all()
    assert (polymer_model.predict_vtf(rows)["vtf_B_K"] >= 0).all()


def test_same_seed_same_predictions(polymer_data):
    part = polymer_data[polymer_data["polymer"].isin(polymer_data["polymer"].unique()[:30])]
    a = (
        PolymerConductivityModel(n_models=2, n_estimators=20, random_state=3)
        .fit(part)
        .predict(part)
    )
    b = (
        PolymerConductivityModel(n_models=2, n_estimators=20, random_state=3)
        .fit(part)
        .predict(part)
    )
    assert np.array_equal(a, b)


def test_uncertainty_and_domain_flags(polymer_model, polymer_data):
    row = polymer_data[polymer_data["polymer"] == "*CCO*"].head(1).copy()
    row["temperature_K"] = 600.0
    row["molality_mol_kg"] = 500.0
    out = polymer_model.predict_frame(row)
    assert out["log10_sigma_std"].iloc[0] >= 0
    notes = out["domain_notes"].iloc[0]
    assert not out["in_domain"].iloc[0]
    assert "outside the training range" in notes and "above the largest in training" in notes


def test_unseen_salt_is_flagged(polymer_model, polymer_data):
    row = polymer_data[polymer_data["polymer"] == "*CCO*"].head(1).copy()
    row["salt_smiles"] = "[Li+].N#C[N-]C#N"
    assert "salt never seen" in polymer_model.applicability(row)["domain_notes"].iloc[0]


def test_temperature_at_or_below_t0_is_refused(polymer_model, polymer_data):
    row = polymer_data.head(1).copy()
    row["temperature_K"] = 155.0  # T0 = 150 K by default
    with pytest.raises(InvalidInputError, match="diverges"):
        polymer_model.predict(row)


def test_not_fitted_and_bad_law(polymer_data):
    with pytest.raises(NotFittedError, match="not fitted"):
        PolymerConductivityModel().predict(polymer_data.head(1))
    with pytest.raises(InvalidInputError, match="law="):
        PolymerConductivityModel(law="wlf").fit(polymer_data.head(5))


def test_explanation_adds_up_and_temperature_term_vanishes_at_reference(
    polymer_model, polymer_data
):
    rows = polymer_data.sample(6, random_state=1).copy()
    e = explain_polymer(polymer_model, rows)
    assert e.values.sum(axis=1).to_numpy() + e.base_value == pytest.approx(e.prediction, abs=1e-3)
    rows["temperature_K"] = REFERENCE_K
    assert explain_polymer(polymer_model, rows).values[TEMPERATURE_TERM].abs().max() < 1e-9
    assert set(e.grouped().values.columns) <= {
        "Li coordination", "segmental mobility", "salt dissociation", "salt concentration",
        "temperature (VTF term)",
    }  # fmt: skip


def test_cv_holds_out_whole_polymers(polymer_data):
    part = polymer_data[polymer_data["polymer"].isin(polymer_data["polymer"].unique()[:24])]
    report = cross_validate_polymer(
        part, PolymerConductivityModel(n_models=1, n_estimators=20, random_state=0), n_splits=3
    )
    folds_per_polymer = report.predictions.groupby("polymer")["fold"].nunique()
    assert (folds_per_polymer == 1).all()
    assert report.summary_metrics["n_rows"] == len(part)
    assert report.by_temperature["n_rows"].sum() == len(part)
    assert "MAE of log10 σ" in report._repr_html_()


def test_save_and_load_give_the_same_predictions(polymer_model, polymer_data, tmp_path):
    rows = polymer_data.sample(20, random_state=2)
    folder = polymer_model.save(tmp_path / "polymer_model")
    back = PolymerConductivityModel.load(folder)
    assert np.array_equal(back.predict(rows), polymer_model.predict(rows))
    assert back.applicability(rows).equals(polymer_model.applicability(rows))
    from ssenb.errors import ModelFileError

    with pytest.raises(ModelFileError, match="already holds files"):
        polymer_model.save(folder)


def test_tampered_saved_state_is_refused(polymer_model, tmp_path):
    import json

    from ssenb.errors import ModelFileError

    folder = polymer_model.save(tmp_path / "m")
    meta = json.loads((folder / "metadata.json").read_text())
    meta["state"]["salts"] = [1, 2]
    (folder / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="salts must be a list"):
        PolymerConductivityModel.load(folder)
