"""Convex-hull phase diagrams of binary to quaternary chemical systems."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from ..errors import InvalidInputError
from ..results import fmt_number
from .publication import formula_html

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Composition

    from ..thermo import FastHull
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

    Drawn from ssenb's own hull (:class:`~ssenb.thermo.FastHull`, held equal
    to pymatgen's ``PhaseDiagram`` in the tests): the same stable phases, tie lines and
    energies above the hull as pymatgen's ``PDPlotter``, without importing
    pymatgen.analysis and matplotlib (1.5 s of a report's first result).

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
        Also draw phases up to this energy above the hull (eV/atom), coloured by it.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into (its traces are kept; the hull's layout replaces its layout).
    **kwargs
        Passed to the stable phases' trace (e.g. ``marker={"color": "black"}``).

    Returns
    -------
    plotly.graph_objects.Figure
        Formation energy (eV/atom) vs composition for binaries; composition triangle or
        tetrahedron above, with the hull's facets shaded. Stable phases are labelled with
        subscripted formulas where the labels do not overlap (quaternary: only the
        highlighted material's products and the compounds with 3+ elements; all labels
        toggle from the legend).

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
    try:
        show_unstable = float(show_unstable)
    except (TypeError, ValueError):
        show_unstable = math.nan
    if not math.isfinite(show_unstable) or show_unstable < 0:
        raise InvalidInputError(
            "show_unstable is the energy above the hull (eV/atom) up to which phases are "
            "drawn: give a number >= 0, e.g. 0.05"
        )
    hull, rows, transformed = _hull_of(system, source)
    dim = len(hull.elements)
    corners = _corners(hull)
    _check_trace_kwargs(dim, kwargs)
    if highlight is not None and transformed:
        raise InvalidInputError(
            "highlight needs a PhaseDiagram whose corners are the elements; a grand-potential "
            "or compound diagram has transformed axes: draw it without highlight"
        )
    label = "-".join(corners if transformed else sorted(corners))
    target = _target(hull, highlight) if highlight is not None else None
    out = go.Figure(layout={"template": "plotly_white"})
    _draw(out, hull, rows, corners, show_unstable, kwargs)
    keep = set(target["products"]) if target else set()
    if dim == 2:
        _label_binary(out, corners)
    elif dim == 3:
        star = (_coords(hull, target["x"])[0], target["name"]) if target else None
        position = _label_ternary(out, keep, star)
    else:
        _label_quaternary(out, keep, _coords(hull, target["x"])[0] if target else None)
    if target:
        _mark(out, hull, target, dim, **({"position": position} if dim == 3 else {}))
    title = f"{label} convex hull"
    if target:
        title += f", {formula_html(target['name'])} marked"
    out.update_layout(title=title, margin={"t": 70})
    if fig is not None:  # overlay: keep the caller's traces, take the hull's layout
        fig.add_traces(list(out.data))
        fig.update_layout(out.layout)
        return fig
    return out


def _hull_of(
    system: str | Sequence[str] | PhaseDiagram, source: Any
) -> tuple[FastHull, tuple[np.ndarray, np.ndarray, list[str]], bool]:
    """(the hull, every entry as (fractions, energies eV/atom, names), transformed?).

    A grand-potential or compound PhaseDiagram is "transformed": its corners are phases
    (its entries' ``original_entry``), not elements, and they name its corners.
    """
    from ..thermo import FastHull

    transformed = False
    if hasattr(system, "all_entries") and hasattr(system, "elements"):  # a PhaseDiagram
        from ..data.materials import display_formula

        elements = sorted(str(e) for e in system.elements)
        entries = list(system.all_entries)
        fractions = np.array(
            [[e.composition.get_atomic_fraction(el) for el in elements] for e in entries]
        )
        energies = np.array([e.energy_per_atom for e in entries])
        originals = [getattr(e, "original_entry", e) for e in entries]
        transformed = any(o is not e for o, e in zip(originals, entries))
        names = [
            str(o.composition.elements[0])
            if o.composition.is_element
            else display_formula(o.composition)
            for o in originals
        ]
    else:
        from pymatgen.core.periodic_table import Element

        from ..thermo import get_source

        symbols = system.split("-") if isinstance(system, str) else list(system)
        unknown = [e for e in symbols if not Element.is_valid_symbol(str(e).strip())]
        if unknown:
            raise InvalidInputError(
                f"system={system!r}: {', '.join(map(repr, unknown))} is not an element symbol; "
                "write the system as element symbols joined by '-', e.g. 'Li-P-S'"
            )
        symbols = sorted({str(e).strip() for e in symbols})
        if not 2 <= len(symbols) <= 4:
            raise InvalidInputError(f"system={system!r}: a hull diagram needs 2 to 4 elements")
        src = get_source(source)
        src.fast_hull(symbols)  # the source's own checks: elements covered, a compound
        elements, frac_list, energy_list, names = src.hull_arrays(symbols)
        fractions, energies = np.asarray(frac_list, float), np.asarray(energy_list, float)
        # an element is named by its symbol (the corners' labels), not "O2" or "S8"
        names = [
            elements[int(np.argmax(x))] if np.isclose(x.max(), 1.0) else name
            for x, name in zip(fractions, names)
        ]
    if not 2 <= len(elements) <= 4:
        raise InvalidInputError(f"a hull diagram needs 2 to 4 elements, not {elements}")
    if not np.isfinite(energies).all():
        raise InvalidInputError(
            "an entry of the hull has a non-finite energy (NaN or inf); remove it or fix it"
        )
    try:
        hull = FastHull(elements, fractions, energies, names)
    except ValueError as err:
        raise InvalidInputError(f"cannot build the {'-'.join(elements)} hull: {err}") from err
    return hull, (fractions, energies, list(names)), transformed


def _corners(hull: FastHull) -> list[str]:
    """The name of the phase at each corner: the element, or a grand/compound terminal."""
    corners = list(hull.elements)
    for j in np.unique(hull.facets).tolist():
        x = hull.fractions[j]
        if np.isclose(x.max(), 1.0):
            corners[int(np.argmax(x))] = hull.names[j]
    return corners


def _check_trace_kwargs(dim: int, kwargs: dict[str, Any]) -> None:
    """Refuse, in ssenb's words, keywords that are not properties of the stable phases' trace."""
    if not kwargs:
        return
    trace = {2: go.Scatter, 3: go.Scatterternary, 4: go.Scatter3d}[dim]
    try:
        trace(**kwargs)
    except (ValueError, TypeError) as err:
        empty = trace()
        bad = sorted(k for k in kwargs if not hasattr(empty, k))
        raise InvalidInputError(
            f"hull_diagram(**kwargs) are properties of the stable phases' {trace.__name__} "
            f"trace; {', '.join(map(repr, bad)) or 'a value'} is not valid there "
            "(pymatgen's PDPlotter options are not taken: ssenb draws the hull itself)"
        ) from err


def _coords(hull: FastHull, fractions: np.ndarray) -> np.ndarray:
    """Plot coordinates: x fraction (binary), (a, b, c) fractions, or 3D tetrahedron."""
    fractions = np.atleast_2d(fractions)
    if len(hull.elements) == 4:  # pymatgen's tet_coord of (x1, x2, x3)
        return fractions[:, 1:] @ _TETRAHEDRON[1:]
    return fractions


def _formation(hull: FastHull, fractions: np.ndarray, energies: np.ndarray) -> np.ndarray:
    """Formation energies (eV/atom) relative to the hull's elemental references."""
    return np.asarray(energies) - np.atleast_2d(fractions) @ hull.refs


def _draw(
    fig: go.Figure,
    hull: FastHull,
    rows: tuple[np.ndarray, np.ndarray, list[str]],
    corners: list[str],
    show_unstable: float,
    stable_style: dict[str, Any],
) -> None:
    """Facets, tie lines, stable phases and the phases within ``show_unstable`` eV/atom."""
    dim = len(hull.elements)
    vertices = sorted({int(j) for j in hull.facets.ravel()}, key=lambda j: hull.names[j])
    x_all = hull.fractions
    e_form = _formation(hull, x_all, hull.energies)
    pts = _coords(hull, x_all)
    if dim == 3:
        for k, facet in enumerate(hull.facets.tolist()):
            a, b, c = (pts[facet + facet[:1], i] for i in range(3))
            fig.add_scatterternary(
                a=a, b=b, c=c, mode="lines", fill="toself", line={"width": 0},
                fillcolor=_PASTEL[k % len(_PASTEL)], hoverinfo="skip", showlegend=False,
            )  # fmt: skip
    elif dim == 4:
        faces = sorted({tuple(sorted(f)) for facet in hull.facets.tolist() for f in _faces(facet)})
        fig.add_mesh3d(
            x=pts[:, 0], y=pts[:, 1], z=pts[:, 2],
            i=[f[0] for f in faces], j=[f[1] for f in faces], k=[f[2] for f in faces],
            facecolor=[_PASTEL[n % len(_PASTEL)] for n in range(len(faces))],
            opacity=0.25, hoverinfo="skip", name="Hull surfaces", showlegend=True,
        )  # fmt: skip
    line: dict[str, list[float | None]] = {k: [] for k in "xyz"}
    for ends in hull.tie_lines:
        if dim == 2:
            line["x"] += [float(pts[j, 1]) for j in ends] + [None]
            line["y"] += [float(e_form[j]) for j in ends] + [None]
        else:
            for i, key in enumerate("xyz"):
                line[key] += [float(pts[j, i]) for j in ends] + [None]
    style = {"mode": "lines", "line": {"color": "black", "width": 2 if dim < 4 else 1},
             "hoverinfo": "skip", "showlegend": False, "name": "tie lines"}  # fmt: skip
    stable_hover = [
        f"{hull.names[j]} (stable)<br>formation energy {fmt_number(float(e_form[j]), 'eV/atom', digits=3)}"
        for j in vertices
    ]
    marker = {
        "size": 12 if dim < 4 else 7,
        "color": "darkgreen",
        "line": {"color": "black", "width": 1},
    }
    unstable = _unstable(hull, rows, show_unstable)
    u_pts = _coords(hull, unstable[0]) if len(unstable[0]) else np.zeros((0, max(dim - 1, 2)))
    u_form = _formation(hull, unstable[0], unstable[1]) if len(unstable[0]) else np.zeros(0)
    u_marker = {
        "symbol": "diamond", "size": 8 if dim < 4 else 4, "color": unstable[3],
        "colorscale": "Reds", "cmin": 0.0, "cmax": max(show_unstable, 1e-6),
        "line": {"color": "grey", "width": 1},
        "colorbar": {"title": {"text": "E above hull<br>(eV/atom)"}, "len": 0.6},
    }  # fmt: skip
    u_hover = [
        f"{name} ({fmt_number(1000 * ea, 'meV/atom', digits=0)} above hull)<br>"
        f"formation energy {fmt_number(float(ef), 'eV/atom', digits=3)}"
        for name, ea, ef in zip(unstable[2], unstable[3], u_form)
    ]
    u_style = {"mode": "markers", "marker": u_marker, "name": "Above hull",
               "hovertext": u_hover, "hoverinfo": "text"}  # fmt: skip
    s_style = {"mode": "markers", "marker": marker, "name": "Stable",
               "hovertext": stable_hover, "hoverinfo": "text"}  # fmt: skip
    s_style.update(stable_style)
    if dim == 2:
        fig.add_scatter(x=line["x"], y=line["y"], **style)
        if len(u_form):
            fig.add_scatter(x=u_pts[:, 1], y=u_form, **u_style)
        fig.add_scatter(x=pts[vertices, 1], y=e_form[vertices], **s_style)
        fig.update_layout(
            xaxis={"title": {"text": f"Composition (fraction {corners[1]})"},
                   "range": [-0.05, 1.05]},
            yaxis={"title": {"text": "Formation energy (eV/atom)"}},
            legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        )  # fmt: skip
    elif dim == 3:
        fig.add_scatterternary(a=line["x"], b=line["y"], c=line["z"], **style)
        if len(u_form):
            fig.add_scatterternary(
                a=u_pts[:, 0], b=u_pts[:, 1], c=u_pts[:, 2], cliponaxis=False, **u_style
            )
        fig.add_scatterternary(
            a=pts[vertices, 0], b=pts[vertices, 1], c=pts[vertices, 2], cliponaxis=False, **s_style
        )
        # black edges: they are tie lines too (between the binary phases)
        axis = {"showticklabels": False, "ticks": "", "linewidth": 2, "linecolor": "black",
                "gridcolor": "#eee"}  # fmt: skip
        fig.update_layout(
            ternary={
                "aaxis": {**axis, "title": {"text": corners[0], "font": {"size": 22}}},
                "baxis": {**axis, "title": {"text": corners[1], "font": {"size": 22}}},
                "caxis": {**axis, "title": {"text": corners[2], "font": {"size": 22}}},
                "bgcolor": "white",
            },
            legend={"x": 1.0, "y": 1.0, "xanchor": "right"},
        )
    else:
        fig.add_scatter3d(x=line["x"], y=line["y"], z=line["z"], **style)
        if len(u_form):
            fig.add_scatter3d(x=u_pts[:, 0], y=u_pts[:, 1], z=u_pts[:, 2], **u_style)
        fig.add_scatter3d(x=pts[vertices, 0], y=pts[vertices, 1], z=pts[vertices, 2], **s_style)
        names = [hull.names[j] for j in vertices]
        fig.add_scatter3d(
            x=pts[vertices, 0], y=pts[vertices, 1], z=pts[vertices, 2], mode="text",
            text=[formula_html(n) for n in names], name="Labels (stable)",
            visible="legendonly", hoverinfo="skip",
        )  # fmt: skip
        hidden = {"visible": False, "showgrid": False, "zeroline": False, "showbackground": False}
        fig.update_layout(
            scene={
                "xaxis": hidden, "yaxis": hidden, "zaxis": hidden, "aspectmode": "manual",
                "aspectratio": {"x": 1.5, "y": 1.5, "z": 1.5},
                # pymatgen's PDPlotter view of the tetrahedron, a little closer
                "camera": {"eye": dict(zip("xyz", _EYE)), "center": {"x": 0, "y": -0.2, "z": -0.2},
                           "projection": {"type": "orthographic"}},
                "annotations": [
                    {"x": float(c[0]), "y": float(c[1]), "z": float(c[2]), "text": el,
                     "showarrow": False, "font": {"size": 22},
                     "xshift": float(18 * d[0]), "yshift": float(18 * d[1])}
                    for el, c, d in zip(corners, _TETRAHEDRON, _outwards(_TETRAHEDRON))
                ],
            },
            legend={"orientation": "h", "y": 0.0, "yanchor": "top", "x": 0.5, "xanchor": "center"},
        )  # fmt: skip


def _faces(facet: list[int]) -> list[tuple[int, int, int]]:
    """The four triangles of a tetrahedral facet."""
    a, b, c, d = facet
    return [(a, b, c), (a, b, d), (a, c, d), (b, c, d)]


def _unstable(
    hull: FastHull, rows: tuple[np.ndarray, np.ndarray, list[str]], show_unstable: float
) -> tuple[np.ndarray, np.ndarray, list[str], list[float]]:
    """Entries off the hull up to ``show_unstable`` eV/atom above it.

    As pymatgen's ``unstable_entries`` with ``e_above_hull <= show_unstable``. Returns
    (fractions, energies eV/atom, names, energy above hull eV/atom).
    """
    fractions, energies, names = rows
    keep: list[int] = []
    above: list[float] = []
    taken: set[bytes] = set()
    for i, (x, e) in enumerate(zip(fractions, energies)):
        key = (np.round(x, 10) + 0.0).tobytes()
        if key not in taken and hull.is_stable(x) and e <= hull.energy_of(x) + 1e-12:
            taken.add(key)  # the phase on the hull itself (the first of equal energies)
            continue
        e_above = max(float(e) - hull.hull_energy(x), 0.0)
        if e_above <= show_unstable:
            keep.append(i)
            above.append(e_above)
    return fractions[keep], energies[keep], [names[i] for i in keep], above


_PASTEL = [
    "rgba(31,119,180,0.12)", "rgba(255,127,14,0.12)", "rgba(44,160,44,0.12)",
    "rgba(214,39,40,0.12)", "rgba(148,103,189,0.12)", "rgba(140,86,75,0.12)",
    "rgba(227,119,194,0.12)", "rgba(188,189,34,0.12)", "rgba(23,190,207,0.12)",
]  # fmt: skip


def _label_binary(fig: go.Figure, corners: list[str]) -> None:
    """Formulas beside the stable compounds; the elements large at the two ends."""
    stable = next(t for t in fig.data if t.name == "Stable")
    points = [(x, y, _name(h)) for x, y, h in zip(stable.x, stable.y, stable.hovertext)]
    inner = [p for p in points if p[2] not in corners]
    fig.add_scatter(
        x=[p[0] for p in inner], y=[p[1] for p in inner], mode="markers+text",
        marker={"size": 18, "opacity": 0},  # invisible: pushes the text clear of the point
        text=[formula_html(p[2]) for p in inner], textposition="bottom right",
        textfont={"size": LABEL_SIZE}, hoverinfo="skip", showlegend=False, name="labels",
    )  # fmt: skip
    for x, y, name in points:
        if name in corners:
            fig.add_annotation(
                x=x, y=y, text=name, showarrow=False, font={"size": 20},
                xshift=-22 if x < 0.5 else 22, yshift=-8,
            )  # fmt: skip


def _target(hull: FastHull, material: str | Composition) -> dict[str, Any]:
    from ..data.materials import display_formula, to_composition

    comp = to_composition(material, argname="highlight")
    els = set(hull.elements)
    if not {str(e) for e in comp.elements} <= els:
        raise InvalidInputError(
            f"highlight={material!r} has elements outside the system {sorted(els)}; "
            "give a material of this system or draw its own system"
        )
    reduced = comp.reduced_composition
    x = np.array([reduced.get_atomic_fraction(el) for el in hull.elements])
    has_entry, e_hull = hull.position(x)
    products = sorted(hull.names[j] for j in hull.decomposition(x))
    own = hull.energy_of(x) if has_entry else hull.hull_energy(x)  # not in the data: at the hull
    e_form = float(own - x @ hull.refs)
    if not has_entry:
        state = "not in the data: drawn at the hull"
    elif e_hull > 1e-9:
        state = f"{fmt_number(1000 * e_hull, 'meV/atom', digits=0)} above hull"
    else:
        state = "on the hull (stable)"
    return {
        "name": str(comp.elements[0]) if comp.is_element else display_formula(comp),
        "x": x,
        "e_form": e_form,
        "state": state,
        "products": products if not has_entry or e_hull > 1e-9 else [],
    }


def _mark(
    fig: go.Figure,
    hull: FastHull,
    target: dict[str, Any],
    dim: int,
    position: str = "top right",
) -> None:
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
    pt = _coords(hull, target["x"])[0]
    if dim == 2:
        if not target["products"]:  # a stable phase is labelled already
            style["mode"] = "markers"
        fig.add_scatter(
            x=[pt[1]], y=[target["e_form"]], marker=marker, textposition="top center", **style
        )
    elif dim == 3:
        fig.add_scatterternary(
            a=[pt[0]], b=[pt[1]], c=[pt[2]], marker=marker, textposition=position,
            cliponaxis=False, **style,
        )  # fmt: skip
    else:
        x, y, z = (float(v) for v in pt)
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
                **dict(zip(("ax", "ay"), highlight_offset(pt))),
                "font": {"size": LABEL_SIZE + 2, "color": HIGHLIGHT_COLOR},
                "bgcolor": "rgba(255,255,255,0.8)",
            },
        )


def _name(hovertext: str) -> str:
    """The plain formula at the start of a pymatgen hover text or label."""
    plain = hovertext.replace("<sub>", "").replace("</sub>", "")
    return plain.split(" (", 1)[0].strip()


def _label_ternary(fig: go.Figure, keep: set[str], star: tuple[Any, str] | None = None) -> str:
    """Text labels next to the stable points, placed so that they do not overlap.

    ``star`` (the highlighted material's (a, b, c) and name) is placed first, its label
    kept clear of the others (issue 19: it covered Li7P3S11's); a stable highlighted
    phase is labelled only once, by the highlight. Returns the star label's position.
    """
    stable = next((t for t in fig.data if t.name == "Stable"), None)
    if stable is None or stable.hovertext is None:
        return "top right"
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
    first = None
    if star is not None:
        (a, b, c), first = (float(v) for v in star[0]), str(star[1])
        s = a + b + c
        a, b, c = a / s, b / s, c / s
        pts = [p for p in pts if p[2] != first]  # labelled once, by the highlight
        pts.insert(0, (c + a / 2, a * math.sqrt(3) / 2, first, a, b, c))
    placed = _place([(x, y, n) for x, y, n, *_ in pts], keep=keep, center=(0.5, 0.29), first=first)
    shown = [p for p in pts if p[2] in placed and p[2] != first]
    fig.add_scatterternary(
        a=[p[3] for p in shown],
        b=[p[4] for p in shown],
        c=[p[5] for p in shown],
        mode="markers+text",  # invisible markers push the text clear of the points
        marker={"size": 22, "opacity": 0},
        text=[formula_html(p[2]) for p in shown],
        textposition=[placed[p[2]][1] for p in shown],
        textfont={"size": LABEL_SIZE},
        hoverinfo="skip",
        name="labels",
        showlegend=False,
        cliponaxis=False,
    )
    return placed[first][1] if first in placed else "top right"


def _place(
    points: list[tuple[float, float, str]],
    *,
    keep: set[str],
    center: tuple[float, float],
    first: str | None = None,
) -> dict[str, tuple[str, str]]:
    """Greedy label placement: the first of eight positions whose box overlaps nothing.

    ``points`` are (x, y, name) in plot fractions; ``keep`` names are placed first.
    Returns {name: (name, textposition)} for the labels that fit.
    """
    order = sorted(points, key=lambda p: (p[2] != first, p[2] not in keep, -len(p[2])))
    boxes: list[tuple[float, float, float, float]] = []
    # the markers themselves are obstacles too
    r = 0.018
    obstacles = [(x - r, y - r, x + r, y + r) for x, y, _ in points]
    out: dict[str, tuple[str, str]] = {}
    for x, y, name in order:
        w, h = _CHAR_W * len(name) * (1.1 if name == first else 0.8) + 0.01, _LINE_H
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


def _label_quaternary(fig: go.Figure, keep: set[str], highlight: np.ndarray | None) -> None:
    """Label a readable subset with leader lines, placed so that the labels do not overlap.

    Labelled: the highlighted material's products (or, without a highlight, the phases
    of 3+ elements); all labels stay available from the legend. Placement is greedy on the
    screen projection of the fixed camera: the first of eight directions, outwards first,
    whose label box overlaps no label, no labelled point and not the highlight's label.
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
    if not points:
        return
    corners = _screen(_TETRAHEDRON)
    scale = _TETRA_PX / float(np.ptp(corners[:, 0]))  # px per unit, roughly as drawn
    centre = corners.mean(axis=0) * scale
    at = _screen(np.array([p[1:] for p in points], float)) * scale
    # obstacles in screen px (x right, y down): labelled points, the highlight's label
    boxes = [(x - 6, -y - 6, x + 6, -y + 6) for x, y in at]
    if highlight is not None:
        hx, hy = _screen(np.asarray(highlight, float)[None, :])[0] * scale
        ax, ay = highlight_offset(highlight)  # where its label sits (px, y down)
        boxes.append((hx + ax - 55, -hy + ay - 15, hx + ax + 55, -hy + ay + 15))
    for (name, x, y, z), (px, py) in zip(points, at):
        w, h = 7.0 * len(name) + 10, 20.0
        outward = math.atan2(py - centre[1], px - centre[0])
        options = sorted(
            (math.pi * k / 4 for k in range(8)),
            key=lambda a: abs(math.remainder(a - outward, 2 * math.pi)),
        )
        chosen = None
        for radius in (70.0, 110.0):
            for angle in options:
                cx, cy = px + radius * math.cos(angle), -py - radius * math.sin(angle)
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if not any(_overlap(box, o) for o in boxes):
                    chosen = (radius * math.cos(angle), -radius * math.sin(angle), box)
                    break
            if chosen:
                break
        if chosen is None:  # crowded: outwards, beyond the rest
            ax, ay = 140 * math.cos(outward), -140 * math.sin(outward)
            chosen = (
                ax,
                ay,
                (px + ax - w / 2, -py + ay - h / 2, px + ax + w / 2, -py + ay + h / 2),
            )
        ax, ay, box = chosen
        boxes.append(box)
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
                "ax": ax,
                "ay": ay,
                "font": {"size": LABEL_SIZE, "color": "black"},
                "bgcolor": "rgba(255,255,255,0.8)",
            },
        )


#: The camera's eye (orthographic; pymatgen's PDPlotter direction, a little closer), the
#: corners of the composition tetrahedron (the pure elements, in the hull's order), and
#: its width on screen (px, roughly).
_EYE = (1.2, 3.0, 1.8)
_TETRAHEDRON = np.array(
    [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, math.sqrt(3) / 2, 0.0],
     [0.5, math.sqrt(3) / 6, math.sqrt(6) / 3]]
)  # fmt: skip
_TETRA_PX = 280.0


def _outwards(points: np.ndarray) -> np.ndarray:
    """Unit screen directions (x right, y up) from the points' centre to each point."""
    flat = _screen(points)
    d = flat - flat.mean(axis=0)
    return d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)


def highlight_offset(point: Any, radius: float = 75.0) -> tuple[float, float]:
    """Where the highlighted material's label goes in a tetrahedron (px from the point).

    Of eight directions, the one whose label centre lies farthest from the four corner
    labels (issue 19: LLZO's label covered "La"), ties broken upwards-right.
    """
    corners = _screen(_TETRAHEDRON)
    scale = _TETRA_PX / float(np.ptp(corners[:, 0]))
    px, py = _screen(np.asarray(point, float)[None, :])[0] * scale
    corner_px = [(cx * scale, -cy * scale) for cx, cy in corners]  # y down
    best, best_d = (radius, -radius), -1.0
    for k in (1, 0, 2, 7, 3, 6, 4, 5):  # up-right first
        angle = math.pi * k / 4
        ax, ay = radius * math.cos(angle), -radius * math.sin(angle)
        cx, cy = px + ax, -py + ay
        d = min(math.hypot(cx - x, cy - y) for x, y in corner_px)
        if d > best_d + 1.0:
            best, best_d = (ax, ay), d
    return best


def _screen(points: np.ndarray) -> np.ndarray:
    """(x right, y up) of 3D points as the fixed orthographic camera shows them.

    The scene's aspect ratio is 1:1:1 over each axis' range, so each axis is first scaled
    to the tetrahedron's extent along it.
    """
    points = points / np.ptp(_TETRAHEDRON, axis=0)
    eye = np.asarray(_EYE, float) / np.linalg.norm(_EYE)
    up = np.array([0.0, 0.0, 1.0]) - eye[2] * eye
    up /= np.linalg.norm(up)
    right = np.cross(up, eye)
    return np.column_stack([points @ right, points @ up])
