import math

import plotly.graph_objects as go
import pytest

from ssenb.errors import InvalidInputError
from ssenb.thermo import interface_reactions, screen, stability_window
from ssenb.viz import hull_diagram, reaction_energy_curve, window_bars, window_profile


def test_window_profile_traces_follow_the_profile():
    w = stability_window("Li3PO4")
    fig = window_profile(w)
    assert isinstance(fig, go.Figure)
    step = fig.data[0]
    assert list(step.y[::2]) == pytest.approx(list(w.profile["ion_per_formula_unit"]))
    assert step.x[0] == pytest.approx(0.0)
    band = fig.layout.shapes[0]
    assert (band.x0, band.x1) == (pytest.approx(w.reduction_v), pytest.approx(w.oxidation_v))
    assert "V vs Li/Li⁺" in fig.layout.xaxis.title.text


def test_window_profile_for_sodium_labels_the_axis():
    fig = window_profile(stability_window("Na3PS4", ion="Na"))
    assert "Na/Na⁺" in fig.layout.xaxis.title.text


def test_window_bars_from_results_and_from_a_screen():
    windows = [stability_window(f) for f in ("Li3PO4", "LiF", "GeS2")]
    fig = window_bars(windows)
    bar = fig.data[0]
    assert list(bar.x) == ["Li3PO4", "LiF", "GeS2"]
    assert list(bar.base) == pytest.approx([w.reduction_v for w in windows])
    tops = [b + h for b, h in zip(bar.base, bar.y)]
    assert tops[0] == pytest.approx(windows[0].oxidation_v)
    assert tops[2] == 6.0 and math.isinf(windows[2].oxidation_v)  # inf drawn to the axis top
    from_screen = window_bars(screen(["Li3PO4", "LiF"], progress=False))
    assert list(from_screen.data[0].base) == pytest.approx(list(bar.base[:2]))


def test_window_bars_bad_input():
    import pandas as pd

    with pytest.raises(InvalidInputError, match="columns"):
        window_bars(pd.DataFrame({"x": [1]}))
    with pytest.raises(InvalidInputError, match="no windows"):
        window_bars([])


def test_reaction_energy_curve_points_are_the_kinks():
    r = interface_reactions("Li3PS4", "LiCoO2")
    fig = reaction_energy_curve(r)
    assert list(fig.data[0].x) == pytest.approx(list(r.table["mixing_ratio"]))
    assert list(fig.data[0].y) == pytest.approx(list(r.table["reaction_energy_eV_atom"]))
    assert fig.data[1].y[0] == pytest.approx(r.min_energy)


@pytest.mark.parametrize("system", ["Li-S", "Li-P-S", "Ge-Li-P-S"])
def test_hull_diagram_draws_binary_to_quaternary(system):
    fig = hull_diagram(system)
    assert isinstance(fig, go.Figure) and len(fig.data) > 2
    assert system in fig.layout.title.text
    assert fig.layout.margin.t >= 60  # room for the title above the toolbar


def test_hull_diagram_rejects_five_elements():
    with pytest.raises(InvalidInputError, match="2 to 4"):
        hull_diagram("Li-La-Zr-O-Ta")
