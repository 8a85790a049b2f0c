"""Band gap and moduli figures: the property map of Li compounds, parity of a property model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import keys as K
from ._style import LINE_COLOR, new_figure, numeric

#: Monroe–Newman threshold drawn on the map (GPa): 2 × G_Li, G_Li = 4.2 GPa
_MN_GPA = 8.4


def property_map(table: pd.DataFrame, *, fig: go.Figure | None = None, **kwargs: Any) -> go.Figure:
    """Shear modulus against band gap, coloured by window width: where a usable SE lies.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`ssenb.li_table.li_property_table` (or any frame with
        ``band_gap_eV``, ``G_VRH_GPa``, ``window_width_V``, ``reduced_formula`` and the
        source columns). Rows without a gap or G are left out.
    fig : plotly.graph_objects.Figure, optional
    **kwargs
        Forwarded to the scatter trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Band gap (eV, x) against G_VRH (GPa, log y), colour = window width (V); the
        Monroe–Newman line (G = 2 G_Li ≈ 8.4 GPa) and the 3 eV insulator line are drawn;
        hover gives the formula and the sources.

    Examples
    --------
    >>> t = pd.DataFrame({"reduced_formula": ["LiF"], "band_gap_eV": [11.7],
    ...                   "G_VRH_GPa": [51.0], "window_width_V": [6.0],
    ...                   "band_gap_source": ["experiment"], "moduli_source": ["MP data"]})
    >>> len(property_map(t).data)
    1
    """
    who = "property_map"
    gap, g = numeric(table, K.BAND_GAP, who), numeric(table, K.G_VRH, who)
    width = numeric(table, K.WINDOW_WIDTH_V, who)
    keep = np.isfinite(gap) & np.isfinite(g) & (g > 0)
    t = table.loc[keep]
    src = [
        f"{f}<br>gap: {gs}<br>G: {ms}"
        for f, gs, ms in zip(
            t[K.REDUCED_FORMULA],
            t.get(K.BAND_GAP_SOURCE, pd.Series("", index=t.index)),
            t.get(K.MODULI_SOURCE, pd.Series("", index=t.index)),
        )
    ]
    fig = new_figure(fig)
    trace: dict[str, Any] = {
        "x": gap[keep],
        "y": g[keep],
        "mode": "markers",
        "name": "Li compounds",
        "text": src,
        "customdata": width[keep],
        "hovertemplate": "%{text}<br>gap %{x:.2f} eV, G %{y:.1f} GPa, window "
        "%{customdata:.2f} V<extra></extra>",
        "marker": {
            "color": width[keep],
            "colorscale": "Viridis",
            "colorbar": {"title": K.label(K.WINDOW_WIDTH_V)},
            "size": 7,
            "opacity": 0.8,
        },
    }
    fig.add_trace(go.Scatter(**{**trace, **kwargs}))
    fig.add_hline(y=_MN_GPA, line={"dash": "dash", "color": "#b22222"},
                  annotation_text="Monroe–Newman: G = 2 G_Li",
                  annotation_position="bottom right")  # fmt: skip
    fig.add_vline(x=3.0, line={"dash": "dot", "color": "#555"}, annotation_text="3 eV")
    fig.update_layout(
        xaxis_title=K.label(K.BAND_GAP),
        yaxis_title=K.label(K.G_VRH),
        yaxis_type="log",
        title="Band gap, shear modulus and window of Li compounds",
    )
    if keep.any():  # a log axis: an explicit range, so the line's label cannot stretch it
        lo, hi = np.log10(min(g[keep].min(), _MN_GPA)), np.log10(max(g[keep].max(), _MN_GPA))
        fig.update_yaxes(range=[lo - 0.15, hi + 0.15])
    return fig


def property_parity(
    frame: pd.DataFrame,
    *,
    truth: str,
    prediction: str,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Predicted against true values of a property model, with y = x and the MAE.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per material, with the columns named by ``truth`` and ``prediction``
        (e.g. held-out cross-validation predictions); ``reduced_formula`` for hover.
    truth, prediction : str
        Column names (units from :mod:`ssenb.keys` when known).
    fig : plotly.graph_objects.Figure, optional
    **kwargs
        Forwarded to the scatter trace.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> f = pd.DataFrame({"log10_G_VRH_GPa": [1.0, 2.0], "pred": [1.1, 1.8]})
    >>> property_parity(f, truth="log10_G_VRH_GPa", prediction="pred").layout.title.text
    'MAE 0.150'
    """
    who = "property_parity"
    x, y = numeric(frame, truth, who), numeric(frame, prediction, who)
    ok = np.isfinite(x) & np.isfinite(y)
    fig = new_figure(fig)
    lo = float(min(x[ok].min(), y[ok].min())) if ok.any() else 0.0
    hi = float(max(x[ok].max(), y[ok].max())) if ok.any() else 1.0
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="y = x",
                             line={"color": "#888", "dash": "dash"}, hoverinfo="skip"))  # fmt: skip
    names = frame[K.REDUCED_FORMULA] if K.REDUCED_FORMULA in frame else None
    trace: dict[str, Any] = {
        "x": x[ok],
        "y": y[ok],
        "mode": "markers",
        "name": "materials",
        "text": None if names is None else names[ok],
        "marker": {"color": LINE_COLOR, "size": 5, "opacity": 0.5},
    }
    fig.add_trace(go.Scatter(**{**trace, **kwargs}))
    mae = float(np.mean(np.abs(x[ok] - y[ok]))) if ok.any() else float("nan")
    fig.update_layout(
        xaxis_title=K.label(truth),
        yaxis_title=f"predicted {K.label(truth)}",
        title=f"MAE {mae:.3f}",
        yaxis_scaleanchor="x",
    )
    return fig


__all__ = ["property_map", "property_parity"]
