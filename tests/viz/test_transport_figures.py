"""Transport figures: pathway over the structure, energy profile, barrier bars, σ scatter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from pymatgen.core import Lattice, Structure
from scipy.stats import spearmanr

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.transport import migration_landscape
from ssenb.viz.transport import (
    barrier_bars,
    barrier_conductivity_scatter,
    landscape_energy_profile,
    landscape_pathway_3d,
)


@pytest.fixture(scope="module")
def land():
    li2o = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.61), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    )
    return migration_landscape(li2o, resolution=0.1)


def test_pathway_is_drawn_over_the_structure(land):
    fig = landscape_pathway_3d(land, max_points=500)
    assert isinstance(fig, go.Figure)
    names = [t.name for t in fig.data]
    assert "Li" in names and "O" in names  # the structure_3d atoms are there
    path = next(t for t in fig.data if t.name.startswith("Li pathway"))
    assert "3D" in path.name and len(path.x) == 500  # subsampled to max_points
    colors = np.asarray(path.marker.color)
    assert colors.min() >= 0 and colors.max() <= land.barrier_3d + 1e-9
    assert any(t.name.startswith("closed path") for t in fig.data)


def test_pathway_overlays_and_forwards_kwargs(land):
    base = go.Figure(go.Scatter3d(x=[0], y=[0], z=[0], name="mine"))
    fig = landscape_pathway_3d(land, fig=base, structure=False, max_points=10**6, opacity=0.5)
    assert fig.data[0].name == "mine"
    path = next(t for t in fig.data if t.name.startswith("Li pathway"))
    assert path.opacity == 0.5 and len(path.x) == len(land.pathway)
    with pytest.raises(InvalidInputError, match="needs a MigrationLandscape"):
        landscape_pathway_3d(land.structure)


def test_energy_profile_marks_the_barriers(land):
    fig = landscape_energy_profile(land)
    (line,) = fig.data
    assert np.all(np.diff(line.x) > 0)
    assert max(line.y) == pytest.approx(land.barrier_1d)
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("3D barrier") for t in texts)
    assert fig.layout.xaxis.title.text == "distance along the path (Å)"


def _frame():
    return pd.DataFrame(
        {
            K.ID: ["a", "b", "c", "d", "e"],
            K.FORMULA: ["Li3N", "LiX", "Li2O", "LiY", "LiZ"],
            K.BARRIER_1D: [0.2, 0.5, 0.3, np.inf, 0.1],
            K.BARRIER_2D: [0.2, 0.6, 0.3, np.inf, 0.1],
            K.BARRIER_3D: [0.25, 4.0, 0.3, np.inf, 0.15],
            K.LOG10_SIGMA: [-3.0, -9.0, -5.0, -10.0, -4.0],
            K.ERROR: [None, None, None, None, None],
        }
    )


def test_barrier_bars_sorted_and_capped():
    fig = barrier_bars(_frame(), cap_eV=3.0)
    assert [t.name for t in fig.data] == ["1D barrier", "2D barrier", "3D barrier"]
    three = fig.data[2]
    assert next(iter(three.x)) == "LiZ (e)"  # lowest 3D barrier first
    assert max(three.y) == 3.0 and "4.00 eV" in list(three.hovertext)
    assert "no path" in list(three.hovertext)
    small = barrier_bars(_frame().iloc[[0, 2]])  # all below the cap: axis fits the data
    assert small.layout.yaxis.range[1] == pytest.approx(0.315)
    with pytest.raises(InvalidInputError, match="lacks columns"):
        barrier_bars(_frame().drop(columns=[K.BARRIER_2D]))


def test_scatter_prints_spearman_and_highlights():
    frame = _frame()
    fig = barrier_conductivity_scatter(frame, highlight="c")
    finite = frame[np.isfinite(frame[K.BARRIER_3D])]
    rho = spearmanr(finite[K.BARRIER_3D], finite[K.LOG10_SIGMA]).statistic
    assert f"ρ = {rho:.2f}" in fig.layout.title.text and "n = 4" in fig.layout.title.text
    star = fig.data[-1]
    assert star.name == "c" and list(star.x) == [0.3]
    with pytest.raises(InvalidInputError, match="join the measured conductivities"):
        barrier_conductivity_scatter(frame.drop(columns=[K.LOG10_SIGMA]))
