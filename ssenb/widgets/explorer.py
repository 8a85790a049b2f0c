"""The Explorer: one material in (OBELiX pick, formula, or CIF upload), every analysis out."""

from __future__ import annotations

import html
import math

from ..errors import InvalidInputError
from ._common import Status, figure_widget, swap

TABS = ("Structure", "Conductivity", "Stability", "Window", "Interface")


class Explorer:
    """Pick an OBELiX material, type a formula, or upload a CIF; see structure, predicted
    conductivity with its SHAP waterfall, hull distance, stability window (with a voltage
    slider) and interface reactions with a chosen electrode.

    Parameters
    ----------
    model : ConductivityModel, optional
        A fitted model; without one, a model is fitted on the OBELiX training split the
        first time a conductivity is asked for (about 10 s, shown in the status line).
    source : optional
        Hull data for the thermodynamics (default: offline MP ~2019 snapshot).
    """

    def __init__(self, *, model=None, source=None) -> None:
        import ipywidgets as w

        from ..data import load_obelix
        from ..thermo import ELECTRODES

        self.model = model
        self.source = source
        self.obelix = load_obelix("train")
        options = [("(choose)", None)] + [
            (f"{row.id}: {row.reduced_composition.reduced_formula} ({row.family})", row.Index)
            for row in self.obelix.itertuples()
        ]
        self.pick = w.Dropdown(options=options, value=None, description="OBELiX")
        self.formula = w.Text(
            placeholder="or type a formula, e.g. Li6PS5Cl",
            continuous_update=False,
            description="formula",
        )
        self.upload = w.FileUpload(accept=".cif", multiple=False, description="CIF")
        self.status = Status()
        self.structure_fig = figure_widget()
        self.structure_note = w.HTML()
        self.conductivity = w.HTML()
        self.waterfall = figure_widget()
        self.stability = w.HTML()
        self.window_fig = figure_widget()
        self.voltage = w.FloatSlider(
            value=0.0, min=0.0, max=6.0, step=0.01, description="V vs Li/Li⁺", readout_format=".2f"
        )
        self.window_phases = w.HTML()
        self.electrode = w.Dropdown(
            options=list(ELECTRODES), value="LiCoO2", description="electrode"
        )
        self.interface_fig = figure_widget()
        self.interface_note = w.HTML()
        self.tabs = w.Tab(
            children=[
                w.VBox([self.structure_note, self.structure_fig]),
                w.VBox([self.conductivity, self.waterfall]),
                self.stability,
                w.VBox([self.window_fig, self.voltage, self.window_phases]),
                w.VBox([self.electrode, self.interface_note, self.interface_fig]),
            ]
        )
        for i, title in enumerate(TABS):
            self.tabs.set_title(i, title)
        self.material = None  # Composition or Structure under analysis
        self.window = None
        self.pick.observe(self._on_pick, names="value")
        self.formula.observe(
            lambda ch: ch["new"] and self.analyse(ch["new"].strip()), names="value"
        )
        self.upload.observe(self._on_upload, names="value")
        self.voltage.observe(lambda _: self._show_window_phases(), names="value")
        self.electrode.observe(lambda _: self._interface(), names="value")
        self.widget = w.VBox(
            [w.HBox([self.pick, self.formula, self.upload]), self.status.widget, self.tabs]
        )

    # --- inputs -------------------------------------------------------------------
    def _on_pick(self, change) -> None:
        if change["new"] is None:
            return
        row = self.obelix.loc[change["new"]]
        self.analyse(
            row["structure"] if row["structure"] is not None else row["reduced_composition"],
            label=row["id"],
        )

    def _on_upload(self, change) -> None:
        files = change["new"]
        if files:
            item = files[0]
            self.load_cif(
                bytes(item["content"]).decode("utf-8", errors="replace"),
                name=item.get("name", "upload.cif"),
            )

    def load_cif(self, text: str, *, name: str = "upload.cif") -> None:
        """Analyse the structure in a CIF's text (what the upload button does)."""
        from ..data import parse_cif

        structure, reason = parse_cif(text)
        if structure is None:
            self.status.error(f"{name} could not be read: {reason}. Check that it is a CIF file.")
            return
        self.analyse(structure, label=name)

    # --- analysis -----------------------------------------------------------------
    def analyse(self, material, *, label: str | None = None) -> None:
        """Run every tab for ``material`` (formula, Composition or Structure)."""
        from pymatgen.core import Composition, Structure

        from ..data.materials import to_composition

        with self.status.working(f"analysing {label or material}"):
            if isinstance(material, str):
                to_composition(material)  # a clear error for a garbage formula
                material = Composition(material)
            if not isinstance(material, Composition | Structure):
                raise InvalidInputError(f"cannot analyse a {type(material).__name__}")
            self.material = material
            self._structure()
            self._thermo()
            self._interface()
            self._conductivity()
            self.status.info(f"{label or self._formula()}: done")

    def _formula(self) -> str:
        comp = self.material.composition if hasattr(self.material, "lattice") else self.material
        return comp.reduced_formula

    def _structure(self) -> None:
        from pymatgen.core import Structure

        from ..viz import structure_3d

        if isinstance(self.material, Structure):
            swap(self.structure_fig, structure_3d(self.material))
            self.structure_note.value = ""
        else:
            self.structure_fig.data = ()
            self.structure_note.value = (
                "No structure for a bare formula: pick an OBELiX entry with a CIF or upload one."
            )

    def _thermo(self) -> None:
        from ..thermo import phase_stability, stability_window
        from ..viz import window_profile

        stab = phase_stability(self.material, source=self.source)
        ehull = (
            "not in the data"
            if math.isnan(stab.e_above_hull)
            else f"{1000 * stab.e_above_hull:.1f} meV/atom"
        )
        decomp = " + ".join(f"{v:.3f} {k}" for k, v in stab.decomposition.items())
        self.stability.value = (
            f"<b>{html.escape(stab.formula)}</b>: energy above hull {ehull}; decomposes to {html.escape(decomp)}"
            f"<br><small>{html.escape(stab.source)}; {html.escape(stab.correction_scheme)}</small>"
        )
        self.window = stability_window(self.material, source=self.source)
        swap(self.window_fig, window_profile(self.window))
        self._show_window_phases()

    def _show_window_phases(self) -> None:
        if self.window is not None:
            v = self.voltage.value
            self.window_phases.value = (
                f"Stable at {v:.2f} V: {' + '.join(self.window.phases_at(v))}"
            )

    def _interface(self) -> None:
        if self.material is None:
            return
        from ..thermo import interface_reactions
        from ..viz import reaction_energy_curve

        with self.status.working(f"reactions with {self.electrode.value}"):
            r = interface_reactions(self.material, self.electrode.value, source=self.source)
            swap(self.interface_fig, reaction_energy_curve(r))
            self.interface_note.value = (
                f"Most negative: {r.min_energy:.3f} eV/atom — {html.escape(r.min_reaction)}"
            )

    def _conductivity(self) -> None:
        from ..explain import explain
        from ..models import ConductivityModel
        from ..viz import shap_waterfall

        if self.model is None:
            self.status.info("fitting the conductivity model on OBELiX (first use only)")
            self.model = ConductivityModel(random_state=0).fit(self.obelix)
        mean, std = self.model.predict([self.material], return_std=True)
        self.conductivity.value = (
            f"Predicted log10 σ = <b>{mean[0]:.2f} ± {std[0]:.2f}</b> (S/cm, ensemble spread) — "
            + ("likely superionic (σ ≥ 1e-4 S/cm)" if mean[0] >= -4 else "not superionic")
        )
        swap(self.waterfall, shap_waterfall(explain(self.model, [self.material])))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
