"""Figures of MLIP results: parity with DFT, hull-vs-hull, and doped candidates' E_hull."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import keys as K
from ..results import formula_html
from ._style import LINE_COLOR, new_figure

if TYPE_CHECKING:
    from ..mlip.benchmark import PotentialBenchmark
    from ..mlip.substitute import DopingResult

#: "within 50 meV/atom of the hull" classes of the hull-vs-hull figure, with colours
_CLASSES = (
    ("both", "on/near the hull in both", "#2e8b57"),
    ("mlip_only", "near the hull only in the MLIP (false positive)", "#d95f02"),
    ("dft_only", "near the hull only in DFT (false negative)", "#7570b3"),
    ("neither", "above in both", "#9e9e9e"),
)


def _hover(table: pd.DataFrame) -> list[str]:
    return [
        f"{f} ({i}, {n} atoms)"
        for f, i, n in zip(table[K.FORMULA], table[K.ENTRY_ID], table[K.N_ATOMS])
    ]


def benchmark_parity(
    bench: PotentialBenchmark, *, fig: go.Figure | None = None, **kwargs: Any
) -> go.Figure:
    """Formation energy from the potential against DFT (eV/atom), with the y = x line.

    Parameters
    ----------
    bench : PotentialBenchmark
        From :func:`ssenb.mlip.benchmark_potential`: formation energies (eV/atom) of the
        same entries from DFT and from the potential.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    **kwargs
        Forwarded to the scatter trace.

    Returns
    -------
    plotly.graph_objects.Figure
        DFT (x) against MLIP (y) formation energy, eV/atom, equal axis scales; the
        subtitle gives the MAE (eV/atom) and the correction scheme.

    Examples
    --------
    >>> from ssenb.mlip import read_results
    >>> fig = benchmark_parity(read_results("tutorials/data/mlip_cache.json")["benchmark"])  # doctest: +SKIP
    """
    t = bench.table.dropna(subset=[K.E_FORM_MLIP])
    fig = new_figure(fig)
    lo = float(min(t[K.E_FORM_DFT].min(), t[K.E_FORM_MLIP].min())) - 0.1
    hi = float(max(t[K.E_FORM_DFT].max(), t[K.E_FORM_MLIP].max())) + 0.1
    fig.add_trace(
        go.Scatter(
            x=[lo, hi],
            y=[lo, hi],
            mode="lines",
            name="y = x",
            line={"color": "#888", "dash": "dash"},
            hoverinfo="skip",
        )
    )
    trace = {
        "x": t[K.E_FORM_DFT],
        "y": t[K.E_FORM_MLIP],
        "mode": "markers",
        "name": "entries",
        "text": _hover(t),
        "hovertemplate": "%{text}<br>DFT %{x:.3f}, MLIP %{y:.3f} eV/atom<extra></extra>",
        "marker": {"color": LINE_COLOR, "size": 6, "opacity": 0.7},
    }
    fig.add_trace(go.Scatter(**{**trace, **kwargs}))
    fig.update_layout(
        title=f"{bench.potential} vs DFT: formation energy<br><sup>MAE {bench.energy_mae:.3f} "
        f"eV/atom on {len(t)} entries (≤ {bench.max_atoms} atoms); {bench.correction_scheme} "
        "corrections on both sides</sup>",
        xaxis_title=K.label(K.E_FORM_DFT),
        yaxis_title=K.label(K.E_FORM_MLIP),
        margin={"t": 80},
        width=620,
        height=560,
    )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def benchmark_hull_parity(
    bench: PotentialBenchmark,
    *,
    threshold: float = 0.05,
    e_max: float | None = 0.5,
    fig: go.Figure | None = None,
    **kwargs: Any,
) -> go.Figure:
    """E_hull from the potential's hull against E_hull from the DFT hull (eV/atom).

    Points are coloured by whether each side puts them within ``threshold`` (eV/atom) of
    its hull, so false positives (the MLIP over-stabilises) stand out.

    Parameters
    ----------
    bench : PotentialBenchmark
        From :func:`ssenb.mlip.benchmark_potential`: E_hull (eV/atom) of each entry on
        the DFT hull and on the potential's hull.
    threshold : float
        eV/atom; drawn as dotted lines.
    e_max : float or None
        Axis limit (eV/atom) so the region near the hull is readable; the subtitle counts
        the points beyond it (None: show all).
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    **kwargs
        Forwarded to every scatter trace of entries.

    Returns
    -------
    plotly.graph_objects.Figure
        DFT (x) against MLIP (y) E_hull, eV/atom, one trace per agreement class.
    """
    t = bench.table.dropna(subset=[K.E_HULL_MLIP])
    d = t[K.E_HULL_DFT].to_numpy() <= threshold + 1e-6
    m = t[K.E_HULL_MLIP].to_numpy() <= threshold + 1e-6
    masks = {"both": d & m, "mlip_only": m & ~d, "dft_only": d & ~m, "neither": ~d & ~m}
    fig = new_figure(fig)
    hi = float(max(t[K.E_HULL_DFT].max(), t[K.E_HULL_MLIP].max(), threshold)) * 1.05
    outside = 0
    if e_max is not None:
        outside = int(((t[K.E_HULL_DFT] > e_max) | (t[K.E_HULL_MLIP] > e_max)).sum())
        hi = float(e_max)
    fig.add_trace(
        go.Scatter(
            x=[0, hi],
            y=[0, hi],
            mode="lines",
            name="y = x",
            line={"color": "#888", "dash": "dash"},
            hoverinfo="skip",
        )
    )
    for key, name, color in _CLASSES:
        sub = t[masks[key]]
        trace = {
            "x": sub[K.E_HULL_DFT],
            "y": sub[K.E_HULL_MLIP],
            "mode": "markers",
            "name": f"{name}: {len(sub)}",
            "text": _hover(sub),
            "hovertemplate": "%{text}<br>DFT %{x:.3f}, MLIP %{y:.3f} eV/atom<extra></extra>",
            "marker": {"color": color, "size": 6, "opacity": 0.75},
        }
        fig.add_trace(go.Scatter(**{**trace, **kwargs}))
    for axis in ("x", "y"):
        line = {"type": "line", "line": {"color": "#555", "dash": "dot", "width": 1}}
        if axis == "x":
            fig.add_shape(**line, x0=threshold, x1=threshold, y0=0, y1=hi)
        else:
            fig.add_shape(**line, x0=0, x1=hi, y0=threshold, y1=threshold)
    fig.update_layout(
        title=f"{bench.potential} hull vs DFT hull<br><sup>E_hull MAE {bench.e_hull_mae:.3f} eV/atom, "
        f"Spearman ρ {bench.spearman:.2f}; dotted: {threshold * 1000:.0f} meV/atom"
        + (f"; {outside} points beyond {hi:g} eV/atom not shown" if outside else "")
        + "</sup>",
        xaxis_title=K.label(K.E_HULL_DFT),
        yaxis_title=K.label(K.E_HULL_MLIP),
        legend={"orientation": "h", "y": -0.18},
        margin={"t": 80},
        width=680,
        height=640,
    )
    fig.update_xaxes(range=[-0.02 * hi, hi])
    fig.update_yaxes(range=[-0.02 * hi, hi], scaleanchor="x", scaleratio=1)
    return fig


def doping_bars(result: DopingResult, *, fig: go.Figure | None = None, **kwargs: Any) -> go.Figure:
    """E_hull of the host and each relaxed candidate (eV/atom) with the benchmark's error bar.

    Non-converged relaxations have no bar: they are named in the x labels as such.

    Parameters
    ----------
    result : DopingResult
        From :func:`ssenb.mlip.substitute`: E_hull (eV/atom) of the host and each
        relaxed candidate, with the benchmark's error.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    **kwargs
        Forwarded to the bar trace.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per structure (eV/atom); error bars are the potential's E_hull MAE.
    """
    from ..mlip.substitute import CANDIDATE, SUPERCELL

    t = result.table
    labels = [
        f"{c} {f} ({cell})" + ("" if ok else " — not converged")
        for c, f, cell, ok in zip(t[CANDIDATE], t[K.FORMULA], t[SUPERCELL], t[K.CONVERGED])
    ]
    y = t[K.E_HULL_MLIP].to_numpy(dtype=float)
    err = t[K.E_HULL_ERR].to_numpy(dtype=float)
    colors = ["#9e9e9e" if c == "host" else LINE_COLOR for c in t[CANDIDATE]]
    fig = new_figure(fig)
    trace = {
        "x": labels,
        "y": np.nan_to_num(y, nan=0.0),
        "name": "E_hull",
        "marker": {"color": colors},
        "error_y": {
            "type": "data",
            "array": np.where(np.isnan(y), 0.0, np.nan_to_num(err)),
            "visible": bool(np.isfinite(err).any()),
        },
        "text": ["" if math.isfinite(v) else "n/a" for v in y],
        "textposition": "outside",
        "hovertemplate": "%{x}<br>E_hull %{y:.3f} eV/atom<extra></extra>",
    }
    fig.add_trace(go.Bar(**{**trace, **kwargs}))
    fig.add_hline(y=0, line={"color": "#555", "width": 1})
    mae = float(np.nanmax(err)) if np.isfinite(err).any() else math.nan
    note = (
        f"error bars: the potential's E_hull MAE on DFT entries ({mae:.3f} eV/atom)"
        if math.isfinite(mae)
        else "no benchmark: no error bars"
    )
    fig.update_layout(
        title=f"{formula_html(result.title())}<br><sup>{result.potential}; {note}</sup>",
        yaxis_title=K.label(K.E_HULL_MLIP),
        margin={"t": 80, "b": 120},
        showlegend=False,
        height=480,
    )
    return fig


__all__ = ["benchmark_hull_parity", "benchmark_parity", "doping_bars"]
