"""Polymer-electrolyte explorer: a repeat unit, a salt and its molality in; σ(T) out."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import numpy as np
import pandas as pd
import traitlets

from .. import keys as K
from ..data.polymer_electrolytes import ZERO_CELSIUS_K
from ._common import FigureSlot, Status

if TYPE_CHECKING:
    from ..models.polymer import PolymerConductivityModel

#: The temperature slider's span, °C (the data cover -30 to 190 °C; beyond is flagged).
T_SLIDER_C = (-60.0, 250.0)
N_TEMPERATURES = 60
N_NEAREST = 3
MAX_POINTS = 150  # measured points drawn per nearest polymer


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

    def _row(self, temperature_K: float) -> pd.DataFrame:
        mw = float(self.mw.value)
        return pd.DataFrame(
            {
                K.POLYMER: [self.polymer.value.strip()],
                K.SALT: [self.salt.value],
                K.SALT_SMILES: [self.salt_smiles[self.salt.value]],
                K.MOLALITY: [np.nan if self.salt_smiles[self.salt.value] == "" else float(self.molality.value)],
                K.MW: [mw if mw > 0 else np.nan],
                K.TEMPERATURE_K: [temperature_K],
            }
        )  # fmt: skip

    def compute(self) -> None:
        """Redraw everything for the current controls (errors go to the status line)."""
        from ..explain.polymer import by_family, explain_polymer
        from ..features.polymer import nearest_polymers
        from ..viz import conductivity_arrhenius, shap_waterfall
        from ..viz.polymer import repeat_unit_svg

        self.result = None
        self.drawing.value = ""  # never the previous polymer's drawing beside an error
        smiles = self.polymer.value.strip()
        with self.status.working(f"predicting σ(T) of {smiles} + {self.salt.value}"):
            self.drawing.value = repeat_unit_svg(smiles)
            lo_c, hi_c = self.temperatures.value
            t = np.linspace(lo_c, hi_c, N_TEMPERATURES) + ZERO_CELSIUS_K
            mid = self._row(float(t[len(t) // 2]))
            curve = self.model.predict_curve(mid, t)
            curve["label"] = f"predicted: {self.salt.value}, {self.molality.value:g} mol/kg"
            near = nearest_polymers(smiles, list(self.data[K.POLYMER].unique()), k=N_NEAREST)
            measured = _measured(self.data, list(near[K.POLYMER]), self.salt.value)
            frame = self.model.predict_frame(mid)
            explanation = by_family(explain_polymer(self.model, mid))
            self.curve_slot.draw(
                lambda: conductivity_arrhenius(curve, measured=measured).update_layout(height=480)
            )
            self.shap_slot.draw(lambda: shap_waterfall(explanation))
            self.notes.value = _notes_html(frame)
            self.nearest.value = _nearest_html(near, self.data)
            self.result = frame
            row = frame.iloc[0]
            self.status.info(
                f"at {t[len(t) // 2] - ZERO_CELSIUS_K:.0f} °C: log10 σ = {row[K.PREDICTION]:.2f} "
                f"± {row[K.PREDICTION_STD]:.2f} (S/cm); VTF B = {row[K.VTF_B]:.0f} K, "
                f"T0 = {row[K.VTF_T0]:.0f} K"
            )
        if self.result is None:
            self.curve_slot.clear("no prediction: see the message above")
            self.shap_slot.clear("")
            self.notes.value = ""


def _measured(data: pd.DataFrame, polymers: list[str], salt: str) -> pd.DataFrame:
    """Measured points of each polymer: with the chosen salt where it has any, at most 150."""
    parts = []
    for p in polymers:
        rows = data[data[K.POLYMER] == p]
        same = rows[rows[K.SALT] == salt]
        rows = (same if len(same) else rows).head(MAX_POINTS)
        parts.append(rows.assign(label=f"measured: {p} + {rows[K.SALT].iloc[0]}"))
    return pd.concat(parts) if parts else data.head(0)


#: What the band means and how far to trust it (docs/polymer_model.md, 10-fold polymer CV).
BAND_NOTE = (
    "The band is the spread of the model's bootstrap members, not the error to expect: "
    "for polymers held out of training the mean absolute error is about 1 decade of σ "
    "(polymer-grouped CV, docs/polymer_model.md)."
)


def _notes_html(frame: pd.DataFrame) -> str:
    row = frame.iloc[0]
    if row["in_domain"]:
        domain = "<b>Domain:</b> like the training electrolytes."
    else:
        notes = html.escape(row["domain_notes"])
        domain = f"<b>Domain:</b> <span style='color:#b00020'>{notes}</span>"
    return f"{domain}<br><small>{html.escape(BAND_NOTE)}</small>"


def _nearest_html(near: pd.DataFrame, data: pd.DataFrame) -> str:
    counts = data[K.POLYMER].value_counts()
    rows = "".join(
        f"<tr><td><code>{html.escape(p)}</code></td><td>{d:.2f}</td><td>{int(counts.get(p, 0))}</td></tr>"
        for p, d in zip(near[K.POLYMER], near["distance"], strict=True)
    )
    return (
        "<b>Nearest polymers in the data</b> (their measurements are drawn above)"
        "<table><tr><th>repeat unit</th><th>descriptor distance</th><th>measurements</th></tr>"
        f"{rows}</table>"
    )
