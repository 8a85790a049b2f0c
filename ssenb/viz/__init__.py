"""Plotly figures: one module per kind of chart, plain functions returning a Figure."""

from .interface import reaction_energy_curve
from .phase_diagram import hull_diagram
from .window import window_bars, window_profile

__all__ = ["hull_diagram", "reaction_energy_curve", "window_bars", "window_profile"]
