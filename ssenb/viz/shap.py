"""SHAP figures in plotly (shap's own plots are matplotlib or break in JupyterLab)."""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInputError
from ._style import LINE_COLOR, new_figure

UNIT = "log10 σ (S/cm)"


def shap_bar(explanation, *, max_features: int = 15, fig=None, **kwargs):
    """Global importance: mean |SHAP| per feature (or family, with ``explanation.grouped()``)."""
    imp = explanation.importance().head(max_features)[::-1]
    fig = new_figure(fig)
    kwargs.setdefault("marker_color", LINE_COLOR)
    fig.add_bar(x=imp.to_numpy(), y=list(imp.index), orientation="h", **kwargs)
    fig.update_layout(
        xaxis_title=f"mean |SHAP| ({UNIT})",
        title="What drives the predicted conductivity",
        height=max(300, 26 * len(imp) + 120),
        margin={"l": 260},
    )
    return fig


def shap_beeswarm(explanation, *, max_features: int = 15, fig=None, seed: int = 0, **kwargs):
    """SHAP value per material and feature, coloured by the feature value (low blue, high red)."""
    order = list(explanation.importance().head(max_features).index)[::-1]
    rng = np.random.default_rng(seed)  # vertical jitter; fixed seed -> same picture
    fig = new_figure(fig)
    for row, feature in enumerate(order):
        vals = explanation.values[feature].to_numpy()
        data = explanation.data[feature].to_numpy(float)
        lo, hi = np.nanpercentile(data, [5, 95]) if np.isfinite(data).any() else (0.0, 1.0)
        colour = np.clip((data - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
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
        yaxis={"tickvals": list(range(len(order))), "ticktext": order},
        xaxis_title=f"SHAP value ({UNIT})",
        title="SHAP summary",
        height=max(320, 30 * len(order) + 140),
        margin={"l": 260},
    )
    fig.add_vline(x=0, line_color="grey", line_width=1)
    return fig


def shap_waterfall(explanation, *, index: int = 0, max_features: int = 12, fig=None, **kwargs):
    """How one material's prediction builds up from the base value, largest effects first."""
    if not 0 <= index < len(explanation.values):
        raise InvalidInputError(
            f"index={index} is outside the {len(explanation.values)} explained rows"
        )
    row = explanation.values.iloc[index]
    order = row.abs().sort_values(ascending=False).index
    top, rest = list(order[:max_features]), list(order[max_features:])
    labels = [f"{f} = {explanation.data.iloc[index][f]:.3g}" for f in top]
    deltas = [float(row[f]) for f in top]
    if rest:
        labels.append(f"{len(rest)} other features")
        deltas.append(float(row[rest].sum()))
    fig = new_figure(fig)
    fig.add_waterfall(
        orientation="h",
        base=explanation.base_value,
        x=deltas[::-1],
        y=labels[::-1],
        measure=["relative"] * len(deltas),
        decreasing={"marker": {"color": "#3b6fb6"}},
        increasing={"marker": {"color": "#c0392b"}},
        **kwargs,
    )
    pred = float(explanation.prediction[index])
    fig.update_layout(
        title=f"{explanation.names[index]}: predicted {pred:.2f} (base {explanation.base_value:.2f}) {UNIT}",
        xaxis_title=UNIT,
        height=max(320, 28 * len(labels) + 140),
        margin={"l": 320},
    )
    return fig


def shap_dependence(explanation, *, feature: str, color_by: str | None = None, fig=None, **kwargs):
    """SHAP value of ``feature`` against its value, coloured by ``color_by`` (interaction)."""
    for name in (feature, color_by):
        if name is not None and name not in explanation.values:
            raise InvalidInputError(
                f"feature {name!r} is not in the explanation; e.g. {list(explanation.values)[:3]}"
            )
    if color_by is None:  # the feature whose values correlate most with this one's SHAP
        shap_col = explanation.values[feature]
        corr = explanation.data.drop(columns=feature).corrwith(shap_col).abs()
        color_by = corr.idxmax() if corr.notna().any() else None
    fig = new_figure(fig)
    marker = {"size": 7}
    if color_by is not None:
        marker.update(
            color=explanation.data[color_by],
            colorscale="Viridis",
            showscale=True,
            colorbar={"title": color_by[:24]},
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
        yaxis_title=f"SHAP of {feature[:30]} ({UNIT})",
        title=f"Dependence on {feature}" + (f" (colour: {color_by})" if color_by else ""),
    )
    return fig
