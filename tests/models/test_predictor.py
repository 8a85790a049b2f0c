"""The prediction's summary: a spread is written only when the ensemble has one."""

from ssenb.models.predictor import ConductivityPrediction


def _prediction(std: float) -> ConductivityPrediction:
    return ConductivityPrediction("Li3PS4", -3.21, std, "composition", "hand", True)


def test_summary_shows_the_ensemble_spread():
    assert dict(_prediction(0.45).summary())["predicted log10 σ"] == (
        "-3.21 ± 0.45 (S/cm, ensemble spread)"
    )


def test_summary_leaves_out_a_zero_or_missing_spread():
    for std in (0.0, float("nan")):
        row = dict(_prediction(std).summary())["predicted log10 σ"]
        assert row == "-3.21 (S/cm)" and "±" not in row


def test_default_model_is_cached_and_refitted_when_the_features_changed(monkeypatch, tmp_path):
    from ssenb.models import ConductivityModel, predictor

    monkeypatch.setenv("SSENB_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(predictor, "_MEMO", {})
    monkeypatch.setattr(predictor, "DEFAULT_PARAMS", {"n_estimators": 5, "n_models": 1})
    fits = []
    real_fit = ConductivityModel.fit

    def counting_fit(self, *args, **kwargs):
        fits.append(self.preset)
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(ConductivityModel, "fit", counting_fit)
    first = predictor.default_model("composition", progress=False)
    assert fits == ["composition"] and len(list(tmp_path.iterdir())) == 1
    monkeypatch.setattr(predictor, "_MEMO", {})
    again = predictor.default_model("composition", progress=False)
    assert fits == ["composition"]  # loaded from the cache, not refitted
    assert list(again.feature_names_in_) == list(first.feature_names_in_)
    # a featurizer now emits one more column: the cached model no longer fits the features
    labels = predictor._feature_labels("composition")
    monkeypatch.setattr(predictor, "_feature_labels", lambda preset: [*labels, "new feature"])
    monkeypatch.setattr(predictor, "_MEMO", {})
    predictor.default_model("composition", progress=False)
    assert fits == ["composition", "composition"]
