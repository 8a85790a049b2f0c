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
    assert not any(t.type == "mesh3d" for t in fig.data)  # no polyhedra hiding the path
    path = next(t for t in fig.data if t.name.startswith("Li pathway"))
    assert "3D" in path.name and len(path.x) == 500  # subsampled to max_points
    colors = np.asarray(path.marker.color)
    assert colors.min() >= 0 and colors.max() <= land.barrier_3d + 1e-9


def test_network_hops_are_coloured_by_their_saddle(land):
    graph = land.pathway_graph()
    hops = graph.pathway_edges
    fig = landscape_pathway_3d(land, structure=False)
    lines = next(t for t in fig.data if t.name.startswith("hops"))
    assert lines.name == f"hops ({len(hops)} on the pathway)"
    assert len(lines.x) == 4 * len(hops)  # node, saddle, node, gap per hop
    assert list(lines.line.color[::4]) == pytest.approx(list(hops[K.SADDLE_ENERGY]))
    assert lines.line.cmax == pytest.approx(land.barrier_3d)
    # every hop ends at its to-node, translated into the neighbouring cell
    nodes = graph.nodes.set_index(K.NODE)
    lattice = land.structure.lattice.matrix
    for k, row in enumerate(hops.itertuples(index=False)):
        to = nodes.loc[getattr(row, K.TO_NODE), ["a_frac", "b_frac", "c_frac"]].to_numpy(float)
        end = (to + np.array([row.image_a, row.image_b, row.image_c])) @ lattice
        assert [lines.x[4 * k + 2], lines.y[4 * k + 2], lines.z[4 * k + 2]] == pytest.approx(end)
        assert lines.x[4 * k + 3] is None
    sites = next(t for t in fig.data if t.name == "Li sites and minima")
    assert len(sites.x) == int(graph.nodes[K.IN_PATHWAY].sum())
    assert not any(t.name.startswith("closed path") for t in fig.data)
    plain = landscape_pathway_3d(land, structure=False, network=False)
    assert any(t.name.startswith("closed path") for t in plain.data)
    assert not any(t.name.startswith("hops") for t in plain.data)


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
    assert star.name == "Li2O (c)" and list(star.x) == [0.3]
    (label,) = fig.layout.annotations  # labelled on a white background, off the other points
    assert (label.text, label.x, label.y) == ("Li2O (c)", 0.3, -5.0) and label.bgcolor
    with pytest.raises(InvalidInputError, match="join the measured conductivities"):
        barrier_conductivity_scatter(frame.drop(columns=[K.LOG10_SIGMA]))


def test_scatter_places_a_material_that_is_not_in_the_table():
    frame = _frame()
    fig = barrier_conductivity_scatter(frame, highlight=("my LLZO", 0.45, -3.5))
    star = fig.data[-1]
    assert (list(star.x), list(star.y), star.name) == ([0.45], [-3.5], "my LLZO")
    assert [a.text for a in fig.layout.annotations] == ["my LLZO"]
    assert star.marker.symbol == "star" and len(fig.data) == 2
    # no measured σ: a dashed vertical line at its barrier, labelled
    line = barrier_conductivity_scatter(frame, highlight=("upload.cif", 0.62, None))
    (shape,) = line.layout.shapes
    assert shape.x0 == shape.x1 == 0.62 and shape.line.dash == "dash"
    assert "upload.cif: 0.62 eV (no measured σ)" in [a.text for a in line.layout.annotations]
    assert len(line.data) == 1
    nan = barrier_conductivity_scatter(frame, highlight=("x", 0.62, float("nan")))
    assert len(nan.layout.shapes) == 1
    # no 3D path: said in the corner, nothing placed
    none = barrier_conductivity_scatter(frame, highlight=("Li3PO4", float("inf"), -12.0))
    assert "Li3PO4: no 3D path below 10 eV" in [a.text for a in none.layout.annotations]
    assert len(none.data) == 1 and not none.layout.shapes
    with pytest.raises(InvalidInputError, match=r"highlight=.*a tuple"):
        barrier_conductivity_scatter(frame, highlight=("only a label",))
    with pytest.raises(InvalidInputError, match=r"highlight=.*a tuple"):
        barrier_conductivity_scatter(frame, highlight=("x", "high", None))


def test_equal_barriers_say_spearman_is_undefined_not_nan():
    frame = pd.DataFrame({"barrier_3d_eV": [0.4, 0.4, 0.4], "log10_sigma": [-3.0, -4.0, -5.0]})
    fig = barrier_conductivity_scatter(frame)
    assert "Spearman ρ undefined" in fig.layout.title.text and "nan" not in fig.layout.title.text


def test_scatter_draws_censored_sigma_as_bounds_and_leaves_them_out_of_rho():
    """issue 19: "<1E-10" rows were drawn as exact values and counted in Spearman's ρ."""
    frame = pd.DataFrame(
        {
            K.BARRIER_3D: [0.2, 0.4, 0.6, 0.8, 0.1],
            K.LOG10_SIGMA: [-3.0, -5.0, -4.0, -9.0, -10.0],
            K.CENSORED: [False, False, False, False, True],
        }
    )
    fig = barrier_conductivity_scatter(frame)
    exact, bounds = fig.data
    assert list(exact.x) == [0.2, 0.4, 0.6, 0.8] and list(bounds.x) == [0.1]
    assert bounds.marker.symbol == "triangle-down-open"
    # by hand over the 4 exact rows: ranks x (1,2,3,4), y (4,2,3,1), d² = 18: 1 - 6*18/60
    assert "ρ = -0.80" in fig.layout.title.text and "n = 4" in fig.layout.title.text
    assert "1 upper bounds ▽ not in ρ" in fig.layout.title.text
