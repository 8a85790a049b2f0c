"""The vectorised composition path against matminer's own featurize (the reference)."""

import warnings

import numpy as np
import pytest
from pymatgen.core import Composition

from ssenb.features import featurize, get_preset
from ssenb.features._fast import fast_featurize, supports

EDGE_CASES = [
    "Li",
    "Fe3O4",
    "Li0.33La0.56TiO3",
    "LiBH4",
    "Li3N",
    "Li7La3Zr2O12",
    "NaCl",
    "Li6PS5Cl",
]


def _reference(comps, featurizers):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([[float(v) for f in featurizers for v in f.featurize(c)] for c in comps])


@pytest.mark.parametrize("preset", ["magpie", "composition"])
def test_fast_path_equals_matminer_on_obelix(obelix, preset):
    featurizers = get_preset(preset).featurizers()
    assert supports(featurizers)
    comps = list(obelix["reduced_composition"]) + [Composition(c) for c in EDGE_CASES]
    ref = _reference(comps, featurizers)
    got = fast_featurize(comps, featurizers)
    assert got.shape == ref.shape == (len(comps), len(get_preset(preset).feature_labels()))
    assert np.array_equal(np.isnan(ref), np.isnan(got))
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-9, equal_nan=True)


def test_engines_agree_through_featurize(obelix):
    rows = obelix.head(40)
    fast = featurize(rows, "composition", engine="fast", progress=False)
    slow = featurize(rows, "composition", engine="matminer", progress=False)
    np.testing.assert_allclose(
        fast.drop(columns="error").to_numpy(), slow.drop(columns="error").to_numpy(), atol=1e-9
    )


def test_unsupported_featurizer_has_no_fast_path():
    from matminer.featurizers.composition import IonProperty

    assert not supports([IonProperty(fast=False)])
    assert not supports(get_preset("structure").featurizers())
