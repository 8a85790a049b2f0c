"""Notebook widgets (ipywidgets 8 + plotly FigureWidget), thin over thermo/models/viz."""

from .explorer import Explorer
from .small import PhaseDiagramViewer, ShapExplorer
from .window import WindowExplorer

__all__ = ["Explorer", "PhaseDiagramViewer", "ShapExplorer", "WindowExplorer"]
