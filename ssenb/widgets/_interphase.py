"""The Explorer's Interphase tab: what forms at an interface at a chosen voltage.

Thin over :func:`ssenb.thermo.interphase` and the figures of :mod:`ssenb.viz.interphase`:
the band chart of products vs voltage (the scan from the anode's potential to the
cathode's), the product table with the passivation verdict and the reaction-energy curve
at the voltage of the slider. The slider acts on release (``continuous_update=False``).
Results are kept per (electrolyte, electrode, ion): the scan once (about 2-15 s on a
2-core machine, in a background thread: the notebook stays usable and the tab says what
it is doing), each voltage once (about 0.2-0.7 s), so going back to a voltage or an
electrode costs nothing. Nothing is computed until the tab is opened (never before the
Explorer's first result).
"""

from __future__ import annotations

import dataclasses
import html
import threading
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .. import keys as K
from ..errors import SsenbError
from ._common import FigureSlot, Status

if TYPE_CHECKING:
    from ..thermo import Interphase

#: Slider step (V): finer than any kink a reader could place by eye.
STEP_V = 0.05
BANDS_HEIGHT_PX = 520


class InterphaseTab(w.VBox):
    """Electrode, voltage slider, and the interphase of the Explorer's material.

    Parameters
    ----------
    status : Status
        Where failures are reported (nothing is raised from a callback).
    source : optional
        Hull data (default: offline MP ~2019 snapshot).
    """

    def __init__(self, status: Status, *, source: Any = None) -> None:
        from ..thermo import ELECTRODES

        self._status = status
        self.source = source
        self._electrolyte: str | None = None
        self._ion = "Li"
        self._active = False
        self._busy = False
        #: (electrolyte, electrode, ion) -> {"scan": Interphase, voltage: Interphase}
        self.cache: dict[tuple[str, str, str], dict[Any, Interphase]] = {}
        self.result: Interphase | None = None
        self.job: threading.Thread | None = None  # the scan running in the background
        self._job_key: tuple[str, str, str] | None = None
        self.electrode = w.Dropdown(
            options=list(ELECTRODES), value="LiCoO2", description="electrode"
        )
        self.voltage = w.FloatSlider(
            value=0.0,
            min=0.0,
            max=5.0,
            step=STEP_V,
            continuous_update=False,  # computed on release, not at every pixel
            description="V vs Li/Li⁺",
            readout_format=".2f",
            style={"description_width": "initial"},
            layout=w.Layout(width="420px"),
        )
        self.note = w.HTML()
        self.table_slot = FigureSlot(shown=False)
        self.curve_slot = FigureSlot(shown=False)
        self.bands_slot = FigureSlot(shown=False)
        super().__init__(
            [
                w.HBox([self.electrode, self.voltage]),
                self.note,
                self.table_slot.box,
                self.curve_slot.box,
                self.bands_slot.box,
            ]
        )
        self.electrode.observe(lambda _: self._guarded(self._on_electrode), names="value")
        self.voltage.observe(lambda _: self._guarded(self._at_slider), names="value")

    @property
    def slots(self) -> tuple[FigureSlot, FigureSlot, FigureSlot]:
        """Product table, reaction curve and band chart (shown and hidden by the Explorer)."""
        return (self.table_slot, self.curve_slot, self.bands_slot)

    # --- the material (from the Explorer) -------------------------------------------------
    def show(self, formula: str | None, ion: str = "Li") -> None:
        """A new material: computed now if the tab is open, else when it opens."""
        self._electrolyte, self._ion = formula, ion
        self.result = None
        if ion != self._ion_of_options():
            self._set_options(ion)
        self.voltage.description = f"V vs {K.ion_label(ion)}"
        if formula is None:
            self.reset("")
        elif self._active:
            self._guarded(self._pair)
        else:
            self.reset("opening this tab computes what forms at the interface")

    def forget(self, message: str) -> None:
        """No material any more (the Explorer refused an input): clear the tab.

        Opening the tab then computes nothing; :meth:`reset` alone keeps the material, so
        the tab would show the previous material's interphase when next opened.
        """
        self._electrolyte = None
        self.reset(message)

    def reset(self, message: str) -> None:
        """Clear the tab (a new material is on its way, or none)."""
        self.result = None
        for slot in self.slots:
            slot.clear(message)
        self.note.value = html.escape(message)

    def activate(self) -> None:
        """The tab was opened (or every tab is drawn): compute for the current material."""
        self._active = True
        if self._electrolyte is not None and self.result is None:
            self._guarded(self._pair)

    def deactivate(self) -> None:
        """The tab was closed: a new material waits until it opens again."""
        self._active = False

    def _on_electrode(self) -> None:
        """Another electrode: computed now if the tab is open, else when it opens."""
        if self._active:
            self._pair()
        elif self._electrolyte is not None:
            self.reset("opening this tab computes what forms at the interface")

    # --- computing ------------------------------------------------------------------------
    def _key(self) -> tuple[str, str, str]:
        assert self._electrolyte is not None
        return (self._electrolyte, str(self.electrode.value), self._ion)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the scan running in the background (before a snapshot, in tests)."""
        if self.job is not None:
            self.job.join(timeout)

    def _pair(self) -> None:
        """Scan of the current pair (cached, else in a thread), then the slider and one voltage."""
        if self._electrolyte is None:
            return
        key = self._key()
        entry = self.cache.get(key)
        if entry is not None:
            self._use_scan(entry["scan"])
            return
        if self._job_key == key and self.job is not None and self.job.is_alive():
            return  # already on its way
        self.reset(f"computing what forms at {key[0]} | {key[1]} at each voltage …")
        self._job_key = key
        self.job = threading.Thread(
            target=self._scan, args=(key,), name="ssenb-interphase-scan", daemon=True
        )
        self.job.start()

    def _scan(self, key: tuple[str, str, str]) -> None:
        """The background scan of one pair; drawn if that pair is still the one asked for."""
        from ..thermo import interphase

        try:  # the status line is the main thread's: only a failure is written there
            scan = interphase(key[0], key[1], ion=key[2], source=self.source)
        except Exception as err:  # nothing may escape a background thread unseen
            if self._electrolyte is not None and self._key() == key:
                self.reset("not computed: see the status line")
                self._status.error(
                    f"interphase {key[0]} | {key[1]}: "
                    + (str(err) if isinstance(err, SsenbError) else f"{type(err).__name__}: {err}")
                )
            return
        self.cache[key] = {"scan": scan}
        if self._electrolyte is not None and self._key() == key:  # still the pair asked for
            self._guarded(lambda: self._use_scan(scan))

    def _use_scan(self, scan: Interphase) -> None:
        """Set the slider to the scan's range and show its chosen voltage."""
        self._busy = True  # a new range is not a voltage chosen by the user
        try:  # 0 <= lower <= upper: each assignment keeps min <= max
            self.voltage.min = 0.0
            self.voltage.max = max(scan.upper_v, scan.lower_v + STEP_V)
            self.voltage.min = scan.lower_v
            self.voltage.value = scan.voltage
            self.voltage.disabled = scan.upper_v == scan.lower_v  # the ion metal: 0 V only
        finally:
            self._busy = False
        self._at(scan.voltage)

    def _at_slider(self) -> None:
        if not self._busy and self._electrolyte is not None:
            self._at(float(self.voltage.value))

    def _at(self, volts: float) -> None:
        """Products, verdict and curve at ``volts`` (cached per pair and voltage)."""
        from ..thermo import interphase

        key = self._key()
        entry = self.cache.get(key)
        if entry is None:
            self._pair()
            return
        scan = entry["scan"]
        # a voltage of the scan (within 1 µV: a slider's float) is that voltage exactly, so
        # the band chart never gets a second, invisible column beside it
        grid = sorted(set(scan.electrolyte_table[K.VOLTAGE]))
        v = next((g for g in grid if abs(g - volts) < 1e-6), round(volts, 6))
        result = entry.get(v)
        if result is None:
            if v == scan.voltage:
                result = scan
            else:
                with self._status.briefly(f"interphase at {v:.2f} V"):
                    result = interphase(
                        key[0], key[1], voltage=v, voltages=[v], ion=key[2], source=self.source
                    )
                if self._status.failed:
                    return
            entry[v] = result
        self.result = result
        self._draw(scan, result)

    def _draw(self, scan: Interphase, result: Interphase) -> None:
        from ..viz import interphase_bands, interphase_table, reaction_energy_curve

        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in result.reasons)
        self.note.value = (
            f"<b>{html.escape(result.verdict)}</b> at {result.voltage:.2f} "
            f"V vs {html.escape(K.ion_label(result.ion))}"
            + (f"<ul>{reasons}</ul>" if reasons else "")
            + f"<small>{html.escape(result.provenance())}</small>"
        )
        self.table_slot.draw(lambda: interphase_table(result))
        if result.reaction:
            self.curve_slot.draw(lambda: reaction_energy_curve(result.reactions))
        else:
            self.curve_slot.clear("no reaction at this voltage")
        marked = _with_voltage(scan, result)
        self.bands_slot.draw(lambda: interphase_bands(marked).update_layout(height=BANDS_HEIGHT_PX))

    # --- internals ------------------------------------------------------------------------
    def _ion_of_options(self) -> str:
        return str(self.electrode.options[0]) if self.electrode.options else ""

    def _set_options(self, ion: str) -> None:
        """Li: the metal and the named cathodes; another ion: its metal only."""
        from ..thermo import ELECTRODES

        self._busy = True
        try:
            if ion == "Li":
                self.electrode.options = list(ELECTRODES)
                self.electrode.value = "LiCoO2"
            else:
                self.electrode.options = [ion]
                self.electrode.value = ion
        finally:
            self._busy = False

    def _guarded(self, fn: Any) -> None:
        if self._busy:
            return
        with self._status.briefly("interphase"):
            fn()


def _with_voltage(scan: Interphase, result: Interphase) -> Interphase:
    """The scan with the chosen voltage's column and marker, for the band chart only.

    A voltage between two of the scan gets its own bar (its products), so the marker
    never stands on a neighbour's bar and suggests that neighbour's products.
    """
    import pandas as pd

    v = result.voltage
    if v in set(scan.electrolyte_table[K.VOLTAGE]):
        return dataclasses.replace(scan, voltage=v)

    def merged(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        both = pd.concat([a, b[b[K.VOLTAGE] == v]], ignore_index=True)
        return both.sort_values(K.VOLTAGE, kind="stable").reset_index(drop=True)

    return dataclasses.replace(
        scan,
        voltage=v,
        table=merged(scan.table, result.table),
        electrolyte_table=merged(scan.electrolyte_table, result.electrolyte_table),
    )


__all__ = ["InterphaseTab"]
