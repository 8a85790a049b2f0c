"""Convex-hull phase diagrams of binary to quaternary chemical systems."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from ..errors import InvalidInputError
from ..results import fmt_number
from .publication import formula_html

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Composition

    from ..thermo.sources import EntrySource

HIGHLIGHT_COLOR = "crimson"
#: Label size (px) and the approximate box of one character / one line, as fractions of
#: the plot, used to keep labels from overlapping (a label that would overlap is left to
#: the hover).
LABEL_SIZE = 12
_CHAR_W, _LINE_H = 0.011, 0.035
_POSITIONS = [
    ("top center", 0.0, 1.0),
    ("bottom center", 0.0, -1.0),
    ("middle right", 1.0, 0.0),
    ("middle left", -1.0, 0.0),
    ("top right", 1.0, 1.0),
    ("top left", -1.0, 1.0),
    ("bottom right", 1.0, -1.0),
    ("bottom left", -1.0, -1.0),
]


def hull_diagram(
    system: str | Sequence[str] | PhaseDiagram,
    *,
    highlight: str | Composition | None = None,
    source: str | list[Any] | EntrySource | None = None,
    show_unstable: float = 0.05,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Phase diagram of a chemical system, with the material of interest marked.

    Parameters
    ----------
    system : str, list of str, or pymatgen PhaseDiagram
        ``"Li-P-S"``, ``["Li", "P", "S"]`` or a ready PhaseDiagram (2 to 4 elements).
    highlight : str or Composition, optional
        A material to mark (``"Li10GeP2S12"``): a red star at its composition, its energy
        above hull (eV/atom) and decomposition products in the label and hover; its
        products are always labelled.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data when ``system`` is not a PhaseDiagram (default: MP ~2019 snapshot).
    show_unstable : float
        Also draw phases up to this energy above the hull (eV/atom).
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into (its traces are kept; the hull's layout replaces its layout).
    **kwargs
        Forwarded to ``PDPlotter.get_plot``.

    Returns
    -------
    plotly.graph_objects.Figure
        Formation energy (eV/atom) vs composition for binaries; composition triangle or
        tetrahedron above. Stable phases are labelled with subscripted formulas where the
        labels do not overlap (quaternary: only the highlighted material's products and
        the compounds with 3+ elements; all labels toggle from the legend).

    Raises
    ------
    InvalidInputError
        A system that is not 2 to 4 element symbols, or a highlight with elements outside
        the system.

    Examples
    --------
    >>> fig = hull_diagram("Li-P-S", highlight="Li7P3S11")
    >>> fig.data[-1].name
    'Li<sub>7</sub>P<sub>3</sub>S<sub>11</sub>'
    """
    from pymatgen.analysis.phase_diagram import PDPlotter, PhaseDiagram

    from ..thermo import get_source

    if isinstance(system, PhaseDiagram):
        pd_ = system
    else:
        elements = system.split("-") if isinstance(system, str) else list(system)
        from pymatgen.core.periodic_table import Element

        unknown = [e for e in elements if not Element.is_valid_symbol(str(e).strip())]
        if unknown:
            raise InvalidInputError(
                f"system={system!r}: {', '.join(map(repr, unknown))} is not an element symbol; "
                "write the system as element symbols joined by '-', e.g. 'Li-P-S'"
            )
        elements = [str(e).strip() for e in elements]
        if not 2 <= len(set(elements)) <= 4:
            raise InvalidInputError(f"system={system!r}: a hull diagram needs 2 to 4 elements")
        pd_ = get_source(source).phase_diagram(elements)
        kwargs.setdefault("label_unstable", False)
    label = "-".join(sorted(str(e) for e in pd_.elements))
    target = _target(pd_, highlight) if highlight is not None else None
    hull: go.Figure = PDPlotter(pd_, backend="plotly", show_unstable=show_unstable).get_plot(
        **kwargs
    )
    dim = len(pd_.elements)
    keep = set(target["products"]) if target else set()
    if dim == 3:
        _label_ternary(hull, keep)
    elif dim == 4:
        _label_quaternary(hull, keep)
    if target:
        _mark(hull, pd_, target, dim)
    title = f"{label} convex hull"
    if target:
        title += f", {formula_html(target['name'])} marked"
    # pymatgen leaves no top margin: the title would sit under the toolbar
    hull.update_layout(title=title, template="plotly_white", margin={"t": 70})
    if fig is not None:  # overlay: keep the caller's traces, take the hull's layout
        fig.add_traces(list(hull.data))
        fig.update_layout(hull.layout)
        return fig
    return hull


def _target(pd_: PhaseDiagram, material: str | Composition) -> dict[str, Any]:
    from pymatgen.core import Composition

    from ..data.materials import display_formula, to_composition

    comp = to_composition(material, argname="highlight")
    els = {str(e) for e in pd_.elements}
    if not {str(e) for e in comp.elements} <= els:
        raise InvalidInputError(
            f"highlight={material!r} has elements outside the system {sorted(els)}; "
            "give a material of this system or draw its own system"
        )
    reduced = comp.reduced_composition
    same = [e for e in pd_.all_entries if e.composition.reduced_composition == reduced]
    entry = min(same, key=lambda e: e.energy_per_atom) if same else None
    e_above = pd_.get_e_above_hull(entry) if entry is not None else None
    e_hull = float(e_above) if e_above is not None else math.nan
    products = sorted(
        display_formula(e.composition) for e in pd_.get_decomposition(Composition(reduced))
    )
    if entry is not None:
        e_form = float(pd_.get_form_energy_per_atom(entry))
    else:  # not in the data: drawn on the hull
        e_form = float(pd_.get_hull_energy_per_atom(reduced)) - sum(
            reduced.get_atomic_fraction(el) * pd_.el_refs[el].energy_per_atom for el in pd_.elements
        )
    if entry is None:
        state = "not in the data: drawn at the hull"
    elif e_hull > 1e-9:
        state = f"{fmt_number(1000 * e_hull, 'meV/atom', digits=0)} above hull"
    else:
        state = "on the hull (stable)"
    return {
        "name": display_formula(comp),
        "comp": Composition(reduced),
        "e_form": e_form,
        "state": state,
        "products": products if entry is None or e_hull > 1e-9 else [],
    }


def _mark(fig: go.Figure, pd_: PhaseDiagram, target: dict[str, Any], dim: int) -> None:
    comp = target["comp"]
    hover = (
        f"{formula_html(target['name'])}: {target['state']}<br>"
        f"formation energy {fmt_number(target['e_form'], 'eV/atom', digits=3)}"
    )
    if target["products"]:
        hover += "<br>decomposes to " + " + ".join(formula_html(p) for p in target["products"])
    label = f"<b>{formula_html(target['name'])}</b>"
    style: dict[str, Any] = {
        "mode": "markers+text",
        "name": formula_html(target["name"]),
        "text": [label],
        "textfont": {"color": HIGHLIGHT_COLOR, "size": LABEL_SIZE + 2},
        "hovertext": [hover],
        "hoverinfo": "text",
        "showlegend": True,
    }
    marker = {
        "symbol": "star" if dim < 4 else "diamond",
        "size": 18 if dim < 4 else 9,
        "color": HIGHLIGHT_COLOR,
        "line": {"color": "black", "width": 1},
    }
    if dim == 2:
        if not target["products"]:  # pymatgen labels stable phases already
            style["mode"] = "markers"
        x = comp.get_atomic_fraction(pd_.elements[1])
        fig.add_scatter(
            x=[x], y=[target["e_form"]], marker=marker, textposition="top center", **style
        )
    elif dim == 3:
        t = fig.layout.ternary
        a, b, c = (comp.get_atomic_fraction(ax.title.text) for ax in (t.aaxis, t.baxis, t.caxis))
        fig.add_scatterternary(
            a=[a], b=[b], c=[c], marker=marker, textposition="top right", cliponaxis=False, **style
        )
    else:
        from pymatgen.analysis.phase_diagram import tet_coord

        x, y, z = tet_coord(pd_.pd_coords(comp)[0:3])
        style["mode"] = "markers"
        fig.add_scatter3d(x=[x], y=[y], z=[z], marker=marker, **style)
        fig.layout.scene.annotations += (
            {
                "x": x,
                "y": y,
                "z": z,
                "text": label,
                "showarrow": True,
                "arrowhead": 0,
                "arrowcolor": HIGHLIGHT_COLOR,
                "ax": 60,
                "ay": -60,
                "font": {"size": LABEL_SIZE + 2, "color": HIGHLIGHT_COLOR},
                "bgcolor": "rgba(255,255,255,0.8)",
            },
        )


def _name(hovertext: str) -> str:
    """The plain formula at the start of a pymatgen hover text or label."""
    plain = hovertext.replace("<sub>", "").replace("</sub>", "")
    return plain.split(" (", 1)[0].strip()


def _label_ternary(fig: go.Figure, keep: set[str]) -> None:
    """Text labels next to the stable points, placed so that they do not overlap."""
    stable = next((t for t in fig.data if t.name == "Stable"), None)
    if stable is None or stable.hovertext is None:
        return
    t = fig.layout.ternary
    elements = [ax.title.text for ax in (t.aaxis, t.baxis, t.caxis)]
    pts = []
    for a, b, c, text in zip(stable.a, stable.b, stable.c, stable.hovertext):
        s = a + b + c
        a, b, c = a / s, b / s, c / s
        name = _name(text)
        if name in elements:  # corners are the axis titles already
            continue
        pts.append((c + a / 2, a * math.sqrt(3) / 2, name, a, b, c))
    placed = _place([(x, y, n) for x, y, n, *_ in pts], keep=keep, center=(0.5, 0.29))
    shown = [p for p in pts if p[2] in placed]
    fig.add_scatterternary(
        a=[p[3] for p in shown],
        b=[p[4] for p in shown],
        c=[p[5] for p in shown],
        mode="markers+text",  # invisible markers push the text clear of the points
        marker={"size": 16, "opacity": 0},
        text=[formula_html(p[2]) for p in shown],
        textposition=[placed[p[2]][1] for p in shown],
        textfont={"size": LABEL_SIZE},
        hoverinfo="skip",
        name="labels",
        showlegend=False,
        cliponaxis=False,
    )


def _place(
    points: list[tuple[float, float, str]], *, keep: set[str], center: tuple[float, float]
) -> dict[str, tuple[str, str]]:
    """Greedy label placement: the first of eight positions whose box overlaps nothing.

    ``points`` are (x, y, name) in plot fractions; ``keep`` names are placed first.
    Returns {name: (name, textposition)} for the labels that fit.
    """
    order = sorted(points, key=lambda p: (p[2] not in keep, -len(p[2])))
    boxes: list[tuple[float, float, float, float]] = []
    # the markers themselves are obstacles too
    r = 0.012
    obstacles = [(x - r, y - r, x + r, y + r) for x, y, _ in points]
    out: dict[str, tuple[str, str]] = {}
    for x, y, name in order:
        w, h = _CHAR_W * len(name) * 0.8 + 0.01, _LINE_H
        prefs = sorted(
            _POSITIONS,
            key=lambda p: -(p[1] * (x - center[0]) + p[2] * (y - center[1])),  # outwards first
        )
        for pos, dx, dy in prefs:
            cx = x + dx * (w / 2 + r)
            cy = y + dy * (h / 2 + r)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not any(_overlap(box, o) for o in boxes + obstacles):
                boxes.append(box)
                out[name] = (name, pos)
                break
    return out


def _overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_quaternary(fig: go.Figure, keep: set[str]) -> None:
    """Label a readable subset with leader lines spread around the circle.

    Labelled: the highlighted material's products (or, without a highlight, the phases
    of 3+ elements). pymatgen's full label set stays available from the legend.
    """
    from pymatgen.core import Composition

    labels = next((t for t in fig.data if t.name == "Labels (stable)"), None)
    if labels is not None:
        labels.name = "all labels"
        labels.textfont = {"size": 9, "color": "grey"}
    stable = next((t for t in fig.data if t.name == "Stable"), None)
    if stable is None or stable.hovertext is None:
        return
    points = [
        (_name(h), x, y, z)
        for h, x, y, z in zip(stable.hovertext, stable.x, stable.y, stable.z)
        if (_name(h) in keep) or (not keep and len(Composition(_name(h)).elements) >= 3)
    ]
    for k, (name, x, y, z) in enumerate(points):
        angle = math.pi * (1.25 + 2 * k / max(len(points) + 1, 2))  # highlight takes 45 deg
        fig.layout.scene.annotations += (
            {
                "x": x,
                "y": y,
                "z": z,
                "text": formula_html(name),
                "showarrow": True,
                "arrowhead": 0,
                "arrowwidth": 1,
                "arrowcolor": "#444",
                "ax": 75 * math.cos(angle),
                "ay": -55 * math.sin(angle),
                "font": {"size": LABEL_SIZE, "color": "black"},
                "bgcolor": "rgba(255,255,255,0.8)",
            },
        )
