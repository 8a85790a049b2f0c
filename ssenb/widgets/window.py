"""Stability-window explorer: formula in, ion profile out, voltage slider shows the phases."""

from __future__ import annotations

import math

from ._common import Status, figure_widget, swap


class WindowExplorer:
    """Type a formula, see its electrochemical window and which phases are stable at a voltage.

    Parameters
    ----------
    material : str
        Initial formula.
    ion : str
        Mobile ion (Li, Na, K).
    source : optional
        Hull data (default: offline MP ~2019 snapshot).

    Examples
    --------
    >>> ex = WindowExplorer("Li3PS4")
    >>> ex.voltage.value = 2.0
    >>> ex.phases.value
    'Stable at 2.00 V vs Li/Li⁺: Li3PS4'
    """

    def __init__(self, material: str = "Li3PS4", *, ion: str = "Li", source=None) -> None:
        import ipywidgets as w

        self.source = source
        self.formula = w.Text(value=material, description="formula", continuous_update=False)
        self.ion = w.Dropdown(options=["Li", "Na", "K"], value=ion, description="ion")
        self.button = w.Button(description="Compute window", button_style="primary")
        self.voltage = w.FloatSlider(
            value=0.0, min=0.0, max=6.0, step=0.01, description="V", readout_format=".2f"
        )
        self.phases = w.HTML()
        self.status = Status()
        self.figure = figure_widget()
        self.result = None
        self.button.on_click(lambda _: self.compute())
        self.formula.observe(lambda _: self.compute(), names="value")
        self.voltage.observe(lambda _: self._show_phases(), names="value")
        self.widget = w.VBox(
            [
                w.HBox([self.formula, self.ion, self.button]),
                self.status.widget,
                self.figure,
                self.voltage,
                self.phases,
            ]
        )
        self.compute()

    def compute(self) -> None:
        """Recompute the window of the current formula (errors go to the status line)."""
        from ..thermo import stability_window
        from ..viz import window_profile

        with self.status.working(f"computing the window of {self.formula.value}"):
            self.result = stability_window(
                self.formula.value, ion=self.ion.value, source=self.source
            )
            swap(self.figure, window_profile(self.result))
            ox = self.result.oxidation_v
            self.status.info(
                f"{self.result.formula}: {self.result.reduction_v:.2f}–{ox:.2f} V vs {self.ion.value}/{self.ion.value}⁺"
                if math.isfinite(ox)
                else f"{self.result.formula}: reduced below {self.result.reduction_v:.2f} V; no {self.ion.value} to release"
            )
            self._show_phases()

    def _show_phases(self) -> None:
        if self.result is None:
            return
        v = self.voltage.value
        phases = " + ".join(self.result.phases_at(v))
        self.phases.value = f"Stable at {v:.2f} V vs {self.result.ion}/{self.result.ion}⁺: {phases}"
        shapes = [s for s in self.figure.layout.shapes if s.name != "voltage"]
        marker = {
            "type": "line",
            "x0": v,
            "x1": v,
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "name": "voltage",
            "line": {"color": "crimson", "dash": "dot"},
        }
        self.figure.layout.shapes = [*shapes, marker]

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
