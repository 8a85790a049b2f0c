"""Figures of a screening decision table: the Pareto scatter and the windows of the best."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import keys as K
from ..errors import InvalidInputError
from ._labels import label_positions
from ._style import new_figure, numeric
from .window import window_bars

_X_CHOICES = (K.OXIDATION_V, K.WINDOW_WIDTH_V, K.REDUCTION_V)
#: Pareto-front points named on the figure (best by y first); hover names every point.
MAX_LABELS = 12


def _table(data: Any) -> pd.DataFrame:
    frame = getattr(data, "table", data)
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(
            f"expected a screening table (DataFrame or CandidateTable), not {type(data).__name__}"
        )
    return frame


def _need(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"the screening table lacks columns {missing}: pass the table from "
            "ssenb.design.screen_candidates (column names in ssenb.keys)"
        )


def candidates_pareto(
    data: Any,
    *,
    x: str = K.OXIDATION_V,
    y: str = K.PREDICTION,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Predicted conductivity against the window, coloured by hull distance, front marked.

    Parameters
    ----------
    data : CandidateTable or DataFrame
        From :func:`ssenb.design.screen_candidates` (columns as named in
        :mod:`ssenb.keys`).
    x : {"oxidation_V", "window_width_V", "reduction_V"}
        Window quantity on the x axis (V vs Li/Li⁺, or V for the width).
    y : str
        Column on the y axis: predicted log10 σ (S/cm) by default, with its 1-std
        uncertainty as error bars; any numeric column of the table also works.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    **kwargs
        Forwarded to the scatter trace of all candidates.

    Returns
    -------
    plotly.graph_objects.Figure
        One marker per candidate (colour: energy above hull, eV/atom; hover: formula and
        values); Pareto-rank-1 candidates ringed. Rows with a missing or infinite value
        (e.g. no Li: no oxidation limit) are left out and counted in the title.

    Raises
    ------
    InvalidInputError
        Not a screening table, one without the formula, hull and limit columns or with
        non-number cells in them, an unknown ``x`` or ``y``, or no row to draw.
    """
    frame = _table(data)
    ion = K.table_ion(data, K.table_ion(frame))
    if not isinstance(x, str) or x not in _X_CHOICES:
        raise InvalidInputError(f"x={x!r}; use one of {', '.join(_X_CHOICES)}")
    if not isinstance(y, str) or y not in frame.columns:
        raise InvalidInputError(f"y={y!r} is not a column of the table")
    _need(frame, [K.REDUCED_FORMULA, K.E_HULL, K.REDUCTION_V, K.OXIDATION_V])
    xs = pd.to_numeric(frame[x], errors="coerce").to_numpy(float)
    ys = pd.to_numeric(frame[y], errors="coerce").to_numpy(float)
    shown = np.isfinite(xs) & np.isfinite(ys)
    if not shown.any():
        hint = " (give screen_candidates a fitted model)" if y == K.PREDICTION else ""
        raise InvalidInputError(f"no candidate has finite {x} and {y}{hint}")
    f = frame[shown]
    ehull = numeric(f, K.E_HULL, "candidates_pareto")
    with_std = y == K.PREDICTION and K.PREDICTION_STD in f
    std = numeric(f, K.PREDICTION_STD, "candidates_pareto") if with_std else None
    rank = f[K.PARETO_RANK] if K.PARETO_RANK in f else pd.Series(pd.NA, index=f.index)
    custom = np.column_stack(
        [
            f[K.REDUCED_FORMULA].astype(str),
            np.round(1000 * ehull, 1),
            np.round(numeric(f, K.REDUCTION_V, "candidates_pareto"), 2),
            np.round(numeric(f, K.OXIDATION_V, "candidates_pareto"), 2),
            rank.astype(str).replace("<NA>", "–"),
        ]
    )
    fig = new_figure(fig)
    marker = {
        "color": ehull,
        "colorscale": "Viridis",  # dark = on the hull, yellow = far above
        "cmin": 0.0,
        "cmax": max(0.01, float(np.nanpercentile(ehull, 95))),
        "size": 9,
        "line": {"width": 0.5, "color": "#333"},
        "colorbar": {"title": {"text": "E above hull<br>(eV/atom)"}},
    }
    marker.update(kwargs.pop("marker", {}))
    fig.add_scatter(
        x=xs[shown],
        y=ys[shown],
        mode="markers",
        name="candidates",
        marker=marker,
        error_y=(
            {"array": std, "visible": True, "thickness": 1, "color": "rgba(0,0,0,0.25)"}
            if std is not None
            else None
        ),
        customdata=custom,
        hovertemplate=(
            "<b>%{customdata[0]}</b><br>"
            + f"{K.label(y, ion=ion)}: %{{y:.2f}}<br>"
            + "window %{customdata[2]}–%{customdata[3]} V<br>"
            + "E above hull %{customdata[1]} meV/atom<br>Pareto rank %{customdata[4]}<extra></extra>"
        ),
        **kwargs,
    )
    front = (rank == 1).fillna(False).to_numpy(bool)
    if front.any():
        fx, fy = xs[shown][front], ys[shown][front]
        names = f[K.REDUCED_FORMULA].astype(str).to_numpy()[front]
        order = np.argsort(-fy)  # label the MAX_LABELS best by y, alternating sides
        labels = np.full(len(names), "", dtype=object)
        labels[order[:MAX_LABELS]] = names[order[:MAX_LABELS]]
        sides = np.empty(len(names), dtype=object)
        sides[order] = label_positions(  # best first, clear of each other and of every marker
            fx[order],
            fy[order],
            [str(t) for t in labels[order]],
            x_range=_padded(xs[shown]),
            y_range=_padded(ys[shown]),
            size_px=(560.0, 380.0),
            obstacles=list(zip(xs[shown], ys[shown])),
        )
        fig.add_scatter(
            x=fx,
            y=fy,
            mode="markers+text",
            name="Pareto front (rank 1: not dominated on σ, window width and interface energy)",
            text=labels,
            textposition=list(sides),
            textfont={"size": 10, "color": "#7b241c"},
            marker={"size": 15, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "#c0392b"}},
            hoverinfo="skip",
        )
    left_out = int((~shown).sum())
    note = f" ({left_out} without finite values not shown)" if left_out else ""
    fig.update_layout(
        title=f"{int(shown.sum())} candidates{note}",
        xaxis_title=K.label(x, ion=ion),
        yaxis_title=K.label(y, ion=ion),
        legend={"orientation": "h", "y": -0.18},
        margin={"t": 70},
    )
    return fig


def _padded(values: np.ndarray) -> tuple[float, float]:
    """The axis range plotly's autorange gives about (data span plus 5 % each side)."""
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.05 * ((hi - lo) or 1.0)
    return lo - pad, hi + pad


def candidates_window_bars(
    data: Any, *, top: int = 15, fig: go.Figure | None = None, **kwargs: Any
) -> go.Figure:
    """Stability windows (V vs Li/Li⁺) of the ``top`` best-ranked candidates as bars.

    Candidates are ordered by Pareto rank, then by energy above hull (eV/atom); the bars
    are :func:`ssenb.viz.window_bars` of those rows.

    Parameters
    ----------
    data : CandidateTable or DataFrame
        From :func:`ssenb.design.screen_candidates` (columns as named in
        :mod:`ssenb.keys`; limits in V vs Li/Li⁺).
    top : int
        Candidates drawn (1 to 200); rows with an error are skipped.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    **kwargs
        Forwarded to the bar trace.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per candidate from its reduction to its oxidation limit (V vs Li/Li⁺).

    Raises
    ------
    InvalidInputError
        ``top`` outside 1–200, not a screening table (or one without the formula and
        limit columns), or no row without an error.
    """
    frame = _table(data)
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 200:
        raise InvalidInputError(f"top={top!r}; use an integer from 1 to 200")
    _need(frame, [K.REDUCED_FORMULA, K.REDUCTION_V, K.OXIDATION_V])
    keys = [c for c in (K.PARETO_RANK, K.E_HULL) if c in frame]
    best = frame[frame[K.ERROR].isna()] if K.ERROR in frame else frame
    best = best.sort_values(keys, na_position="last").head(top)
    if best.empty:
        raise InvalidInputError("no candidate without an error to draw")
    formula = best[K.REDUCED_FORMULA]
    named = best.assign(**{K.INPUT: formula.fillna(best[K.INPUT]) if K.INPUT in best else formula})
    named.attrs["ion"] = K.table_ion(data, K.table_ion(frame))
    fig = window_bars(named, fig=fig, **kwargs)
    fig.update_layout(title=f"Stability windows of the {len(best)} best-ranked candidates")
    return fig


__all__ = ["candidates_pareto", "candidates_window_bars"]
