"""Plotly traces of a structure scene: atoms by occupancy, polyhedra, bonds, the cell."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._structure_colors import element_color, element_rgb
from ._structure_scene import Scene, bonding_radius

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from pymatgen.core import Lattice, Structure

#: A line segment's two ends, cartesian Å.
Segment = tuple["np.ndarray | Sequence[float]", "np.ndarray | Sequence[float]"]

OCCUPANCY_STEP = 0.1  # partial occupancies drawn in bins of 0.1 (plotly: one opacity per trace)
FULL_OCCUPANCY = 0.995  # at or above: drawn as a full, opaque atom
POLYHEDRON_OPACITY = 0.45
BALL_SCALE = 0.45  # ball radius / Shannon crystal radius (ball-and-stick, as VESTA draws)
# Camera: plotly.js draws a scene in perspective with a vertical field of view of 45° and,
# with aspectmode "data", scales each axis to (its range / geometric mean of the 3 ranges),
# centred on the middle of the data's bounds. The view keeps plotly's default direction,
# eye along (1, 1, 1), but sets the eye's distance from what is drawn: plotly's fixed
# default distance left LLZO (polyhedra out of the cell) within 74 % of the half height
# and pushed Li3PS4's cell corners to 98 % of the half width.
FOVY_RAD = math.pi / 4  # plotly.js gl3d perspective field of view (vertical)
FILL = 0.9  # the farthest drawn point reaches this fraction of the half field of view
VIEW_DIRECTION = np.array([1.0, 1.0, 1.0]) / math.sqrt(3.0)  # plotly's default eye direction
PLOT_HEIGHT_PX = 410.0  # px: plotly's default 450 px figure less the 40 px title margin
MARKER_PX = (4.0, 48.0)  # smallest and largest ball diameter, px
VERTEX_SCALE = 0.6  # anions drawn smaller when polyhedra are shown (VESTA's polyhedral style)
HIGHLIGHT_SCALE = 1.3  # the highlighted (mobile) ion is drawn this much larger


def camera_for(points: np.ndarray) -> tuple[dict[str, float], float]:
    """Where plotly's camera goes so that ``points`` fill the plot, and the drawn scale.

    Parameters
    ----------
    points : numpy.ndarray
        (n, 3) cartesian coordinates (Å) of everything drawn (atoms, polyhedron corners,
        cell corners).

    Returns
    -------
    eye : dict
        ``scene.camera.eye`` (plotly's normalised scene units), along (1, 1, 1) at the
        smallest distance at which every point lies within ``FILL`` of the half height
        and half width of a square plot area (seen from the centre of the points' box).
    px_per_a : float
        Screen px per Å at the centre of the scene in plotly's default 450 px high figure.
    """
    pts = np.asarray(points, float).reshape(-1, 3)
    if not len(pts):
        pts = np.zeros((1, 3))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    ranges = np.where(hi - lo > 0, hi - lo, 2.0)  # plotly widens an empty range to 2
    scale = float(np.exp(np.log(ranges).mean()))  # geometric mean: plotly's "data" aspect
    scaled = (pts - (lo + hi) / 2) / scale  # plotly's scene units, centred on the bounds
    up = np.array([0.0, 0.0, 1.0]) - VIEW_DIRECTION[2] * VIEW_DIRECTION
    up /= np.linalg.norm(up)
    right = np.cross(up, VIEW_DIRECTION)
    lateral = np.maximum(np.abs(scaled @ up), np.abs(scaled @ right))
    # perspective: a point at depth δ towards the eye and lateral offset y is seen at
    # tan(angle) = y / (distance - δ); every point within FILL of the half field of view
    distance = float(np.max(scaled @ VIEW_DIRECTION + lateral / (math.tan(FOVY_RAD / 2) * FILL)))
    eye = dict(zip("xyz", (VIEW_DIRECTION * distance).tolist()))
    px_per_a = PLOT_HEIGHT_PX / (2 * distance * math.tan(FOVY_RAD / 2) * scale)
    return eye, px_per_a


def atom_traces(
    structure: Structure,
    scene: Scene,
    highlight: str | None,
    *,
    px_per_a: float,
    **kwargs: Any,
) -> Iterator[go.Scatter3d]:
    """One Scatter3d per (element, occupancy bin); partial occupancy is translucent.

    One legend entry per element (its fullest bin, named with the occupancy range of
    all its bins); the other bins follow it in the legend group, so the legend stays
    short for disordered cells (LGPS-type CIFs have 3-6 occupancy bins per element).

    Parameters
    ----------
    structure : pymatgen.core.Structure
        The structure the scene was built from.
    scene : Scene
        Drawn atoms (cartesian Å) from :func:`build_scene`.
    highlight : str or None
        Element drawn ``HIGHLIGHT_SCALE`` x larger with a dark outline.
    px_per_a : float
        Screen px per Å (from :func:`camera_for`): balls are ``BALL_SCALE`` x the
        Shannon crystal radius, within ``MARKER_PX``.
    **kwargs
        Forwarded to every trace.

    Yields
    ------
    plotly.graph_objects.Scatter3d
        Atoms of one element and occupancy bin, ``meta = {"element", "occupancy"}``.
    """
    import plotly.graph_objects as go
    from pymatgen.core import Element

    groups: dict[tuple[str, float], list[tuple[int, int, float]]] = {}
    for a, (i, _) in enumerate(scene.atoms):
        ranked = sorted(structure[i].species.items(), key=lambda kv: -kv[1])
        for rank, (sp, occ) in enumerate(ranked):
            occ_bin = 1.0 if occ >= FULL_OCCUPANCY else _occupancy_bin(occ)
            groups.setdefault((sp.symbol, occ_bin), []).append((a, rank, occ))

    def order(key: tuple[str, float]) -> tuple[int, float]:
        el, occ_bin = key
        return (Element(el).Z if Element.is_valid_symbol(el) else 0, -occ_bin)

    bins: dict[str, list[float]] = {}
    for el, occ_bin in groups:
        bins.setdefault(el, []).append(occ_bin)
    for el, occ_bin in sorted(groups, key=order):
        members = groups[(el, occ_bin)]
        first = occ_bin == max(bins[el])  # the element's legend entry
        is_hi = el == highlight
        diameter = 2 * BALL_SCALE * _display_radius(el, scene) * px_per_a
        if scene.polyhedra and scene.roles.get(el) == -1:
            diameter *= VERTEX_SCALE  # polyhedral style: anions mark the corners
        base = float(np.clip(diameter, *MARKER_PX)) * (HIGHLIGHT_SCALE if is_hi else 1.0)
        # a mixed site shows its minority species as smaller beads inside the majority one
        sizes = [base * (1.0, 0.7, 0.5, 0.4)[min(rank, 3)] for _, rank, _ in members]
        yield go.Scatter3d(
            x=scene.xyz[[a for a, _, _ in members], 0],
            y=scene.xyz[[a for a, _, _ in members], 1],
            z=scene.xyz[[a for a, _, _ in members], 2],
            mode="markers",
            name=_legend_name(el, bins[el]) if first else f"{el} (occ. ≈{occ_bin:.1f})",
            legendgroup=el,
            showlegend=first,
            meta={"element": el, "occupancy": occ_bin},
            text=[_hover(structure, scene, a, scene.frac[a]) for a, _, _ in members],
            hovertemplate="%{text}<extra></extra>",
            marker={
                "size": sizes,
                "color": element_color(el),
                "opacity": max(occ_bin, 0.2),
                "line": {
                    "color": "black" if is_hi else "rgba(0,0,0,0.3)",
                    "width": 4 if is_hi else 1,
                },
            },
            **kwargs,
        )


def _legend_name(el: str, occupancies: list[float]) -> str:
    """Legend name of an element's occupancy bins: Li, Li (occ. ≈0.5), Li (occ. 0.1–0.7)."""
    lo, hi = min(occupancies), max(occupancies)
    if lo >= 1.0:
        return el
    if lo == hi:
        return f"{el} (occ. ≈{hi:.1f})"
    return f"{el} (occ. {lo:.1f}–{hi:.1f})" if hi < 1.0 else f"{el} (occ. {lo:.1f}–1)"


def _occupancy_bin(occ: float) -> float:
    """Occupancy rounded to the nearest OCCUPANCY_STEP, kept within (0, 1)."""
    step = OCCUPANCY_STEP
    return float(np.clip(round(occ / step) * step, step, 1 - step))


def _hover(structure: Structure, scene: Scene, a: int, frac: Sequence[float]) -> str:
    i = scene.atoms[a][0]
    occ = ", ".join(f"{sp.symbol} {x:.3g}" for sp, x in structure[i].species.items())
    vacancy = 1 - structure[i].species.num_atoms
    if vacancy > 1e-3:
        occ += f", vacancy {vacancy:.3g}"
    role = {1: "cation", -1: "anion", 0: ""}[int(scene.site_role[i])]
    cn = f", {scene.cn[i]} bonded neighbours" if role else ""
    return f"{occ}<br>site {i}: {role}{cn}<br>frac ({frac[0]:.3f}, {frac[1]:.3f}, {frac[2]:.3f})"


def polyhedra_traces(structure: Structure, scene: Scene) -> Iterator[go.Mesh3d | go.Scatter3d]:
    """One Mesh3d per centre element (all its polyhedra), plus one trace of their edges.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        The structure the scene was built from.
    scene : Scene
        Its polyhedra (centre site, vertices in cartesian Å).

    Yields
    ------
    plotly.graph_objects.Mesh3d or plotly.graph_objects.Scatter3d
        Translucent polyhedra per centre species ("Ge/P" for a mixed site), then one
        line trace of the polyhedron edges.
    """
    import plotly.graph_objects as go
    from scipy.spatial import ConvexHull, QhullError

    meshes: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    edges: list[tuple[np.ndarray, np.ndarray]] = []
    for centre, verts in scene.polyhedra:
        try:
            hull = ConvexHull(verts)
        except (QhullError, ValueError):  # flat (square-planar) coordination: bonds only
            continue
        meshes.setdefault(_site_label(structure[centre]), []).append((verts, hull.simplices))
        normals = hull.equations[:, :3]
        for f, nbrs in enumerate(hull.neighbors):
            for k, g in enumerate(nbrs):
                if g > f and normals[f] @ normals[g] < 0.999:  # a real edge, not a diagonal
                    pair = [v for v in hull.simplices[f] if v != hull.simplices[f][k]]
                    edges.append((verts[pair[0]], verts[pair[1]]))
    for label, polys in sorted(meshes.items()):
        corners: list[np.ndarray] = []
        triangles: list[np.ndarray] = []
        offset = 0
        for verts, simplices in polys:
            corners.append(verts)
            triangles.append(simplices + offset)
            offset += len(verts)
        xyz, faces = np.vstack(corners), np.vstack(triangles)
        yield go.Mesh3d(
            x=xyz[:, 0],
            y=xyz[:, 1],
            z=xyz[:, 2],
            i=faces[:, 0],
            j=faces[:, 1],
            k=faces[:, 2],
            name=f"{label} polyhedra",
            legendgroup=f"{label} polyhedra",
            showlegend=True,
            meta={"element": label.split("/")[0], "species": label, "polyhedra": len(polys)},
            color=_blend(label),
            opacity=POLYHEDRON_OPACITY,
            flatshading=True,
            hoverinfo="name",
        )
    if edges:
        yield lines(edges, name="polyhedron edges", color="rgb(90,90,90)", width=2)


def _site_label(site: Any) -> str:
    """Species of a site, majority first, joined by "/" (e.g. "Ge/P" for LGPS's 4d site)."""
    ranked = sorted(site.species.items(), key=lambda kv: -kv[1])
    return "/".join(dict.fromkeys(sp.symbol for sp, occ in ranked if occ >= 0.05))


def _blend(label: str) -> str:
    """Colour of polyhedra around a mixed site: the species' colours mixed equally."""
    rgb = np.mean([element_rgb(el) for el in label.split("/")], axis=0)
    return "rgb({},{},{})".format(*np.rint(rgb).astype(int))


#: Fractional corners of the unit cell, origin first.
_UNIT_CORNERS = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], float)


def cell_corners(lattice: Lattice) -> np.ndarray:
    """The 8 corners of the unit cell, cartesian Å (origin first).

    Parameters
    ----------
    lattice : pymatgen.core.Lattice
        The cell.

    Returns
    -------
    numpy.ndarray
        (8, 3) cartesian coordinates, Å.
    """
    return np.asarray(_UNIT_CORNERS @ lattice.matrix, float)


def cell_trace(lattice: Lattice) -> go.Scatter3d:
    """The 12 edges of the unit cell as one black line trace (cartesian Å).

    Parameters
    ----------
    lattice : pymatgen.core.Lattice
        The cell.

    Returns
    -------
    plotly.graph_objects.Scatter3d
        The edges, named "unit cell".
    """
    xyz = cell_corners(lattice)
    edges = [
        (xyz[a], xyz[b])
        for a in range(8)
        for b in range(a + 1, 8)
        if np.abs(_UNIT_CORNERS[a] - _UNIT_CORNERS[b]).sum() == 1
    ]
    return lines(edges, name="unit cell", color="black", width=2)


def lines(
    segments: Sequence[Segment],
    *,
    name: str,
    color: str,
    width: float,
) -> go.Scatter3d:
    """One Scatter3d of separate line segments [(start, end), ...] (cartesian, Å).

    Parameters
    ----------
    segments : sequence of (start, end)
        Segment ends, cartesian Å.
    name : str
        Trace (legend) name.
    color : str
        Line colour (opaque: WebGL lines do not blend rgba reliably).
    width : float
        Line width, px.

    Returns
    -------
    plotly.graph_objects.Scatter3d
        The segments separated by gaps (None), no hover.
    """
    import plotly.graph_objects as go

    x: list[float | None] = []
    y: list[float | None] = []
    z: list[float | None] = []
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


def _display_radius(symbol: str, scene: Scene) -> float:
    """Shannon crystal radius (Å) of the element in its role: sets the marker size.

    Ionic rather than atomic radii, so anions look larger than Li+ as in drawings of ionic
    solids (S2- 1.70 Å, O2- 1.26 Å, Li+ 0.90 Å, P5+ 0.52 Å).
    """
    role = scene.roles.get(symbol, 1) if -1 in scene.roles.values() else 1
    return bonding_radius(symbol, role)
