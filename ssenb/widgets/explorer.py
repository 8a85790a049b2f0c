"""The Explorer: one material in (OBELiX pick, formula, or CIF upload), every analysis out.

It composes: the thermodynamics and the prediction come from :func:`ssenb.summary.summarize`
(the same summary ``ssenb report`` renders), the window tab is a
:class:`~ssenb.widgets.WindowExplorer`, figures come from :mod:`ssenb.viz`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import traitlets

from ..errors import InvalidInputError
from ._common import FigureSlot, Status
from ._interphase import InterphaseTab
from ._model_jobs import StructureModelWait
from ._snapshot import Snapshot
from ._transport import TransportTab
from .properties_panel import PropertiesPanel
from .window import WindowExplorer

if TYPE_CHECKING:
    import pandas as pd

    from ..models import Material
    from ..thermo import InterfaceReactions

TABS = (
    "Structure",
    "Conductivity",
    "Stability",
    "Window",
    "Interface",
    "Transport",
    "Interphase",
    "Properties",
)
WAITING = "…"
#: Height of the Stability tab's phase diagram by number of elements (px).
HULL_HEIGHT_PX = {2: 450, 3: 520, 4: 600}
#: The SHAP waterfall (seconds: shap's import and the TreeExplainer) is drawn when its
#: tab is first opened for a material, not before the first result is shown.
_CONDUCTIVITY_TAB = TABS.index("Conductivity")
_INTERPHASE_TAB = TABS.index("Interphase")


class Explorer(Snapshot, StructureModelWait, w.VBox):
    """Pick an OBELiX material, type a formula, or upload a CIF; see every analysis of it.

    Tabs: structure, predicted conductivity with the SHAP waterfall, hull distance,
    stability window (ion and voltage are controls), interface reactions with a
    chosen electrode, Li transport (the BVSE pathway, its 1D/2D/3D barriers and
    where the material sits on the measured-σ-vs-barrier map of the OBELiX structures,
    computed once in the background when the tab is first opened, then cached on disk),
    the interphase with an electrode at a voltage chosen on a slider (computed when the
    tab is opened, kept per electrolyte and electrode), and the band gap, G, K and
    Monroe–Newman verdict (data, else an already fitted property model: never a fit).
    A structure's conductivity needs the structure model: when it is not fitted yet
    (about 100 s once on a fresh machine), it is fitted in the background while the
    composition model's answer shows, and its answer replaces that one when ready.
    Every number is computed at once; each tab's figures (the SHAP waterfall too) are
    drawn when the tab is first opened, so the first result shows in about 2 s. Call
    :meth:`draw_all` before saving or exporting a notebook, so that every tab keeps its
    figure in the exported HTML.

    An ipywidgets widget: ``VBox([Explorer()])`` works, and ``summary`` (the current
    :class:`~ssenb.summary.MaterialSummary`) and ``material`` are traits to observe.

    Parameters
    ----------
    material : str, Composition or Structure, optional
        Analysed at once, so the first view is not empty.
    models : dict, optional
        Fitted ConductivityModels by preset ("composition", "composition+lattice",
        "composition+structure"); missing ones are the default models, fitted on OBELiX
        train once (with a progress bar) and cached on disk.
    obelix : DataFrame, optional
        The table behind the picker (default: ``load_obelix("train")``).
    source : optional
        Hull data (default: offline MP ~2019 snapshot).
    predict : bool
        Predict conductivities (the Conductivity tab).
    barriers : DataFrame, optional
        OBELiX barriers for the Transport tab's σ-vs-barrier map
        (:func:`ssenb.transport.migration_barriers` with a ``log10_sigma`` column); by
        default they are computed from ``obelix`` in the background on first use.
    """

    summary = traitlets.Any(None, allow_none=True)
    material = traitlets.Any(None, allow_none=True)

    def __init__(
        self,
        material: Material | pd.DataFrame | None = None,
        *,
        models: dict | None = None,
        obelix: pd.DataFrame | None = None,
        source: Any = None,
        predict: bool = True,
        barriers: pd.DataFrame | None = None,
        **kwargs: Any,
    ) -> None:
        from ..thermo import ELECTRODES

        self.models = dict(models or {})
        self.source = source
        self.predict = predict
        self._obelix = obelix
        self._busy = False
        self.search = w.Text(
            placeholder="search OBELiX: formula, family or id",
            continuous_update=True,
            description="search",
            layout=w.Layout(width="300px"),
        )
        self.pick = w.Dropdown(
            options=[("(choose an OBELiX material)", None)],
            value=None,
            description="OBELiX",
            layout=w.Layout(width="420px"),
        )
        self._entries: list[tuple[str, Any]] = []
        self.formula = w.Text(
            placeholder="or type a formula, e.g. Li6PS5Cl",
            continuous_update=False,
            description="formula",
        )
        self.upload = w.FileUpload(accept=".cif", multiple=False, description="CIF")
        self.status = Status()
        self.progress = w.Output()
        # figures are made and drawn when their tab is shown (see FigureSlot)
        self._structure_slot = FigureSlot()
        self.structure_note = w.HTML()
        self.conductivity = w.HTML()
        self._waterfall_slot = FigureSlot(shown=False)
        self.stability = w.HTML()
        self._hull_slot = FigureSlot(shown=False)
        self.window = WindowExplorer("", source=source)
        self.window.slot.hide()
        # the Explorer's material drives the window tab: no second formula box to go stale
        self.window.formula.disabled = True
        self.window.formula.layout.display = "none"
        self.window_note = w.HTML()
        self.electrode = w.Dropdown(
            options=list(ELECTRODES), value="LiCoO2", description="electrode"
        )
        self._interface_slot = FigureSlot(shown=False)
        self.interface_note = w.HTML()
        self.transport = TransportTab(lambda: self.obelix, self.status, barriers=barriers)
        self.transport_note = self.transport.note
        self.interphase = InterphaseTab(self.status, source=source)
        self.properties_panel = PropertiesPanel()
        self.properties_panel.formula.layout.display = "none"  # the Explorer's material drives it
        self.model_note = w.HTML()  # a structure model being fitted in the background
        self._model_wait: Any = None  # the job whose answer the current material awaits
        self._tab_slots: tuple[tuple[FigureSlot, ...], ...] = (
            (self._structure_slot,),
            (self._waterfall_slot,),
            (self._hull_slot,),
            (self.window.slot,),
            (self._interface_slot,),
            self.transport.slots,
            self.interphase.slots,
            (),
        )
        self.tabs = w.Tab(
            children=[
                w.VBox([self.structure_note, self._structure_slot.box]),
                w.VBox([self.model_note, self.conductivity, self._waterfall_slot.box]),
                w.VBox([self.stability, self._hull_slot.box]),
                w.VBox([self.window_note, self.window]),
                w.VBox([self.electrode, self.interface_note, self._interface_slot.box]),
                self.transport,
                self.interphase,
                self.properties_panel,
            ]
        )
        for i, title in enumerate(TABS):
            self.tabs.set_title(i, title)
        super().__init__(
            [
                w.HBox([self.search, self.pick]),
                w.HBox([self.formula, self.upload]),
                self.status.widget,
                self.progress,
                self.tabs,
            ],
            **kwargs,
        )
        self._fill_picker()
        self.pick.observe(self._on_pick, names="value")
        self.search.observe(self._on_search, names="value")
        self.formula.observe(self._on_formula, names="value")
        self.upload.observe(self._on_upload, names="value")
        self.electrode.observe(lambda _: self._interface(), names="value")
        self.tabs.observe(self._on_tab, names="selected_index")
        self._shown_tab = self.tabs.selected_index or 0
        self._waterfall_of: Any = None  # the summary whose SHAP waterfall is drawn
        if material is None:
            self._reset("Pick an OBELiX material, type a formula or upload a CIF.")
        else:
            self.analyse(material)  # which clears every tab first

    # --- figures (each made when its tab is first shown) ------------------------------
    @property
    def structure_fig(self) -> Any:
        """FigureWidget of the Structure tab."""
        return self._structure_slot.figure

    @property
    def waterfall(self) -> Any:
        """FigureWidget of the SHAP waterfall (Conductivity tab)."""
        return self._waterfall_slot.figure

    @property
    def interface_fig(self) -> Any:
        """FigureWidget of the reaction-energy curve (Interface tab)."""
        return self._interface_slot.figure

    @property
    def transport_fig(self) -> Any:
        """FigureWidget of the BVSE pathway (Transport tab)."""
        return self.transport.figure

    def draw_all(self) -> None:
        """Make every tab's figures now, and leave a static copy of every tab below the cell.

        Why: a notebook exported to HTML or printed has no kernel to draw a tab, nor the
        widget manager to show the widget; call this before saving or exporting, and the
        saved notebook shows every tab's text and figure offline (:meth:`snapshot`). The
        Transport tab's OBELiX map is still computed only when its tab is opened. A tab
        not opened yet gets its figure but no FigureWidget until it is opened (each
        carries plotly.js, about 5 MB, into a saved notebook's widget state).
        """
        with self.status.briefly("drawing every tab"):
            if self._waterfall_pending():
                self._waterfall()
            self.interphase.activate()
            self.interphase.wait()  # the scan, when it runs in the background
            for slots in self._tab_slots:
                for slot in slots:
                    slot.prepare()
        self.snapshot()

    # --- the picker ---------------------------------------------------------------
    @property
    def obelix(self) -> pd.DataFrame:
        """The OBELiX table behind the picker (loaded once)."""
        if self._obelix is None:
            from ..data import load_obelix

            self._obelix = load_obelix("train")
        return self._obelix

    def _fill_picker(self) -> None:
        from ..data.materials import display_formula

        table, has_cif = self._picker_rows()
        entries = []
        for idx, row in table.iterrows():
            comp = row["reduced_composition"]
            formula = display_formula(comp) if comp is not None else "?"
            cif = "CIF" if has_cif[idx] else "no CIF"
            entries.append((f"{formula} ({row['family']}, {cif}) [{row['id']}]", idx))
        entries.sort(key=lambda e: e[0].lower())
        self._entries = entries
        self.pick.options = [("(choose an OBELiX material)", None), *entries]

    def _on_search(self, change: dict[str, Any]) -> None:
        """Narrow the picker to the entries whose label holds every word typed."""
        words = str(change["new"]).lower().split()
        hits = [e for e in self._entries if all(word in e[0].lower() for word in words)]
        head = (
            f"({len(hits)} of {len(self._entries)} match {change['new'].strip()!r})"
            if words
            else "(choose an OBELiX material)"
        )
        current = self.pick.value
        self._busy = True  # new options are not a pick
        try:
            self.pick.options = [(head, None), *hits]
            self.pick.value = current if any(idx == current for _, idx in hits) else None
        finally:
            self._busy = False

    def _picker_rows(self) -> tuple[pd.DataFrame, pd.Series]:
        """(OBELiX rows for the picker, whether each has a CIF) without parsing any CIF.

        Parsing the 254 CIFs of OBELiX train takes seconds; the picker needs only which
        rows have one (a member of the CIF archive), so the full table is read on the
        first pick, not when the Explorer opens.
        """
        if self._obelix is not None:
            return self._obelix, self._obelix["structure"].notna()
        from ..data import fetch, load_obelix
        from ..data.obelix import read_cif_archive

        table = load_obelix("train", structures=False)
        with_cif = set(read_cif_archive(fetch("obelix/train_cifs.tar.gz")))
        return table, table["id"].isin(with_cif)

    # --- inputs: one current material, the other inputs cleared -----------------------
    def _on_pick(self, change: dict[str, Any]) -> None:
        if self._busy or change["new"] is None:
            return
        row = self.obelix.loc[change["new"]]
        self._set_inputs(pick=change["new"])
        self.analyse(self.obelix.loc[[change["new"]]], label=f"OBELiX {row['id']}")

    def _on_formula(self, change: dict[str, Any]) -> None:
        if self._busy or not change["new"].strip():
            return
        self._set_inputs(formula=change["new"])
        self.analyse(change["new"].strip())

    def _on_upload(self, change: dict[str, Any]) -> None:
        if self._busy or not change["new"]:
            return
        item = change["new"][0]
        self._set_inputs()
        self.load_cif(bytes(item["content"]), name=str(item.get("name", "upload.cif")))

    def _set_inputs(self, *, pick: object = None, formula: str = "") -> None:
        """Show one material in the inputs: the control used keeps it, the others clear."""
        self._busy = True
        try:
            self.pick.value = pick
            self.formula.value = formula
            if pick is not None or formula:
                self.upload.value = ()
        finally:
            self._busy = False

    def load_cif(self, content: bytes | str, *, name: str = "upload.cif") -> None:
        """Analyse the structure in a CIF (what the upload button does); bounded in size."""
        from ..data import parse_cif

        with self.status.working(f"reading {name}"):  # parse_cif bounds the size first
            structure, reason = parse_cif(content)
            if structure is None:
                self._reset("")
                raise InvalidInputError(
                    f"{name} could not be read: {reason}. Check that it is a CIF file."
                )
            self.analyse(structure, label=name)

    # --- analysis -------------------------------------------------------------------
    def analyse(self, material: Material | pd.DataFrame, *, label: str | None = None) -> None:
        """Run every tab for ``material`` (formula, Composition, Structure or OBELiX row)."""
        from ..summary import summarize

        self._reset(WAITING)
        name = label or (material if isinstance(material, str) else None)
        ok = False
        with self.status.working(f"analysing {name or 'the material'}"):
            self.progress.clear_output()
            failure: Exception | None = None
            job = self._structure_model_job(material)
            waiting = job is not None and job.model is None  # decided once, used below
            with self.progress:  # tqdm of a first model fit shows here
                # ipywidgets' Output swallows exceptions inside a kernel (it prints the
                # traceback): catch here, raise below, so the status line says what to fix
                try:
                    summary = summarize(
                        material,
                        label=name,
                        electrodes=(self.electrode.value,),
                        source=self.source,
                        predict=self.predict and not waiting,
                        models=self._models_with(job),
                    )
                    if waiting:  # the composition model's answer first
                        summary = self._composition_answer(summary, material)
                except Exception as err:
                    failure = err
            if failure is not None:
                raise failure
            self.material = material
            self.summary = summary
            self._show()
            ok = True
            if waiting:
                self._await_model(job, material)
            problems = "; ".join(f"{k}: {v}" for k, v in summary.errors.items())
            if problems:
                self.status.error(f"{summary.label}: some analyses failed ({problems})")
            else:
                self.status.info(f"{summary.label}: done")
        if not ok:
            self._reset("no material: see the message above")

    def _reset(self, message: str) -> None:
        """Clear every tab, so nothing of a previous material stays on screen."""
        self._model_wait = None
        self.model_note.value = ""
        self.summary = None
        for slot in (
            self._structure_slot,
            self._waterfall_slot,
            self._interface_slot,
            self._hull_slot,
        ):
            slot.clear(message)
        for box in (self.structure_note, self.conductivity, self.stability, self.interface_note):
            box.value = html.escape(message)
        self.transport.reset(message)
        self.interphase.forget(message)
        self.properties_panel.properties = None
        self.properties_panel.table.value = html.escape(message)
        self.properties_panel.status.info("")
        self.window.formula.value = ""  # no old formula left behind (its observer clears)
        self.window.result = None
        self.window.slot.clear(message)
        self.window.phases.value = ""
        self.window.status.info(message)
        self.window_note.value = ""

    def _show(self) -> None:
        s = self.summary
        self._structure()
        self.stability.value = (
            s.stability._repr_html_() if s.stability else _error_html(s.errors.get("stability"))
        )
        self._hull()
        if self.window.formula.value != s.formula:  # the window tab follows the material
            self.window.formula.value = s.formula  # (its observer computes)
        else:
            self.window.compute()
        self.window_note.value = _off_stoichiometry_note(s.formula, self.window.result)
        self._show_interface(
            s.interfaces.get(self.electrode.value),
            s.errors.get(f"interface:{self.electrode.value}"),
        )
        self._conductivity()
        self._transport()
        self._properties()
        self.interphase.show(s.formula, s.ion)

    def _properties(self) -> None:
        """Band gap, G, K and the Monroe–Newman verdict: the summary's (never a model fit)."""
        s = self.summary
        if s.properties is None:
            self.properties_panel.properties = None
            self.properties_panel.table.value = _error_html(s.errors.get("properties"))
            return
        self.properties_panel.show(s.properties)

    def _thermo_input(self) -> Any:
        from ..summary import material_of

        return material_of(self.material)

    def _structure(self) -> None:
        from ..viz import structure_3d

        m = self._thermo_input()
        if hasattr(m, "lattice"):
            self._structure_slot.draw(lambda: structure_3d(m))
            self.structure_note.value = ""
        else:
            origin = (
                "This OBELiX entry has no CIF"
                if self.summary and self.summary.label.startswith("OBELiX")
                else "A formula has no structure"
            )
            self._structure_slot.clear("no structure")
            self.structure_note.value = html.escape(
                f"{origin}: pick an OBELiX entry with a CIF or upload one to see {self.summary.formula}."
            )

    def _hull(self) -> None:
        """The phase diagram of the material's system (2 to 4 elements), material starred."""
        s = self.summary
        n_el = len(s.stability.chemsys.split("-")) if s.stability else 0
        if not 2 <= n_el <= 4:
            self._hull_slot.clear(
                f"no phase diagram: {n_el} elements (2 to 4 can be drawn)" if n_el else ""
            )
            return
        from ..viz import hull_diagram

        elements, source, formula = s.stability.chemsys.split("-"), self.source, s.formula
        height = HULL_HEIGHT_PX[n_el]  # a tetrahedron needs room for its labels
        self._hull_slot.draw(
            lambda: hull_diagram(elements, source=source, highlight=formula).update_layout(
                height=height
            )
        )

    def _interface(self) -> None:
        if self.material is None or self.summary is None:
            return
        from ..thermo import interface_reactions

        with self.status.working(f"reactions with {self.electrode.value}"):
            try:
                result = interface_reactions(
                    self._thermo_input(), self.electrode.value, source=self.source
                )
            except Exception as err:
                self._show_interface(None, str(err))  # no curve of the previous electrode
                raise
            self._show_interface(result, None)  # a failure to draw goes to the status line
        if not self.status.failed:  # the line names the material again
            self.status.info(f"{self.summary.label}: done (interface with {self.electrode.value})")

    def _show_interface(self, result: InterfaceReactions | None, error: str | None) -> None:
        from ..viz import reaction_energy_curve

        if result is None:
            self._interface_slot.clear("not computed")
            self.interface_note.value = _error_html(error)
            return
        self._interface_slot.draw(lambda: reaction_energy_curve(result))
        self.interface_note.value = result._repr_html_()

    def _transport(self) -> None:
        """The BVSE pathway, its 1D/2D/3D barriers and the σ map (see ``_transport.py``)."""
        self.transport.show(self.summary, self.material)

    def _conductivity(self) -> None:
        s = self.summary
        if s.prediction is None:
            self._waterfall_slot.clear("no prediction")
            self.conductivity.value = _error_html(
                s.errors.get("prediction") or "prediction switched off (predict=False)"
            )
            return
        self.conductivity.value = s.prediction._repr_html_()  # names its model
        self._waterfall_slot.clear(f"SHAP contributions {WAITING}")
        if self.tabs.selected_index == _CONDUCTIVITY_TAB:
            self._waterfall()

    def _on_tab(self, change: dict[str, Any]) -> None:
        """Draw the opened tab's figures; the status line keeps the analysis' message."""
        old, new = self._shown_tab, change["new"]
        self._shown_tab = new
        if old is not None and old != new:
            for slot in self._tab_slots[old]:
                slot.hide()
        if new is None:
            return
        if new == _CONDUCTIVITY_TAB and self._waterfall_pending():
            with self.status.briefly("SHAP contributions"):
                self._waterfall()
        with self.status.briefly(f"drawing the {TABS[new]} tab"):
            for slot in self._tab_slots[new]:
                slot.show()
        if new == TABS.index("Transport"):
            self.transport.activate()  # reports its own failures; never raises
        if new == _INTERPHASE_TAB:
            self.interphase.activate()  # its own status handling; never raises
        elif old == _INTERPHASE_TAB:
            self.interphase.deactivate()

    def _waterfall_pending(self) -> bool:
        s = self.summary
        return s is not None and s.prediction is not None and self._waterfall_of is not s

    def _waterfall(self) -> None:
        """The SHAP waterfall of the current prediction (once per material)."""
        if not self._waterfall_pending():
            return
        from ..explain import explain
        from ..models import default_model
        from ..viz import shap_waterfall

        s = self.summary
        preset = s.prediction.preset
        model = self.models.get(preset) or default_model(preset)
        X = self.material if hasattr(self.material, "iloc") else [self.material]
        if preset == "composition" and not isinstance(self.material, str):
            from ..data.materials import to_composition
            from ..summary import material_of

            X = [
                to_composition(material_of(self.material)).reduced_composition
            ]  # the answer shown: composition
        explanation = explain(model, X)
        self._waterfall_slot.draw(lambda: shap_waterfall(explanation))
        self._waterfall_of = s


def _off_stoichiometry_note(formula: str, window: Any) -> str:
    """Why a CIF's composition can have no window where its ideal formula has one.

    A disordered CIF's occupancies sum to a composition slightly off the ideal one
    (OBELiX's LGPS: Li20.06Ge2P4S24, not Li20Ge2P4S24). On the hull that excess is
    already a little of the reduction products (here 0.3 % Li2S and P), so the material
    is at its reduction limit at every voltage: "no window", while Li10GeP2S12 typed as a
    formula has 1.72-2.29 V. Said where the user sees it (issue 19), not hidden.
    """
    from ..data.materials import to_composition

    if window is None or not window.is_empty:
        return ""
    comp = to_composition(formula)
    if all(abs(amount - round(amount)) < 1e-6 for amount in comp.values()):
        return ""
    return (
        "<small>⚠ "
        + html.escape(
            f"{formula} is the composition of the CIF's partial occupancies, not a whole-number "
            "formula. Its small excess or deficit over the ideal compound already contains a "
            "little of the decomposition products, so it decomposes at any voltage: no window. "
            "Type the ideal formula (for OBELiX's LGPS, Li10GeP2S12) for the window of the "
            "phase itself."
        )
        + "</small>"
    )


def _error_html(text: object) -> str:
    return f"<span style='color:#b00020'>Not computed: {html.escape(str(text or ''))}</span>"


__all__ = ["TABS", "Explorer"]
