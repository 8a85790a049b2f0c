"""Screening figures: what is drawn is the table's data."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.viz.screening import candidates_pareto, candidates_window_bars


@pytest.fixture
def table():
    return pd.DataFrame(
        {
            K.INPUT: ["Li3P1S4", "Li1F1", "Li3In1Cl6", "Ge1S2", "bad"],
            K.REDUCED_FORMULA: ["Li3PS4", "LiF", "Li3InCl6", "GeS2", None],
            K.E_HULL: [0.0, 0.0, 0.02, 0.0, np.nan],
            K.REDUCTION_V: [1.72, 0.0, 2.62, 1.5, np.nan],
            K.OXIDATION_V: [2.36, 6.36, 4.30, np.inf, np.nan],
            K.WINDOW_WIDTH_V: [0.64, 6.36, 1.68, np.inf, np.nan],
            K.PREDICTION: [-3.5, -9.0, -3.0, -8.0, np.nan],
            K.PREDICTION_STD: [0.3, 0.4, 0.2, 0.5, np.nan],
            K.PARETO_RANK: pd.array([2, 1, 1, pd.NA, pd.NA], dtype="Int64"),
            K.ERROR: [None, None, None, None, "InvalidInputError: x"],
        }
    )


def test_pareto_scatter_draws_the_table(table):
    fig = candidates_pareto(table)
    assert isinstance(fig, go.Figure)
    points, front = fig.data
    # GeS2 (no Li: infinite oxidation limit) and the failed row are left out, and said so
    assert list(points.x) == [2.36, 6.36, 4.30]
    assert list(points.y) == [-3.5, -9.0, -3.0]
    assert list(points.marker.color) == [0.0, 0.0, 0.02]
    assert list(points.error_y.array) == [0.3, 0.4, 0.2]
    assert [c[0] for c in points.customdata] == ["Li3PS4", "LiF", "Li3InCl6"]
    assert "2 without finite values" in fig.layout.title.text
    assert sorted(front.x) == [4.30, 6.36]  # the rank-1 rows are ringed
    assert fig.layout.xaxis.title.text == K.label(K.OXIDATION_V)


def test_pareto_options_and_overlay(table):
    fig = candidates_pareto(table, x=K.WINDOW_WIDTH_V, marker={"size": 4}, opacity=0.5)
    assert list(fig.data[0].x) == [0.64, 6.36, 1.68]
    assert fig.data[0].marker.size == 4 and fig.data[0].opacity == 0.5
    again = candidates_pareto(table, fig=fig)
    assert again is fig and len(fig.data) == 4
    with pytest.raises(InvalidInputError, match="x="):
        candidates_pareto(table, x="sigma")
    with pytest.raises(InvalidInputError, match="fitted model"):
        candidates_pareto(table.assign(**{K.PREDICTION: np.nan}))


def test_window_bars_of_the_best(table):
    fig = candidates_window_bars(table, top=2)
    bars = fig.data[0]
    assert list(bars.x) == ["LiF", "Li3InCl6"]  # rank 1 first, then hull distance
    assert list(bars.base) == [0.0, 2.62]
    with pytest.raises(InvalidInputError, match="top="):
        candidates_window_bars(table, top=0)
