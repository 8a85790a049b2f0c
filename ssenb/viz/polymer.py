"""Polymer-electrolyte figures: σ(T) on an Arrhenius axis, and parity of held-out polymers.

SHAP by mechanism family needs no figure of its own: ``shap_bar(explanation.grouped())``
and ``shap_waterfall`` draw :func:`ssenb.explain.explain_polymer`'s values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import keys as K
from ..data.polymer_electrolytes import ZERO_CELSIUS_K
from ..errors import InvalidInputError
from ._style import new_figure, numeric

#: Qualitative colours for curves (plotly's default cycle, one home for this module).
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def _label_column(frame: pd.DataFrame) -> pd.Series:
    for col in ("label", "row"):
        if col in frame:
            return frame[col].astype(str)
    return pd.Series(["prediction"] * len(frame), index=frame.index)


def conductivity_arrhenius(
    curves: pd.DataFrame,
    *,
    measured: pd.DataFrame | None = None,
    band: bool = True,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """σ(T) curves as log10 σ against 1000/T (an Arrhenius plot), with measured points.

    A straight line is Arrhenius behaviour; VTF curves bend down towards low T (right).

    Parameters
    ----------
    curves : DataFrame
        Long table with ``temperature_K``, ``log10_sigma_pred`` and optionally
        ``log10_sigma_std`` (1 std band, log10 S/cm), ``in_temperature_range`` (outside:
        dashed, "extrapolated") and ``label`` or ``row`` (one curve per value), as
        :meth:`ssenb.models.PolymerConductivityModel.predict_curve` returns.
    measured : DataFrame, optional
        Points with ``temperature_K``, ``log10_sigma`` and optionally ``label``: points
        whose label is a curve's take its colour, other labels get a trace (and colour)
        of their own, e.g. the measured curves of the nearest polymers.
    band : bool
        Shade ±1 std around each curve.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into.
    **kwargs
        Forwarded to every curve's line trace.

    Returns
    -------
    plotly.graph_objects.Figure
        x: 1000/T (1/K), y: log10 σ (S/cm); hover gives T in K and °C.
    """
    who = "conductivity_arrhenius"
    if not isinstance(curves, pd.DataFrame) or curves.empty:
        raise InvalidInputError(
            f"{who}: curves must be a non-empty DataFrame (predict_curve output)"
        )
    t = numeric(curves, K.TEMPERATURE_K, who)
    y = numeric(curves, K.PREDICTION, who)
    if (t <= 0).any():
        raise InvalidInputError(f"{who}: temperature_K must be positive (kelvin)")
    std = numeric(curves, K.PREDICTION_STD, who) if K.PREDICTION_STD in curves else np.zeros_like(y)
    inside = (
        curves["in_temperature_range"].to_numpy(bool)
        if "in_temperature_range" in curves
        else np.ones(len(t), bool)
    )
    labels = _label_column(curves).to_numpy()
    user_line = kwargs.pop("line", {})
    fig = new_figure(fig)
    for i, name in enumerate(dict.fromkeys(labels)):
        sel = labels == name
        order = np.argsort(-t[sel])  # left to right in 1000/T
        x, yy, ss, ins = 1000.0 / t[sel][order], y[sel][order], std[sel][order], inside[sel][order]
        color = COLORS[i % len(COLORS)]
        if band and ss.any():
            fig.add_scatter(
                x=np.r_[x, x[::-1]], y=np.r_[yy + ss, (yy - ss)[::-1]], fill="toself",
                fillcolor=_rgba(color, 0.15), line={"width": 0}, hoverinfo="skip",
                showlegend=False, legendgroup=str(name),
            )  # fmt: skip
        custom = np.c_[1000.0 / x, 1000.0 / x - ZERO_CELSIUS_K, ss]
        line = {"color": color, "width": 2.5, **user_line}
        fig.add_scatter(
            x=np.where(ins, x, np.nan), y=yy, mode="lines", name=str(name), line=line,
            legendgroup=str(name), customdata=custom,
            hovertemplate="T = %{customdata[0]:.0f} K (%{customdata[1]:.0f} °C)<br>"
            "log10 σ = %{y:.2f} ± %{customdata[2]:.2f}<extra>%{fullData.name}</extra>",
            **kwargs,
        )  # fmt: skip
        if not ins.all():
            # dotted outside the data's temperatures, touching the solid part at its ends
            outside = ~ins | np.r_[~ins[1:], False] | np.r_[False, ~ins[:-1]]
            fig.add_scatter(
                x=x, y=np.where(outside, yy, np.nan), mode="lines", name=f"{name} (extrapolated)",
                line={**line, "dash": "dot"}, legendgroup=str(name), showlegend=False,
                customdata=custom,
                hovertemplate="T = %{customdata[0]:.0f} K, extrapolated<br>log10 σ = %{y:.2f}<extra></extra>",
            )  # fmt: skip
    if measured is not None and len(measured):
        tm = numeric(measured, K.TEMPERATURE_K, who)
        ym = numeric(measured, K.LOG10_SIGMA, who)
        mlabels = _label_column(measured).to_numpy() if "label" in measured else None
        names = list(dict.fromkeys(labels))
        groups = list(dict.fromkeys(mlabels)) if mlabels is not None else ["measured"]
        for j, group in enumerate(groups):
            sel = mlabels == group if mlabels is not None else np.ones(len(tm), bool)
            k = names.index(group) if group in names else len(names) + j
            fig.add_scatter(
                x=1000.0 / tm[sel], y=ym[sel], mode="markers",
                name="measured" if mlabels is None or group in names else str(group),
                legendgroup=str(group),
                marker={"color": COLORS[k % len(COLORS)], "size": 7, "symbol": "circle-open",
                        "line": {"width": 2}},
                customdata=np.c_[tm[sel], tm[sel] - ZERO_CELSIUS_K],
                hovertemplate="measured at %{customdata[0]:.0f} K (%{customdata[1]:.0f} °C)<br>"
                "log10 σ = %{y:.2f}<extra>%{fullData.name}</extra>",
            )  # fmt: skip
    fig.update_layout(
        xaxis_title=K.label(K.INVERSE_TEMPERATURE),
        yaxis_title=K.label(K.LOG10_SIGMA),
        title="Ionic conductivity vs temperature (Arrhenius plot)",
        legend={"orientation": "h", "yanchor": "top", "y": -0.18},
        margin={"t": 60},
    )
    return fig


def polymer_parity(
    predictions: pd.DataFrame,
    *,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Measured vs predicted log10 σ of held-out polymers (one point per measurement).

    Parameters
    ----------
    predictions : DataFrame
        ``log10_sigma``, ``log10_sigma_pred`` and optionally ``polymer``, ``salt``,
        ``temperature_C``, ``fold``, as ``cross_validate_polymer(...).predictions``.
    fig : plotly.graph_objects.Figure, optional
    **kwargs
        Forwarded to the scatter trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Points coloured by the fold that held their polymer out, the y = x line and
        ±1 decade lines; the title gives the MAE (log10 S/cm).
    """
    who = "polymer_parity"
    y = numeric(predictions, K.LOG10_SIGMA, who)
    p = numeric(predictions, K.PREDICTION, who)
    ok = np.isfinite(y) & np.isfinite(p)
    if not ok.any():
        raise InvalidInputError(f"{who}: no row has both a measured and a predicted log10 σ")
    fig = new_figure(fig)
    lo, hi = float(min(y[ok].min(), p[ok].min())) - 0.5, float(max(y[ok].max(), p[ok].max())) + 0.5
    for shift, dash in ((0.0, "solid"), (1.0, "dot"), (-1.0, "dot")):
        fig.add_scatter(
            x=[lo, hi], y=[lo + shift, hi + shift], mode="lines", hoverinfo="skip",
            line={"color": "#888", "dash": dash, "width": 1}, showlegend=False,
        )  # fmt: skip
    hover = [
        f"{pol}<br>{salt}, {tc:.0f} °C"
        for pol, salt, tc in zip(
            predictions.get(K.POLYMER, pd.Series([""] * len(y))),
            predictions.get(K.SALT, pd.Series([""] * len(y))),
            predictions.get(K.TEMPERATURE_C, pd.Series([np.nan] * len(y))),
            strict=True,
        )
    ]
    fold = predictions[K.FOLD].to_numpy() if K.FOLD in predictions else np.zeros(len(y))
    kwargs.setdefault("marker", {"color": fold, "colorscale": "Turbo", "size": 5, "opacity": 0.6,
                                 "colorbar": {"title": "fold"}})  # fmt: skip
    fig.add_scatter(
        x=y, y=p, mode="markers", name="held-out measurement", text=hover,
        hovertemplate="%{text}<br>measured %{x:.2f}, predicted %{y:.2f}<extra></extra>",
        **kwargs,
    )  # fmt: skip
    mae = float(np.mean(np.abs(p[ok] - y[ok])))
    fig.update_layout(
        xaxis={"title": "measured " + K.label(K.LOG10_SIGMA), "range": [lo, hi]},
        yaxis={"title": K.label(K.PREDICTION), "range": [lo, hi], "scaleanchor": "x"},
        title=f"Held-out polymers: MAE {mae:.2f} log10 S/cm ({int(ok.sum())} measurements)",
        showlegend=False,
        margin={"t": 60},
    )
    return fig


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def repeat_unit_svg(smiles: str, *, width: int = 320, height: int = 160) -> str:
    """A 2D drawing (SVG text) of a polymer repeat unit, chain ends drawn as ``*``.

    Not a figure function: the SVG goes into an HTML widget or a notebook cell.

    Raises
    ------
    InvalidInputError
        As :func:`ssenb.data.polymer_smiles.repeat_unit` (bad SMILES, missing chain ends).
    """
    from rdkit.Chem.Draw import rdMolDraw2D

    from ..data.polymer_smiles import repeat_unit

    mol = repeat_unit(smiles)
    drawer = rdMolDraw2D.MolDraw2DSVG(int(width), int(height))
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol)
    drawer.FinishDrawing()
    return str(drawer.GetDrawingText())
