"""Shared figure defaults (opt-in: nothing here changes plotly's global state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import plotly.graph_objects as go

TEMPLATE = "plotly_white"
STABLE_COLOR = "rgba(46, 139, 87, 0.18)"  # window shading
LINE_COLOR = "#1f4e79"


def new_figure(fig: go.Figure | None = None) -> go.Figure:
    """``fig`` if given (to overlay), else a fresh Figure with ssenb's template.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure, optional
        A figure to draw into.

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig`` itself, or a new figure with the ``plotly_white`` template.
    """
    import plotly.graph_objects as go

    return fig if fig is not None else go.Figure(layout={"template": TEMPLATE})
