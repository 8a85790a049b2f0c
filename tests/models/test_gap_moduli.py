"""Band gap and moduli of a material: source priority, Monroe–Newman by hand, model fallback."""

import math

import pytest

from ssenb.models import material_properties, monroe_newman
from ssenb.models.gap_moduli import G_LI_GPA, gap_verdict, property_predictions


@pytest.fixture(scope="module")
def tiny_models(tiny_property_models):
    return tiny_property_models


def test_monroe_newman_ratio_and_graded_verdict():
    assert G_LI_GPA == 4.2
    ratio, text = monroe_newman(8.4, 0.01)
    assert ratio == pytest.approx(2.0) and text.startswith("uncertain")  # on the threshold
    ratio, text = monroe_newman(42.0, 0.1)  # 10x G_Li; 2σ range 6.3-15.8 lies above 2
    assert ratio == pytest.approx(10.0) and text.startswith("likely meets")
    assert "6.3–15.8" in text
    _, text = monroe_newman(4.2, 0.1)  # ratio 1, 2σ range 0.63-1.58 below 2
    assert text.startswith("likely too soft")
    _, text = monroe_newman(42.0, math.nan)  # no error estimate: never "likely"
    assert text.startswith("uncertain (no error estimate)")
    assert math.isnan(monroe_newman(math.nan)[0])


def test_gap_verdict_reads_pbe_as_a_lower_estimate():
    assert gap_verdict(5.0, 0.1, source="MP data (PBE)").startswith("electronic insulator")
    assert "true gap is likely larger" in gap_verdict(5.0, source="MP data (PBE)")
    assert gap_verdict(0.0, source="experiment").startswith("metallic")


def test_data_first_experiment_before_pbe():
    p = material_properties("LiF", predict=False)
    assert p.band_gap_source == "experiment" and p.band_gap_eV == 11.7
    li2o = material_properties("Li2O", predict=False)
    assert li2o.band_gap_source == "MP data (PBE)"
    assert li2o.band_gap_eV == pytest.approx((4.8986 + 5.2422) / 2)
    # Li2O: two MP elastic entries, log10 G 1.477 and 1.845: the spread is the uncertainty
    assert li2o.log10_g_std == pytest.approx((1.845098040014257 - 1.4771212547196624) / 2)
    assert li2o.shear_modulus_gpa == pytest.approx(
        10 ** ((1.845098040014257 + 1.4771212547196624) / 2)
    )
    assert li2o.g_over_g_li == pytest.approx(li2o.shear_modulus_gpa / 4.2)


def test_model_fills_what_data_lack(tiny_models):
    p = material_properties("Li7La3Zr2O12", models=tiny_models)
    assert p.band_gap_source == "MP data (PBE)"  # LLZO has a PBE gap, no elastic tensor
    assert p.moduli_source == "model (composition)"
    assert p.shear_modulus_gpa > 0 and p.log10_g_std >= 0
    without = material_properties("Li7La3Zr2O12", predict=False)
    assert without.moduli_source == "none" and "cannot be judged" in without.monroe_newman_verdict


def test_batch_predictions_share_features_and_flag_the_domain(tiny_models):
    out = property_predictions(["Li3PS4", "LiF", "Og"], models=tiny_models)
    assert list(out.columns[:2]) == ["band_gap_pbe_eV_pred", "band_gap_pbe_eV_std"]
    assert (out["band_gap_pbe_eV_pred"] >= 0).all()  # clipped at 0 eV
    assert not out["in_domain"].iloc[2]  # oganesson: never seen in training


def test_batch_table_equals_the_single_material_path(tiny_models):
    from ssenb.models.gap_moduli import properties_frame

    formulas = ["Li2O", "LiF", "Li3PS4", "Li7La3Zr2O12", "LiCoO2"]
    frame = properties_frame(formulas, models=tiny_models)
    for i, f in enumerate(formulas):
        one = material_properties(f, models=tiny_models).row()
        for key, value in one.items():
            got = frame[key].iloc[i]
            if isinstance(value, float):
                assert got == pytest.approx(value, rel=1e-9, nan_ok=True), (f, key)
            else:
                assert got == value, (f, key)


def test_a_first_result_never_waits_for_a_property_models_first_fit(tmp_path, monkeypatch):
    monkeypatch.setenv("SSENB_MODEL_DIR", str(tmp_path))  # nothing fitted or cached here
    monkeypatch.setattr("ssenb.models.gap_moduli._MEMO", {})
    p = material_properties("Li7La3Zr2O12", fit_models=False)  # LLZO: no DFT elastic tensor
    assert p.moduli_source == "none" and math.isnan(p.shear_modulus_gpa)
    assert any("not fitted yet" in n and "default_property_model" in n for n in p.notes)
    assert list(tmp_path.iterdir()) == []  # no model was fitted (nor written)


def test_screen_columns_fill_no_model_without_one_and_say_how(tmp_path, monkeypatch):
    from ssenb.models import property_columns

    monkeypatch.setenv("SSENB_MODEL_DIR", str(tmp_path))  # nothing fitted or cached here
    monkeypatch.setattr("ssenb.models.gap_moduli._MEMO", {})
    t = property_columns(["Li2O", None, "Li7La3Zr2O12"])  # fit_models=False by default
    assert t["moduli_source"].tolist() == ["MP data (DFT elastic tensor)", "none", "none"]
    assert math.isnan(t["G_VRH_GPa"].iloc[2])  # LLZO: no DFT tensor, no model: NaN
    assert t["band_gap_source"].iloc[1] == "none"  # the failed row has no formula
    assert "cannot be judged" in t["monroe_newman_verdict"].iloc[1]
    assert "default_property_model" in t.attrs["note"] and "1 of 2 materials" in t.attrs["note"]
    assert list(tmp_path.iterdir()) == []  # no model was fitted (nor written)


def test_screen_columns_equal_the_batch_table_with_models(tiny_models):
    from ssenb.models import property_columns
    from ssenb.models.gap_moduli import properties_frame

    formulas = ["Li3PS4", "", "Li7La3Zr2O12"]
    t = property_columns(formulas, models=tiny_models)
    ref = properties_frame(["Li3PS4", "Li7La3Zr2O12"], models=tiny_models)
    assert t["moduli_source"].iloc[2] == "model (composition)"
    assert t["G_VRH_GPa"].iloc[[0, 2]].tolist() == ref["G_VRH_GPa"].tolist()
    assert math.isnan(t["band_gap_eV"].iloc[1])
