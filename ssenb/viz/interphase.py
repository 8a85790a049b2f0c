"""Interphase and coating figures: products vs voltage, the product table, the coating map.

The reaction-energy curve at the chosen voltage is :func:`ssenb.viz.reaction_energy_curve`
of ``interphase(...).reactions`` (one figure for one curve, not two).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from .. import keys as K
from ..errors import InvalidInputError
from ..results import fmt_number
from ._style import new_figure
from .publication import formula_html

if TYPE_CHECKING:
    from ..thermo import CoatingScreen, Interphase

#: Colours of the product phases: Okabe-Ito (colour-blind safe) first, then plotly's
#: Dark24 and Light24 so that up to 40 phases never share a colour, in name order.
PHASE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                "#000000", "#999999"]  # fmt: skip


def _phase_colors(*frames: Any) -> dict[str, str]:
    from plotly.colors import qualitative

    names = sorted({p for f in frames for p in f[K.PHASE]})
    palette = PHASE_COLORS + [c for c in qualitative.Dark24 + qualitative.Light24]
    return {p: palette[i % len(palette)] for i, p in enumerate(names)}


def _check(result: Any, kind: str, fields: tuple[str, ...]) -> None:
    if not all(hasattr(result, f) for f in fields):
        raise InvalidInputError(
            f"expected {kind}, got {type(result).__name__}; e.g. "
            + ("ssenb.thermo.interphase(...)" if kind == "an Interphase" else "coating_screen(...)")
        )


def interphase_bands(
    result: Interphase, *, fig: go.Figure | None = None, **kwargs: Any
) -> go.Figure:
    """What forms at each voltage: stacked atomic fractions of the products (band chart).

    Top: the products of the most negative reaction between electrolyte and electrode at
    each voltage of the scan (V vs the ion's metal; empty where nothing reacts). Bottom:
    the electrolyte's own phase equilibrium there (its decomposition outside its window).
    One colour per phase in both panels.

    Parameters
    ----------
    result : ssenb.thermo.Interphase
    fig : plotly.graph_objects.Figure, optional
        Not supported for this two-panel chart other than None (a new figure).
    **kwargs
        Forwarded to every bar trace (e.g. ``opacity=``).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> from ssenb.thermo import interphase
    >>> fig = interphase_bands(interphase("Li3PS4", "Li", band_gaps={}))
    >>> sorted({t.name for t in fig.data})
    ['Li2S', 'Li3P']
    """
    from plotly.subplots import make_subplots

    _check(result, "an Interphase", ("table", "electrolyte_table", "voltage"))
    if fig is not None:
        raise InvalidInputError("interphase_bands draws its own two panels; leave fig=None")
    colors = _phase_colors(result.table, result.electrolyte_table)
    unit = f"V vs {K.ion_label(result.ion)}"
    volts = sorted(set(result.electrolyte_table[K.VOLTAGE]) | set(result.table[K.VOLTAGE]))
    width = _bar_widths(volts)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(
            f"{formula_html(result.electrolyte)} | {formula_html(result.electrode)}: "
            "interface reaction products",
            f"{formula_html(result.electrolyte)} on its own",
        ),
    )
    fig.update_layout(template="plotly_white")
    shown: set[str] = set()
    for row, frame in ((1, result.table), (2, result.electrolyte_table)):
        for phase in sorted(set(frame[K.PHASE])):
            part = frame[frame[K.PHASE] == phase]
            fig.add_bar(
                x=part[K.VOLTAGE],
                y=part[K.ATOMIC_FRACTION],
                width=[width[v] for v in part[K.VOLTAGE]],
                name=phase,
                legendgroup=phase,
                showlegend=phase not in shown,
                marker_color=colors[phase],
                hovertemplate=f"{phase}: %{{y:.3f}} at %{{x:.2f}} {unit}<extra></extra>",
                row=row,
                col=1,
                **kwargs,
            )
            shown.add(phase)
    fig.update_layout(barmode="stack", legend_title_text="phase", height=560)
    fig.update_yaxes(title_text=K.label(K.ATOMIC_FRACTION), range=[0, 1.02])
    # the chosen voltage is named under the axis, not beside its line, where a label would
    # cover bars or the panel title (issue 19: label collisions)
    fig.update_xaxes(
        title_text=f"{K.label(K.VOLTAGE, ion=result.ion)}; dotted line: chosen "
        f"{fmt_number(result.voltage, unit)}",
        row=2,
        col=1,
    )
    for row in (1, 2):
        fig.add_vline(x=result.voltage, line_dash="dot", line_color="#555", row=row, col=1)
    return fig


def _bar_widths(volts: list[float]) -> dict[float, float]:
    """Each voltage's bar width (V): 0.8 of the gap to its nearer neighbour.

    Bars never overlap, also where a chosen voltage sits between two of an even scan.
    """
    if len(volts) < 2:
        return {v: 0.5 for v in volts}
    gaps = np.diff(volts)
    nearer = np.minimum(np.r_[np.inf, gaps], np.r_[gaps, np.inf])
    return {v: 0.8 * float(g) for v, g in zip(volts, nearer)}


def interphase_table(
    result: Interphase, *, fig: go.Figure | None = None, **kwargs: Any
) -> go.Figure:
    """The products at the chosen voltage with their labels and the verdict, as a table.

    Parameters
    ----------
    result : ssenb.thermo.Interphase
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into (a new one by default).
    **kwargs
        Forwarded to the ``go.Table`` trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Columns: phase, atomic fraction, PBE gap (eV), electronic character, ion
        fraction; the verdict and gap source in the title.

    Examples
    --------
    >>> from ssenb.thermo import interphase
    >>> fig = interphase_table(interphase("Li3PS4", "Li", band_gaps={"Li2S": 3.39}))
    >>> list(fig.data[0].cells.values[0])
    ['Li<sub>2</sub>S', 'Li<sub>3</sub>P']
    """
    _check(result, "an Interphase", ("products", "verdict"))
    fig = new_figure(fig)
    p = result.products
    gaps = [
        "unknown" if g is None or math.isnan(g) else fmt_number(g, digits=2)
        for g in p[K.BAND_GAP_PBE]
    ]
    fig.add_table(
        header={
            "values": [
                K.label(K.PHASE),
                K.label(K.ATOMIC_FRACTION),
                K.label(K.BAND_GAP_PBE),
                K.label(K.ELECTRONIC_CHARACTER),
                f"{result.ion} atomic fraction",
            ],
            "align": "left",
            "fill_color": "#e8eef5",
        },
        cells={
            "values": [
                [formula_html(str(x)) for x in p[K.PHASE]],  # subscripted, as every label
                [fmt_number(x, digits=3) for x in p[K.ATOMIC_FRACTION]],
                gaps,
                list(p[K.ELECTRONIC_CHARACTER]),
                [fmt_number(x, digits=3) for x in p[K.ION_FRACTION]],
            ],
            "align": "left",
        },
        **kwargs,
    )
    unit = f"V vs {K.ion_label(result.ion)}"
    fig.update_layout(
        title=f"{formula_html(result.electrolyte)} | {formula_html(result.electrode)} at "
        f"{fmt_number(result.voltage, unit)}: <b>{result.verdict}</b>",
        height=120 + 30 * max(len(p), 1),
        margin={"t": 60, "b": 10},
    )
    return fig


def coating_map(
    screen: CoatingScreen,
    *,
    fig: go.Figure | None = None,
    color: str = K.OXIDATION_MARGIN,
    label_top: int = 12,
    **kwargs: Any,
) -> go.Figure:
    """Reaction energy with the cathode vs with the electrolyte, one point per coating.

    The published coating maps' view (Xiao et al., Joule 2019): the best coatings sit
    near (0, 0), top right. Only rows with both energies are drawn (the funnel's
    survivors); passing rows are drawn as diamonds and the best ``label_top`` are named.

    Parameters
    ----------
    screen : ssenb.thermo.CoatingScreen
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into (a new one by default).
    color : str
        Column that colours the points: ``oxidation_margin_V`` (default) or
        ``band_gap_pbe_eV``.
    label_top : int
        Name this many of the first rows (passing first, then by Pareto rank).
    **kwargs
        Forwarded to the scatter trace.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> from ssenb.thermo import coating_screen
    >>> s = coating_screen("LiCoO2", "Li6PS5Cl", candidates=["Li3PO4", "LiNbO3"], progress=False)
    >>> len(coating_map(s).data[0].x)
    2
    """
    _check(screen, "a CoatingScreen", ("table", "cathode", "electrolyte"))
    if color not in (K.OXIDATION_MARGIN, K.BAND_GAP_PBE):
        raise InvalidInputError(
            f"color={color!r}; use {K.OXIDATION_MARGIN!r} or {K.BAND_GAP_PBE!r}"
        )
    t = screen.table
    t = t[t[K.CATHODE_REACTION_ENERGY].notna() & t[K.ELECTROLYTE_REACTION_ENERGY].notna()]
    fig = new_figure(fig)
    values = t[color].to_numpy(float)
    symbols = ["diamond" if p else "circle" for p in t[K.PASSES]]
    kwargs.setdefault(
        "marker",
        {
            "color": values,
            "colorscale": "Viridis",
            "size": [11 if p else 7 for p in t[K.PASSES]],
            "symbol": symbols,
            "line": {"width": 0.5, "color": "#333"},
            "colorbar": {"title": {"text": K.label(color, ion=screen.ion), "side": "right"}},
            "cmin": float(np.nanmin(values)) if np.isfinite(values).any() else 0.0,
            "cmax": float(np.nanmax(values)) if np.isfinite(values).any() else 1.0,
        },
    )
    fig.add_scatter(
        x=t[K.CATHODE_REACTION_ENERGY],
        y=t[K.ELECTROLYTE_REACTION_ENERGY],
        mode="markers",
        text=list(t[K.COATING]),
        customdata=np.column_stack([t[K.REASONS].astype(str)]),
        hovertemplate="%{text}<br>cathode %{x:.3f}, electrolyte %{y:.3f} eV/atom"
        "<br>%{customdata[0]}<extra></extra>",
        showlegend=False,
        **kwargs,
    )
    for k, (_, row) in enumerate(t.head(label_top).iterrows()):
        fig.add_annotation(
            x=row[K.CATHODE_REACTION_ENERGY],
            y=row[K.ELECTROLYTE_REACTION_ENERGY],
            text=formula_html(row[K.COATING]),
            showarrow=True,
            arrowhead=0,
            arrowwidth=0.5,
            arrowcolor="#777",
            # the best coatings pile up near (0, 0), top right: fan the labels out below
            # and to the left, one line each, with a leader line to the point
            ax=-80 - 50 * (k % 2),
            ay=18 + 15 * k,
            font={"size": 10},
        )
    x = t[K.CATHODE_REACTION_ENERGY].to_numpy(float)
    y = t[K.ELECTROLYTE_REACTION_ENERGY].to_numpy(float)
    pad_x = 0.08 * max(-float(x.min()) if len(x) else 0.0, 0.02)
    pad_y = 0.08 * max(-float(y.min()) if len(y) else 0.0, 0.02)
    fig.update_xaxes(range=[(x.min() if len(x) else 0.0) - pad_x, 2 * pad_x])
    fig.update_yaxes(range=[(y.min() if len(y) else 0.0) - pad_y, 2 * pad_y])
    fig.update_layout(
        title=f"coatings for {formula_html(screen.cathode)} | {formula_html(screen.electrolyte)}"
        f" (◆ meets every criterion; cathode at "
        f"{fmt_number(screen.cathode_voltage, 'V vs ' + K.ion_label(screen.ion))})",
        xaxis_title=K.label(K.CATHODE_REACTION_ENERGY),
        yaxis_title=K.label(K.ELECTROLYTE_REACTION_ENERGY),
    )
    return fig


__all__ = ["PHASE_COLORS", "coating_map", "interphase_bands", "interphase_table"]
