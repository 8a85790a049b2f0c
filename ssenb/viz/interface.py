"""Interface reaction-energy curves."""

from __future__ import annotations

from .. import keys as K
from ._style import LINE_COLOR, new_figure


def reaction_energy_curve(reactions, *, fig=None, **kwargs):
    """Reaction energy (eV/atom of mixture) vs mixing ratio, minimum marked.

    Parameters
    ----------
    reactions : ssenb.thermo.InterfaceReactions
    fig : plotly Figure, optional
    **kwargs
        Forwarded to the curve trace (e.g. ``name=`` when overlaying several electrodes).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    t = reactions.table
    fig = new_figure(fig)
    name = kwargs.pop("name", f"{reactions.electrolyte} | {reactions.electrode}")
    kwargs.setdefault("line", {"color": LINE_COLOR, "width": 2})
    fig.add_scatter(
        x=t[K.MIXING_RATIO],
        y=t[K.REACTION_ENERGY],
        mode="lines+markers",
        name=name,
        text=t["reaction"],
        hovertemplate="x = %{x:.3f}: %{y:.3f} eV/atom<br>%{text}<extra></extra>",
        **kwargs,
    )
    fig.add_scatter(
        x=[reactions.min_ratio],
        y=[reactions.min_energy],
        mode="markers",
        showlegend=False,
        marker={"symbol": "star", "size": 14, "color": "crimson"},
        text=[reactions.min_reaction],
        hovertemplate="minimum: %{y:.3f} eV/atom<br>%{text}<extra></extra>",
    )
    cond = (
        f" ({reactions.open_element}-open, μ = {reactions.mu:+.2f} eV)"
        if reactions.open_element
        else ""
    )
    fig.update_layout(
        title=f"{reactions.electrolyte} | {reactions.electrode}{cond}",
        xaxis_title=K.label(K.MIXING_RATIO),
        yaxis_title=K.label(K.REACTION_ENERGY),
    )
    return fig
