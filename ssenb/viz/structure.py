"""A 3D structure view that always works: plotly, offline, in JupyterLab, Binder and HTML.

Crystal Toolkit's view needs a Dash server inside the kernel (port 8884), which fails on
remote hubs and in static exports; this view is a plain plotly figure drawn the way SE
papers draw structures (VESTA style): cation-anion bonds only, atoms on the cell faces
repeated, coordination polyhedra for the framework, partial occupancies translucent.
The chemistry (roles, bond rule, images, polyhedra) lives in ``_structure_scene``, the
colours in ``_structure_colors``; the limits on work are re-exported here.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..data.materials import display_formula
from ..errors import InvalidInputError, SsenbWarning
from ..results import formula_html
from ._structure_colors import element_color
from ._structure_scene import (
    BOND_TOLERANCE,
    MAX_DRAWN_ATOMS,
    MAX_LATTICE_LENGTH_A,
    MAX_NEIGHBOR_PAIRS,
    MAX_SITES,
    POLYHEDRON_CN,
    build_scene,
    check_size,
)
from ._structure_traces import (
    FULL_OCCUPANCY,
    atom_traces,
    camera_for,
    cell_corners,
    cell_trace,
    lines,
    polyhedra_traces,
)
from ._style import new_figure

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from pymatgen.core import Structure

    from ._structure_traces import Segment

__all__ = [
    "BOND_TOLERANCE",
    "MAX_DRAWN_ATOMS",
    "MAX_LATTICE_LENGTH_A",
    "MAX_NEIGHBOR_PAIRS",
    "MAX_SITES",
    "POLYHEDRON_CN",
    "element_color",
    "structure_3d",
]

CT_INSTALL = "pip install 'ssenb[ct]'"  # crystal-toolkit is an optional extra
PARTIAL_BONDS = "bonds to partly occupied sites"
# lighter grey, opaque: plotly's WebGL lines do not blend rgba colours reliably
PARTIAL_BOND_COLOR = "rgb(185,185,185)"
_AXIS_OFF = {"visible": False}
_SCENE_LAYOUT = {  # hidden axes, true proportions, no margins
    "scene": {"xaxis": _AXIS_OFF, "yaxis": _AXIS_OFF, "zaxis": _AXIS_OFF, "aspectmode": "data"},
    "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
}
#: A compact legend, top right: one entry per element (all its occupancy bins), 11 px
#: text, 2 px between groups, so LGPS-type CIFs (9-10 entries) fit a 450 px figure.
LEGEND = {
    "itemsizing": "constant",
    "font": {"size": 11},
    "tracegroupgap": 2,
    "x": 1.0,
    "xanchor": "left",
    "y": 1.0,
    "yanchor": "top",
}


def structure_3d(
    structure: Structure,
    *,
    highlight: str | None = "Li",
    bonds: bool = True,
    polyhedra: bool | str | Iterable[str] = True,
    backend: Literal["ssenb", "crystal_toolkit"] = "ssenb",
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """See a crystal structure as a crystallographer draws it: bonds, polyhedra, occupancies.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        Ordered or disordered. At most ``MAX_SITES`` sites and cell edges up to
        ``MAX_LATTICE_LENGTH_A`` Å; larger cells raise InvalidInputError before any work.
    highlight : str or None
        Element drawn larger with a dark outline (default the mobile ion, Li).
    bonds : bool
        Draw cation-anion bonds: pairs closer than ``BOND_TOLERANCE`` (1.25) x the sum of
        their Shannon crystal radii (Å). Roles come from the structure's oxidation states
        if it has them, else from charge balance and electronegativity; cation-cation
        (e.g. Li-Li) and anion-anion contacts are never bonds.
    polyhedra : bool, str or list of str
        Coordination polyhedra (convex hull of the anion neighbours) around cations with
        4-8 anion neighbours. True (default): every such cation except alkali metals and
        ``highlight`` (PS4, ZrO6, GeS4, LaO8 ...). False: none. Element symbols: only those.
    backend : {"ssenb", "crystal_toolkit"}
        "crystal_toolkit" draws Crystal Toolkit's own scene as plotly traces. It is an
        optional extra (``pip install 'ssenb[ct]'``); if it is missing or fails, ssenb's
        view is drawn with a warning that says why and how to install it.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into (e.g. to overlay migration pathways); a new one by default.
    **kwargs
        Forwarded to each atom trace (``go.Scatter3d``).

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: polyhedra (one ``Mesh3d`` per centre element, ``meta["polyhedra"]``),
        their edges, "bonds" (and fainter "bonds to partly occupied sites"), "unit cell", then one ``Scatter3d`` per element and occupancy
        bin (``meta = {"element", "occupancy"}``; partial ones translucent; one legend
        entry per element). Cartesian Å in the structure's lattice frame, origin at the
        cell corner; aspect mode "data"; the camera looks along (1, 1, 1) from the
        distance at which the drawing fills 90 % of the plot height (``camera_for``).

    Raises
    ------
    InvalidInputError
        Not a Structure, no sites, an unknown backend or polyhedra element, or a cell
        beyond the limits above (the message names the limit and how to reduce the cell).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> from ssenb.viz import structure_3d
    >>> lif = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.03), ["Li", "F"],
    ...                                 [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> fig = structure_3d(lif)
    >>> sorted((t.name, len(t.x)) for t in fig.data if t.type == "scatter3d" and t.meta)
    [('F', 13), ('Li', 14)]
    """
    from pymatgen.core import Structure

    if not isinstance(structure, Structure):
        raise InvalidInputError(
            f"structure_3d needs a pymatgen Structure, not {type(structure).__name__}; "
            "read a CIF with Structure.from_file(path)"
        )
    if len(structure) == 0:
        raise InvalidInputError("structure_3d: the structure has no sites")
    if backend not in ("ssenb", "crystal_toolkit"):
        raise InvalidInputError(f"backend={backend!r}; use 'ssenb' or 'crystal_toolkit'")
    check_size(structure)
    centres = _polyhedra_elements(polyhedra, structure, highlight)
    if backend == "crystal_toolkit":
        drawn = _try_crystal_toolkit(structure, fig=fig, **kwargs)
        if drawn is not None:
            return drawn
    scene = build_scene(structure, polyhedra_elements=centres, bonds=bonds)
    fig = new_figure(fig)
    for trace in polyhedra_traces(structure, scene):
        fig.add_trace(trace)
    if bonds:
        full: list[Segment] = []
        partial: list[Segment] = []
        for a, b, _ in scene.bonds:
            ends = (scene.atoms[a][0], scene.atoms[b][0])
            occupied = all(structure[i].species.num_atoms >= FULL_OCCUPANCY for i in ends)
            (full if occupied else partial).append((scene.xyz[a], scene.xyz[b]))
        fig.add_trace(lines(full, name="bonds", color="rgb(120,120,120)", width=4))
        if partial:  # a bond to a partly occupied site exists only part of the time
            fig.add_trace(lines(partial, name=PARTIAL_BONDS, color=PARTIAL_BOND_COLOR, width=3))
    fig.add_trace(cell_trace(structure.lattice))
    eye, px_per_a = camera_for(np.vstack([scene.xyz, cell_corners(structure.lattice)]))
    for trace in atom_traces(structure, scene, highlight, px_per_a=px_per_a, **kwargs):
        fig.add_trace(trace)
    fig.update_layout(
        title=f"{formula_html(display_formula(structure.composition))} ({len(structure)} sites"
        + ("" if structure.is_ordered else ", disordered")
        + ")",
        **_SCENE_LAYOUT,
        legend=LEGEND,
    )
    fig.update_layout(scene_camera_eye=eye)  # the content fills the plot (see camera_for)
    return fig


def _polyhedra_elements(
    polyhedra: bool | str | Iterable[str] | None, structure: Structure, highlight: str | None
) -> set[str]:
    """Which cation elements get polyhedra (validated; roles are checked later)."""
    from pymatgen.core import Element

    if polyhedra is True:
        return {
            el.symbol
            for el in structure.composition.elements
            if Element.is_valid_symbol(el.symbol)
            and Element(el.symbol).group != 1
            and el.symbol != highlight
        }
    if polyhedra is False or polyhedra is None:
        return set()
    if isinstance(polyhedra, str):
        chosen = [polyhedra]
    elif isinstance(polyhedra, Iterable):
        chosen = list(polyhedra)
    else:
        raise InvalidInputError(
            f"polyhedra={polyhedra!r}; pass True, False or a list of elements such as ['P', 'Zr']"
        )
    bad = [el for el in chosen if not (isinstance(el, str) and Element.is_valid_symbol(el))]
    if bad:
        raise InvalidInputError(
            f"polyhedra={polyhedra!r}: {bad} are not element symbols; pass True, False or "
            "a list of elements such as ['P', 'Zr']"
        )
    return set(chosen)


def _try_crystal_toolkit(
    structure: Structure, *, fig: go.Figure | None, **kwargs: Any
) -> go.Figure | None:
    """Crystal Toolkit's figure, or None after a warning that says why and what to do."""
    try:
        import crystal_toolkit  # noqa: F401  (registers Structure.get_scene)
    except ImportError as err:
        reason = (
            f"Crystal Toolkit is not installed ({err}); install the optional extra with "
            f"{CT_INSTALL} and restart the kernel"
        )
    else:
        try:
            return _crystal_toolkit_figure(structure, fig=fig, **kwargs)
        except Exception as err:  # CT scene failures vary (see crystaltoolkit #473)
            reason = (
                f"Crystal Toolkit could not draw this structure "
                f"({type(err).__name__}: {str(err)[:120]})"
            )
    warnings.warn(
        f"backend='crystal_toolkit': {reason}; drawing ssenb's own view instead",
        SsenbWarning,
        stacklevel=3,
    )
    return None


def _crystal_toolkit_figure(
    structure: Structure, *, fig: go.Figure | None = None, **kwargs: Any
) -> go.Figure:
    """Crystal Toolkit's scene of ``structure`` as plotly traces (spheres, lines, cylinders)."""
    import crystal_toolkit  # noqa: F401  (registers Structure.get_scene)

    scene = structure.get_scene()  # type: ignore[attr-defined,unused-ignore]  # added by crystal_toolkit
    spheres: dict[str, list[tuple[Any, float, str]]] = {}
    segments: list[Segment] = []

    def walk(node: Any) -> None:
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
        fig.add_trace(lines(segments, name="cell and bonds", color="black", width=2))
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
        title=f"{formula_html(display_formula(structure.composition))} (Crystal Toolkit scene)",
        **_SCENE_LAYOUT,
    )
    return fig
