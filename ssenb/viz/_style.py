"""Shared figure defaults (opt-in: nothing here changes plotly's global state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InvalidInputError

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

    Raises
    ------
    InvalidInputError
        ``fig`` is neither None nor a plotly Figure (or FigureWidget).
    """
    import plotly.graph_objects as go

    if fig is None:
        return go.Figure(layout={"template": TEMPLATE})
    if not isinstance(fig, go.Figure | go.FigureWidget):
        raise InvalidInputError(
            f"fig={_short(fig)} is a {type(fig).__name__}: pass a plotly.graph_objects.Figure "
            "to draw into, or leave fig=None for a new one"
        )
    return fig


def numeric(frame: pd.DataFrame, column: str, who: str) -> np.ndarray:
    """``frame[column]`` as floats (NaN and ±inf kept), or an error naming the bad cell.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table given to a figure function.
    column : str
        A column that must hold numbers.
    who : str
        The figure function, for the message.

    Returns
    -------
    numpy.ndarray
        The column as float64.

    Raises
    ------
    InvalidInputError
        The column is missing, or a cell is not a number (a string, a list...).
    """
    if column not in frame.columns:
        raise InvalidInputError(
            f"{who}: the table has no column {column!r} (it has {_short(list(frame.columns))})"
        )
    values = frame[column]
    if isinstance(values, pd.DataFrame):
        raise InvalidInputError(f"{who}: the table has several columns named {column!r}")
    try:
        return values.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        bad = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
        first = _short(bad.iloc[0]) if len(bad) else "?"
        raise InvalidInputError(
            f"{who}: column {column!r} must hold numbers; row {str(bad.index[0])[:40]} "
            f"is {first}. Convert it with pd.to_numeric(..., errors='coerce') first"
        ) from None


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
