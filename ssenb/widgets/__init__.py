"""Notebook widgets (ipywidgets 8 + plotly FigureWidget), thin over thermo/models/viz.

Every widget is an ipywidgets widget (a ``VBox``): place it in layouts, observe its
traits. Names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

_NAMES = {
    "DopingExplorer": "doping",
    "Explorer": "explorer",
    "PhaseDiagramViewer": "phase_diagram",
    "PolymerExplorer": "polymer",
    "PropertiesPanel": "properties_panel",
    "ShapExplorer": "shap",
    "WindowExplorer": "window",
}

if TYPE_CHECKING:  # pragma: no cover
    from .doping import DopingExplorer
    from .explorer import Explorer
    from .phase_diagram import PhaseDiagramViewer
    from .polymer import PolymerExplorer
    from .properties_panel import PropertiesPanel
    from .shap import ShapExplorer
    from .window import WindowExplorer


__getattr__ = lazy_getattr(__name__, _NAMES)


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DopingExplorer",
    "Explorer",
    "PhaseDiagramViewer",
    "PolymerExplorer",
    "PropertiesPanel",
    "ShapExplorer",
    "WindowExplorer",
]
