"""Interface reaction figures: one pair's energy along the mixing line, many pairs as a map."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import keys as K
from ..errors import InvalidInputError
from ..results import fmt_number
from ._style import LINE_COLOR, new_figure
from .publication import formula_html

if TYPE_CHECKING:
    from ..thermo import InterfaceReactions

#: Reaction energies above this (eV/atom) are "no reaction" (round-off of the hull).
NO_REACTION_EV = -1e-9
#: Diverging scale (ColorBrewer RdBu): red = reacts, white = 0 exactly, blue = positive.
DIVERGING: list[tuple[float, str]] = [
    (0.0, "#67001f"),
    (0.125, "#b2182b"),
    (0.25, "#d6604d"),
    (0.375, "#f4a582"),
    (0.5, "#ffffff"),
    (0.625, "#92c5de"),
    (0.75, "#4393c3"),
    (0.875, "#2166ac"),
    (1.0, "#053061"),
]
#: Its negative half, for maps with no positive value: white stays at exactly 0.
NEGATIVE_HALF = [(2 * p, c) for p, c in DIVERGING[:5]]
MAX_CELLS = 2500
#: Smallest y span of a reaction curve (eV/atom): a near-zero reaction (|ΔE| ~ 1 meV/atom)
#: looks nearly flat instead of being stretched into a deep V.
MIN_REACTION_SPAN_EV = 0.05
#: Room above the curve's plot area (px): the title, then one line per note.
TOP_MARGIN_PX = 80
NOTE_LINE_PX = 14
#: Height of a reaction curve's plot area and margins without the kink list (px).
PLOT_HEIGHT_PX = 460
#: Room below the plot area for the x axis and its title (px); the kink list goes under it.
AXIS_MARGIN_PX = 60


def reaction_y_range(
    energies: Iterable[float], *, current: Sequence[float] | None = None
) -> list[float]:
    """The y range (eV/atom) of a reaction curve: 0 and every energy, at least 0.05 eV/atom.

    Parameters
    ----------
    energies : iterable of float
        Reaction energies (eV/atom of mixture) along the mixing line; NaN is skipped.
    current : sequence of two floats, optional
        The range already on the figure (overlaying several curves): it is kept inside.

    Returns
    -------
    list of float
        ``[low, high]`` in eV/atom: the span of 0 and ``energies`` with 8 % margin on each
        side, widened downwards to ``MIN_REACTION_SPAN_EV`` (reactions are ≤ 0, so 0 stays
        near the top and a stable pair's flat line does not sit mid-axis).
    """
    values = np.asarray([float(e) for e in energies], float)
    values = values[np.isfinite(values)]
    lo = min(0.0, float(values.min())) if values.size else 0.0
    hi = max(0.0, float(values.max())) if values.size else 0.0
    span = max(hi - lo, MIN_REACTION_SPAN_EV)
    pad = 0.08 * span
    low, high = hi - span - pad, hi + pad
    if current is not None and len(current) == 2:
        low, high = min(low, float(current[0])), max(high, float(current[1]))
    return [low, high]


def own_state_note(reactions: InterfaceReactions) -> str:
    """Say how far each reactant is above its own hull (not counted in the reaction energy).

    Parameters
    ----------
    reactions : ssenb.thermo.InterfaceReactions
        One electrolyte | electrode pair.

    Returns
    -------
    str
        Plotly-ready lines joined by ``<br>`` (energies in meV/atom), one per reactant that
        is above its hull or missing from the data; "" when both are on their hulls.
    """
    notes = []
    for name, value in (
        (reactions.electrolyte, reactions.electrolyte_e_above_hull),
        (reactions.electrode, reactions.electrode_e_above_hull),
    ):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            notes.append(f"{formula_html(name)} not in the data: taken at its hull energy")
        elif value > 1e-9:
            notes.append(
                f"{formula_html(name)} itself {fmt_number(1000 * value, 'meV/atom', digits=0)} "
                "above hull (not counted)"
            )
    return "<br>".join(notes)


def _reaction_text(reactions: InterfaceReactions) -> str:
    if reactions.min_energy > NO_REACTION_EV:
        return "no reaction (0 eV/atom at every ratio)"
    return (
        f"{fmt_number(reactions.min_energy, 'eV/atom', digits=3)} at x = "
        f"{fmt_number(reactions.min_ratio)}<br>{formula_html(reactions.min_reaction)}"
    )


def kink_products_text(reactions: InterfaceReactions) -> list[str]:
    """One line per kink of the mixing line: its number, x, energy and products (HTML).

    The chemistry a printed reaction curve carries under its plot, as pymatgen's
    ``InterfacialReactivity.plot`` labels each kink and the Materials Project app tabulates
    them: ``"3  x = 0.404, −0.284 eV/atom: Co9S8 + Li2O + Li2SO4 + Li3PO4 + LiCl"``.

    Parameters
    ----------
    reactions : ssenb.thermo.InterfaceReactions

    Returns
    -------
    list of str
        Plotly-ready lines (formulas subscripted), kinks numbered from 1 by increasing x.
    """
    t = reactions.table
    return [
        f"<b>{i}</b>  x = {fmt_number(x, digits=3)}, {fmt_number(e, 'eV/atom', digits=3)}: "
        + " + ".join(formula_html(p) for p in products)
        for i, (x, e, products) in enumerate(
            zip(t[K.MIXING_RATIO], t[K.REACTION_ENERGY], t[K.PRODUCTS]), start=1
        )
    ]


def _kink_label_positions(table: pd.DataFrame, numbers: list[str]) -> list[str]:
    """Kink numbers off the curve, off each other and off the minimum's star."""
    from ._labels import label_positions

    x = table[K.MIXING_RATIO].to_numpy(float)
    y = table[K.REACTION_ENERGY].to_numpy(float)
    s = np.linspace(0, 1, 25)[1:-1]
    along = [
        (a + (b - a) * f, c + (d - c) * f) for a, b, c, d in zip(x, x[1:], y, y[1:]) for f in s
    ]
    return label_positions(
        x,
        y,
        numbers,
        x_range=(-0.05, 1.05),
        y_range=reaction_y_range(y),
        size_px=(620.0, 360.0),
        obstacles=along,
    )


def reaction_energy_curve(
    reactions: InterfaceReactions,
    *,
    fig: go.Figure | None = None,
    label_kinks: bool | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Reaction energy (eV/atom of mixture) vs mixing ratio, every kink's products named.

    Both reactants are taken at their own hull energies (``reactions.convention``), so
    the curve is 0 at x = 0 and x = 1; a metastable reactant's own energy above hull is
    named in the hover of the minimum and in a note above the plot, not added to the
    curve.

    Parameters
    ----------
    reactions : ssenb.thermo.InterfaceReactions
        One electrolyte | electrode pair: reaction energy (eV/atom of mixture) at each
        kink of the mixing line.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into (several electrodes on one axis); a new one by default. Its
        y range is widened to hold this curve too.
    label_kinks : bool, optional
        Number each kink on the curve and list its products under the plot
        (:func:`kink_products_text`), so a printed curve carries its chemistry. Default:
        on for a new figure, off when overlaying (the lists of several curves would
        collide); the hover names them either way.
    **kwargs
        Forwarded to the curve trace (e.g. ``name=`` when overlaying several electrodes).

    Returns
    -------
    plotly.graph_objects.Figure
        x: atomic fraction of electrolyte (0 to 1); y: eV/atom, spanning at least
        ``MIN_REACTION_SPAN_EV`` (:func:`reaction_y_range`), so a near-zero reaction is
        drawn nearly flat.

    Examples
    --------
    >>> from ssenb.thermo import interface_reactions
    >>> fig = reaction_energy_curve(interface_reactions("Li3PS4", "LiCoO2"))
    >>> len(fig.data)
    2
    """
    t = reactions.table
    if label_kinks is None:
        label_kinks = fig is None
    fig = new_figure(fig)
    name = kwargs.pop(
        "name", f"{formula_html(reactions.electrolyte)} | {formula_html(reactions.electrode)}"
    )
    kwargs.setdefault("line", {"color": LINE_COLOR, "width": 2})
    hover = [
        f"x = {fmt_number(x, digits=3)}: {fmt_number(e, 'eV/atom', digits=3)}<br>{formula_html(r)}"
        for x, e, r in zip(t[K.MIXING_RATIO], t[K.REACTION_ENERGY], t[K.REACTION])
    ]
    if label_kinks:
        numbers = [str(i) for i in range(1, len(t) + 1)]
        kwargs.setdefault("text", numbers)
        kwargs.setdefault("textposition", _kink_label_positions(t, numbers))
        kwargs.setdefault("textfont", {"size": 11, "color": LINE_COLOR})
    fig.add_scatter(
        x=t[K.MIXING_RATIO],
        y=t[K.REACTION_ENERGY],
        mode="lines+markers+text" if label_kinks else "lines+markers",
        name=name,
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        **kwargs,
    )
    kinks = kink_products_text(reactions) if label_kinks else []
    if kinks:  # under the x axis title, where no curve runs
        fig.add_annotation(
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="top",
            yshift=-AXIS_MARGIN_PX + 8,
            align="left",
            showarrow=False,
            text="<br>".join(kinks),
            font={"size": 10, "color": "#333"},
        )
    note = own_state_note(reactions)
    if reactions.min_energy > NO_REACTION_EV:  # nothing to mark: say so instead of a star at 0
        fig.add_annotation(
            x=0.5,
            y=0.5,  # mid-plot, below the flat line at 0 (near the top: see reaction_y_range)
            xref="paper",
            yref="paper",
            showarrow=False,
            text="no reaction at any ratio (0 eV/atom)",
            font={"size": 13, "color": LINE_COLOR},
        )
    else:
        fig.add_scatter(
            x=[reactions.min_ratio],
            y=[reactions.min_energy],
            mode="markers",
            showlegend=False,
            marker={"symbol": "star", "size": 14, "color": "crimson"},
            hovertext=["minimum: " + _reaction_text(reactions) + (f"<br>{note}" if note else "")],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    lines = note.count("<br>") + 1 if note else 0
    if note:  # say it on the figure too, above the plot area where no curve can run
        fig.add_annotation(
            x=0,
            y=1,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            yshift=4,
            align="left",
            showarrow=False,
            text=note.replace(
                " (not counted)", ", not counted: each reactant at its own hull energy"
            ),
            font={"size": 10, "color": "#555"},
        )
    cond = (
        f" ({reactions.open_element}-open, μ = {fmt_number(reactions.mu, 'eV')})"
        if reactions.open_element
        else ""
    )
    fig.update_layout(
        title=f"{formula_html(reactions.electrolyte)} | {formula_html(reactions.electrode)}{cond}",
        xaxis_title=K.label(K.MIXING_RATIO),
        yaxis={
            "title": K.label(K.REACTION_ENERGY),
            "range": reaction_y_range(t[K.REACTION_ENERGY], current=fig.layout.yaxis.range),
        },
        margin={
            "t": TOP_MARGIN_PX + NOTE_LINE_PX * lines,
            **({"b": AXIS_MARGIN_PX + NOTE_LINE_PX * len(kinks) + 8} if kinks else {}),
        },
        # the kink list takes room from the plot, not from its height
        **({"height": PLOT_HEIGHT_PX + NOTE_LINE_PX * (len(kinks) + lines)} if kinks else {}),
    )
    return fig


def interface_heatmap(
    frame: pd.DataFrame,
    *,
    hover: pd.DataFrame | None = None,
    fig: go.Figure | None = None,
    unit: Literal["eV/atom", "meV/atom"] = "eV/atom",
    digits: int | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Map of the most negative reaction energy of each electrolyte | electrode pair.

    The colour scale is diverging with white at exactly 0 eV/atom ("no reaction"): red
    for a driving force to react, blue for positive values (none when both reactants are
    taken at their hull energies, the convention of :func:`ssenb.thermo.interface_reactions`).

    Parameters
    ----------
    frame : pandas.DataFrame
        Electrolytes (rows) × electrodes (columns). Cells are either reaction energies
        (float, eV/atom of mixture) or :class:`ssenb.thermo.InterfaceReactions` results;
        results also give the hover its reaction, ratio and each reactant's own energy
        above hull. NaN cells (failed pairs) stay blank and read "n/a".
    hover : pandas.DataFrame, optional
        Extra hover text per cell, same shape as ``frame`` (used with float cells).
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    unit : "eV/atom" or "meV/atom"
        Unit of the colour scale and the cell numbers; "meV/atom" writes short integers
        (for journal-size cells).
    digits : int, optional
        Decimals written in the cells; default 3 for eV/atom (so a −0.9 meV/atom cell
        does not read like a 0 one) and 0 for meV/atom.
    **kwargs
        Forwarded to the heatmap trace.

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap; z in ``unit``; at most ``MAX_CELLS`` cells.

    Raises
    ------
    InvalidInputError
        An empty or oversized frame, a hover that is not a DataFrame of the same shape,
        a cell that is neither a number nor a result, ``digits`` not in 0–12, or an
        unknown unit.

    Examples
    --------
    >>> import pandas as pd
    >>> fig = interface_heatmap(pd.DataFrame({"LiCoO2": [-0.3, 0.0]}, index=["Li3PS4", "Li3PO4"]))
    >>> fig.data[0].zmax
    0.0
    """
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise InvalidInputError(
            "interface_heatmap needs a non-empty DataFrame: electrolytes (rows) × electrodes (columns)"
        )
    if frame.size > MAX_CELLS:
        raise InvalidInputError(f"frame has {frame.size} cells; the map draws at most {MAX_CELLS}")
    if hover is not None and not isinstance(hover, pd.DataFrame):
        raise InvalidInputError(
            f"hover is a {type(hover).__name__}: give a DataFrame of the same shape as frame"
        )
    if digits is not None and (
        isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 12
    ):
        raise InvalidInputError(f"digits={digits!r}; give an integer from 0 to 12, or None")
    if hover is not None and hover.shape != frame.shape:
        raise InvalidInputError(f"hover has shape {hover.shape}; it must match frame {frame.shape}")
    energies = np.full(frame.shape, np.nan)
    texts = [["" for _ in frame.columns] for _ in frame.index]
    for i, row in enumerate(frame.itertuples(index=False)):
        for j, cell in enumerate(row):
            if hasattr(cell, "min_energy"):
                energies[i, j] = cell.min_energy
                note = own_state_note(cell)
                texts[i][j] = _reaction_text(cell) + (f"<br>{note}" if note else "")
            else:
                try:
                    energies[i, j] = float(cell)
                except (TypeError, ValueError):
                    raise InvalidInputError(
                        f"cell ({frame.index[i]!r}, {frame.columns[j]!r}) = {cell!r} is neither a "
                        "number (eV/atom) nor an InterfaceReactions result"
                    ) from None
                texts[i][j] = fmt_number(energies[i, j], "eV/atom", digits=3)
            if hover is not None and str(hover.iat[i, j]):
                texts[i][j] += f"<br>{hover.iat[i, j]}"
    if unit not in ("eV/atom", "meV/atom"):
        raise InvalidInputError(f"unit={unit!r}; use 'eV/atom' or 'meV/atom'")
    energies[np.abs(energies) < 1e-12] = 0.0  # round-off is 0, not -2e-15
    if unit == "meV/atom":
        energies = energies * 1000.0
    digits = (3 if unit == "eV/atom" else 0) if digits is None else digits
    finite = energies[np.isfinite(energies)]
    extent = float(np.abs(finite).max()) if finite.size else 1.0
    extent = extent if extent > 0 else 1.0
    if finite.size and finite.max() > 0:
        zmin, zmax, scale = -extent, extent, DIVERGING
    else:  # nothing positive: show only the red half, white still at exactly 0
        zmin, zmax, scale = -extent, 0.0, NEGATIVE_HALF
    rows = [str(r) for r in frame.index]
    cols = [str(c) for c in frame.columns]
    cell_text = [[fmt_number(v, digits=digits) for v in row] for row in energies]
    fig = new_figure(fig)
    kwargs.setdefault("colorscale", scale)
    fig.add_heatmap(
        z=energies,
        x=cols,
        y=rows,
        zmin=zmin,
        zmax=zmax,
        text=cell_text,
        texttemplate="%{text}",
        customdata=texts,
        hovertemplate="%{y} | %{x}<br>%{customdata}<extra></extra>",
        colorbar={"title": {"text": f"reaction energy<br>({unit})", "side": "right"}},
        xgap=1,
        ygap=1,
        **kwargs,
    )
    fig.update_layout(
        title="Most negative interface reaction energy",
        xaxis={
            "title": "electrode",
            "tickmode": "array",
            "tickvals": cols,
            "ticktext": [formula_html(c) for c in cols],
            "side": "bottom",
        },
        yaxis={
            "title": "electrolyte",
            "tickmode": "array",
            "tickvals": rows,
            "ticktext": [formula_html(r) for r in rows],
            "autorange": "reversed",
        },
        plot_bgcolor="white",
    )
    return fig
