"""The prediction's summary: a spread is written only when the ensemble has one."""

from ssenb.models.predictor import ConductivityPrediction


def _prediction(std: float) -> ConductivityPrediction:
    return ConductivityPrediction("Li3PS4", -3.21, std, "composition", "hand", True)


def test_summary_shows_the_calibrated_intervals():
    assert dict(_prediction(0.45).summary())["predicted log10 σ"] == (
        "-3.21 ± 0.45 (S/cm, 1σ: 68 % interval)"
    )
    p = ConductivityPrediction("Li3PS4", -3.21, 1.1, "composition", "hand", True, [], -5.9, -0.5)
    assert dict(p.summary())["2σ interval (95 %)"] == "-5.90 to -0.50 (log10 S/cm)"


def test_summary_leaves_out_a_zero_or_missing_spread():
    for std in (0.0, float("nan")):
        row = dict(_prediction(std).summary())["predicted log10 σ"]
        assert row == "-3.21 (S/cm)" and "±" not in row


def test_default_model_is_cached_and_refitted_when_the_features_changed(monkeypatch, tmp_path):
    from ssenb.models import ConductivityModel, predictor

    monkeypatch.setenv("SSENB_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(predictor, "_MEMO", {})
    monkeypatch.setattr(predictor, "DEFAULT_PARAMS", {"n_estimators": 5, "n_models": 1})
    monkeypatch.setattr(predictor, "DEFAULT_SOURCES", ("obelix",))
    fits = []
    real_fit = ConductivityModel.fit

    def counting_fit(self, *args, **kwargs):
        fits.append(self.preset)
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(ConductivityModel, "fit", counting_fit)
    first = predictor.default_model("composition", progress=False, sources=("obelix",))
    # one model folder (beside it, the lock file of its fit)
    assert fits == ["composition"] and sum(p.is_dir() for p in tmp_path.iterdir()) == 1
    monkeypatch.setattr(predictor, "_MEMO", {})
    again = predictor.default_model("composition", progress=False, sources=("obelix",))
    assert fits == ["composition"]  # loaded from the cache, not refitted
    assert list(again.feature_names_in_) == list(first.feature_names_in_)
    # a featurizer now emits one more column: the cached model no longer fits the features
    labels = predictor._feature_labels("composition")
    monkeypatch.setattr(predictor, "_feature_labels", lambda preset: [*labels, "new feature"])
    monkeypatch.setattr(predictor, "_MEMO", {})
    predictor.default_model("composition", progress=False, sources=("obelix",))
    assert fits == ["composition", "composition"]
    # back to the real features: the cached model is reused again ...
    monkeypatch.setattr(predictor, "_feature_labels", lambda preset: labels)
    monkeypatch.setattr(predictor, "_MEMO", {})
    predictor.default_model("composition", progress=False, sources=("obelix",))
    assert fits == ["composition"] * 2
    # ... but a new fitting recipe (e.g. the interval calibration) is refitted, never reused
    monkeypatch.setattr(predictor, "FIT_REVISION", predictor.FIT_REVISION + 1)
    monkeypatch.setattr(predictor, "_MEMO", {})
    predictor.default_model("composition", progress=False, sources=("obelix",))
    assert fits == ["composition"] * 3


def test_two_callers_missing_the_cache_fit_the_default_model_once(monkeypatch, tmp_path):
    """A notebook and a test run share a model folder: the second waits for the first's
    fit (a lock beside the folder) and loads it instead of fitting the same model again."""
    import threading
    import time

    from ssenb.models import ConductivityModel, predictor

    monkeypatch.setenv("SSENB_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(predictor, "_MEMO", {})
    monkeypatch.setattr(predictor, "DEFAULT_PARAMS", {"n_estimators": 5, "n_models": 1})
    fits = []
    real_fit = ConductivityModel.fit

    def slow_fit(self, *args, **kwargs):
        fits.append(self.preset)
        time.sleep(0.5)  # the other caller reaches the lock meanwhile
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(ConductivityModel, "fit", slow_fit)
    got = []

    def call():
        got.append(predictor.default_model("composition", progress=False, sources=("obelix",)))

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fits == ["composition"] and len(got) == 2
    assert list(got[0].feature_names_in_) == list(got[1].feature_names_in_)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == ["", ".lock"]


def test_training_table_excludes_the_test_split_when_it_can_be_loaded(monkeypatch, obelix):
    """The mirror has no test split: pretend five training rows are it (the step is generic)."""
    import ssenb.data
    from ssenb.data import conductivity_measurements
    from ssenb.models.predictor import training_table

    table, version = training_table()
    assert "NOT filtered against the OBELiX test split (unavailable offline)" in version
    assert set("|".join(table["source"]).split("|")) == {"obelix", "liverpool", "laskowski"}
    fake_test = obelix.iloc[:5].drop(columns=["structure"])
    real = ssenb.data.load_obelix
    monkeypatch.setattr(
        ssenb.data,
        "load_obelix",
        lambda split="train", **kw: fake_test if split == "test" else real(split, **kw),
    )
    filtered, version = training_table()
    assert "leak-filtered against the OBELiX test split" in version
    from ssenb.data import overlap_reasons

    assert overlap_reasons(filtered, fake_test).isna().all()
    assert len(filtered) < len(table)
    everything, version = training_table(exclude_test=False)
    assert len(everything) == len(table) and "exclude_test=False" in version
    assert len(conductivity_measurements(["obelix"])) == 478
