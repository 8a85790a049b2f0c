import warnings

import numpy as np
import pandas as pd
import pytest

from ssenb.errors import InvalidInputError
from ssenb.explain import explain
from ssenb.explain.shap_values import Explanation
from ssenb.viz import shap_bar, shap_beeswarm, shap_dependence, shap_waterfall
from ssenb.viz.shap import TITLE_MARGIN, strongest_interaction


@pytest.fixture(scope="module")
def explanation(fitted, obelix):
    return explain(fitted, obelix.head(30))


def test_bar_shows_mean_abs_shap(explanation):
    fig = shap_bar(explanation, max_features=5)
    top = explanation.importance().head(5)
    assert list(fig.data[0].y) == list(top.index[::-1])
    np.testing.assert_allclose(fig.data[0].x, top.to_numpy()[::-1])


def test_grouped_bar(explanation):
    fig = shap_bar(explanation.grouped())
    assert "Li content" in fig.data[0].y or "anion chemistry" in fig.data[0].y


def test_waterfall_ends_at_the_prediction(explanation):
    fig = shap_waterfall(explanation, index=2, max_features=6)
    w = fig.data[0]
    assert w.base + sum(w.x) == pytest.approx(explanation.prediction[2], abs=1e-4)
    assert len(w.x) == 7  # six features + the rest
    with pytest.raises(InvalidInputError, match="outside"):
        shap_waterfall(explanation, index=99)


def test_beeswarm_and_dependence(explanation):
    fig = shap_beeswarm(explanation, max_features=4)
    assert len(fig.data) == 4
    feature = explanation.importance().index[0]
    dep = shap_dependence(explanation, feature=feature)
    np.testing.assert_allclose(dep.data[0].y, explanation.values[feature])
    assert dep.data[0].marker.color is not None
    with pytest.raises(InvalidInputError, match="not in the explanation"):
        shap_dependence(explanation, feature="nope")


def _toy():
    """Three features by hand: 'const' never varies, 'twin' is the SHAP column itself."""
    shap_vals = pd.DataFrame({"f": [-1.0, 0.0, 1.0, 2.0], "const": 0.0, "twin": 0.0})
    data = pd.DataFrame(
        {"f": [1.0, 2.0, 3.0, 4.0], "const": [5.0] * 4, "twin": [-1.0, 0.0, 1.0, 2.0]}
    )
    return Explanation(shap_vals, data, 0.0, np.zeros(4), ["a", "b", "c", "d"])


def test_dependence_skips_a_constant_column_without_numpy_warnings():
    e = _toy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # issue 13: red RuntimeWarnings in ShapExplorer
        fig = shap_dependence(e, feature="f")
    # 'twin' correlates perfectly (|r| = 1) with f's SHAP values; 'const' has no spread
    assert strongest_interaction(e, "f") == "twin"
    assert "twin" in fig.data[0].marker.colorbar.title.text


def test_dependence_colour_matches_pandas_on_real_rows(explanation):
    feature = explanation.importance().index[0]
    data = explanation.data.drop(columns=feature)
    varying = data.loc[:, data.std() > 0]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = varying.corrwith(explanation.values[feature]).abs().idxmax()
    assert strongest_interaction(explanation, feature) == expected


def test_titles_have_room_above_the_plot(explanation):
    feature = explanation.importance().index[0]
    for fig in (
        shap_bar(explanation),
        shap_beeswarm(explanation, max_features=3),
        shap_waterfall(explanation),
        shap_dependence(explanation, feature=feature),
    ):
        assert fig.layout.margin.t >= TITLE_MARGIN
        assert fig.layout.yaxis.title.text is None or len(fig.layout.yaxis.title.text) < 40


def _waterfall_toy():
    """Base -5; SHAP f1 = -1.0, f2 = +0.4, f3 = -0.2 (by hand, log10 S/cm)."""
    shap_vals = pd.DataFrame({"f1": [-1.0], "f2": [0.4], "f3": [-0.2]})
    data = pd.DataFrame({"f1": [1.0], "f2": [2.0], "f3": [3.0]})
    return Explanation(shap_vals, data, -5.0, np.array([-5.8]), ["toy"])


def test_waterfall_x_range_fits_the_bars():
    """Bars drawn bottom-up f3, f2, f1 run -5 -> -5.2 -> -4.8 -> -5.8: their ends span
    -5.8 to -4.8 (1.0), plus 5 % of that on each side: [-5.85, -4.75]."""
    fig = shap_waterfall(_waterfall_toy())
    assert list(fig.data[0].x) == pytest.approx([-0.2, 0.4, -1.0])
    assert list(fig.layout.xaxis.range) == pytest.approx([-5.85, -4.75])


def test_waterfall_of_tiny_effects_keeps_a_minimum_span():
    """SHAP a = +0.01, b = -0.02 on base -4, drawn a then b: -4 -> -3.99 -> -4.01; the
    0.02 span is widened to 0.2 around its middle, -4.0."""
    e = Explanation(
        pd.DataFrame({"a": [0.01], "b": [-0.02]}),
        pd.DataFrame({"a": [1.0], "b": [1.0]}),
        -4.0,
        np.array([-4.01]),
        ["flat"],
    )
    lo, hi = shap_waterfall(e).layout.xaxis.range
    assert hi - lo == pytest.approx(0.2)
    assert (lo + hi) / 2 == pytest.approx(-4.0)


def test_waterfall_range_on_real_rows_holds_every_bar_tightly(explanation):
    for index in range(5):
        w = shap_waterfall(explanation, index=index).data[0]
        ends = w.base + np.concatenate([[0.0], np.cumsum(w.x)])
        lo, hi = shap_waterfall(explanation, index=index).layout.xaxis.range
        span = ends.max() - ends.min()
        assert lo < ends.min() and hi > ends.max()
        assert (hi - lo) <= max(1.1 * span + 1e-9, 0.2 + 1e-9)  # no room far beyond the bars
