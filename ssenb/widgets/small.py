"""Small single-purpose widgets: phase-diagram viewer and SHAP dependence explorer."""

from __future__ import annotations

from ._common import Status, figure_widget, swap


class PhaseDiagramViewer:
    """Type a chemical system (``Li-P-S``), see its convex hull."""

    def __init__(self, system: str = "Li-P-S", *, source=None) -> None:
        import ipywidgets as w

        self.source = source
        self.system = w.Text(value=system, description="system", continuous_update=False)
        self.status = Status()
        self.figure = figure_widget()
        self.system.observe(lambda _: self.update(), names="value")
        self.widget = w.VBox([self.system, self.status.widget, self.figure])
        self.update()

    def update(self) -> None:
        from ..viz import hull_diagram

        with self.status.working(f"building the {self.system.value} hull"):
            swap(self.figure, hull_diagram(self.system.value.strip(), source=self.source))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


class ShapExplorer:
    """Pick a feature and a colour feature; see the SHAP dependence plot."""

    def __init__(self, explanation, *, max_features: int = 30) -> None:
        import ipywidgets as w

        self.explanation = explanation
        options = list(explanation.importance().index[:max_features])
        self.feature = w.Dropdown(options=options, value=options[0], description="feature")
        self.color_by = w.Dropdown(
            options=["(auto)", *options], value="(auto)", description="colour by"
        )
        self.status = Status()
        self.figure = figure_widget()
        for control in (self.feature, self.color_by):
            control.observe(lambda _: self.update(), names="value")
        self.widget = w.VBox(
            [w.HBox([self.feature, self.color_by]), self.status.widget, self.figure]
        )
        self.update()

    def update(self) -> None:
        from ..viz import shap_dependence

        color = None if self.color_by.value == "(auto)" else self.color_by.value
        with self.status.working("drawing"):
            swap(
                self.figure,
                shap_dependence(self.explanation, feature=self.feature.value, color_by=color),
            )

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
