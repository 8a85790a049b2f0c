"""Notebook widgets (ipywidgets 8 + plotly FigureWidget), thin over thermo/models/viz.

Every widget is an ipywidgets widget (a ``VBox``): place it in layouts, observe its
traits. Names load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_NAMES = {
    "DopingExplorer": "doping",
    "Explorer": "explorer",
    "PhaseDiagramViewer": "phase_diagram",
    "ShapExplorer": "shap",
    "WindowExplorer": "window",
}

if TYPE_CHECKING:  # pragma: no cover
    from .doping import DopingExplorer
    from .explorer import Explorer
    from .phase_diagram import PhaseDiagramViewer
    from .shap import ShapExplorer
    from .window import WindowExplorer


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["DopingExplorer", "Explorer", "PhaseDiagramViewer", "ShapExplorer", "WindowExplorer"]
