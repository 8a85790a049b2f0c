"""A 3D structure view that always works: plotly, offline, in JupyterLab, Binder and HTML.

Crystal Toolkit's view needs a Dash server inside the kernel (port 8884), which fails on
remote hubs and in static exports; this view is a plain plotly figure. Colours are the
Jmol scheme that pymatgen ships (the one Crystal Toolkit uses by default).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Literal

import numpy as np

from ..errors import InvalidInputError, SsenbWarning
from ._style import new_figure

BOND_SCALE = 1.15  # bonded if closer than 1.15 x the sum of covalent radii
_AXIS_OFF = {"visible": False}
_SCENE_LAYOUT = {  # hidden axes, true proportions, no margins
    "scene": {"xaxis": _AXIS_OFF, "yaxis": _AXIS_OFF, "zaxis": _AXIS_OFF, "aspectmode": "data"},
    "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
}


@lru_cache(maxsize=1)
def _jmol_colors() -> dict[str, str]:
    from pathlib import Path

    import pymatgen.vis
    from monty.serialization import loadfn

    schemes = loadfn(str(Path(pymatgen.vis.__file__).parent / "ElementColorSchemes.yaml"))
    return {el: "rgb({},{},{})".format(*rgb) for el, rgb in schemes["Jmol"].items()}


def element_color(symbol: str) -> str:
    """Jmol colour of an element as an ``rgb()`` string (grey if unknown)."""
    return _jmol_colors().get(symbol, "rgb(160,160,160)")


def structure_3d(
    structure,
    *,
    highlight: str | None = "Li",
    bonds: bool = True,
    backend: Literal["ssenb", "crystal_toolkit"] = "ssenb",
    fig=None,
    **kwargs,
):
    """Interactive 3D view of a pymatgen Structure: atoms, unit cell, bonds, Li highlighted.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        Disordered sites are drawn in the colour of their majority species, with the
        occupancies in the hover text.
    highlight : str or None
        Element drawn larger with a dark outline (default the mobile ion, Li).
    bonds : bool
        Draw bonds between atoms closer than 1.15 x the sum of their covalent radii.
    backend : {"ssenb", "crystal_toolkit"}
        "crystal_toolkit" draws Crystal Toolkit's own scene (its atoms, colours, radii and
        periodic images) as plotly traces. Importing Crystal Toolkit takes ~15 s and
        registers its own notebook display hooks; if it fails, ssenb's view is drawn with
        a warning.
    **kwargs
        Forwarded to each atom trace.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per element (toggle in the legend), one for the cell and one for bonds.
    """
    from pymatgen.core import Element, Structure

    if not isinstance(structure, Structure):
        raise InvalidInputError(
            f"structure_3d needs a pymatgen Structure, not {type(structure).__name__}"
        )
    if len(structure) == 0:
        raise InvalidInputError("the structure has no sites")
    if backend not in ("ssenb", "crystal_toolkit"):
        raise InvalidInputError(f"backend={backend!r}; use 'ssenb' or 'crystal_toolkit'")
    if backend == "crystal_toolkit":
        try:
            return _crystal_toolkit_figure(structure, fig=fig, **kwargs)
        except Exception as err:  # CT import/scene failures vary (see crystaltoolkit #473)
            warnings.warn(
                f"Crystal Toolkit could not draw this structure ({type(err).__name__}: {str(err)[:120]}); "
                "drawing ssenb's view instead",
                SsenbWarning,
                stacklevel=2,
            )
    fig = new_figure(fig)
    cart = structure.cart_coords
    majority = [max(site.species.items(), key=lambda kv: kv[1])[0] for site in structure]
    symbols = [getattr(sp, "symbol", str(sp)) for sp in majority]
    hover = [
        ", ".join(f"{getattr(sp, 'symbol', sp)}:{occ:.2f}" for sp, occ in site.species.items())
        + f"<br>site {i}"
        for i, site in enumerate(structure)
    ]
    shrink = float(np.clip((24 / len(structure)) ** (1 / 3), 0.45, 1.0))  # big cells: smaller atoms
    if bonds:
        fig.add_trace(_bond_trace(structure, symbols))
    fig.add_trace(_cell_trace(structure.lattice))
    for el in sorted(set(symbols), key=lambda s: Element(s).Z if Element.is_valid_symbol(s) else 0):
        idx = [i for i, s in enumerate(symbols) if s == el]
        radius = _radius(el)
        is_hi = el == highlight
        fig.add_scatter3d(
            x=cart[idx, 0],
            y=cart[idx, 1],
            z=cart[idx, 2],
            mode="markers",
            name=el,
            text=[hover[i] for i in idx],
            hovertemplate="%{text}<extra></extra>",
            marker={
                "size": float(8 + 6 * radius) * shrink * (1.3 if is_hi else 1.0),
                "color": element_color(el),
                "line": {
                    "color": "black" if is_hi else "rgba(0,0,0,0.3)",
                    "width": 4 if is_hi else 1,
                },
                "opacity": 1.0,
            },
            **kwargs,
        )
    formula = structure.composition.reduced_formula
    fig.update_layout(
        title=f"{formula} ({len(structure)} sites"
        + ("" if structure.is_ordered else ", disordered")
        + ")",
        **_SCENE_LAYOUT,
        legend={"itemsizing": "constant"},
    )
    return fig


def _cell_trace(lattice):
    corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], float)
    xyz = corners @ lattice.matrix
    edges = [
        (xyz[a], xyz[b])
        for a in range(8)
        for b in range(a + 1, 8)
        if np.abs(corners[a] - corners[b]).sum() == 1
    ]
    return _lines(edges, name="unit cell", color="black", width=2)


def _bond_trace(structure, symbols):
    radii = np.array([_radius(s) for s in symbols])
    cutoff = float(BOND_SCALE * 2 * radii.max())
    centers, points, images, dists = structure.get_neighbor_list(cutoff)
    frac = structure.frac_coords
    halves = []
    for i, j, image, d in zip(centers, points, images, dists):
        if d > BOND_SCALE * (radii[i] + radii[j]) or d < 0.5:
            continue
        a = structure.lattice.get_cartesian_coords(frac[i])
        b = structure.lattice.get_cartesian_coords(frac[j] + image)
        halves.append(
            (a, (a + b) / 2)
        )  # half-bond from each end keeps periodic bonds inside the picture
    return _lines(halves, name="bonds", color="grey", width=3)


def _lines(segments, *, name: str, color: str, width: float):
    """One Scatter3d of separate line segments [(start, end), ...] (cartesian, Å)."""
    import plotly.graph_objects as go

    x, y, z = [], [], []
    for start, end in segments:
        for arr, col in ((x, 0), (y, 1), (z, 2)):
            arr += [start[col], end[col], None]
    return go.Scatter3d(
        x=x,
        y=y,
        z=z,
        mode="lines",
        name=name,
        line={"color": color, "width": width},
        hoverinfo="skip",
    )


def _radius(symbol: str) -> float:
    """Atomic radius (Å) from pymatgen, 1 Å where unknown (no warning)."""

    from pymatgen.core import Element

    if not Element.is_valid_symbol(symbol):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = Element(symbol).atomic_radius
    return float(r) if r else 1.0


def _crystal_toolkit_figure(structure, *, fig=None, **kwargs):
    """Crystal Toolkit's scene of ``structure`` as plotly traces (spheres, lines, cylinders)."""
    import crystal_toolkit  # noqa: F401  (registers Structure.get_scene)

    scene = structure.get_scene()
    spheres: dict[str, list] = {}
    segments = []

    def walk(node):
        for child in getattr(node, "contents", []) or []:
            kind = type(child).__name__
            if kind == "Spheres":
                for pos in child.positions:
                    spheres.setdefault(child.color, []).append(
                        (pos, child.radius or 0.5, child.tooltip or "")
                    )
            elif kind == "Lines":
                pts = child.positions
                segments.extend((pts[i], pts[i + 1]) for i in range(0, len(pts) - 1, 2))
            elif kind == "Cylinders":
                segments.extend(tuple(pair) for pair in child.positionPairs)
            else:
                walk(child)

    walk(scene)
    fig = new_figure(fig)
    if segments:
        fig.add_trace(_lines(segments, name="cell and bonds", color="black", width=2))
    for color, items in spheres.items():
        xyz = np.array([p for p, _, _ in items], float)
        label = items[0][2].split(" ")[0] if items[0][2] else color
        fig.add_scatter3d(
            x=xyz[:, 0],
            y=xyz[:, 1],
            z=xyz[:, 2],
            mode="markers",
            name=label,
            text=[t for _, _, t in items],
            hovertemplate="%{text}<extra></extra>",
            marker={
                "size": [12 * r for _, r, _ in items],
                "color": color,
                "line": {"width": 1, "color": "rgba(0,0,0,0.3)"},
            },
            **kwargs,
        )
    fig.update_layout(
        title=f"{structure.composition.reduced_formula} (Crystal Toolkit scene)",
        **_SCENE_LAYOUT,
    )
    return fig
