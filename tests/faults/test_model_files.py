"""Fault battery, model files: a saved model is a security boundary.

A model folder may come from a colleague or the internet. Each test below builds a
hostile or broken folder from a real saved model and checks that loading refuses it
with ssenb's ModelFileError (never TypeError/KeyError/UnicodeDecodeError/RecursionError),
or that saving never overwrites what the user owns.
"""

import json
import os
import pickle

import numpy as np
import pytest

from ssenb.errors import InvalidInputError, ModelFileError
from ssenb.models import ConductivityModel, load_model, save_model


@pytest.fixture(scope="module")
def small(obelix):
    return ConductivityModel(n_models=2, n_estimators=20, random_state=0).fit(obelix)


@pytest.fixture
def saved(small, tmp_path):
    return small.save(tmp_path / "model")


def _meta(folder):
    return json.loads((folder / "metadata.json").read_text())


def _write_meta(folder, meta):
    (folder / "metadata.json").write_text(json.dumps(meta))


def test_round_trip_behaves_exactly_as_the_saved_model(small, saved, obelix):
    again = load_model(saved)
    X = small.feature_table(obelix.head(25))
    np.testing.assert_array_equal(again.predict(X), small.predict(X))
    np.testing.assert_array_equal(again.predict(obelix.head(25)), small.predict(obelix.head(25)))
    permuted = X[X.columns[::-1]]
    for model in (small, again):  # same refusal before and after the round trip
        with pytest.raises(InvalidInputError, match="feature names"):
            model.predict(permuted)
    assert again.applicability(["Na3PS4"])["in_domain"].tolist() == [False]


def test_member_paths_come_from_ssenb_not_the_file(saved, tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    meta = _meta(saved)
    _write_meta(saved, {**meta, "members": ["../outside.json", str(outside)]})
    load_model(saved)  # the listed paths are never opened: fixed names are
    (saved / "member_0.json").unlink()
    os.symlink(outside, saved / "member_0.json")
    with pytest.raises(ModelFileError, match=r"member_0\.json is missing"):
        load_model(saved)


def test_attributes_are_not_set_blindly(saved):
    meta = _meta(saved)
    meta["state"]["predict"] = "pwned"
    meta["attributes"] = {"predict": "pwned"}
    _write_meta(saved, meta)
    model = load_model(saved)
    assert callable(model.predict)
    meta["state"]["nan_allowed"] = "yes"
    _write_meta(saved, meta)
    with pytest.raises(ModelFileError, match="nan_allowed"):
        load_model(saved)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"format_version": 99, "ssenb_version": "9.9.9"}, "upgrade ssenb"),
        ({"format_version": 1}, "no longer reads"),
        ({"format": "something-else"}, "not an ssenb model file"),
        ({"estimator": "os.system"}, "names estimator"),
        ({"params": {"n_models": 2, "evil": 1}}, "unknown parameters"),
        ({"params": {"n_models": 0}}, "n_models=0"),
        ({"params": "x"}, "'params' must be"),
        ({"n_members": "all"}, "n_members"),
        ({"state": []}, "'state' must be"),
    ],
)
def test_malformed_metadata(saved, change, match):
    _write_meta(saved, {**_meta(saved), **change})
    with pytest.raises(ModelFileError, match=match):
        load_model(saved)


def test_metadata_that_is_not_a_model_object(saved):
    (saved / "metadata.json").write_text("[1, 2, 3]")
    with pytest.raises(ModelFileError, match="JSON object"):
        load_model(saved)
    (saved / "metadata.json").write_bytes(pickle.dumps({"format": "ssenb-model"}))
    with pytest.raises(ModelFileError, match=r"not UTF-8|not valid JSON"):
        load_model(saved)
    (saved / "metadata.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ModelFileError, match="nests JSON"):
        load_model(saved)
    (saved / "metadata.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(saved)


def test_corrupt_or_pickled_member(saved):
    (saved / "member_1.json").write_bytes(pickle.dumps(object))
    with pytest.raises(ModelFileError, match="not an XGBoost model file"):
        load_model(saved)


@pytest.mark.parametrize("path", [None, 12, ""])
def test_path_that_is_not_a_path(path):
    with pytest.raises(InvalidInputError, match="not a folder path"):
        load_model(path)


def test_missing_folder(tmp_path):
    with pytest.raises(ModelFileError, match="not a folder"):
        load_model(tmp_path / "nothing")


def test_saving_never_overwrites_user_files(small, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "member_0.json").write_text("my own notes")
    with pytest.raises(ModelFileError, match="does not overwrite"):
        small.save(folder)
    assert (folder / "member_0.json").read_text() == "my own notes"
    (folder / "notes.txt").write_text("keep me")
    small.save(folder, overwrite=True)  # replaces ssenb's files only
    assert (folder / "notes.txt").read_text() == "keep me"
    assert load_model(folder).n_models == small.n_models


def test_saving_to_bad_places(small, tmp_path):
    plain = tmp_path / "file.txt"
    plain.write_text("x")
    with pytest.raises(ModelFileError, match="is a file"):
        save_model(small, plain)
    with pytest.raises(ModelFileError, match=r"parent folder .* does not exist"):
        save_model(small, tmp_path / "no" / "such" / "model")
    if os.geteuid() != 0:  # root ignores permissions
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(ModelFileError, match="cannot write"):
            save_model(small, ro / "model")


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_models": 0}, "n_models=0"),
        ({"n_estimators": -1}, "n_estimators=-1"),
        ({"learning_rate": "x"}, "learning_rate='x'"),
        ({"max_depth": 2.5}, "max_depth=2.5"),
        ({"n_jobs": 0}, "n_jobs=0"),
        ({"preset": "fancy"}, "preset='fancy'"),
    ],
)
def test_estimator_parameters_are_checked_in_fit(params, match):
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(InvalidInputError, match=match):
        ConductivityModel(**params).fit(X, X[:, 0])


def test_string_labels_are_refused_clearly():
    X = np.random.default_rng(0).normal(size=(6, 2))
    with pytest.raises(InvalidInputError, match="y must be numbers"):
        ConductivityModel(n_models=1, n_estimators=2).fit(X, ["a", "b", "c", "d", "e", "f"])
