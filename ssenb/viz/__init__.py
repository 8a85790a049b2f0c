"""Plotly figures: one module per kind of chart, plain functions returning a Figure."""

from .conductivity_data import conductivity_data_figure, cv_leaderboard, reliability_figure
from .export import save_figure, use_notebook_renderer
from .interface import interface_heatmap, reaction_energy_curve
from .interphase import coating_map, interphase_bands, interphase_table
from .mlip import benchmark_hull_parity, benchmark_parity, doping_bars
from .phase_diagram import hull_diagram
from .polymer import conductivity_arrhenius, polymer_parity
from .properties import property_map, property_parity
from .publication import formula_html, publication_style
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
    "benchmark_hull_parity",
    "benchmark_parity",
    "candidates_pareto",
    "candidates_window_bars",
    "coating_map",
    "conductivity_arrhenius",
    "conductivity_data_figure",
    "cv_leaderboard",
    "doping_bars",
    "element_color",
    "formula_html",
    "hull_diagram",
    "interface_heatmap",
    "interphase_bands",
    "interphase_table",
    "landscape_energy_profile",
    "landscape_pathway_3d",
    "polymer_parity",
    "property_map",
    "property_parity",
    "publication_style",
    "reaction_energy_curve",
    "reliability_figure",
    "save_figure",
    "shap_bar",
    "shap_beeswarm",
    "shap_dependence",
    "shap_waterfall",
    "structure_3d",
    "use_notebook_renderer",
    "window_bars",
    "window_profile",
]
