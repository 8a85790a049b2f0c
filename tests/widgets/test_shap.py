"""ShapExplorer driven headlessly."""

import warnings

from ssenb.explain import explain
from ssenb.widgets import ShapExplorer


def test_feature_choice_redraws_without_warnings(fitted, obelix):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ex = ShapExplorer(explain(fitted, obelix.head(30)))
        first = list(ex.figure.data[0].y)
        ex.feature.value = ex.feature.options[1]
    assert list(ex.figure.data[0].y) != first
    assert "⚠" not in ex.status.text
