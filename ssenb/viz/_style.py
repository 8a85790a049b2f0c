"""Shared figure defaults (opt-in: nothing here changes plotly's global state)."""

from __future__ import annotations

TEMPLATE = "plotly_white"
STABLE_COLOR = "rgba(46, 139, 87, 0.18)"  # window shading
LINE_COLOR = "#1f4e79"


def new_figure(fig=None):
    """``fig`` if given (to overlay), else a fresh Figure with ssenb's template."""
    import plotly.graph_objects as go

    return fig if fig is not None else go.Figure(layout={"template": TEMPLATE})
