"""Transport figures: the percolating pathway in 3D, the energy along it, barriers across materials."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ._style import LINE_COLOR, new_figure

if TYPE_CHECKING:
    import plotly.graph_objects as go

ENERGY_COLORSCALE = "Viridis"
DIM_COLORS = {K.BARRIER_1D: "#9ecae1", K.BARRIER_2D: "#4292c6", K.BARRIER_3D: "#08306b"}
DIM_NAMES = {K.BARRIER_1D: "1D", K.BARRIER_2D: "2D", K.BARRIER_3D: "3D"}


def _check_landscape(landscape, who: str) -> None:
    from ..transport import MigrationLandscape

    if not isinstance(landscape, MigrationLandscape):
        raise InvalidInputError(
            f"{who} needs a MigrationLandscape from ssenb.transport.migration_landscape, "
            f"not {type(landscape).__name__}"
        )


def landscape_pathway_3d(
    landscape,
    *,
    fig=None,
    structure: bool = True,
    max_points: int = 6000,
    marker_size: float = 3.0,
    **kwargs,
) -> go.Figure:
    """The crystal with the mobile ion's percolating pathway drawn in it, coloured by energy.

    Parameters
    ----------
    landscape : ssenb.transport.MigrationLandscape
    fig : plotly Figure, optional
        Figure to draw into.
    structure : bool
        Draw the crystal first with :func:`ssenb.viz.structure_3d` (mobile ion highlighted).
    max_points : int
        Draw at most this many pathway voxels (an even subsample; seeded, reproducible).
    marker_size : float
        Size of a pathway voxel marker (px).
    **kwargs
        Forwarded to the pathway trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Pathway voxels (energy ≤ the highest finite barrier, eV above the minimum) with a
        colour bar, and the closed path of :attr:`MigrationLandscape.profile` as a line.
    """
    _check_landscape(landscape, "landscape_pathway_3d")
    if structure:
        from .structure import structure_3d

        fig = structure_3d(landscape.structure, highlight=landscape.ion, bonds=False, fig=fig)
    fig = new_figure(fig)
    path = landscape.pathway
    if len(path) > max_points:
        keep = np.random.default_rng(0).choice(len(path), size=max_points, replace=False)
        path = path[np.sort(keep)]
    shape = np.asarray(landscape.grid_shape)
    cart = (path / shape) @ landscape.structure.lattice.matrix
    energy = landscape.energy[tuple(path.T)] if len(path) else np.empty(0)
    top = max(float(energy.max()) if len(energy) else 0.0, 1e-6)
    kwargs.setdefault(
        "marker",
        {
            "size": marker_size,
            "color": energy,
            "colorscale": ENERGY_COLORSCALE,
            "cmin": 0.0,
            "cmax": top,
            "opacity": 0.35,
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
    prof = landscape.profile
    if len(prof):
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
        title=f"{landscape.ion}⁺ pathway in {landscape.formula}: "
        f"3D barrier {_fmt(landscape.barrier_3d)}, 1D {_fmt(landscape.barrier_1d)}",
        scene={"aspectmode": "data"},
        legend={"itemsizing": "constant", "orientation": "h", "x": 0, "y": -0.02},
    )
    return fig


def landscape_energy_profile(landscape, *, fig=None, **kwargs) -> go.Figure:
    """BVSE energy along a closed path that carries the mobile ion once around the cell.

    Parameters
    ----------
    landscape : ssenb.transport.MigrationLandscape
    fig : plotly Figure, optional
    **kwargs
        Forwarded to the profile line.

    Returns
    -------
    plotly.graph_objects.Figure
        Energy (eV above the landscape minimum) against distance along the path (Å), with
        the 1D/2D/3D percolation barriers as dashed lines.
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
        title=f"{landscape.ion}⁺ energy along a periodic path in {landscape.formula}",
        xaxis_title=K.label(K.PATH_DISTANCE),
        yaxis_title=K.label(K.BVSE_ENERGY),
        showlegend=False,
    )
    return fig


def _need(frame, columns, who: str, fix: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"{who} needs a DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"{who}: the frame lacks columns {missing}. Fix: {fix}")


def _labels(frame) -> list[str]:
    formula = frame[K.FORMULA].astype(str) if K.FORMULA in frame else frame.index.astype(str)
    if K.ID in frame:
        return [f"{f} ({i})" for f, i in zip(formula, frame[K.ID])]
    return list(formula)


def barrier_bars(frame, *, fig=None, sort: bool = True, cap_eV: float = 3.0, **kwargs) -> go.Figure:
    """1D, 2D and 3D BVSE barriers of several materials side by side.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`ssenb.transport.migration_barriers` (rows with an error are left out).
    fig : plotly Figure, optional
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
    """
    cols = [K.BARRIER_1D, K.BARRIER_2D, K.BARRIER_3D]
    _need(frame, cols, "barrier_bars", "pass the frame from ssenb.transport.migration_barriers")
    data = frame[frame[K.ERROR].isna()] if K.ERROR in frame else frame
    if data.empty:
        raise InvalidInputError("barrier_bars: no row has barriers (every row has an error)")
    if sort:
        data = data.sort_values(K.BARRIER_3D, kind="stable")
    labels = _labels(data)
    every = data[cols].to_numpy(float)
    top = cap_eV if (every > cap_eV).any() else float(np.nanmax(every))
    fig = new_figure(fig)
    for col in cols:
        values = data[col].to_numpy(float)
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


def barrier_conductivity_scatter(
    frame, *, fig=None, highlight: str | None = None, **kwargs
) -> go.Figure:
    """Measured log10 σ against the 3D BVSE barrier, with Spearman's rank correlation.

    Parameters
    ----------
    frame : pandas.DataFrame
        Barriers (:func:`ssenb.transport.migration_barriers`) with a ``log10_sigma`` column
        (e.g. joined from :func:`ssenb.data.load_obelix`). Rows without a finite 3D barrier
        are left out and counted in the title.
    fig : plotly Figure, optional
    highlight : str, optional
        An ``id`` or formula to mark with a star (where one material sits).
    **kwargs
        Forwarded to the scatter trace.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from scipy.stats import spearmanr

    _need(
        frame,
        [K.BARRIER_3D, K.LOG10_SIGMA],
        "barrier_conductivity_scatter",
        "join the measured conductivities, e.g. barriers.join(load_obelix()[['log10_sigma']])",
    )
    x = frame[K.BARRIER_3D].to_numpy(float)
    y = frame[K.LOG10_SIGMA].to_numpy(float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        raise InvalidInputError(
            f"barrier_conductivity_scatter needs at least 3 rows with a finite 3D barrier and "
            f"log10 σ; got {int(ok.sum())}"
        )
    rho, p = spearmanr(x[ok], y[ok])
    labels = np.asarray(_labels(frame), dtype=object)
    fig = new_figure(fig)
    kwargs.setdefault("marker", {"size": 8, "color": LINE_COLOR, "opacity": 0.7})
    fig.add_scatter(
        x=x[ok],
        y=y[ok],
        mode="markers",
        name="materials",
        text=labels[ok],
        hovertemplate="%{text}<br>%{x:.2f} eV, log10 σ %{y:.2f}<extra></extra>",
        **kwargs,
    )
    if highlight is not None:
        keys = [str(v) for v in (frame[K.ID] if K.ID in frame else frame.get(K.FORMULA, []))]
        formulas = [str(v) for v in frame.get(K.FORMULA, [])]
        hit = np.array([k == highlight for k in keys]) | np.array(
            [f == highlight for f in formulas] or [False] * len(frame)
        )
        hit &= ok
        if hit.any():
            fig.add_scatter(
                x=x[hit],
                y=y[hit],
                mode="markers",
                name=str(highlight),
                marker={"symbol": "star", "size": 18, "color": "crimson"},
                text=labels[hit],
                hovertemplate="%{text}<extra></extra>",
            )
    dropped = int((~ok).sum())
    fig.update_layout(
        title=f"Measured conductivity vs 3D BVSE barrier: Spearman ρ = {rho:.2f} "
        f"(p = {p:.1g}, n = {int(ok.sum())}"
        + (f"; {dropped} without a 3D path or σ left out)" if dropped else ")"),
        xaxis_title=K.label(K.BARRIER_3D),
        yaxis_title=K.label(K.LOG10_SIGMA),
        showlegend=highlight is not None,
    )
    return fig


def _fmt(value: float) -> str:
    return "no path" if not math.isfinite(value) else f"{value:.2f} eV"


__all__ = [
    "barrier_bars",
    "barrier_conductivity_scatter",
    "landscape_energy_profile",
    "landscape_pathway_3d",
]
