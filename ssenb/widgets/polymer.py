"""Polymer-electrolyte explorer: a repeat unit, a salt and its molality in; σ(T) out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd
import traitlets

from .. import keys as K
from ..data.polymer_electrolytes import ZERO_CELSIUS_K
from ._common import FigureSlot, Status

if TYPE_CHECKING:
    from ..models.polymer import PolymerConductivityModel

#: The temperature slider's span, °C (the data cover -30 to 190 °C; beyond is flagged).
T_SLIDER_C = (-60.0, 250.0)


class PolymerExplorer(w.VBox):
    """Type or pick a polymer repeat unit, choose a Li salt and molality, see σ(T).

    Shows the repeat unit's 2D drawing, the predicted σ(T) (1000/T axis, ±1 std band,
    dotted outside the measured temperatures) with the measured points of the nearest
    polymers in the data, the SHAP explanation by mechanism family at the middle of the
    temperature range, and the domain notes. The ``result`` trait holds the current
    prediction table (None after an error).

    Parameters
    ----------
    polymer : str
        Repeat-unit SMILES with two chain ends (``*CCO*`` is PEO).
    salt : str
        Salt name as in the data (``LiTFSI`` ...).
    model : PolymerConductivityModel, optional
        Default: :func:`ssenb.models.polymer.default_polymer_model` (fitted once, ~10 s).
    data : DataFrame, optional
        Measured data for the pick lists and the nearest polymers (default: the loader's).

    Examples
    --------
    >>> ex = PolymerExplorer("*CCO*", salt="LiTFSI")  # doctest: +SKIP
    >>> ex.molality.value = 2.0  # doctest: +SKIP
    """

    result = traitlets.Any(None, allow_none=True)

    def __init__(
        self,
        polymer: str = "*CCO*",
        *,
        salt: str = "LiTFSI",
        model: PolymerConductivityModel | None = None,
        data: pd.DataFrame | None = None,
        **kwargs: Any,
    ) -> None:
        from ..data import load_polymer_electrolytes
        from ..models.polymer import default_polymer_model

        self.data = data if data is not None else load_polymer_electrolytes()
        self.data = self.data[self.data[K.SMILES_ERROR] == ""]
        self.model = model if model is not None else default_polymer_model()
        salts = self.data.drop_duplicates(K.SALT).set_index(K.SALT)[K.SALT_SMILES]
        self.salt_smiles = salts.to_dict()
        counts = self.data[K.POLYMER].value_counts()
        self.polymer = w.Combobox(
            value=polymer, options=list(counts.index), description="repeat unit",
            placeholder="SMILES with two * ends", ensure_option=False, continuous_update=False,
            layout=w.Layout(width="420px"),
        )  # fmt: skip
        names = list(self.data[K.SALT].value_counts().index)
        self.salt = w.Dropdown(
            options=names, value=salt if salt in names else names[0], description="salt"
        )
        self.molality = w.FloatText(value=1.0, description="mol/kg", step=0.1)
        self.mw = w.FloatText(value=1e5, description="Mw (g/mol)")
        self.temperatures = w.FloatRangeSlider(
            value=(-30.0, 190.0), min=T_SLIDER_C[0], max=T_SLIDER_C[1], step=5.0,
            description="T (°C)", continuous_update=False, layout=w.Layout(width="95%"),
        )  # fmt: skip
        self.drawing = w.HTML()
        self.notes = w.HTML()
        self.nearest = w.HTML()
        self.status = Status()
        self.curve_slot = FigureSlot()
        self.shap_slot = FigureSlot()
        super().__init__(
            [
                w.HBox([self.polymer, self.salt]),
                w.HBox([self.molality, self.mw]),
                self.temperatures,
                self.drawing,
                self.status.widget,
                self.curve_slot.box,
                self.notes,
                self.shap_slot.box,
                self.nearest,
            ],
            **kwargs,
        )
        for control in (self.polymer, self.salt, self.molality, self.mw, self.temperatures):
            control.observe(lambda _: self.compute(), names="value")
        self.compute()

    @property
    def figure(self) -> Any:
        """The σ(T) FigureWidget."""
        return self.curve_slot.figure

    @property
    def shap_figure(self) -> Any:
        """The SHAP-by-family FigureWidget."""
        return self.shap_slot.figure

    def compute(self) -> None:
        """Redraw everything for the current controls (errors go to the status line)."""
        from ..explain.polymer import by_family, explain_polymer
        from ..models.polymer_outlook import polymer_outlook
        from ..viz import conductivity_arrhenius, shap_waterfall
        from ..viz.polymer import repeat_unit_svg

        self.result = None
        self.drawing.value = ""  # never the previous polymer's drawing beside an error
        smiles = self.polymer.value.strip()
        with self.status.working(f"predicting σ(T) of {smiles} + {self.salt.value}"):
            self.drawing.value = repeat_unit_svg(smiles)
            out = polymer_outlook(
                smiles,
                salt=self.salt.value,
                molality=float(self.molality.value),
                mw=float(self.mw.value),
                temperatures_C=self.temperatures.value,
                model=self.model,
                data=self.data,
            )
            frame = out.prediction
            explanation = by_family(explain_polymer(self.model, out.inputs))
            self.curve_slot.draw(
                lambda: conductivity_arrhenius(out.curve, measured=out.measured).update_layout(
                    height=480
                )
            )
            self.shap_slot.draw(lambda: shap_waterfall(explanation))
            self.notes.value = out.notes_html()
            self.nearest.value = out.nearest_html()
            self.result = frame
            row = frame.iloc[0]
            self.status.info(
                f"at {out.temperature_K - ZERO_CELSIUS_K:.0f} °C: log10 σ = "
                f"{row[K.PREDICTION]:.2f} ± {row[K.PREDICTION_STD]:.2f} (S/cm); "
                f"VTF B = {row[K.VTF_B]:.0f} K, T0 = {row[K.VTF_T0]:.0f} K"
            )
        if self.result is None:
            self.curve_slot.clear("no prediction: see the message above")
            self.shap_slot.clear("")
            self.notes.value = ""
