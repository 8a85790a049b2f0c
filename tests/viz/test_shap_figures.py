import numpy as np
import pytest

from ssenb.errors import InvalidInputError
from ssenb.explain import explain
from ssenb.viz import shap_bar, shap_beeswarm, shap_dependence, shap_waterfall


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
