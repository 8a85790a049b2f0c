"""Plotly traces of a structure scene: atoms by occupancy, polyhedra, bonds, the cell."""

from __future__ import annotations

import numpy as np

from ._structure_colors import element_color, element_rgb
from ._structure_scene import Scene, bonding_radius

OCCUPANCY_STEP = 0.1  # partial occupancies drawn in bins of 0.1 (plotly: one opacity per trace)
FULL_OCCUPANCY = 0.995  # at or above: drawn as a full, opaque atom
POLYHEDRON_OPACITY = 0.45
BALL_SCALE = 0.45  # ball radius / Shannon crystal radius (ball-and-stick, as VESTA draws)
PX_PER_A_AT_1A = 225.0  # px per Å for a 1 Å wide scene in a 450 px high figure (plotly default)
MARKER_PX = (4.0, 48.0)  # smallest and largest ball diameter, px
VERTEX_SCALE = 0.6  # anions drawn smaller when polyhedra are shown (VESTA's polyhedral style)
HIGHLIGHT_SCALE = 1.3  # the highlighted (mobile) ion is drawn this much larger


def atom_traces(structure, scene: Scene, highlight, **kwargs):
    """One Scatter3d per (element, occupancy bin); partial occupancy is translucent."""
    import plotly.graph_objects as go
    from pymatgen.core import Element

    groups: dict[tuple[str, float], list[tuple[int, int, float]]] = {}
    for a, (i, _) in enumerate(scene.atoms):
        ranked = sorted(structure[i].species.items(), key=lambda kv: -kv[1])
        for rank, (sp, occ) in enumerate(ranked):
            occ_bin = 1.0 if occ >= FULL_OCCUPANCY else _occupancy_bin(occ)
            groups.setdefault((sp.symbol, occ_bin), []).append((a, rank, occ))
    # balls of BALL_SCALE x the crystal radius, at the scale plotly draws the cell (px per Å)
    px_per_a = PX_PER_A_AT_1A / max(float(np.ptp(scene.xyz, axis=0).max()), 1.0)

    def order(key):
        el, occ_bin = key
        return (Element(el).Z if Element.is_valid_symbol(el) else 0, -occ_bin)

    for el, occ_bin in sorted(groups, key=order):
        members = groups[(el, occ_bin)]
        is_hi = el == highlight
        diameter = 2 * BALL_SCALE * _display_radius(el, scene) * px_per_a
        if scene.polyhedra and scene.roles.get(el) == -1:
            diameter *= VERTEX_SCALE  # polyhedral style: anions mark the corners
        base = float(np.clip(diameter, *MARKER_PX)) * (HIGHLIGHT_SCALE if is_hi else 1.0)
        # a mixed site shows its minority species as smaller beads inside the majority one
        sizes = [base * (1.0, 0.7, 0.5, 0.4)[min(rank, 3)] for _, rank, _ in members]
        partial = occ_bin < 1.0
        yield go.Scatter3d(
            x=scene.xyz[[a for a, _, _ in members], 0],
            y=scene.xyz[[a for a, _, _ in members], 1],
            z=scene.xyz[[a for a, _, _ in members], 2],
            mode="markers",
            name=f"{el} (occ. ≈{occ_bin:.1f})" if partial else el,
            legendgroup=el,
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


def _occupancy_bin(occ: float) -> float:
    """Occupancy rounded to the nearest OCCUPANCY_STEP, kept within (0, 1)."""
    step = OCCUPANCY_STEP
    return float(np.clip(round(occ / step) * step, step, 1 - step))


def _hover(structure, scene: Scene, a: int, frac) -> str:
    i = scene.atoms[a][0]
    occ = ", ".join(f"{sp.symbol} {x:.3g}" for sp, x in structure[i].species.items())
    vacancy = 1 - structure[i].species.num_atoms
    if vacancy > 1e-3:
        occ += f", vacancy {vacancy:.3g}"
    role = {1: "cation", -1: "anion", 0: ""}[int(scene.site_role[i])]
    cn = f", {scene.cn[i]} bonded neighbours" if role else ""
    return f"{occ}<br>site {i}: {role}{cn}<br>frac ({frac[0]:.3f}, {frac[1]:.3f}, {frac[2]:.3f})"


def polyhedra_traces(structure, scene: Scene):
    """One Mesh3d per centre element (all its polyhedra), plus one trace of their edges."""
    import plotly.graph_objects as go
    from scipy.spatial import ConvexHull, QhullError

    meshes: dict[str, list] = {}
    edges = []
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
        xyz, faces, offset = [], [], 0
        for verts, simplices in polys:
            xyz.append(verts)
            faces.append(simplices + offset)
            offset += len(verts)
        xyz, faces = np.vstack(xyz), np.vstack(faces)
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


def _site_label(site) -> str:
    """Species of a site, majority first, joined by "/" (e.g. "Ge/P" for LGPS's 4d site)."""
    ranked = sorted(site.species.items(), key=lambda kv: -kv[1])
    return "/".join(dict.fromkeys(sp.symbol for sp, occ in ranked if occ >= 0.05))


def _blend(label: str) -> str:
    """Colour of polyhedra around a mixed site: the species' colours mixed equally."""
    rgb = np.mean([element_rgb(el) for el in label.split("/")], axis=0)
    return "rgb({},{},{})".format(*np.rint(rgb).astype(int))


def cell_trace(lattice):
    corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], float)
    xyz = corners @ lattice.matrix
    edges = [
        (xyz[a], xyz[b])
        for a in range(8)
        for b in range(a + 1, 8)
        if np.abs(corners[a] - corners[b]).sum() == 1
    ]
    return lines(edges, name="unit cell", color="black", width=2)


def lines(segments, *, name: str, color: str, width: float):
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


def _display_radius(symbol: str, scene: Scene) -> float:
    """Shannon crystal radius (Å) of the element in its role: sets the marker size.

    Ionic rather than atomic radii, so anions look larger than Li+ as in drawings of ionic
    solids (S2- 1.70 Å, O2- 1.26 Å, Li+ 0.90 Å, P5+ 0.52 Å).
    """
    role = scene.roles.get(symbol, 1) if -1 in scene.roles.values() else 1
    return bonding_radius(symbol, role)
