"""SHAP dependence explorer: pick a feature and a colour feature."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._common import Status, figure_widget, swap
from ._snapshot import Snapshot

if TYPE_CHECKING:
    from ..explain import Explanation


class ShapExplorer(Snapshot, w.VBox):
    """Pick a feature and a colour feature; see the SHAP dependence plot."""

    def __init__(self, explanation: Explanation, *, max_features: int = 30, **kwargs: Any) -> None:
        self.explanation = explanation
        options = list(explanation.importance().index[:max_features])
        self.feature = w.Dropdown(options=options, value=options[0], description="feature")
        self.color_by = w.Dropdown(
            options=["(auto)", *options], value="(auto)", description="colour by"
        )
        self.status = Status()
        self.figure = figure_widget()
        super().__init__(
            [w.HBox([self.feature, self.color_by]), self.status.widget, self.figure], **kwargs
        )
        for control in (self.feature, self.color_by):
            control.observe(lambda _: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Redraw the dependence plot (SHAP in log10 S/cm) for the chosen features."""
        from ..viz import shap_dependence

        color = None if self.color_by.value == "(auto)" else self.color_by.value
        with self.status.working("drawing"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # constant columns in correlations
            swap(
                self.figure,
                shap_dependence(self.explanation, feature=self.feature.value, color_by=color),
            )
