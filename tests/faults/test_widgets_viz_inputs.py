"""Fault battery, figures and widgets: careless and hostile inputs get ssenb's own errors.

Each case failed before its fix with a bare error from pandas, numpy or plotly (or drew
for a minute); now the error names the argument and the fix, and the figure is bounded.
"""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.viz import (
    barrier_bars,
    barrier_conductivity_scatter,
    candidates_pareto,
    candidates_window_bars,
    interface_heatmap,
    window_bars,
)
from ssenb.viz.window import MAX_BARS

WINDOWS = pd.DataFrame(
    {"reduced_formula": ["Li3PS4", "LiF"], "reduction_V": [1.7, 0.0], "oxidation_V": [2.3, 6.4]}
)
BARRIERS = pd.DataFrame(
    {
        "formula": ["A", "B", "C"],
        "barrier_1d_eV": [0.2, 0.4, 0.1],
        "barrier_2d_eV": [0.3, 0.5, 0.2],
        "barrier_3d_eV": [0.3, math.inf, 0.4],
        "log10_sigma": [-3.0, -6.0, -4.0],
    }
)
CANDIDATES = pd.DataFrame(
    {
        K.REDUCED_FORMULA: ["Li3PS4", "LiF"],
        K.INPUT: ["a", "b"],
        K.OXIDATION_V: [2.3, 6.4],
        K.REDUCTION_V: [1.7, 0.0],
        K.PREDICTION: [-3.0, -9.0],
        K.PREDICTION_STD: [0.1, 0.2],
        K.E_HULL: [0.0, 0.0],
        K.PARETO_RANK: [1, 1],
    }
)
HEAT = pd.DataFrame({"LiCoO2": [-0.3, 0.0]}, index=["Li3PS4", "Li3PO4"])


@pytest.mark.parametrize("fig", ["x", {}, [1], go.Bar()])
@pytest.mark.parametrize(
    "draw",
    [
        lambda fig: window_bars(WINDOWS, fig=fig),
        lambda fig: interface_heatmap(HEAT, fig=fig),
        lambda fig: barrier_bars(BARRIERS, fig=fig),
        lambda fig: candidates_pareto(CANDIDATES, fig=fig),
    ],
)
def test_fig_that_is_not_a_figure(draw, fig):
    with pytest.raises(InvalidInputError, match=r"fig=.*plotly.graph_objects.Figure"):
        draw(fig)


@pytest.mark.parametrize(
    ("windows", "match"),
    [
        (WINDOWS.assign(reduction_V=["a", "b"]), "'reduction_V' must hold numbers; row 0 is 'a'"),
        (WINDOWS.assign(oxidation_V=[2.0, "x"]), "'oxidation_V' must hold numbers; row 1 is 'x'"),
        (WINDOWS.drop(columns="reduced_formula"), "column naming each material"),
        (WINDOWS.assign(reduction_V=np.nan), "none of the 2 rows has a reduction limit"),
        (WINDOWS.iloc[:0], "none of the 0 rows"),
        (["Li3PS4"], "got str 'Li3PS4'.*StabilityWindow"),
        (None, "not NoneType"),
        ("Li3PS4", "not str"),
    ],
)
def test_window_bars_bad_tables(windows, match):
    with pytest.raises(InvalidInputError, match=match):
        window_bars(windows)


@pytest.mark.parametrize("v_range", [(0, math.inf), ("a", "b"), (0, 1, 2), 6.0])
def test_window_bars_bad_v_range(v_range):
    with pytest.raises(InvalidInputError, match="two finite voltages"):
        window_bars(WINDOWS, v_range=v_range)


def test_window_bars_are_bounded():
    """100 000 rows drew for a minute (one annotation each); now refused at once."""
    n = MAX_BARS + 1
    big = pd.DataFrame(
        {"input": [f"X{i}" for i in range(n)], "reduction_V": [0.0] * n, "oxidation_V": [1.0] * n}
    )
    with pytest.raises(InvalidInputError, match=f"at most {MAX_BARS} windows, got {n}"):
        window_bars(big)
    # at the limit, every bar cut at the axis still carries its "∞" note (bars lying down)
    fig = window_bars(big.iloc[:MAX_BARS].assign(oxidation_V=math.inf))
    assert sum(a.text == "∞ →" for a in fig.layout.annotations) == MAX_BARS


def test_window_bars_of_one_degenerate_row_draw():
    """Reduction above oxidation (an inverted row) and an infinite limit still draw a bar."""
    fig = window_bars(WINDOWS.iloc[:1].assign(oxidation_V=math.inf))
    assert list(fig.data[0].x) == ["Li3PS4"] and fig.layout.annotations[0].text == "∞ ↑"


@pytest.mark.parametrize(
    ("table", "match"),
    [
        (CANDIDATES.drop(columns=K.E_HULL), r"lacks columns \['e_above_hull_eV_atom'\]"),
        (CANDIDATES.drop(columns=K.REDUCED_FORMULA), r"lacks columns \['reduced_formula'\]"),
        (CANDIDATES.assign(**{K.E_HULL: ["a", "b"]}), "'e_above_hull_eV_atom' must hold numbers"),
    ],
)
def test_candidates_pareto_bad_tables(table, match):
    with pytest.raises(InvalidInputError, match=match):
        candidates_pareto(table)


def test_candidates_pareto_unhashable_y():
    with pytest.raises(InvalidInputError, match=r"y=\[1\] is not a column"):
        candidates_pareto(CANDIDATES, y=[1])


def test_candidates_pareto_without_std_has_no_error_bars():
    fig = candidates_pareto(CANDIDATES.drop(columns=K.PREDICTION_STD))
    assert fig.data[0].error_y.array is None and list(fig.data[0].y) == [-3.0, -9.0]


def test_candidates_window_bars_need_no_input_column():
    fig = candidates_window_bars(CANDIDATES.drop(columns=K.INPUT))
    assert list(fig.data[0].x) == ["Li3PS4", "LiF"]  # rank 1 both, same hull: table order
    with pytest.raises(InvalidInputError, match=r"lacks columns \['reduced_formula'\]"):
        candidates_window_bars(CANDIDATES.drop(columns=K.REDUCED_FORMULA))


@pytest.mark.parametrize("digits", [-1, "x", 1.5, 1000])
def test_interface_heatmap_bad_digits(digits):
    with pytest.raises(InvalidInputError, match=r"digits=.*integer from 0 to 12"):
        interface_heatmap(HEAT, digits=digits)


def test_interface_heatmap_hover_that_is_not_a_frame():
    with pytest.raises(InvalidInputError, match="hover is a list"):
        interface_heatmap(HEAT, hover=[["a"], ["b"]])


@pytest.mark.parametrize("cap", ["x", math.nan, -1.0, 0])
def test_barrier_bars_bad_cap(cap):
    with pytest.raises(InvalidInputError, match=r"cap_eV=.*number > 0"):
        barrier_bars(BARRIERS, cap_eV=cap)


def test_barrier_bars_bad_values():
    with pytest.raises(InvalidInputError, match="'barrier_1d_eV' must hold numbers; row 0"):
        barrier_bars(BARRIERS.assign(barrier_1d_eV=["a", 0.1, 0.2]))
    nan = BARRIERS.assign(barrier_1d_eV=np.nan, barrier_2d_eV=np.nan, barrier_3d_eV=np.nan)
    with pytest.raises(InvalidInputError, match="every barrier is NaN"):
        barrier_bars(nan)


def test_barrier_bars_sorted_by_3d_barrier_inf_last():
    """Hand order of the 3D barriers 0.3, inf, 0.4: A, C, B; B drawn at the cap, hatched."""
    fig = barrier_bars(BARRIERS)
    assert list(fig.data[2].x) == ["A", "C", "B"]
    assert list(fig.data[2].y) == [0.3, 0.4, 3.0]
    assert list(fig.data[2].marker.pattern.shape) == ["", "", "/"]


def test_scatter_highlight_not_in_a_frame_without_ids():
    """A name that is no row of a frame without id/formula columns: no star, no TypeError."""
    frame = BARRIERS.drop(columns="formula").assign(barrier_3d_eV=[0.2, 0.5, 0.9])
    fig = barrier_conductivity_scatter(frame, highlight="nope")
    assert len(fig.data) == 1
    with pytest.raises(InvalidInputError, match="'log10_sigma' must hold numbers; row 2"):
        barrier_conductivity_scatter(frame.assign(log10_sigma=[-3, -4, "high"]))


def test_window_explorer_ion_picked_before_a_formula():
    """Choosing the ion first is no error: the status asks for a formula, nothing drawn."""
    from ssenb.widgets import WindowExplorer

    ex = WindowExplorer("")
    ex.ion.value = "Na"
    assert "⚠" not in ex.status.text and "Type a formula" in ex.status.message
    assert ex.result is None and len(ex.figure.data) == 0
    assert ex.voltage.description == "V vs Na/Na⁺"
