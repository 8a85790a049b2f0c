"""Stability-window explorer: formula and ion in, ion profile out, the voltage marked."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import traitlets

from .. import keys as K
from ..errors import InvalidInputError
from ._common import FigureSlot, Status
from ._snapshot import Snapshot

if TYPE_CHECKING:
    from pymatgen.core import Composition

IONS = K.MOBILE_IONS  # the ion control's choices: every ion ssenb names (Ca, Zn, Al too)
V_MAX = 6.0  # V: the slider's range and the figure's axis agree


class WindowExplorer(Snapshot, w.VBox):
    """Type a formula and pick the ion; see the window and the phases stable at a voltage.

    An ipywidgets widget: place it in layouts, ``observe`` its ``result`` trait (the
    current :class:`~ssenb.thermo.StabilityWindow`, or None after an error), link its
    ``voltage``.

    Parameters
    ----------
    material : str
        Initial formula.
    ion : str, optional
        Mobile ion, one of :data:`ssenb.keys.MOBILE_IONS` (Li, Na, K, ..., Mg, Ca, Zn,
        Al); the ion is a control wherever a window is shown. None (default): each
        material's own mobile ion (:func:`ssenb.thermo.choose_ion`), said in the status
        line, until the user picks one.
    source : optional
        Hull data (default: offline MP ~2019 snapshot).

    Examples
    --------
    >>> ex = WindowExplorer("Li3PS4")
    >>> ex.voltage.value = 2.0
    >>> ex.phases.value
    'Stable at 2.00 V vs Li/Li⁺: Li3PS4'
    """

    result = traitlets.Any(None, allow_none=True)

    def __init__(
        self,
        material: str = "Li3PS4",
        *,
        ion: str | None = None,
        source: Any = None,
        **kwargs: Any,
    ) -> None:
        if ion is not None and ion not in IONS:
            raise InvalidInputError(
                f"ion={ion!r}; use one of {', '.join(IONS)}, or None to take the material's own"
            )
        self.source = source
        #: None picked by the user: each material gets its own ion (ssenb.thermo.choose_ion)
        self._auto_ion = ion is None
        self.formula = w.Text(value=material, description="formula", continuous_update=False)
        self.ion = w.Dropdown(options=list(IONS), value=ion or "Li", description="ion")
        self.voltage = w.FloatSlider(
            value=0.0,
            min=0.0,
            max=V_MAX,
            step=0.01,
            description="V vs Li/Li⁺",
            readout_format=".2f",
            continuous_update=False,
            layout=w.Layout(width="95%"),
            style={"description_width": "initial"},
        )
        self.phases = w.HTML()
        self.status = Status()
        self.slot = FigureSlot()
        super().__init__(
            [
                w.HBox([self.formula, self.ion]),
                self.status.widget,
                self.slot.box,
                self.voltage,
                self.phases,
            ],
            **kwargs,
        )
        self.formula.observe(lambda _: self.compute(), names="value")
        self.ion.observe(self._ion_picked, names="value")
        self.voltage.observe(lambda _: self._show_phases(), names="value")
        if material:
            self.compute()

    @property
    def figure(self) -> Any:
        """The ion-profile FigureWidget (made on first use; see :class:`FigureSlot`)."""
        return self.slot.figure

    def _ion_picked(self, change: dict[str, Any]) -> None:
        if not self._setting_ion:  # the user chose it: keep it for every material
            self._auto_ion = False
        self.compute()

    _setting_ion = False

    def compute(self, material: str | Composition | None = None) -> None:
        """Recompute the window of the current formula (errors go to the status line)."""
        from ..thermo import choose_ion, stability_window
        from ..viz import window_profile

        target = material if material is not None else self.formula.value
        self.result = None
        self.voltage.description = f"V vs {K.ion_label(self.ion.value)}"
        if isinstance(target, str) and not target.strip():  # e.g. the ion picked first
            self.slot.clear("no window yet: type a formula")
            self.phases.value = ""
            self.status.info("Type a formula, e.g. Li3PS4.")
            return
        with self.status.working(f"computing the window of {target}"):
            ion, note = choose_ion(target, None if self._auto_ion else self.ion.value)
            if ion != self.ion.value:  # the material's own ion, shown in the control
                self._setting_ion = True
                try:
                    self.ion.value = ion  # its observer recomputes with this ion
                finally:
                    self._setting_ion = False
                return
            self.voltage.description = f"V vs {K.ion_label(ion)}"
            result = stability_window(target, ion=ion, source=self.source)

            def make() -> Any:  # drawn when on screen, with the voltage marker of then
                fig = window_profile(result, v_max=V_MAX).update_layout(height=420)
                return fig.update_layout(shapes=[*fig.layout.shapes, self._marker()])

            self.result = result
            ox = result.oxidation_v
            # start inside the window, where the material itself is the stable phase
            top = ox if math.isfinite(ox) else min(result.reduction_v + 1.0, V_MAX)
            self.voltage.value = round(min((result.reduction_v + top) / 2, V_MAX), 2)
            self.slot.draw(make)
            self.status.info(
                f"{result.formula}: {result.window_text()}" + (f"; {note}" if note else "")
            )
            self._show_phases()
        if self.result is None:
            self.slot.clear("no window: see the message above")
            self.phases.value = ""

    def _marker(self) -> dict[str, Any]:
        return {
            "type": "line",
            "x0": self.voltage.value,
            "x1": self.voltage.value,
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "name": "voltage",
            "line": {"color": "crimson", "dash": "dot", "width": 2},
        }

    def _show_phases(self) -> None:
        if self.result is None:
            return
        v = self.voltage.value
        ion = self.result.ion
        phases = " + ".join(self.result.phases_at(v))
        self.phases.value = f"Stable at {v:.2f} V vs {K.ion_label(ion)}: {phases}"
        if self.slot.made:  # else the marker is drawn with the figure
            fig = self.slot.figure
            shapes = [s for s in fig.layout.shapes if s.name != "voltage"]
            fig.layout.shapes = [*shapes, self._marker()]
