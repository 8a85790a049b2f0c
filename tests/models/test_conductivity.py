import json
import os

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from ssenb.errors import InvalidInputError, ModelFileError, NotFittedError, UnknownNameError
from ssenb.models import ConductivityModel, SuperionicClassifier, censored_mae


@parametrize_with_checks(
    [
        ConductivityModel(n_estimators=20, learning_rate=0.3, n_models=2, random_state=0),
        SuperionicClassifier(n_estimators=20, learning_rate=0.3, n_models=2, random_state=0),
    ]
)
def test_sklearn_contract(estimator, check):
    check(estimator)


def test_fit_on_obelix_and_predict_any_material(fitted, obelix):
    assert fitted.n_features_in_ == len(fitted.feature_names_in_) > 150
    assert list(fitted.get_feature_names_out()) == list(fitted.feature_names_in_)
    assert set(fitted.feature_families_.values()) >= {"Li content", "anion chemistry"}
    mean, std = fitted.predict(
        ["Li6PS5Cl", "Li3PO4", obelix.loc[5, "structure"] or "LiF"], return_std=True
    )
    assert mean.shape == std.shape == (3,)
    assert (std > 0).all()
    assert mean[0] > mean[1]  # argyrodite conducts better than Li3PO4, as measured
    table = fitted.predict_frame(obelix.head(4))
    assert list(table.columns) == ["log10_sigma_pred", "log10_sigma_std", "superionic_pred"]
    assert table.index.equals(obelix.head(4).index)


def test_same_seed_same_predictions(obelix):
    a = (
        ConductivityModel(random_state=3, n_models=2, n_estimators=30)
        .fit(obelix)
        .predict(obelix.head(20))
    )
    b = (
        ConductivityModel(random_state=3, n_models=2, n_estimators=30)
        .fit(obelix)
        .predict(obelix.head(20))
    )
    c = (
        ConductivityModel(random_state=4, n_models=2, n_estimators=30)
        .fit(obelix)
        .predict(obelix.head(20))
    )
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_works_in_a_pipeline_with_cross_val_score():
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = 2 * X[:, 0] - X[:, 1] + rng.normal(scale=0.1, size=120)
    pipe = make_pipeline(
        StandardScaler(), ConductivityModel(n_estimators=60, n_models=1, random_state=0)
    )
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.mean() > 0.7


def test_censored_labels_are_upper_bounds_not_values():
    """Region x<0: half the rows measured at -1, half reported only as '< 0'. Treating the
    bound as a value drags the prediction to the mean (-0.5); as an upper bound it is
    already satisfied by -1, so the prediction stays at -1. Region x>0 holds only bounds
    of -2: the prediction must be pushed below them."""
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(400, 1))
    left = x[:, 0] < 0
    censored = np.zeros(400, bool)
    censored[left] = rng.random(left.sum()) < 0.5
    censored[~left] = True
    y = np.where(left, np.where(censored, 0.0, -1.0), -2.0)
    aware = ConductivityModel(n_estimators=200, n_models=1, random_state=0).fit(
        x, y, censored=censored
    )
    naive = ConductivityModel(n_estimators=200, n_models=1, random_state=0).fit(x, y)
    assert aware.predict(x[left]).mean() == pytest.approx(-1.0, abs=0.05)
    assert naive.predict(x[left]).mean() == pytest.approx(-0.5, abs=0.05)
    assert aware.predict(x[~left]).max() <= -2.0 + 0.05


def test_censored_rows_of_obelix_are_predicted_poor_conductors(fitted, obelix):
    """Every censored OBELiX label is a bound of 1e-8 S/cm or lower."""
    pred = fitted.predict(obelix)
    cens = obelix["censored"].to_numpy()
    assert obelix.loc[cens, "log10_sigma"].max() <= -8
    assert np.median(pred[cens]) < -7
    assert (pred[cens] < -4).all()  # none predicted superionic


def test_censored_mae_by_hand():
    y = np.array([-3.0, -10.0, -10.0])
    pred = np.array([-4.0, -12.0, -8.0])
    cens = np.array([False, True, True])
    assert censored_mae(y, pred, cens) == pytest.approx((1.0 + 0.0 + 2.0) / 3)


def test_save_load_round_trip_without_pickle(fitted, obelix, tmp_path):
    folder = fitted.save(tmp_path / "m", data_version="OBELiX train 4eaac88")
    assert sorted(p.suffix for p in folder.iterdir()) == [".json"] * (fitted.n_models + 1)
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["data_version"] == "OBELiX train 4eaac88" and meta["params"]["random_state"] == 0
    again = ConductivityModel.load(folder)
    np.testing.assert_array_equal(again.predict(obelix.head(30)), fitted.predict(obelix.head(30)))
    assert again.get_params() == fitted.get_params()
    assert list(again.feature_names_in_) == list(fitted.feature_names_in_)
    with pytest.raises(ModelFileError, match="does not overwrite"):
        fitted.save(folder)


def test_bad_inputs(fitted, obelix):
    with pytest.raises(InvalidInputError, match="empty"):
        ConductivityModel().fit(obelix.iloc[:0])
    with pytest.raises(InvalidInputError, match="log10_sigma"):
        ConductivityModel().fit(obelix.drop(columns="log10_sigma"))
    with pytest.raises(UnknownNameError, match="composition\\+lattice"):
        ConductivityModel(preset="fancy").fit(obelix)
    with pytest.raises(InvalidInputError, match="never missing in training"):
        ConductivityModel(preset="composition+lattice", n_models=1, n_estimators=5).fit(
            obelix
        ).predict(["Li3PS4"])  # a bare formula has no lattice: refused, not guessed
    with pytest.raises(NotFittedError, match="fit"):
        ConductivityModel().predict(["Li3PS4"])
    X = fitted.feature_table(obelix.head(3)).to_numpy()
    X[0, 0] = np.nan  # a composition feature: never missing in training
    with pytest.raises(InvalidInputError, match="NaN in features"):
        fitted.predict(X)
    with pytest.raises(InvalidInputError, match="features, but ConductivityModel is expecting"):
        fitted.predict(X[:, :5])
    with pytest.raises(InvalidInputError, match="not a chemical formula"):
        fitted.predict(["Li3PS4", "garbage!!"])


def test_classifier_view(obelix):
    clf = SuperionicClassifier(random_state=0, n_models=2, n_estimators=80).fit(obelix)
    proba = clf.predict_proba(["Li10GeP2S12", "Li3PO4"])
    assert proba.shape == (2, 2) and np.allclose(proba.sum(axis=1), 1)
    assert proba[0, 1] > proba[1, 1]
    assert set(clf.predict(obelix.head(50))) <= {False, True}
    frame = pd.DataFrame({"reduced_composition": ["Li3PS4"]})
    with pytest.raises(InvalidInputError, match="log10_sigma"):
        SuperionicClassifier().fit(frame)


def test_saving_an_unfitted_model_is_refused(tmp_path):
    with pytest.raises(NotFittedError, match="call fit"):
        ConductivityModel().save(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_predict_takes_a_list_a_series_or_an_array_of_formulas(fitted):
    formulas = ["Li6PS5Cl", "Li3PO4"]
    expected = fitted.predict(formulas)
    np.testing.assert_array_equal(fitted.predict(pd.Series(formulas)), expected)
    np.testing.assert_array_equal(fitted.predict(np.array(formulas, dtype=object)), expected)
    np.testing.assert_array_equal(fitted.predict(tuple(formulas)), expected)


def test_a_declared_not_applicable_nan_is_answered_on_every_fit_path(obelix):
    """Li per anion is NaN for an anion-free hydride: a value, even if no training row had it."""
    from ssenb.models import ConductivityModel

    oxides = obelix[obelix["reduced_composition"].map(lambda c: "O" in {e.symbol for e in c})]
    small = {"n_estimators": 10, "n_models": 1, "random_state": 0}
    from_materials = ConductivityModel(**small).fit(oxides.head(40))
    table, _ = ConductivityModel(**small).feature_matrix(oxides.head(40), fitting=True)
    from_table = ConductivityModel(**small).fit(table, oxides.head(40)["log10_sigma"].to_numpy())
    for model in (from_materials, from_table):
        assert np.isfinite(model.predict(["LiBH4"])).all()  # no anion: Li per anion is NaN
    # a missing input that is not declared is still refused
    lattice = ConductivityModel(preset="composition+lattice", **small).fit(oxides.head(40))
    with pytest.raises(InvalidInputError, match="never missing in training"):
        lattice.predict(["LiBH4"])


def test_default_threads_keep_to_omp_num_threads(monkeypatch):
    # CI runs the suite beside the notebooks with OMP_NUM_THREADS=1 each; XGBoost's own
    # default honours it, and so must n_jobs=None (two 2-thread jobs on 2 cores crawl)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert ConductivityModel()._threads() == 3
    assert ConductivityModel(n_jobs=2)._threads() == 2  # an explicit choice wins
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert ConductivityModel()._threads() == len(os.sched_getaffinity(0))
