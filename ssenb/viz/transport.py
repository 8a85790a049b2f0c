"""Transport figures: the percolating pathway in 3D, the energy along it, barriers across materials."""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ..results import formula_html
from ._style import LINE_COLOR, new_figure, numeric

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..transport import MigrationLandscape

ENERGY_COLORSCALE = "Viridis"
HIGHLIGHT_COLOR = "crimson"
MAX_BARRIER_EV = 10.0  # ssenb.transport's "no path" cap (not imported: keeps viz light)
DIM_COLORS = {K.BARRIER_1D: "#9ecae1", K.BARRIER_2D: "#4292c6", K.BARRIER_3D: "#08306b"}
DIM_NAMES = {K.BARRIER_1D: "1D", K.BARRIER_2D: "2D", K.BARRIER_3D: "3D"}


def _check_landscape(landscape: object, who: str) -> None:
    from ..transport import MigrationLandscape

    if not isinstance(landscape, MigrationLandscape):
        raise InvalidInputError(
            f"{who} needs a MigrationLandscape from ssenb.transport.migration_landscape, "
            f"not {type(landscape).__name__}"
        )


def landscape_pathway_3d(
    landscape: MigrationLandscape,
    *,
    fig: go.Figure | None = None,
    structure: bool = True,
    network: bool = True,
    max_points: int = 6000,
    marker_size: float = 3.0,
    **kwargs: Any,
) -> go.Figure:
    """See where the mobile ion moves: the crystal with its percolating pathway, by energy.

    Parameters
    ----------
    landscape : ssenb.transport.MigrationLandscape
    fig : plotly Figure, optional
        Figure to draw into.
    structure : bool
        Draw the crystal first with :func:`ssenb.viz.structure_3d` (mobile ion highlighted).
    network : bool
        Draw the migration network of :meth:`MigrationLandscape.pathway_graph`: its sites
        (diamonds: basins holding a mobile-ion site; dots: interstitial minima) and each
        hop of the percolating pathway as a line site -> saddle -> site, coloured by the
        saddle energy (eV above the minimum). Hops that cross the cell face are drawn to
        the neighbouring cell's site.
    max_points : int
        Draw at most this many pathway voxels (an even subsample; seeded, reproducible).
    marker_size : float
        Size of a pathway voxel marker (px).
    **kwargs
        Forwarded to the pathway-voxel trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Pathway voxels (energy <= the highest finite barrier, eV above the minimum) with a
        colour bar, the network (same colour scale) and the closed path of
        :attr:`MigrationLandscape.profile` as a line.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> from ssenb.transport import migration_landscape
    >>> lif = Structure(Lattice.cubic(2.4), ["F", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> fig = landscape_pathway_3d(migration_landscape(lif, resolution=0.2))
    >>> [t.name for t in fig.data][-3:]
    ['Li pathway (3D)', 'hops (3 on the pathway)', 'Li sites and minima']
    """
    _check_landscape(landscape, "landscape_pathway_3d")
    if structure:
        from .structure import structure_3d

        fig = structure_3d(
            landscape.structure, highlight=landscape.ion, bonds=False, polyhedra=False, fig=fig
        )
    fig = new_figure(fig)
    path = landscape.pathway
    if len(path) > max_points:
        keep = np.random.default_rng(0).choice(len(path), size=max_points, replace=False)
        path = path[np.sort(keep)]
    shape = np.asarray(landscape.grid_shape)
    cart = (path / shape) @ landscape.structure.lattice.matrix
    energy = landscape.energy[tuple(path.T)] if len(path) else np.empty(0)
    finite = [b for b in landscape.barriers.values() if math.isfinite(b)]
    top = max(max(finite) if finite else 0.0, float(energy.max()) if len(energy) else 0.0, 1e-6)
    kwargs.setdefault(
        "marker",
        {
            "size": marker_size,
            "color": energy,
            "colorscale": ENERGY_COLORSCALE,
            "cmin": 0.0,
            "cmax": top,
            "opacity": 0.3 if network else 0.35,
            "colorbar": {"title": {"text": K.label(K.BVSE_ENERGY)}, "x": 1.02},
        },
    )
    dims = {0: "no percolating pathway", 1: "1D", 2: "2D", 3: "3D"}
    fig.add_scatter3d(
        x=cart[:, 0],
        y=cart[:, 1],
        z=cart[:, 2],
        mode="markers",
        name=f"{landscape.ion} pathway ({dims[landscape.pathway_dimension]})",
        text=[f"{e:.2f} eV" for e in energy],
        hovertemplate="%{text}<extra>pathway</extra>",
        **kwargs,
    )
    if network:
        _add_network(fig, landscape, top)
    prof = landscape.profile
    if len(prof) and not network:
        fig.add_scatter3d(
            x=prof["x_A"],
            y=prof["y_A"],
            z=prof["z_A"],
            mode="lines",
            name="closed path (energy profile)",
            line={"color": "crimson", "width": 5},
            text=[f"{e:.2f} eV" for e in prof[K.BVSE_ENERGY]],
            hovertemplate="%{text}<extra>path</extra>",
        )
    fig.update_layout(
        title=f"{K.ion_symbol(landscape.ion)} pathway in {formula_html(landscape.formula)}: "
        f"3D barrier {_fmt(landscape.barrier_3d)}, 1D {_fmt(landscape.barrier_1d)}",
        scene={"aspectmode": "data"},
        legend={"itemsizing": "constant", "orientation": "h", "x": 0, "y": -0.02},
    )
    return fig


def _add_network(fig: go.Figure, landscape: MigrationLandscape, top: float) -> None:
    """The pathway's hops (coloured by saddle energy) and its sites, onto ``fig``."""
    graph = landscape.pathway_graph()
    lattice = landscape.structure.lattice.matrix
    nodes = graph.nodes
    hops = graph.pathway_edges
    frac = nodes[["a_frac", "b_frac", "c_frac"]].to_numpy(float)
    xyz: list[list[float | None]] = [[], [], []]
    color: list[float] = []
    text: list[str] = []
    for row in hops.itertuples(index=False):
        a, b = int(getattr(row, K.FROM_NODE)), int(getattr(row, K.TO_NODE))
        image = np.array([row.image_a, row.image_b, row.image_c], dtype=float)
        start = frac[a] @ lattice
        end = (frac[b] + image) @ lattice
        saddle = np.array([row.saddle_x_A, row.saddle_y_A, row.saddle_z_A])
        e = float(getattr(row, K.SADDLE_ENERGY))
        label = (
            f"hop {a} → {b} {tuple(int(i) for i in image)}: saddle {e:.2f} eV, "
            f"hop barrier {getattr(row, K.HOP_BARRIER):.2f} eV, {getattr(row, K.HOP_LENGTH):.2f} Å"
        )
        for point in (start, saddle, end, None):
            for ax in range(3):
                xyz[ax].append(None if point is None else float(point[ax]))
            color.append(e)
            text.append(label)
    fig.add_scatter3d(
        x=xyz[0],
        y=xyz[1],
        z=xyz[2],
        mode="lines",
        name=f"hops ({len(hops)} on the pathway)",
        line={
            "color": color,
            "colorscale": ENERGY_COLORSCALE,
            "cmin": 0.0,
            "cmax": top,
            "width": 7,
        },
        text=text,
        hovertemplate="%{text}<extra></extra>",
    )
    on = nodes[nodes[K.IN_PATHWAY]]
    cart = on[["x_A", "y_A", "z_A"]].to_numpy(float)
    is_site = (on[K.NODE_KIND] != "interstitial").to_numpy()
    fig.add_scatter3d(
        x=cart[:, 0],
        y=cart[:, 1],
        z=cart[:, 2],
        mode="markers",
        name=f"{landscape.ion} sites and minima",
        marker={
            "size": np.where(is_site, 6, 3),
            "symbol": np.where(is_site, "diamond", "circle"),
            "color": "white",
            "line": {"color": "black", "width": 1},
        },
        text=[
            f"node {n}: {k}{f' ({s})' if s else ''}, {e:.2f} eV"
            for n, k, s, e in zip(on[K.NODE], on[K.NODE_KIND], on[K.ION_SITES], on[K.BVSE_ENERGY])
        ],
        hovertemplate="%{text}<extra></extra>",
    )


def landscape_energy_profile(
    landscape: MigrationLandscape, *, fig: go.Figure | None = None, **kwargs: Any
) -> go.Figure:
    """See the bottleneck: BVSE energy along a closed path once around the cell.

    Parameters
    ----------
    landscape : ssenb.transport.MigrationLandscape
    fig : plotly Figure, optional
        Figure to draw into.
    **kwargs
        Forwarded to the profile line.

    Returns
    -------
    plotly.graph_objects.Figure
        Energy (eV above the landscape minimum) against distance along the path (Å), with
        the 1D/2D/3D percolation barriers as dashed lines.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> from ssenb.transport import migration_landscape
    >>> lif = Structure(Lattice.cubic(2.4), ["F", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> fig = landscape_energy_profile(migration_landscape(lif, resolution=0.2))
    >>> fig.layout.yaxis.title.text
    'BVSE energy above the minimum (eV)'
    """
    _check_landscape(landscape, "landscape_energy_profile")
    fig = new_figure(fig)
    prof = landscape.profile
    kwargs.setdefault("line", {"color": LINE_COLOR, "width": 3})
    fig.add_scatter(
        x=prof[K.PATH_DISTANCE],
        y=prof[K.BVSE_ENERGY],
        mode="lines",
        name=f"{landscape.formula} path",
        hovertemplate="%{x:.2f} Å: %{y:.3f} eV<extra></extra>",
        **kwargs,
    )
    for col, value in landscape.barriers.items():
        if math.isfinite(value):
            fig.add_hline(
                y=value,
                line={"dash": "dash", "color": DIM_COLORS[col], "width": 1.5},
                annotation_text=f"{DIM_NAMES[col]} barrier {value:.2f} eV",
                annotation_position="top left" if col == K.BARRIER_1D else "top right",
            )
    fig.update_layout(
        title=f"{K.ion_symbol(landscape.ion)} energy along a periodic path in {formula_html(landscape.formula)}",
        xaxis_title=K.label(K.PATH_DISTANCE),
        yaxis_title=K.label(K.BVSE_ENERGY),
        showlegend=False,
    )
    return fig


def _need(frame: object, columns: list[str], who: str, fix: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"{who} needs a DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"{who}: the frame lacks columns {missing}. Fix: {fix}")


def _labels(frame: pd.DataFrame) -> list[str]:
    formula = frame[K.FORMULA].astype(str) if K.FORMULA in frame else frame.index.astype(str)
    if K.ID in frame:
        return [f"{f} ({i})" for f, i in zip(formula, frame[K.ID])]
    return list(formula)


def barrier_bars(
    frame: pd.DataFrame,
    *,
    fig: go.Figure | None = None,
    sort: bool = True,
    cap_eV: float = 3.0,
    **kwargs: Any,
) -> go.Figure:
    """Compare materials' 1D, 2D and 3D BVSE barriers side by side.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`ssenb.transport.migration_barriers` (rows with an error are left out).
    fig : plotly Figure, optional
        Figure to draw into.
    sort : bool
        Order materials by their 3D barrier (lowest, the best conductor, first).
    cap_eV : float
        Bars above this (and ``inf``, no percolation) are drawn at the cap, hatched, with the
        true value in the hover text.
    **kwargs
        Forwarded to each bar trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars, one group per material (label: formula and id).

    Raises
    ------
    InvalidInputError
        Missing or non-number barrier columns, no row without an error, every barrier
        NaN, or ``cap_eV`` not a number > 0.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame(
    ...     {"formula": ["A", "B"], "barrier_1d_eV": [0.2, 0.4],
    ...      "barrier_2d_eV": [0.3, 0.5], "barrier_3d_eV": [0.3, float("inf")]}
    ... )
    >>> [t.name for t in barrier_bars(frame).data]
    ['1D barrier', '2D barrier', '3D barrier']
    """
    cols = [K.BARRIER_1D, K.BARRIER_2D, K.BARRIER_3D]
    _need(frame, cols, "barrier_bars", "pass the frame from ssenb.transport.migration_barriers")
    data = frame[frame[K.ERROR].isna()] if K.ERROR in frame else frame
    if data.empty:
        raise InvalidInputError("barrier_bars: no row has barriers (every row has an error)")
    if isinstance(cap_eV, bool) or not isinstance(cap_eV, numbers.Real) or not cap_eV > 0:
        raise InvalidInputError(f"cap_eV={cap_eV!r}; give the axis top in eV, a number > 0")
    cap_eV = float(cap_eV)
    every = np.column_stack([numeric(data, c, "barrier_bars") for c in cols])
    if sort:
        order = np.argsort(every[:, 2], kind="stable")  # NaN last
        data, every = data.iloc[order], every[order]
    labels = _labels(data)
    seen = every[~np.isnan(every)]
    if not seen.size:
        raise InvalidInputError("barrier_bars: every barrier is NaN: nothing to draw")
    top = cap_eV if (seen > cap_eV).any() else max(float(seen.max()), 0.1)
    fig = new_figure(fig)
    for k, col in enumerate(cols):
        values = every[:, k]
        capped = ~(values <= cap_eV)
        fig.add_bar(
            x=labels,
            y=np.where(capped, cap_eV, values),
            name=f"{DIM_NAMES[col]} barrier",
            marker={
                "color": DIM_COLORS[col],
                "pattern": {"shape": ["/" if c else "" for c in capped]},
            },
            hovertext=[_fmt(v) for v in values],
            hovertemplate="%{x}: %{hovertext}<extra>" + DIM_NAMES[col] + "</extra>",
            **kwargs,
        )
    fig.update_layout(
        barmode="group",
        title="BVSE percolation barriers (hatched: above the axis cap or no path)",
        yaxis_title="BVSE migration barrier (eV)",
        yaxis_range=[0, 1.05 * top],
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


#: a material placed on :func:`barrier_conductivity_scatter`: (label, 3D barrier in eV,
#: measured log10 σ in S/cm or None when it has none)
Placed = tuple[str, float, float | None]


def barrier_conductivity_scatter(
    frame: pd.DataFrame,
    *,
    fig: go.Figure | None = None,
    highlight: str | Placed | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Check the barrier against experiment: measured log10 σ vs the 3D BVSE barrier.

    Parameters
    ----------
    frame : pandas.DataFrame
        Barriers (:func:`ssenb.transport.migration_barriers`) with a ``log10_sigma`` column
        (e.g. joined from :func:`ssenb.data.load_obelix`). Rows without a finite 3D barrier
        are left out and counted in the title. With a ``censored`` column, a censored row's
        σ is an upper bound (OBELiX's "<1E-10", below the instrument's limit): it is drawn
        as an open downward triangle (the true σ is at or below it) and left out of
        Spearman's ρ, which ranks exact values only (a bound has no rank among them).
    fig : plotly Figure, optional
    highlight : str or (label, barrier eV, log10 σ or None), optional
        Where one material sits. A string: the ``id`` (or formula) of a row of ``frame``,
        marked with a red star and its label. A tuple: a material that need not be in
        ``frame`` (an uploaded CIF, the Explorer's current pick): a star at (barrier,
        log10 σ); without a measured σ (None or NaN) a dashed vertical line at its
        barrier; without a 3D path (barrier inf) a note in the corner.
    **kwargs
        Forwarded to the scatter trace of the materials.

    Returns
    -------
    plotly.graph_objects.Figure
        Title with Spearman's rank correlation ρ, its p value and the number of points.

    Raises
    ------
    InvalidInputError
        Missing or non-number columns, fewer than 3 usable rows, or a malformed
        ``highlight``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"barrier_3d_eV": [0.2, 0.5, 0.9], "log10_sigma": [-3, -6, -9]})
    >>> fig = barrier_conductivity_scatter(frame, highlight=("my CIF", 0.4, None))
    >>> "Spearman ρ = -1.00" in fig.layout.title.text
    True
    """
    from scipy.stats import spearmanr

    _need(
        frame,
        [K.BARRIER_3D, K.LOG10_SIGMA],
        "barrier_conductivity_scatter",
        "join the measured conductivities, e.g. barriers.join(load_obelix()[['log10_sigma']])",
    )
    x = numeric(frame, K.BARRIER_3D, "barrier_conductivity_scatter")
    y = numeric(frame, K.LOG10_SIGMA, "barrier_conductivity_scatter")
    finite = np.isfinite(x) & np.isfinite(y)
    bound = finite & (
        frame[K.CENSORED].fillna(False).astype(bool).to_numpy()
        if K.CENSORED in frame
        else np.zeros(len(frame), bool)
    )
    ok = finite & ~bound
    if ok.sum() < 3:
        raise InvalidInputError(
            f"barrier_conductivity_scatter needs at least 3 rows with a finite 3D barrier and "
            f"a measured (not censored) log10 σ; got {int(ok.sum())}"
        )
    constant = np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0
    rho, p = (math.nan, math.nan) if constant else spearmanr(x[ok], y[ok])
    labels = np.asarray(_labels(frame), dtype=object)
    fig = new_figure(fig)
    kwargs.setdefault("marker", {"size": 8, "color": LINE_COLOR, "opacity": 0.6})
    fig.add_scatter(
        x=x[ok],
        y=y[ok],
        mode="markers",
        name="materials" if K.ID not in frame else "OBELiX materials",
        text=labels[ok],
        hovertemplate="%{text}<br>%{x:.2f} eV, log10 σ %{y:.2f}<extra></extra>",
        **kwargs,
    )
    if bound.any():
        fig.add_scatter(
            x=x[bound],
            y=y[bound],
            mode="markers",
            name="σ upper bound (censored)",
            text=labels[bound],
            marker={
                "symbol": "triangle-down-open",
                "size": 9,
                "color": LINE_COLOR,
                "line": {"width": 1.5},
            },
            hovertemplate="%{text}<br>%{x:.2f} eV, log10 σ ≤ %{y:.2f} (upper bound, not in ρ)"
            "<extra></extra>",
        )
    if isinstance(highlight, str):
        hit = np.zeros(len(frame), dtype=bool)
        for col in (K.ID, K.FORMULA):
            if col in frame:
                hit |= (frame[col].astype(str) == highlight).to_numpy(bool)
        hit &= finite
        if hit.any():
            i = int(np.flatnonzero(hit)[0])
            _place(fig, (str(labels[i]), float(x[i]), float(y[i])), cloud=(x[finite], y[finite]))
    elif highlight is not None:
        _place(fig, _check_placed(highlight), cloud=(x[finite], y[finite]))
    dropped = int((~finite).sum())
    bounds = f"; {int(bound.sum())} upper bounds ▽ not in ρ" if bound.any() else ""
    fig.update_layout(
        title="Measured conductivity vs 3D BVSE barrier<br><sup>"
        + (
            "Spearman ρ undefined: every barrier or every σ is the same "
            if constant
            else f"Spearman ρ = {rho:.2f} (p = {p:.1g}, "
        )
        + (f"n = {int(ok.sum())}" if not constant else f"(n = {int(ok.sum())}")
        + bounds
        + (f"; {dropped} without a 3D path or σ left out)" if dropped else ")")
        + "</sup>",
        xaxis_title=K.label(K.BARRIER_3D),
        yaxis_title=K.label(K.LOG10_SIGMA),
        showlegend=highlight is not None or bool(bound.any()),
    )
    return fig


def _check_placed(value: Any) -> Placed:
    try:
        label, barrier, sigma = value
        out = (str(label), float(barrier), None if sigma is None else float(sigma))
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"highlight={value!r}: give an id or formula of the frame, or a tuple "
            "(label, 3D barrier in eV, measured log10 σ or None)"
        ) from None
    return out


def _place(
    fig: go.Figure, placed: Placed, *, cloud: tuple[np.ndarray, np.ndarray] | None = None
) -> None:
    """A star with its label, a vertical line (no measured σ) or a note (no 3D path).

    The star's label goes where it covers the fewest points of ``cloud`` (the other
    materials), by :func:`ssenb.viz._labels.label_positions`.
    """
    label, barrier, sigma = placed
    if not math.isfinite(barrier):
        fig.add_annotation(
            text=f"{label}: no 3D path below {MAX_BARRIER_EV:g} eV",
            xref="paper",
            yref="paper",
            x=0.99,
            y=0.99,
            showarrow=False,
            font={"color": HIGHLIGHT_COLOR},
            xanchor="right",
        )
        return
    if sigma is None or not math.isfinite(sigma):
        fig.add_vline(
            x=barrier,
            line={"color": HIGHLIGHT_COLOR, "dash": "dash", "width": 2},
            annotation_text=f"{label}: {barrier:.2f} eV (no measured σ)",
            annotation_position="top right",
            annotation_font_color=HIGHLIGHT_COLOR,
        )
        return
    from ._labels import annotation_anchor

    fig.add_scatter(
        x=[barrier],
        y=[sigma],
        mode="markers",
        name=label,
        marker={"symbol": "star", "size": 18, "color": HIGHLIGHT_COLOR},
        hovertemplate=f"{label}<br>%{{x:.2f}} eV, log10 σ %{{y:.2f}}<extra></extra>",
    )
    fig.add_annotation(  # a background keeps it readable where the cloud is dense
        x=barrier,
        y=sigma,
        text=label,
        showarrow=False,
        font={"color": HIGHLIGHT_COLOR},
        bgcolor="rgba(255, 255, 255, 0.85)",
        **annotation_anchor(_star_label_position(label, barrier, sigma, cloud), gap_px=12),
    )


def _star_label_position(
    label: str, x: float, y: float, cloud: tuple[np.ndarray, np.ndarray] | None
) -> str:
    from ._labels import label_positions

    xs, ys = (np.array([x]), np.array([y])) if cloud is None else cloud
    xs, ys = np.append(xs, x), np.append(ys, y)
    pad_x, pad_y = 0.05 * (np.ptp(xs) or 1.0), 0.05 * (np.ptp(ys) or 1.0)
    return label_positions(
        [x],
        [y],
        [label],
        x_range=(xs.min() - pad_x, xs.max() + pad_x),
        y_range=(ys.min() - pad_y, ys.max() + pad_y),
        size_px=(560.0, 380.0),
        obstacles=list(zip(xs[:-1], ys[:-1])),
    )[0]


def _fmt(value: float) -> str:
    return "no path" if not math.isfinite(value) else f"{value:.2f} eV"


__all__ = [
    "barrier_bars",
    "barrier_conductivity_scatter",
    "landscape_energy_profile",
    "landscape_pathway_3d",
]
