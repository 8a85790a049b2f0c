"""Figures of conductivity data and model uncertainty: the data card and a reliability plot."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import keys as K
from ..errors import InvalidInputError
from ._style import STABLE_COLOR, TEMPLATE, new_figure

LOW_2SIGMA = "log10_sigma_low_2sigma"  # CVReport.predictions: calibrated 2σ interval
HIGH_2SIGMA = "log10_sigma_high_2sigma"
_SOURCE_COLORS = {"obelix": "#1f4e79", "liverpool": "#d9822b", "laskowski": "#2e8b57"}


def conductivity_data_figure(
    card: Any, *, fig: go.Figure | None = None, **kwargs: Any
) -> go.Figure:
    """Three panels of a conductivity data card: sources, temperatures, repeat scatter.

    Parameters
    ----------
    card : ConductivityDataCard
        From :func:`ssenb.data.conductivity_data_card`.
    fig : plotly.graph_objects.Figure, optional
        A figure made with ``make_subplots(rows=1, cols=3)`` to draw into (default: new).
    **kwargs
        Forwarded to the bar traces of the first panel.

    Returns
    -------
    plotly.graph_objects.Figure
        Left: rows used (room temperature) and compositions added, per source. Middle:
        histogram of the measurement temperatures (°C) with the room-temperature window
        shaded. Right: histogram of |Δ log10 σ| between repeats of one composition,
        with the OBELiX noise floor (median, mean) drawn as lines.
    """
    from plotly.subplots import make_subplots

    for name in ("sources", "temperatures", "repeats", "noise_floor", "room_temperature_c"):
        if not hasattr(card, name):
            raise InvalidInputError(
                f"expected a ConductivityDataCard (ssenb.data.conductivity_data_card()), "
                f"not {type(card).__name__}"
            )
    fig = (
        new_figure(fig)
        if fig is not None
        else make_subplots(
            rows=1,
            cols=3,
            subplot_titles=(
                "rows and new compositions per source",
                "measurement temperature (°C)",
                "repeats of one composition",
            ),
            horizontal_spacing=0.09,
        )
    )
    src: pd.DataFrame = card.sources
    fig.add_bar(
        x=src[K.SOURCE],
        y=src["rows_used"],
        name="rows at room temperature",
        marker_color="#9fb7d1",
        row=1,
        col=1,
        **kwargs,
    )
    fig.add_bar(
        x=src[K.SOURCE],
        y=src["compositions_added"],
        name="compositions added",
        marker_color=[_SOURCE_COLORS.get(s, "#555") for s in src[K.SOURCE]],
        row=1,
        col=1,
        **kwargs,
    )
    temps: pd.DataFrame = card.temperatures
    lo, hi = card.room_temperature_c
    fig.add_vrect(x0=lo, x1=hi, fillcolor=STABLE_COLOR, line_width=0, row=1, col=2)
    fig.add_histogram(
        x=temps[K.TEMPERATURE_C],
        xbins={"start": 0, "end": 900, "size": 10},
        marker_color=_SOURCE_COLORS["liverpool"],
        name=f"Liverpool temperatures (shaded: room temperature, {lo:g}-{hi:g} °C)",
        row=1,
        col=2,
    )
    rep: pd.DataFrame = card.repeats
    within = (rep["source_a"] == "obelix") & (rep["source_b"] == "obelix")
    for mask, name, color in (
        (~within, "|Δ| of repeats across sources (copies give 0)", "#c9c9c9"),
        (within, "|Δ| of repeats inside OBELiX", "#7f7f7f"),
    ):
        fig.add_histogram(
            x=rep.loc[mask, "abs_difference"],
            xbins={"start": 0, "end": 6, "size": 0.2},
            histnorm="probability",
            marker_color=color,
            opacity=0.8,
            name=name,
            row=1,
            col=3,
        )
    nf = card.noise_floor
    for key, dash, side in (
        ("obelix_median", "solid", "top left"),
        ("obelix_mean", "dash", "top right"),
    ):
        if np.isfinite(nf.get(key, np.nan)):
            fig.add_vline(
                x=nf[key],
                line_dash=dash,
                line_color="#b22222",
                row=1,
                col=3,
                annotation_text=f"{key.split('_')[1]} {nf[key]:.2f}",
                annotation_position=side,
            )
    fig.update_xaxes(title_text="source", row=1, col=1)
    fig.update_yaxes(title_text="count", row=1, col=1)
    fig.update_xaxes(title_text=K.label(K.TEMPERATURE_C), row=1, col=2)
    fig.update_yaxes(title_text="rows (log scale)", type="log", row=1, col=2)
    fig.update_xaxes(title_text="|Δ log10 σ| (log10 S/cm)", row=1, col=3)
    fig.update_yaxes(title_text="share of pairs", row=1, col=3)
    fig.update_layout(
        template=TEMPLATE,
        barmode="overlay",
        height=420,
        width=1150,
        title=f"Room temperature = {lo:g}-{hi:g} °C; noise floor from OBELiX repeats",
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def reliability_figure(
    predictions: pd.DataFrame,
    *,
    levels: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.6827, 0.8, 0.9, 0.9545, 0.99),
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Reliability of prediction intervals: nominal against observed coverage.

    Parameters
    ----------
    predictions : DataFrame
        Held-out predictions with ``log10_sigma`` (measured), ``log10_sigma_pred`` and
        ``log10_sigma_std`` (a calibrated 1σ, log10 S/cm), e.g. ``CVReport.predictions``.
        Censored rows count as covered when the interval's lower end lies below the bound.
        With ``log10_sigma_low_2sigma`` / ``log10_sigma_high_2sigma`` the calibrated 2σ
        interval is checked too (it is not 2 × the 1σ: the error tails are heavy).
    levels : tuple of float
        Nominal central coverages to check (Gaussian intervals ±z·σ).
    fig : plotly Figure, optional
    **kwargs
        Forwarded to the observed-coverage trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Observed fraction of measurements inside ±z·σ against the nominal coverage (a
        normal reading of the 1σ), and the calibrated 1σ and 2σ intervals as diamonds;
        the diagonal is perfect calibration, 68.27 % and 95.45 % marked.
    """
    from scipy.stats import norm

    from ._style import new_figure, numeric

    y = numeric(predictions, K.LOG10_SIGMA, "reliability_figure")
    pred = numeric(predictions, K.PREDICTION, "reliability_figure")
    std = numeric(predictions, K.PREDICTION_STD, "reliability_figure")
    cens = (
        predictions[K.CENSORED].to_numpy(bool)
        if K.CENSORED in predictions
        else np.zeros(len(y), bool)
    )
    ok = np.isfinite(y) & np.isfinite(pred) & np.isfinite(std)
    if not ok.any():
        raise InvalidInputError("reliability_figure: no row has a measured value, mean and std")
    y, pred, std, cens = y[ok], pred[ok], std[ok], cens[ok]
    observed = []
    for level in levels:
        z = norm.ppf(0.5 + level / 2)
        inside = np.where(cens, pred - z * std <= y, np.abs(y - pred) <= z * std)
        observed.append(float(inside.mean()))
    fig = new_figure(fig)
    fig.add_scatter(
        x=[0, 1],
        y=[0, 1],
        mode="lines",
        line={"dash": "dot", "color": "#888"},
        name="perfect calibration",
    )
    fig.add_scatter(
        x=list(levels),
        y=observed,
        mode="lines+markers",
        name=f"±z·σ, σ read as a normal 1σ ({len(y)} materials)",
        **kwargs,
    )
    points = [(0.6827, float(np.mean(np.where(cens, pred - std <= y, np.abs(y - pred) <= std))))]
    if {LOW_2SIGMA, HIGH_2SIGMA} <= set(predictions.columns):
        lo2 = numeric(predictions, LOW_2SIGMA, "reliability_figure")[ok]
        hi2 = numeric(predictions, HIGH_2SIGMA, "reliability_figure")[ok]
        points.append((0.9545, float(np.mean(np.where(cens, lo2 <= y, (lo2 <= y) & (y <= hi2))))))
    fig.add_scatter(
        x=[p[0] for p in points],
        y=[p[1] for p in points],
        mode="markers+text",
        marker={"size": 13, "symbol": "diamond", "color": "#b22222"},
        text=[f"{p[1]:.0%}" for p in points],
        textposition="middle left",
        name="calibrated 1σ and 2σ intervals",
    )
    for level in (0.6827, 0.9545):
        fig.add_vline(x=level, line_dash="dash", line_color="#bbb")
    fig.update_layout(
        xaxis_title="nominal coverage of the interval",
        yaxis_title="fraction of held-out materials inside",
        xaxis_range=[0, 1],
        yaxis_range=[0, 1.05],
        width=560,
        height=560,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def cv_leaderboard(
    results: pd.DataFrame,
    *,
    noise_floor: dict[str, float] | None = None,
    references: dict[str, float] | None = None,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Paper-scheme CV MAE per model preset, with and without extra data, beside the noise floor.

    Parameters
    ----------
    results : DataFrame
        One row per (preset, data, seed) with ``mae`` (log10 S/cm), as written by
        ``scripts/benchmark_conductivity_cv.py``; bars show the mean over seeds, error
        bars the standard deviation over seeds (or over draws, ``mae_draw_std``, when
        only one seed was run).
    noise_floor : dict, optional
        ``{"median": ..., "mean": ...}`` |Δ log10 σ| of repeated measurements, drawn as
        horizontal lines (no model can reproduce held-out measurements much better).
    references : dict, optional
        Published results to draw as dotted lines, label -> MAE (log10 S/cm).
    fig : plotly Figure, optional
    **kwargs
        Forwarded to every bar trace.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from ._style import new_figure

    need = {"preset", "data", "seed", "mae"}
    if not isinstance(results, pd.DataFrame) or not need <= set(results.columns):
        raise InvalidInputError(
            f"cv_leaderboard: results need columns {sorted(need)} (the benchmark CSV)"
        )
    if results.empty:
        raise InvalidInputError("cv_leaderboard: the results table is empty")
    fig = new_figure(fig)
    presets = list(dict.fromkeys(results["preset"]))
    colors = {"obelix": "#9fb7d1", "obelix+extra": "#1f4e79"}
    names = {"obelix": "OBELiX train only", "obelix+extra": "+ Liverpool + Laskowski"}
    for data, part in results.groupby("data", sort=False):
        stats = part.groupby("preset")["mae"].agg(["mean", "std", "count"]).reindex(presets)
        if "mae_draw_std" in part:
            one_seed = stats["count"] < 2
            draw_std = part.groupby("preset")["mae_draw_std"].mean().reindex(presets)
            stats["std"] = stats["std"].where(~one_seed, draw_std / np.sqrt(5))
        fig.add_bar(
            x=presets,
            y=stats["mean"],
            error_y={"type": "data", "array": stats["std"].fillna(0).to_numpy()},
            name=f"{names.get(str(data), data)} (paper-scheme CV)",
            marker_color=colors.get(str(data), "#777"),
            text=[f"{v:.2f}" if np.isfinite(v) else "" for v in stats["mean"]],
            textposition="outside",
            **kwargs,
        )
    for label, value in (noise_floor or {}).items():
        fig.add_hline(
            y=value,
            line_dash="dash",
            line_color="#b22222",
            annotation_text=f"noise floor: {label} |Δ| of repeats {value:.2f}",
            annotation_position="bottom left",
            annotation_bgcolor="rgba(255,255,255,0.8)",
        )
    for label, value in (references or {}).items():
        fig.add_hline(
            y=value,
            line_dash="dot",
            line_color="#555",
            annotation_text=f"{label} {value:.2f}",
            annotation_position="top left",
        )
    fig.update_layout(
        barmode="group",
        showlegend=True,
        yaxis_title="MAE of log10 σ (log10 S/cm)",
        xaxis_title="model preset",
        yaxis_range=[0, max(2.0, float(results["mae"].max()) + 0.3)],
        legend={"orientation": "h", "y": -0.2},
        width=900,
        height=480,
    )
    return fig
