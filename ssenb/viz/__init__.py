"""Plotly figures: one module per kind of chart, plain functions returning a Figure."""

from .interface import reaction_energy_curve
from .phase_diagram import hull_diagram
from .shap import shap_bar, shap_beeswarm, shap_dependence, shap_waterfall
from .window import window_bars, window_profile

__all__ = [
    "hull_diagram",
    "reaction_energy_curve",
    "shap_bar",
    "shap_beeswarm",
    "shap_dependence",
    "shap_waterfall",
    "window_bars",
    "window_profile",
]
