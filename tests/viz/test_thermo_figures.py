import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from ssenb.errors import InvalidInputError
from ssenb.thermo import StabilityWindow, interface_reactions, screen, stability_window
from ssenb.viz import hull_diagram, reaction_energy_curve, window_bars, window_profile
from ssenb.viz.interface import interface_heatmap


def _hand_window(reduction_v, oxidation_v, profile_rows):
    """A StabilityWindow made by hand (hand-checkable titles and axes)."""
    profile = pd.DataFrame(
        profile_rows,
        columns=["voltage_V", "voltage_upper_V", "ion_per_formula_unit", "products", "reaction"],
    )
    return StabilityWindow(
        formula="Li2S",
        ion="Li",
        reduction_v=reduction_v,
        oxidation_v=oxidation_v,
        reduction_products=[],
        oxidation_products=["S"],
        e_above_hull=0.0,
        metastable=False,
        in_data=True,
        source="hand",
        correction_scheme="none",
        profile=profile,
    )


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
    # Zhu et al. 2015 / Richards et al. 2016: Li3PO4 is stable from 0.69 to 4.21 V
    assert "window 0.69–4.21 V" in fig.layout.title.text


def test_window_profile_for_sodium_labels_the_axis():
    fig = window_profile(stability_window("Na3PS4", ion="Na"))
    assert "Na/Na⁺" in fig.layout.xaxis.title.text


def test_infinite_oxidation_limit_is_not_invented_in_the_title():
    # NaCl has no Li: nothing to release, so no oxidation limit (issue 13: the title
    # said "window 0.05–1.05 V", the axis end)
    w = stability_window("NaCl")
    assert math.isinf(w.oxidation_v)
    fig = window_profile(w)
    title = fig.layout.title.text
    assert "no oxidation limit" in title and "no Li to release" in title
    assert "1.05" not in title and "–" not in title
    assert fig.layout.shapes[0].x1 == pytest.approx(fig.layout.xaxis.range[1])


def test_title_shows_zero_not_minus_zero():
    w = _hand_window(
        -2.4e-15,
        2.14,
        [
            [-2.4e-15, 2.14, 0.0, ["Li2S"], "Li2S -> Li2S"],
            [2.14, math.inf, -2.0, ["S"], "Li2S -> 2 Li + S"],
        ],
    )
    title = window_profile(w).layout.title.text
    assert "window 0.00–2.14 V" in title and "-0.00" not in title and "e-15" not in title


def test_axis_covers_0_to_6_volts_and_the_data():
    fig = window_profile(stability_window("Li3PO4"))  # last step at 4.21 V
    lo, hi = fig.layout.xaxis.range
    assert lo <= 0.0 and hi >= 6.0
    wide = _hand_window(
        0.0, 7.2, [[0.0, 7.2, 0.0, ["LiF"], "-"], [7.2, math.inf, -1.0, ["F2"], "-"]]
    )
    assert window_profile(wide).layout.xaxis.range[1] >= 7.2


def test_voltage_marker_is_drawn_and_labelled():
    w = stability_window("Li3PO4")
    fig = window_profile(w, voltage=3.0)
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1 and lines[0].x0 == pytest.approx(3.0)
    labels = [a.text for a in fig.layout.annotations if "3.00 V" in a.text]
    # 3 V is inside Li3PO4's window: the stable phase there is Li3PO4 itself
    assert labels and "Li<sub>3</sub>PO<sub>4</sub>" in labels[0]
    with pytest.raises(InvalidInputError, match="not a number"):
        window_profile(w, voltage="high")
    with pytest.raises(InvalidInputError, match="finite"):
        window_profile(w, voltage=math.inf)


def test_window_bars_from_results_and_from_a_screen():
    windows = [stability_window(f) for f in ("Li3PO4", "LiF", "GeS2")]
    fig = window_bars(windows)
    bar = fig.data[0]
    assert list(bar.x) == ["Li3PO4", "LiF", "GeS2"]
    assert list(bar.base) == pytest.approx([w.reduction_v for w in windows])
    tops = [b + h for b, h in zip(bar.base, bar.y)]
    assert tops[0] == pytest.approx(windows[0].oxidation_v)
    # LiF's true oxidation limit (6.36 V) is drawn in full, not capped at 6 V
    assert tops[1] == pytest.approx(windows[1].oxidation_v)
    assert fig.layout.yaxis.range[1] > windows[1].oxidation_v
    # GeS2 has no Li: drawn to the axis top and marked ∞
    assert math.isinf(windows[2].oxidation_v) and tops[2] == fig.layout.yaxis.range[1]
    assert any(a.x == "GeS2" and "∞" in a.text for a in fig.layout.annotations)
    assert list(fig.layout.xaxis.ticktext) == [
        "Li<sub>3</sub>PO<sub>4</sub>",
        "LiF",
        "GeS<sub>2</sub>",
    ]
    from_screen = window_bars(screen(["Li3PO4", "LiF"], progress=False))
    assert list(from_screen.data[0].base) == pytest.approx(list(bar.base[:2]))


def test_window_bars_mark_a_cap_and_a_narrow_window():
    windows = [stability_window(f) for f in ("LiF", "Li7P3S11")]
    fig = window_bars(windows, v_range=(0.0, 6.0))
    capped = [a.text for a in fig.layout.annotations if a.x == "LiF"]
    assert capped == ["6.36 V ↑"]  # the cut bar says where it really ends
    # Li7P3S11: 2.28–2.31 V (MP 2019), 0.03 V of a 6 V axis: a marker and its numbers
    narrow = [t for t in fig.data[1:] if list(t.x) == ["Li7P3S11"]]
    assert len(narrow) == 1 and narrow[0].mode == "markers"
    assert any(a.x == "Li7P3S11" and a.text == "2.28–2.31 V" for a in fig.layout.annotations)


def test_an_empty_window_reads_as_no_window():
    """Li4PS4 (not in MP 2019) lies in the Li2S-P-Li3PS4 triangle: it is reduced to Li2S + P
    and oxidised to Li3PS4 at the same 1.72 V (Li3PS4's reduction voltage, Zhu et al.
    2015), so it has no window; nothing may read like a range "1.72–1.72 V"."""
    w = stability_window("Li4PS4")
    assert w.reduction_v == pytest.approx(w.oxidation_v)
    title = window_profile(w).layout.title.text
    assert "no window (decomposes at 1.72 V)" in title and "1.72–1.72" not in title
    fig = window_bars([stability_window("Li3PS4"), w])
    texts = [a.text for a in fig.layout.annotations if a.x == "Li4PS4"]
    assert texts == ["no window (decomposes at 1.72 V)"]
    hover = fig.data[0].hovertext[1]
    assert "no window" in hover and "–" not in hover


def test_window_bars_give_close_limits_enough_digits():
    """Limits 2.2792 and 2.2831 V round alike at 2 decimals: written with 3."""
    frame = pd.DataFrame({"input": ["X"], "reduction_V": [2.2792], "oxidation_V": [2.2831]})
    fig = window_bars(frame)
    assert [a.text for a in fig.layout.annotations] == ["2.279–2.283 V"]


def test_reaction_curve_of_a_near_zero_reaction_is_nearly_flat():
    """LLZO | LiCoO2 on MP 2019: about -1 meV/atom. The y axis spans at least 0.05 eV/atom
    (0 and the minimum, 8 % margin, widened down to 0.05): [-0.054, 0.004]."""
    r = interface_reactions("Li7La3Zr2O12", "LiCoO2")
    assert -0.005 < r.min_energy < 0
    lo, hi = reaction_energy_curve(r).layout.yaxis.range
    assert (lo, hi) == (pytest.approx(-0.054), pytest.approx(0.004))
    # a stable pair gets the same flat axis, 0 near its top
    flat = reaction_energy_curve(interface_reactions("NaCl", "LiCoO2")).layout.yaxis.range
    assert list(flat) == pytest.approx([-0.054, 0.004])


def test_reaction_curve_of_a_large_reaction_fits_its_minimum():
    """Li3PS4 | LiCoO2: minimum about -0.40 eV/atom; range [min - 8 %, 0 + 8 %] of the span."""
    r = interface_reactions("Li3PS4", "LiCoO2")
    lo, hi = reaction_energy_curve(r).layout.yaxis.range
    span = -r.min_energy
    assert (lo, hi) == (pytest.approx(r.min_energy - 0.08 * span), pytest.approx(0.08 * span))


def test_reaction_curve_note_sits_above_the_plot():
    """The metastable-reactant note is above the plot area (paper y >= 1), never over the
    curve, and the top margin grows by a line for it."""
    r = interface_reactions("Li6PS5Cl", "LiCoO2")
    fig = reaction_energy_curve(r)
    note = next(a for a in fig.layout.annotations if "not counted" in a.text)
    assert note.yref == "paper" and note.y >= 1 and note.yanchor == "bottom"
    plain = reaction_energy_curve(interface_reactions("Li3PS4", "LiCoO2"))
    assert fig.layout.margin.t > plain.layout.margin.t


def test_overlaid_reaction_curves_share_one_range():
    fig = reaction_energy_curve(interface_reactions("Li3PS4", "LiCoO2"))
    both = reaction_energy_curve(interface_reactions("Li7La3Zr2O12", "LiCoO2"), fig=fig)
    lo, _ = both.layout.yaxis.range
    assert lo < -0.4  # the deeper curve still fits


def test_window_bars_bad_input():
    with pytest.raises(InvalidInputError, match="columns"):
        window_bars(pd.DataFrame({"x": [1]}))
    with pytest.raises(InvalidInputError, match="no windows"):
        window_bars([])
    with pytest.raises(InvalidInputError, match="low < high"):
        window_bars([stability_window("LiF")], v_range=(6.0, 0.0))


def test_reaction_energy_curve_points_are_the_kinks():
    r = interface_reactions("Li3PS4", "LiCoO2")
    fig = reaction_energy_curve(r)
    assert list(fig.data[0].x) == pytest.approx(list(r.table["mixing_ratio"]))
    assert list(fig.data[0].y) == pytest.approx(list(r.table["reaction_energy_eV_atom"]))
    assert fig.data[1].y[0] == pytest.approx(r.min_energy)


def test_reaction_energy_curve_without_a_reaction_says_so():
    # on the MP 2019 hull no product set lies below NaCl + LiCoO2 at any ratio
    r = interface_reactions("NaCl", "LiCoO2")
    assert r.min_energy == 0.0
    fig = reaction_energy_curve(r)
    assert len(fig.data) == 1  # no "minimum" star at x = 0
    assert any("no reaction" in a.text for a in fig.layout.annotations)


def test_reaction_energy_curve_names_a_metastable_reactants_own_energy():
    r = interface_reactions("Li6PS5Cl", "LiCoO2")
    fig = reaction_energy_curve(r)
    # Li6PS5Cl lies 83 meV/atom above the MP 2019 hull (issue 13); the curve leaves it out
    notes = [a.text for a in fig.layout.annotations]
    assert any("83 meV/atom above hull" in t and "not counted" in t for t in notes)
    assert fig.data[0].y[0] == 0.0 and fig.data[0].y[-1] == 0.0  # both ends on their hulls


def _stop_colour(trace, value):
    """The colourscale stop that ``value`` falls on (by hand: linear map onto [0, 1])."""
    frac = (value - trace.zmin) / (trace.zmax - trace.zmin)
    stops = {round(float(p), 9): c for p, c in trace.colorscale}
    return stops.get(round(frac, 9))


def test_heatmap_zero_is_white_when_all_values_are_negative():
    frame = pd.DataFrame({"LiCoO2": [-0.32, 0.0], "Li": [-0.05, -0.41]}, index=["a", "b"])
    fig = interface_heatmap(frame)
    heat = fig.data[0]
    assert _stop_colour(heat, 0.0).lower() == "#ffffff"
    assert heat.zmin == pytest.approx(-0.41) and heat.zmax == 0.0
    assert [list(r) for r in heat.text] == [["-0.320", "-0.050"], ["0.000", "-0.410"]]


def test_heatmap_zero_is_white_with_positive_values():
    frame = pd.DataFrame({"x": [-0.2, 0.1]}, index=["a", "b"])
    heat = interface_heatmap(frame).data[0]
    assert (heat.zmin, heat.zmax) == (pytest.approx(-0.2), pytest.approx(0.2))
    assert _stop_colour(heat, 0.0).lower() == "#ffffff"


def test_heatmap_cells_from_results_name_the_reaction_and_own_instability():
    cells = pd.DataFrame(
        {"LiCoO2": [interface_reactions(e, "LiCoO2") for e in ("Li3PO4", "Li6PS5Cl")]},
        index=["Li3PO4", "Li6PS5Cl"],
    )
    heat = interface_heatmap(cells).data[0]
    # Li3PO4 and LiCoO2 are both on the hull and do not react (Richards et al. 2016)
    assert heat.z[0][0] == 0.0 and "no reaction" in heat.customdata[0][0]
    # Li6PS5Cl is 83 meV/atom above the MP 2019 hull (issue 13): named, not counted
    assert heat.z[1][0] < -0.1
    assert "83 meV/atom above hull (not counted)" in heat.customdata[1][0]


def test_heatmap_bad_input():
    with pytest.raises(InvalidInputError, match="non-empty DataFrame"):
        interface_heatmap(pd.DataFrame())
    with pytest.raises(InvalidInputError, match="neither a number"):
        interface_heatmap(pd.DataFrame({"x": ["oops"]}))
    with pytest.raises(InvalidInputError, match="must match"):
        interface_heatmap(pd.DataFrame({"x": [0.0]}), hover=pd.DataFrame({"x": ["a", "b"]}))


@pytest.mark.parametrize("system", ["Li-S", "Li-P-S", "Ge-Li-P-S"])
def test_hull_diagram_draws_binary_to_quaternary(system):
    fig = hull_diagram(system)
    assert isinstance(fig, go.Figure) and len(fig.data) > 2
    assert system in fig.layout.title.text
    assert fig.layout.margin.t >= 60  # room for the title above the toolbar


def test_hull_diagram_marks_a_ternary_material_at_its_composition():
    fig = hull_diagram("Li-P-S", highlight="Li7P3S11")
    star = fig.data[-1]
    # Li7P3S11: 21 atoms -> Li 7/21, P 3/21, S 11/21 on the a (Li), b (P), c (S) axes
    axes = [
        ax.title.text
        for ax in (fig.layout.ternary.aaxis, fig.layout.ternary.baxis, fig.layout.ternary.caxis)
    ]
    expected = {"Li": 7 / 21, "P": 3 / 21, "S": 11 / 21}
    assert (star.a[0], star.b[0], star.c[0]) == pytest.approx(tuple(expected[e] for e in axes))
    assert "Li<sub>7</sub>P<sub>3</sub>S<sub>11</sub>" in star.text[0]
    labels = next(t for t in fig.data if t.name == "labels")
    assert "Li<sub>3</sub>PS<sub>4</sub>" in labels.text and "Li<sub>2</sub>S" in labels.text


def test_hull_diagram_labels_lgps_and_its_products_in_the_quaternary():
    fig = hull_diagram("Ge-Li-P-S", highlight="Li10GeP2S12")
    texts = [a.text for a in fig.layout.scene.annotations]
    assert any("Li<sub>10</sub>GeP<sub>2</sub>S<sub>12</sub>" in t for t in texts)
    # Zhu, He & Mo 2015: LGPS lies above the hull and decomposes to Li3PS4 + Li4GeS4
    assert "Li<sub>3</sub>PS<sub>4</sub>" in texts and "Li<sub>4</sub>GeS<sub>4</sub>" in texts
    assert "above hull" in fig.data[-1].hovertext[0]


def test_hull_diagram_rejects_bad_input():
    with pytest.raises(InvalidInputError, match="2 to 4"):
        hull_diagram("Li-La-Zr-O-Ta")
    with pytest.raises(InvalidInputError, match="'Xx' is not an element symbol"):
        hull_diagram("Li-Xx")  # issue 13: answered "not covered by MP data"
    with pytest.raises(InvalidInputError, match="outside the system"):
        hull_diagram("Li-S", highlight="Li3PO4")


@pytest.mark.parametrize("system", ["Li-S", "Li-P-S", "Ge-Li-P-S", "La-Li-O-Zr"])
def test_hull_diagram_draws_pymatgens_hull(system):
    """ssenb draws the hull itself (no pymatgen.analysis import); pymatgen's PhaseDiagram of
    the same entries is the reference: stable phases, formation energies, tie lines (every
    pair of phases of a facet, as PDPlotter) and the phases within 50 meV/atom."""
    from itertools import combinations

    from ssenb.thermo import get_source

    pd_ = get_source().phase_diagram(system.split("-"))
    fig = hull_diagram(system, show_unstable=0.05)
    stable = next(t for t in fig.data if t.name == "Stable")
    names = [h.split(" (")[0] for h in stable.hovertext]
    assert sorted(names) == sorted(e.name for e in pd_.stable_entries)
    form = {e.name: pd_.get_form_energy_per_atom(e) for e in pd_.stable_entries}
    drawn = {
        n: float(h.split("formation energy ")[1].split(" ")[0])
        for n, h in zip(names, stable.hovertext)
    }
    assert all(abs(drawn[n] - form[n]) < 6e-4 for n in names)  # 3 decimals in the hover
    pairs = {
        frozenset((pd_.qhull_entries[a].name, pd_.qhull_entries[b].name))
        for facet in pd_.facets
        for a, b in combinations(facet, 2)
    }
    lines = next(t for t in fig.data if t.name == "tie lines")
    ends = lines.a if lines.type == "scatterternary" else lines.x
    assert len(ends) == 3 * len(pairs)  # two ends and a gap per tie line
    expected = sorted(
        (e.name, round(pd_.get_e_above_hull(e), 6))
        for e in pd_.unstable_entries
        if pd_.get_e_above_hull(e) <= 0.05
    )
    above = next((t for t in fig.data if t.name == "Above hull"), None)
    got = [] if above is None else [h.split(" (")[0] for h in above.hovertext]
    assert sorted(got) == [name for name, _ in expected]
    if above is not None:
        drawn = sorted(zip(got, np.asarray(above.marker.color, float)))
        assert [e for _, e in drawn] == pytest.approx([e for _, e in expected], abs=1e-6)


def test_hull_tie_lines_are_pymatgens_facet_edges():
    from itertools import combinations

    from ssenb.thermo import get_source

    src = get_source()
    for system in (["Li", "P", "S"], ["Ge", "Li", "P", "S"]):
        pd_ = src.phase_diagram(system)
        hull = src.fast_hull(system)
        ours = {frozenset((hull.names[a], hull.names[b])) for a, b in hull.tie_lines}
        ref = {
            frozenset((pd_.qhull_entries[a].name, pd_.qhull_entries[b].name))
            for facet in pd_.facets
            for a, b in combinations(facet, 2)
        }
        assert ours == ref and len(ref) > len(system)


def test_hull_diagram_of_a_phase_diagram_equals_the_source_one():
    from ssenb.thermo import get_source

    pd_ = get_source().phase_diagram(["Li", "P", "S"])
    a, b = hull_diagram(pd_, highlight="Li3PS4"), hull_diagram("Li-P-S", highlight="Li3PS4")
    assert [t.name for t in a.data] == [t.name for t in b.data]
    assert (
        next(t for t in a.data if t.name == "Stable").hovertext
        == next(t for t in b.data if t.name == "Stable").hovertext
    )
    assert "on the hull" in a.data[-1].hovertext[0]


def test_hull_diagram_imports_neither_pymatgen_analysis_nor_matplotlib(fresh_python):
    """The report's phase diagram used pymatgen's PDPlotter: 1.5 s of imports (pyplot)."""

    code = (
        "import sys; from ssenb.viz import hull_diagram;"
        "f = hull_diagram('Ge-Li-P-S', highlight='Li10GeP2S12');"
        "print(sorted(m for m in sys.modules if m.startswith(('pymatgen.analysis', 'matplotlib'))))"
    )
    assert fresh_python(code).splitlines()[-1] == "[]"


def test_hull_diagram_of_a_grand_potential_diagram_names_its_corner_phases():
    """Open O: the corners are Li2O2 and SO3 (pymatgen's stable entries), not Li and S."""
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram, PDEntry
    from pymatgen.core import Element

    entries = [
        PDEntry(formula, energy)
        for formula, energy in [
            ("Li", -1.9), ("O2", -9.8), ("Li2O", -14.3), ("Li2O2", -20.0),
            ("S", -4.1), ("Li2S", -12.0), ("SO3", -24.0),
        ]
    ]  # fmt: skip
    gpd = GrandPotentialPhaseDiagram(entries, {Element("O"): -5.0})
    fig = hull_diagram(gpd)
    stable = next(t for t in fig.data if t.name == "Stable")
    assert sorted(h.split(" (")[0] for h in stable.hovertext) == sorted(
        e.original_entry.name for e in gpd.stable_entries
    )
    assert fig.layout.title.text.startswith("Li2O2-SO3")
    with pytest.raises(InvalidInputError, match="transformed axes"):
        hull_diagram(gpd, highlight="Li2S")


def test_hull_diagram_refuses_bad_options_in_its_own_words():
    with pytest.raises(InvalidInputError, match="'label_unstable' is not valid"):
        hull_diagram("Li-O", label_unstable=True)  # a PDPlotter option of old
    for bad in ("0.1 eV", -0.01, math.nan):
        with pytest.raises(InvalidInputError, match="show_unstable"):
            hull_diagram("Li-O", show_unstable=bad)
    styled = hull_diagram("Li-O", marker={"color": "black"})
    assert next(t for t in styled.data if t.name == "Stable").marker.color == "black"
    assert "O marked" in hull_diagram("Li-O", highlight="O2").layout.title.text  # not O2


def test_quaternary_product_labels_do_not_overlap_on_screen():
    """Li6PS5Cl -> Li3PS4 + Li2S + LiCl: the labels' boxes (approximate, on the fixed
    camera's screen projection) are apart, though Li3PS4 and LiCl lie close on screen."""
    from ssenb.viz.phase_diagram import _TETRA_PX, _TETRAHEDRON, _screen

    fig = hull_diagram("Cl-Li-P-S", highlight="Li6PS5Cl")
    notes = [a for a in fig.layout.scene.annotations if a.showarrow and a.arrowcolor == "#444"]
    assert {a.text for a in notes} == {"Li<sub>3</sub>PS<sub>4</sub>", "Li<sub>2</sub>S", "LiCl"}
    scale = _TETRA_PX / float(np.ptp(_screen(_TETRAHEDRON)[:, 0]))
    centres = []
    for a in notes:
        x, y = _screen(np.array([[a.x, a.y, a.z]]))[0] * scale
        centres.append((x + a.ax, -y + a.ay))  # screen px, y down
    for i, (x1, y1) in enumerate(centres):
        for x2, y2 in centres[i + 1 :]:
            assert abs(x1 - x2) > 45 or abs(y1 - y2) > 20


def test_reaction_curve_names_the_products_at_every_kink():
    """issue 19: a printed curve carries its chemistry, as pymatgen's plot labels each kink.
    Li6PS5Cl | LiCoO2 (MP 2019): 8 kinks; at the minimum (x = 0.530) Co9S8 + Li2S + Li2SO4 +
    Li3PO4 + LiCl."""
    r = interface_reactions("Li6PS5Cl", "LiCoO2")
    fig = reaction_energy_curve(r)
    assert list(fig.data[0].text) == [str(i) for i in range(1, len(r.table) + 1)]
    (listing,) = [a for a in fig.layout.annotations if "x = 0.530" in a.text]
    lines = listing.text.split("<br>")
    assert len(lines) == len(r.table) == 8
    assert lines[4] == (
        "<b>5</b>  x = 0.530, -0.320 eV/atom: Co<sub>9</sub>S<sub>8</sub> + Li<sub>2</sub>S + "
        "Li<sub>2</sub>SO<sub>4</sub> + Li<sub>3</sub>PO<sub>4</sub> + LiCl"
    )
    assert listing.y == 0 and listing.yanchor == "top"  # under the plot, not over the curve
    assert fig.layout.margin.b >= 14 * 8
    # kinks 2 and 3 (x = 0.188, 0.196) sit 5 px apart: their numbers go to different sides
    assert fig.data[0].textposition[1] != fig.data[0].textposition[2]
    overlaid = reaction_energy_curve(interface_reactions("Li3PS4", "LiCoO2"), fig=fig)
    assert overlaid.data[-2].text is None  # an overlaid curve adds no second list


def test_window_profile_keeps_dilute_alloy_steps_off_scale():
    """issue 19: MgSc2Se4 (ion Mg) on MP 2019 takes up 893 Mg per f.u. below 0.005 V (the
    snapshot's Mg149Sc / Mg149Se cells); the axis stays on the readable steps (0 to -1 Mg)
    and a note names the off-scale steps."""
    w = stability_window("MgSc2Se4", ion="Mg")
    assert w.profile["ion_per_formula_unit"].max() == pytest.approx(893)
    fig = window_profile(w)
    lo, hi = fig.layout.yaxis.range
    assert -2 < lo < -1 and 0 < hi < 1
    (note,) = [a for a in fig.layout.annotations if "off scale" in a.text]
    assert "893 Mg/f.u." in note.text and "Mg<sub>149</sub>Sc" in note.text
    # an ordinary profile keeps plotly's own range and no note
    plain = window_profile(stability_window("Li3PS4"))
    assert plain.layout.yaxis.range is None
    assert not [a for a in plain.layout.annotations if "off scale" in a.text]


def test_voltage_marker_does_not_run_through_the_in_window_label():
    """issue 19: the dashed line at 2.00 V crossed the centred "Li3PS4" label of the
    1.72-2.36 V step; the label moves beside the line."""
    fig = window_profile(stability_window("Li3PS4"), voltage=2.0)
    (label,) = [a for a in fig.layout.annotations if a.text == "Li<sub>3</sub>PS<sub>4</sub>"]
    assert label.xanchor == "left" and label.x > 2.0
    centred = window_profile(stability_window("Li3PS4"), voltage=4.0)
    (label,) = [a for a in centred.layout.annotations if a.text == "Li<sub>3</sub>PS<sub>4</sub>"]
    assert label.xanchor == "center" and label.x == pytest.approx((1.7207 + 2.3607) / 2, abs=1e-3)


def test_window_bars_never_turn_formulas_on_their_side():
    """issue 19: plotly turned crowded category labels by 90° in the paper figure, and
    beyond 6 bars they were slanted by 45°: now the bars lie down, formulas read level."""
    few = window_bars([stability_window(f) for f in ("Li3PO4", "LiF")])
    assert few.layout.xaxis.tickangle == 0 and few.data[0].orientation == "v"
    names = [f"Li{i}S" for i in range(1, 9)]
    many = window_bars(
        pd.DataFrame(
            {
                "input": names,
                "reduction_V": [0.5] * 7 + [2.28],
                "oxidation_V": [4.0] * 6 + [math.inf, 2.31],
            }
        ),
        v_range=(0.0, 6.0),
    )
    bar = many.data[0]
    assert bar.orientation == "h" and list(bar.y) == names
    assert list(bar.base) == pytest.approx([0.5] * 7 + [2.28])
    assert list(bar.x[:6]) == pytest.approx([3.5] * 6) and bar.x[6] == pytest.approx(5.5)
    assert many.layout.yaxis.tickangle == 0 and many.layout.yaxis.autorange == "reversed"
    assert (
        many.layout.yaxis.ticktext[1] == "Li<sub>2</sub>S"
        and "V vs" in many.layout.xaxis.title.text
    )
    assert list(many.layout.xaxis.range) == [0.0, 6.0] and many.layout.height >= 8 * 22
    # the cut bar and the hairline keep their notes, along the bars
    assert [a.text for a in many.layout.annotations if a.y == "Li7S"] == ["∞ →"]
    (note,) = [a for a in many.layout.annotations if a.y == "Li8S"]
    assert note.text == "2.28–2.31 V" and note.xanchor == "left" and note.textangle is None
    (mark,) = [t for t in many.data[1:] if list(t.y) == ["Li8S"]]
    assert mark.x[0] == pytest.approx(2.295)


def test_ternary_highlight_label_is_placed_with_the_others():
    """issue 19: the highlighted Li7P3S11's label sat on Li3PS4's; a stable highlighted
    phase was labelled twice."""
    from ssenb.viz.phase_diagram import _place

    # Li7P3S11 sits just below Li3PS4 (plot fractions): placed first, the star's label takes
    # the free side and Li3PS4's label goes elsewhere, never on the same box
    placed = _place(
        [(0.50, 0.40, "Li3PS4"), (0.50, 0.38, "Li7P3S11")],
        keep=set(),
        center=(0.5, 0.29),
        first="Li7P3S11",
    )
    assert placed["Li7P3S11"][1] != placed["Li3PS4"][1]
    stable = hull_diagram(["Li", "P", "S"], highlight="Li3PS4")
    labels = next(t for t in stable.data if t.name == "labels")
    assert "Li<sub>3</sub>PS<sub>4</sub>" not in labels.text  # once, by the highlight


def test_quaternary_highlight_label_keeps_off_the_corner_labels():
    """issue 19: the LLZO highlight's label (fixed up-right) covered the "La" vertex."""
    import math

    from ssenb.viz.phase_diagram import _TETRA_PX, _TETRAHEDRON, _screen, highlight_offset

    fig = hull_diagram(["Li", "La", "Zr", "O"], highlight="Li7La3Zr2O12")
    (label,) = [a for a in fig.layout.scene.annotations if "Li<sub>7</sub>" in a.text]
    star = next(t for t in fig.data if t.name and "Li<sub>7</sub>La" in t.name)
    point = (star.x[0], star.y[0], star.z[0])
    assert (label.ax, label.ay) == highlight_offset(point)
    corners = _screen(_TETRAHEDRON)
    scale = _TETRA_PX / float(np.ptp(corners[:, 0]))
    px, py = _screen(np.asarray(point, float)[None, :])[0] * scale
    centre = (px + label.ax, -py + label.ay)
    nearest = min(math.hypot(centre[0] - x * scale, centre[1] + y * scale) for x, y in corners)
    assert nearest > 60  # px: a label (about 110 x 30 px) clear of every corner's letter
