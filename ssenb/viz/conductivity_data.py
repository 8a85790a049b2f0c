"""Figures of conductivity data and model uncertainty: the data card and a reliability plot."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import keys as K
from ..errors import InvalidInputError
from ._style import STABLE_COLOR, TEMPLATE

_SOURCE_COLORS = {"obelix": "#1f4e79", "liverpool": "#d9822b", "laskowski": "#2e8b57"}


def conductivity_data_figure(card: Any, **kwargs: Any) -> go.Figure:
    """Three panels of a conductivity data card: sources, temperatures, repeat scatter.

    Parameters
    ----------
    card : ConductivityDataCard
        From :func:`ssenb.data.conductivity_data_card`.
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
    fig = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=(
            "rows and new compositions per source",
            "measurement temperature (°C)",
            "repeats of one composition",
        ),
        horizontal_spacing=0.09,
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
        name="Liverpool temperatures",
        row=1,
        col=2,
    )
    rep: pd.DataFrame = card.repeats
    fig.add_histogram(
        x=rep["abs_difference"],
        xbins={"start": 0, "end": 6, "size": 0.1},
        marker_color="#7f7f7f",
        name="|Δ log10 σ| of repeat pairs",
        row=1,
        col=3,
    )
    nf = card.noise_floor
    for key, dash in (("obelix_median", "solid"), ("obelix_mean", "dash")):
        if np.isfinite(nf.get(key, np.nan)):
            fig.add_vline(
                x=nf[key],
                line_dash=dash,
                line_color="#b22222",
                row=1,
                col=3,
                annotation_text=f"OBELiX {key.split('_')[1]} {nf[key]:.2f}",
                annotation_position="top right",
            )
    fig.update_xaxes(title_text="source", row=1, col=1)
    fig.update_yaxes(title_text="count", row=1, col=1)
    fig.update_xaxes(title_text=K.label(K.TEMPERATURE_C), type="log", row=1, col=2)
    fig.update_xaxes(title_text="|Δ log10 σ| (log10 S/cm)", row=1, col=3)
    fig.update_layout(
        template=TEMPLATE,
        barmode="group",
        height=380,
        width=1150,
        title=f"Room temperature = {lo:g}-{hi:g} °C; noise floor from OBELiX repeats",
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def reliability_figure(
    predictions: pd.DataFrame,
    *,
    levels: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.683, 0.8, 0.9, 0.954, 0.99),
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
    levels : tuple of float
        Nominal central coverages to check (Gaussian intervals ±z·σ).
    fig : plotly Figure, optional
    **kwargs
        Forwarded to the observed-coverage trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Observed fraction of measurements inside the interval against the nominal one;
        the diagonal is perfect calibration, 68 % and 95 % marked.
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
        name=f"observed ({len(y)} materials)",
        **kwargs,
    )
    for level in (0.683, 0.954):
        fig.add_vline(x=level, line_dash="dash", line_color="#bbb")
    fig.update_layout(
        xaxis_title="nominal coverage of the interval",
        yaxis_title="fraction of held-out materials inside",
        xaxis_range=[0, 1],
        yaxis_range=[0, 1],
        width=520,
        height=480,
    )
    return fig
