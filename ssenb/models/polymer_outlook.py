"""One polymer electrolyte's σ(T) outlook: the prediction, its domain and the nearest data.

The one place that turns (repeat unit, salt, molality) into what a person reads: the
:class:`~ssenb.widgets.PolymerExplorer` and the polymer page of ``ssenb report`` both call
:func:`polymer_outlook`, so they show the same curve, notes and neighbours.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import keys as K
from ..data.polymer_electrolytes import ZERO_CELSIUS_K
from ..errors import InvalidInputError

if TYPE_CHECKING:
    from .polymer import PolymerConductivityModel

#: What the band means and how far to trust it (docs/polymer_model.md, 10-fold polymer CV).
BAND_NOTE = (
    "The band is the spread of the model's bootstrap members, not the error to expect: "
    "for polymers held out of training the mean absolute error is about 1 decade of σ "
    "(polymer-grouped CV, docs/polymer_model.md)."
)
N_TEMPERATURES = 60
N_NEAREST = 3
MAX_POINTS = 150  # measured points kept per nearest polymer


@dataclass(frozen=True)
class PolymerOutlook:
    """σ(T) of one electrolyte with its domain notes and the nearest measured polymers.

    Attributes
    ----------
    polymer, salt : str
        Repeat-unit SMILES as given; salt name as in the data (``LiTFSI`` ...).
    molality_mol_kg : float
    curve : DataFrame
        :meth:`PolymerConductivityModel.predict_curve` over the temperatures, with a
        ``label``.
    prediction : DataFrame
        One row at the middle temperature: log10 σ (S/cm) with std, VTF B and T0 (K), and
        ``in_domain``/``domain_notes``.
    temperature_K : float
        The middle temperature of ``prediction``.
    inputs : DataFrame
        The model's input row at ``temperature_K`` (for an explanation).
    nearest : DataFrame
        The closest repeat units of the data (``polymer``, descriptor ``distance``,
        number of ``measurements``).
    measured : DataFrame
        Their measurements (with the chosen salt where they have any), labelled.
    """

    polymer: str
    salt: str
    molality_mol_kg: float
    curve: pd.DataFrame
    prediction: pd.DataFrame
    temperature_K: float
    inputs: pd.DataFrame
    nearest: pd.DataFrame
    measured: pd.DataFrame

    def notes_html(self) -> str:
        """The domain verdict (red when outside), then what the band means."""
        row = self.prediction.iloc[0]
        if row["in_domain"]:
            domain = "<b>Domain:</b> like the training electrolytes."
        else:
            notes = html.escape(row["domain_notes"])
            domain = f"<b>Domain:</b> <span style='color:#b00020'>{notes}</span>"
        return f"{domain}<br><small>{html.escape(BAND_NOTE)}</small>"

    def nearest_html(self) -> str:
        """The nearest repeat units of the data as a small table."""
        rows = "".join(
            f"<tr><td><code>{html.escape(p)}</code></td><td>{d:.2f}</td><td>{n}</td></tr>"
            for p, d, n in zip(
                self.nearest[K.POLYMER],
                self.nearest["distance"],
                self.nearest["measurements"],
                strict=True,
            )
        )
        return (
            "<b>Nearest polymers in the data</b> (their measurements are drawn with the curve)"
            "<table><tr><th>repeat unit</th><th>descriptor distance</th><th>measurements</th>"
            f"</tr>{rows}</table>"
        )


def polymer_outlook(
    polymer: str,
    *,
    salt: str = "LiTFSI",
    molality: float = 1.0,
    mw: float = 1e5,
    temperatures_C: tuple[float, float] = (-30.0, 190.0),
    model: PolymerConductivityModel | None = None,
    data: pd.DataFrame | None = None,
) -> PolymerOutlook:
    """Predict σ(T) of a repeat unit with a Li salt, with its domain and nearest data.

    Parameters
    ----------
    polymer : str
        Repeat-unit SMILES with two chain ends (``*CCO*`` is PEO).
    salt : str
        A salt name of the data (``LiTFSI`` ...); its SMILES is taken from the data.
    molality : float
        mol salt per kg polymer.
    mw : float
        Polymer molecular weight, g/mol (0 or less: unknown).
    temperatures_C : (float, float)
        Range of the curve, °C.
    model : PolymerConductivityModel, optional
        Default: :func:`ssenb.models.polymer.default_polymer_model` (fitted once, ~10 s).
    data : DataFrame, optional
        Measured data (default: :func:`ssenb.data.load_polymer_electrolytes`).

    Raises
    ------
    InvalidInputError
        An unknown salt, a bad temperature range, or a SMILES RDKit refuses.
    """
    from ..data import load_polymer_electrolytes
    from ..features.polymer import nearest_polymers
    from .polymer import default_polymer_model

    frame = data if data is not None else load_polymer_electrolytes()
    frame = frame[frame[K.SMILES_ERROR] == ""]
    salts = frame.drop_duplicates(K.SALT).set_index(K.SALT)[K.SALT_SMILES].to_dict()
    if salt not in salts:
        raise InvalidInputError(
            f"salt={salt!r} is not a salt of the data; choose one of: "
            + ", ".join(sorted(map(str, salts))[:12])
        )
    lo_c, hi_c = (float(t) for t in temperatures_C)
    if not (np.isfinite(lo_c) and np.isfinite(hi_c) and lo_c < hi_c):
        raise InvalidInputError(f"temperatures_C={temperatures_C!r}; give (low, high) in °C")
    model = model if model is not None else default_polymer_model()
    t = np.linspace(lo_c, hi_c, N_TEMPERATURES) + ZERO_CELSIUS_K
    mid_t = float(t[len(t) // 2])
    salt_smiles = salts[salt]
    row = pd.DataFrame(
        {
            K.POLYMER: [polymer.strip()],
            K.SALT: [salt],
            K.SALT_SMILES: [salt_smiles],
            K.MOLALITY: [np.nan if salt_smiles == "" else float(molality)],
            K.MW: [float(mw) if mw > 0 else np.nan],
            K.TEMPERATURE_K: [mid_t],
        }
    )
    curve = model.predict_curve(row, t)
    curve["label"] = f"predicted: {salt}, {molality:g} mol/kg"
    near = nearest_polymers(polymer.strip(), list(frame[K.POLYMER].unique()), k=N_NEAREST)
    counts = frame[K.POLYMER].value_counts()
    near["measurements"] = [int(counts.get(p, 0)) for p in near[K.POLYMER]]
    return PolymerOutlook(
        polymer=polymer.strip(),
        salt=salt,
        molality_mol_kg=float(molality),
        curve=curve,
        prediction=model.predict_frame(row),
        temperature_K=mid_t,
        inputs=row,
        nearest=near,
        measured=measured_near(frame, list(near[K.POLYMER]), salt),
    )


def measured_near(data: pd.DataFrame, polymers: list[str], salt: str) -> pd.DataFrame:
    """Measured points of each polymer: with the chosen salt where it has any, at most 150."""
    parts = []
    for p in polymers:
        rows = data[data[K.POLYMER] == p]
        same = rows[rows[K.SALT] == salt]
        rows = (same if len(same) else rows).head(MAX_POINTS)
        if len(rows):
            parts.append(rows.assign(label=f"measured: {p} + {rows[K.SALT].iloc[0]}"))
    return pd.concat(parts) if parts else data.head(0)
