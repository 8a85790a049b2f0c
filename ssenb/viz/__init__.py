"""Plotly figures: one module per kind of chart, plain functions returning a Figure."""

from .export import save_figure
from .interface import reaction_energy_curve
from .phase_diagram import hull_diagram
from .screening import candidates_pareto, candidates_window_bars
from .shap import shap_bar, shap_beeswarm, shap_dependence, shap_waterfall
from .structure import element_color, structure_3d
from .transport import (
    barrier_bars,
    barrier_conductivity_scatter,
    landscape_energy_profile,
    landscape_pathway_3d,
)
from .window import window_bars, window_profile

__all__ = [
    "barrier_bars",
    "barrier_conductivity_scatter",
    "candidates_pareto",
    "candidates_window_bars",
    "element_color",
    "hull_diagram",
    "landscape_energy_profile",
    "landscape_pathway_3d",
    "reaction_energy_curve",
    "save_figure",
    "shap_bar",
    "shap_beeswarm",
    "shap_dependence",
    "shap_waterfall",
    "structure_3d",
    "window_bars",
    "window_profile",
]
