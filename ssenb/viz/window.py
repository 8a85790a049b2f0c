"""Electrochemical-window figures: one material's ion profile, many materials' windows."""

from __future__ import annotations

import math

import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ._style import LINE_COLOR, STABLE_COLOR, new_figure


def window_profile(window, *, fig=None, v_max: float | None = None, **kwargs):
    """Ion uptake (+) / release (-) per formula unit vs voltage, as a step plot.

    Parameters
    ----------
    window : ssenb.thermo.StabilityWindow
    fig : plotly Figure, optional
        Figure to draw into.
    v_max : float, optional
        Right end of the voltage axis (V); default 1 V past the last step.
    **kwargs
        Forwarded to the step trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Shaded band: the stability window; hover: products and reaction of each step.
    """
    prof = window.profile
    last = float(prof[K.VOLTAGE].iloc[-1])
    v_max = v_max if v_max is not None else last + 1.0
    x, y, text = [], [], []
    for _, row in prof.iterrows():
        hi = min(row["voltage_upper_V"], v_max)
        products = " + ".join(row["products"])
        x += [row[K.VOLTAGE], hi]
        y += [row["ion_per_formula_unit"]] * 2
        text += [products] * 2
    fig = new_figure(fig)
    ox = window.oxidation_v if math.isfinite(window.oxidation_v) else v_max
    fig.add_vrect(x0=window.reduction_v, x1=ox, fillcolor=STABLE_COLOR, line_width=0, layer="below")
    kwargs.setdefault("line", {"color": LINE_COLOR, "width": 3})
    fig.add_scatter(
        x=x,
        y=y,
        mode="lines",
        name=window.formula,
        text=text,
        hovertemplate="%{x:.2f} V: %{y:+.2f} " + window.ion + "/f.u. → %{text}<extra></extra>",
        **kwargs,
    )
    min_width = 0.04 * v_max  # label only steps wide enough to read; hover shows all
    for _, row in prof.iterrows():
        if min(row["voltage_upper_V"], v_max) - row[K.VOLTAGE] < min_width:
            continue
        mid = (row[K.VOLTAGE] + min(row["voltage_upper_V"], v_max)) / 2
        fig.add_annotation(
            x=mid,
            y=row["ion_per_formula_unit"],
            text="<br>".join(row["products"]),
            showarrow=False,
            yanchor="bottom",  # above the step, not across it
            yshift=3,
            font={"size": 9},
        )
    fig.update_layout(
        title=f"{window.formula}: {window.ion} profile, window {window.reduction_v:.2f}–{ox:.2f} V",
        xaxis_title=K.label(K.VOLTAGE, ion=window.ion),
        yaxis_title=f"{window.ion} taken up per formula unit",
        showlegend=False,
    )
    return fig


def window_bars(windows, *, fig=None, v_range: tuple[float, float] = (0.0, 6.0), **kwargs):
    """Stability windows of many materials side by side (Zhu et al. 2015, Fig. 2 style).

    Parameters
    ----------
    windows : list of StabilityWindow, or DataFrame
        A DataFrame needs columns reduced_formula (or input), reduction_V, oxidation_V
        (e.g. from :func:`ssenb.thermo.screen`).
    v_range : (float, float)
        Voltage axis (V); infinite oxidation limits are drawn to its top.
    **kwargs
        Forwarded to the bar trace.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    frame = _as_frame(windows)
    top = v_range[1]
    ox = frame[K.OXIDATION_V].clip(upper=top).fillna(top)
    fig = new_figure(fig)
    kwargs.setdefault("marker_color", LINE_COLOR)
    fig.add_bar(
        x=frame["name"],
        y=ox - frame[K.REDUCTION_V],
        base=frame[K.REDUCTION_V],
        customdata=frame[[K.REDUCTION_V, K.OXIDATION_V]].to_numpy(),
        hovertemplate="%{x}: %{customdata[0]:.2f}–%{customdata[1]:.2f} V<extra></extra>",
        **kwargs,
    )
    fig.update_layout(
        yaxis={"title": K.label(K.VOLTAGE), "range": list(v_range)},
        xaxis_title="material",
        title="Electrochemical stability windows",
        bargap=0.35,
    )
    return fig


def _as_frame(windows) -> pd.DataFrame:
    if isinstance(windows, pd.DataFrame):
        need = {K.REDUCTION_V, K.OXIDATION_V}
        if not need <= set(windows.columns):
            raise InvalidInputError(
                f"window_bars needs columns {sorted(need)}; got {list(windows.columns)}"
            )
        name_col = "input" if "input" in windows else K.REDUCED_FORMULA
        out = windows.rename(columns={name_col: "name"})[["name", K.REDUCTION_V, K.OXIDATION_V]]
        return out.dropna(subset=[K.REDUCTION_V]).reset_index(drop=True)
    items = list(windows)
    if not items:
        raise InvalidInputError("window_bars got no windows")
    return pd.DataFrame(
        {
            "name": [w.formula for w in items],
            K.REDUCTION_V: [w.reduction_v for w in items],
            K.OXIDATION_V: [w.oxidation_v for w in items],
        }
    )
