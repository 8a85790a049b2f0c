"""Fault battery, the conductivity data path: sources, overlaps, extra rows, predictions.

Each case here used to pass silently (a frame with no matchable columns excluded nothing,
an uncalibrated model gave NaN or infinite intervals) or escape as a bare Python error.
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from pymatgen.core import Composition

from ssenb.errors import InvalidInputError


@pytest.fixture(scope="module")
def tiny(mirror):
    from ssenb.data import load_obelix
    from ssenb.models import ConductivityModel

    return ConductivityModel(n_models=2, n_estimators=20, random_state=0).fit(
        load_obelix("train", structures=False)
    )


def test_sources_by_one_name_none_or_a_non_bool_room_temperature(mirror):
    from ssenb.data import conductivity_measurements

    one = conductivity_measurements("obelix")  # was read letter by letter: 'o', 'b', ...
    assert set(one["source"]) == {"obelix"} and len(one) == 478  # the train split's readable rows
    with pytest.raises(InvalidInputError, match=r"sources=None: give a list of one or more of"):
        conductivity_measurements(None)  # was TypeError
    with pytest.raises(InvalidInputError, match=r"room_temperature='no'; use True"):
        conductivity_measurements(["obelix"], room_temperature="no")  # was truthy: kept


def test_exclude_overlaps_refuses_frames_it_cannot_match():
    from ssenb.data import exclude_overlaps

    ref = pd.DataFrame({"id": ["t1"], "reduced_composition": [Composition("Li3PS4")]})
    with pytest.raises(InvalidInputError, match=r"frame has none of the columns overlaps are"):
        exclude_overlaps(pd.DataFrame({"formula": ["Li3PS4"]}), ref)  # kept every row
    with pytest.raises(InvalidInputError, match=r"reference=list; pass a DataFrame"):
        exclude_overlaps(ref, [1, 2])  # was AttributeError


def test_exclude_overlaps_reads_formula_strings_as_compositions():
    # a frame read back from CSV holds strings: they used to match nothing, silently
    from ssenb.data import exclude_overlaps

    ref = pd.DataFrame({"id": ["t1"], "reduced_composition": [Composition("Li3PS4")]})
    frame = pd.DataFrame({"reduced_composition": ["Li3PS4", "Li6PS5Cl", "not a formula"]})
    kept = exclude_overlaps(frame, ref)
    assert kept["reduced_composition"].tolist() == ["Li6PS5Cl", "not a formula"]
    assert kept.attrs["excluded"] == {"same composition": 1}


def test_cross_validation_refuses_extra_rows_without_measurement_columns(mirror):
    from ssenb.data import load_obelix
    from ssenb.models import ConductivityModel, cross_validate_conductivity

    frame = load_obelix("train", structures=False).head(40)
    extra = pd.DataFrame({"reduced_composition": [Composition("Li3PS4")]})  # was KeyError
    with pytest.raises(InvalidInputError, match=r"extra lacks the measurement columns \['source'"):
        cross_validate_conductivity(
            frame, model=ConductivityModel(n_models=1, n_estimators=2), extra=extra,
            n_splits=2, progress=False,
        )  # fmt: skip


@pytest.mark.parametrize("level", [0, 1, float("nan"), 1.5, -0.2])
def test_an_uncalibrated_interval_refuses_a_level_outside_0_1(tiny, level):
    raw = copy.copy(tiny)
    raw.calibration_ = None  # a model without calibration: widths from the member spread
    with pytest.raises(InvalidInputError, match=r"must be a coverage strictly between 0 and 1"):
        raw.predict_interval(["Li3PS4"], level=level)  # was NaN, 0 or ±inf widths


@pytest.mark.parametrize(
    ("X", "match"),
    [
        ([], r"X=\[\] holds no materials"),
        (None, r"X=None holds no materials"),
    ],
)
def test_predict_refuses_no_materials_by_name(tiny, X, match):
    with pytest.raises(InvalidInputError, match=match):
        tiny.predict(X)


@pytest.mark.parametrize(
    ("material", "match"),
    [
        (None, r"material is None \(NoneType\); predict_conductivity takes one material"),
        (float("nan"), r"material is nan \(float\)"),  # was sklearn's "Expected 2D array"
        (True, r"material is True \(bool\)"),
        (["Li3PS4", "LiF"], r"material is a list \(list\).*call model.predict"),
        (pd.DataFrame(), r"a frame of 0 rows"),  # was IndexError
    ],
)
def test_predict_conductivity_takes_one_material(tiny, material, match):
    from ssenb.models import predict_conductivity

    with pytest.raises(InvalidInputError, match=match):
        predict_conductivity(material, models={"composition": tiny})


def test_predict_conductivity_refuses_two_rows_and_models_that_are_not_models(tiny, mirror):
    from ssenb.data import load_obelix
    from ssenb.models import predict_conductivity

    two = load_obelix("train", structures=False).head(2)
    with pytest.raises(InvalidInputError, match=r"a frame of 2 rows"):  # answered row 0 only
        predict_conductivity(two, models={"composition": tiny})
    with pytest.raises(InvalidInputError, match=r"models=list; pass a dict"):
        predict_conductivity("Li3PS4", models=[tiny])  # was AttributeError
    with pytest.raises(InvalidInputError, match=r"models\['composition'\]=str has no predict"):
        predict_conductivity("Li3PS4", models={"composition": "tiny"})


def test_cross_validation_refuses_extra_rows_that_share_an_id(mirror):
    # Liverpool ID 922 is LLTO at 97 °C and LiF at 351 °C: keyed by source:source_id, one
    # of them used to be trained with the other's features
    from ssenb.data import conductivity_measurements, load_obelix
    from ssenb.models import ConductivityModel, cross_validate_conductivity

    extra = conductivity_measurements(["liverpool"], room_temperature=False)
    with pytest.raises(InvalidInputError, match=r"2 rows sharing a source and source_id, e.g. l"):
        cross_validate_conductivity(
            load_obelix("train", structures=False).head(40),
            model=ConductivityModel(n_models=1, n_estimators=2), extra=extra, n_splits=2,
            progress=False,
        )  # fmt: skip
