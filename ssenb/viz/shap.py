"""SHAP figures in plotly (shap's own plots are matplotlib or break in JupyterLab)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import InvalidInputError
from ..results import fmt_number, formula_html
from ._style import LINE_COLOR, new_figure

if TYPE_CHECKING:
    from ..explain import Explanation

UNIT = "log₁₀ σ (S/cm)"  # typeset: a figure is read, not parsed
#: Room above the plot for the title (px), so no axis or colour-bar title runs into it.
TITLE_MARGIN = 80
#: Margin on each side of a waterfall's bars, as a fraction of their span.
WATERFALL_MARGIN = 0.05
#: Smallest x span of a waterfall (log10 S/cm), so tiny effects are not blown up.
MIN_WATERFALL_SPAN = 0.2


def shap_bar(
    explanation: Explanation,
    *,
    max_features: int = 15,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Global importance: mean |SHAP| per feature (or family, with ``explanation.grouped()``).

    Mean |SHAP| says how much a feature moves the model's predictions, not that it causes
    conductivity; the title says so.

    Parameters
    ----------
    explanation : ssenb.explain.Explanation
        SHAP values (log10 S/cm) per material and feature, or per family after
        ``grouped()``.
    max_features : int
        Bars shown, largest first.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    **kwargs
        Forwarded to the bar trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars in log10 S/cm, with the value at the end of each bar.
    """
    imp = explanation.importance().head(max_features)[::-1]
    fig = new_figure(fig)
    kwargs.setdefault("marker_color", LINE_COLOR)
    fig.add_bar(
        x=imp.to_numpy(),
        y=list(imp.index),
        orientation="h",
        text=[fmt_number(v) for v in imp.to_numpy()],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: mean |SHAP| %{text} log10 S/cm<extra></extra>",
        **kwargs,
    )
    fig.update_layout(
        xaxis={
            "title": f"mean |SHAP| ({UNIT})",
            "range": [0, 1.2 * float(imp.max()) if len(imp) and imp.max() > 0 else 1.0],
        },  # room for the value written past the longest bar
        yaxis={"automargin": True},
        title="Model's feature importance (mean |SHAP|)",
        height=max(300, 26 * len(imp) + 140),
        margin={"t": TITLE_MARGIN},
    )
    return fig


def shap_beeswarm(
    explanation: Explanation,
    *,
    max_features: int = 15,
    fig: go.Figure | None = None,
    seed: int = 0,
    **kwargs: Any,
) -> go.Figure:
    """SHAP value per material and feature, coloured by the feature value (low blue, high red).

    Parameters
    ----------
    explanation : ssenb.explain.Explanation
        SHAP values (log10 S/cm) and the feature values behind them.
    max_features : int
        Rows shown, most important on top.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    seed : int
        Seed of the vertical jitter (same seed, same picture).
    **kwargs
        Forwarded to each row's scatter trace.

    Returns
    -------
    plotly.graph_objects.Figure
        SHAP values in log10 S/cm; colour = the feature's value between its 5th and 95th
        percentile (a point whose value is missing carries no colour value).
    """
    order = list(explanation.importance().head(max_features).index)[::-1]
    rng = np.random.default_rng(seed)  # vertical jitter; fixed seed -> same picture
    fig = new_figure(fig)
    for row, feature in enumerate(order):
        vals = explanation.values[feature].to_numpy()
        data = explanation.data[feature].to_numpy(float)
        finite = np.isfinite(data)
        lo, hi = np.percentile(data[finite], [5, 95]) if finite.any() else (0.0, 1.0)
        colour = np.clip((np.where(finite, data, lo) - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
        colour = np.where(finite, colour, np.nan)  # NaN colour: plotly draws it grey
        fig.add_scatter(
            x=vals,
            y=row + rng.uniform(-0.3, 0.3, len(vals)),
            mode="markers",
            showlegend=False,
            marker={
                "color": colour,
                "colorscale": "RdBu_r",
                "size": 5,
                "cmin": 0,
                "cmax": 1,
                "showscale": row == len(order) - 1,
                "colorbar": {
                    "title": "feature value",
                    "tickvals": [0, 1],
                    "ticktext": ["low", "high"],
                },
            },
            text=explanation.names,
            customdata=data,
            hovertemplate="%{text}<br>"
            + feature
            + " = %{customdata:.3g}<br>SHAP %{x:+.2f}<extra></extra>",
            **kwargs,
        )
    fig.update_layout(
        yaxis={"tickvals": list(range(len(order))), "ticktext": order, "automargin": True},
        xaxis_title=f"SHAP value ({UNIT})",
        title="SHAP summary",
        height=max(320, 30 * len(order) + 160),
        margin={"t": TITLE_MARGIN},
    )
    fig.add_vline(x=0, line_color="grey", line_width=1)
    return fig


def shap_waterfall(
    explanation: Explanation,
    *,
    index: int = 0,
    max_features: int = 12,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """How one material's prediction builds up from the base value, largest effects first.

    Parameters
    ----------
    explanation : ssenb.explain.Explanation
        SHAP values (log10 S/cm); their sum plus the base value is the prediction.
    index : int
        Row of the explanation (0-based).
    max_features : int
        Features shown; the rest are summed into one bar.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    **kwargs
        Forwarded to the waterfall trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars in log10 S/cm from the base value to the prediction; the x range holds the
        bars with a 5 % margin (:func:`waterfall_range`).

    Raises
    ------
    InvalidInputError
        ``index`` outside the explained rows.
    """
    if not 0 <= index < len(explanation.values):
        raise InvalidInputError(
            f"index={index} is outside the {len(explanation.values)} explained rows"
        )
    row = explanation.values.iloc[index]
    order = row.abs().sort_values(ascending=False).index
    top, rest = list(order[:max_features]), list(order[max_features:])
    labels = [f"{f} = {_value(explanation.data.iloc[index][f])}" for f in top]
    deltas = [float(row[f]) for f in top]
    if rest:
        labels.append(f"{len(rest)} other features")
        deltas.append(float(row[rest].sum()))
    fig = new_figure(fig)
    drawn = deltas[::-1]  # largest effect on top: plotly draws the first bar at the bottom
    fig.add_waterfall(
        orientation="h",
        base=explanation.base_value,
        x=drawn,
        y=labels[::-1],
        measure=["relative"] * len(deltas),
        decreasing={"marker": {"color": "#3b6fb6"}},
        increasing={"marker": {"color": "#c0392b"}},
        **kwargs,
    )
    pred = float(explanation.prediction[index])
    fig.update_layout(
        title=f"{formula_html(str(explanation.names[index]))}: predicted {fmt_number(pred)} "
        f"(base {fmt_number(explanation.base_value)}) {UNIT}",
        xaxis={"title": UNIT, "range": waterfall_range(explanation.base_value, drawn)},
        yaxis={"automargin": True},
        height=max(320, 28 * len(labels) + 160),
        margin={"t": TITLE_MARGIN},
    )
    return fig


def waterfall_range(base: float, deltas: list[float]) -> list[float]:
    """The x range (log10 S/cm) that holds every bar of a waterfall, with a small margin.

    The bars run from ``base`` through each running sum of ``deltas``; the range spans
    their lowest and highest end plus ``WATERFALL_MARGIN`` of that span on each side (at
    least ``MIN_WATERFALL_SPAN`` in all, so a prediction equal to the base is not drawn
    across the whole axis). Set explicitly: an autorange can keep a previous figure's range
    in a FigureWidget, and a bar base can pull plotly's autorange out to 0.

    Parameters
    ----------
    base : float
        The base value (log10 S/cm) where the first bar starts.
    deltas : list of float
        The bars' SHAP values (log10 S/cm), in drawing order.

    Returns
    -------
    list of float
        ``[low, high]`` in log10 S/cm.
    """
    ends = np.concatenate([[base], base + np.cumsum(deltas)]) if deltas else np.array([base])
    lo, hi = float(ends.min()), float(ends.max())
    pad = max(WATERFALL_MARGIN * (hi - lo), (MIN_WATERFALL_SPAN - (hi - lo)) / 2, 0.0)
    return [lo - pad, hi + pad]


def shap_dependence(
    explanation: Explanation,
    *,
    feature: str,
    color_by: str | None = None,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """SHAP value of ``feature`` against its value, coloured by ``color_by`` (interaction).

    Parameters
    ----------
    explanation : ssenb.explain.Explanation
        SHAP values (log10 S/cm) and the feature values behind them.
    feature : str
        The feature on the x axis (in its own unit, named in its label).
    color_by : str, optional
        Colour feature; default the feature whose values correlate most (|Pearson r|)
        with this feature's SHAP values, among features that vary (a constant column has
        no correlation and is skipped, without numpy warnings).
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    **kwargs
        Forwarded to the scatter trace.

    Returns
    -------
    plotly.graph_objects.Figure
        SHAP values in log10 S/cm; the colour feature is named on the colour bar.

    Raises
    ------
    InvalidInputError
        ``feature`` or ``color_by`` is not a column of the explanation.
    """
    for name in (feature, color_by):
        if name is not None and name not in explanation.values:
            raise InvalidInputError(
                f"feature {name!r} is not in the explanation; e.g. {list(explanation.values)[:3]}"
            )
    if color_by is None:
        color_by = strongest_interaction(explanation, feature)
    fig = new_figure(fig)
    marker: dict[str, Any] = {"size": 7}
    if color_by is not None:
        marker.update(
            color=explanation.data[color_by],
            colorscale="Viridis",
            showscale=True,
            colorbar={"title": {"text": _wrap(color_by), "side": "right"}},
        )
    fig.add_scatter(
        x=explanation.data[feature],
        y=explanation.values[feature],
        mode="markers",
        marker=marker,
        text=explanation.names,
        hovertemplate="%{text}: %{x:.3g} → SHAP %{y:+.2f}<extra></extra>",
        **kwargs,
    )
    fig.update_layout(
        xaxis_title=feature,
        yaxis_title=f"SHAP value ({UNIT})",
        title=f"Dependence on {feature}",
        margin={"t": TITLE_MARGIN},
    )
    return fig


def strongest_interaction(explanation: Explanation, feature: str) -> str | None:
    """The other feature whose values correlate most with ``feature``'s SHAP values.

    Features with fewer than 3 paired values or no spread (a constant column) are
    skipped.

    Parameters
    ----------
    explanation : ssenb.explain.Explanation
        SHAP values (log10 S/cm) and the feature values behind them.
    feature : str
        The feature whose SHAP values are correlated with the others' values.

    Returns
    -------
    str or None
        The feature with the largest |Pearson r|; None when no feature qualifies.
    """
    shap_col = explanation.values[feature].to_numpy(float)
    best, best_r = None, -1.0
    for name in explanation.data.columns:
        if name == feature:
            continue
        x = pd.to_numeric(explanation.data[name], errors="coerce").to_numpy(float)
        ok = np.isfinite(x) & np.isfinite(shap_col)
        if ok.sum() < 3:
            continue
        xs, ys = x[ok] - x[ok].mean(), shap_col[ok] - shap_col[ok].mean()
        denom = np.sqrt((xs * xs).sum() * (ys * ys).sum())
        if not denom > 0:
            continue
        r = abs(float((xs * ys).sum() / denom))
        if r > best_r:
            best, best_r = name, r
    return best


def _value(v: Any) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if np.isnan(x):
        return "missing"
    if x.is_integer() and abs(x) < 1e6:
        return str(int(x))
    return fmt_number(x, digits=2) if abs(x) >= 0.01 or x == 0 else f"{x:.2g}"


def _wrap(text: str, width: int = 18) -> str:
    """Break a long colour-bar title onto lines so it stays beside the bar."""
    lines: list[str] = []
    line = ""
    words = text.split()
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)
